"""What every template can read: the service name, the user's role and agency, demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from wholestory.access import ROLES
from wholestory.chronology.vocabulary import agency_name


def service(request: HttpRequest) -> dict[str, Any]:
    membership = (
        getattr(request.user, "membership", None) if request.user.is_authenticated else None
    )
    return {
        "service_name": "WholeStory",
        "demo": settings.DEMO,
        "member_role": ROLES.get(membership.role, "") if membership else "",
        "member_role_code": membership.role if membership else "",
        "member_agency": agency_name(membership.agency) if membership else "",
    }
