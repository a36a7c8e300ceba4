"""What every template can read: the service name, the user's role and agency, demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from wholestory.access import CAPABILITIES, ROLES
from wholestory.chronology.vocabulary import agency_name

#: The menu: each page and the capability that opens it (``access.CAPABILITIES``), so the
#: menu shows a role exactly the pages its rules allow.
MENU: tuple[tuple[str, str, str], ...] = (
    ("/search", "Search", "search"),
    ("/alerts", "Alerts", "alerts"),
    ("/flags", "Flags", "flags_dashboard"),
    ("/upload", "Upload", "upload"),
    ("/uploads", "Uploads", "confirm_upload"),
    ("/review", "Link review", "link_review"),
    ("/approvals", "Approvals", "approve_access"),
    ("/audit", "Audit", "audit_viewer"),
    ("/users", "Users", "manage_users"),
    ("/marac", "Marac list", "marac"),
    ("/marac/meetings", "Marac meetings", "marac_meeting"),
    ("/marac/research", "Marac research", "marac_research"),
    ("/encompass", "Encompass", "encompass"),
    ("/encompass/school", "Encompass notices", "encompass_school"),
    ("/assurance/measures", "Practice measures", "practice_measures"),
    ("/assurance/programmes", "Audit programmes", "audit_programmes"),
    ("/assurance/themes", "Audit themes", "audit_themes"),
    ("/assurance/audits", "Your audits", "audit_cases"),
    ("/assurance/moderation", "Moderation", "moderate_audits"),
)


def menu(role: str) -> list[tuple[str, str]]:
    """The pages a role's capabilities open, in the menu's order."""
    return [(url, label) for url, label, able in MENU if role in CAPABILITIES[able][1]]


def service(request: HttpRequest) -> dict[str, Any]:
    membership = (
        getattr(request.user, "membership", None) if request.user.is_authenticated else None
    )
    return {
        "service_name": "WholeStory",
        "demo": settings.DEMO,
        "member_role": ROLES.get(membership.role, "") if membership else "",
        "member_role_code": membership.role if membership else "",
        "menu": menu(membership.role) if membership else [],
        "member_agency": agency_name(membership.agency) if membership else "",
    }
