"""Approvals and one-time password links: the second pair of eyes on access (issue 11, M1).

A safeguarding lead approves the new accounts at their agency and the reviewers'
grants on cases their agency holds; the partnership's information governance
officer approves partnership accounts. Nobody approves what they asked for. On
approving an account the approver sees its one-time link, once, to give to the
new user, who chooses their own password with it on the welcome page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import ROLES, Viewer
from wholestory.access_facts import facts_about
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.accounts.approval import (
    LINK_DAYS,
    approve_account,
    approve_grant,
    link_user,
    may_approve_account,
    may_approve_grant,
    refuse_account,
    refuse_grant,
    use_password_link,
    waiting_accounts,
)
from wholestory.web.accounts.models import AccessGrant, Membership
from wholestory.web.accounts.users import UserError
from wholestory.web.pages.fields import required_text
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import when


def _grants_for(viewer: Viewer) -> list[tuple[AccessGrant, set[str]]]:
    """Waiting grants this viewer may approve, each with the agencies holding the case."""
    store, out = core_store(), []
    for grant in AccessGrant.objects.select_related("user").filter(waiting=True).order_by("pk"):
        agencies = set(facts_about(store, grant.person).agencies)
        if not may_approve_grant(viewer, grant, agencies):
            out.append((grant, agencies))
    return out


@never_cache
@requires("approve_access")
@require_http_methods(["GET", "POST"])
def approvals_view(request: HttpRequest) -> HttpResponse:
    """The accounts and grants waiting for this viewer; approve one."""
    viewer = viewer_of(request)
    if request.method == "POST":
        return _decide(request, viewer)
    audited(request, "view", target="/approvals", viewer=viewer)
    return _page(request, viewer)


def _decide(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """Approve, or refuse, the account or grant named in the form: the same people may refuse
    as may approve, and each attempt is audited first, allowed or not."""
    verb = "refuse" if request.POST.get("decision") == "refuse" else "approve"
    username, grant_id = str(request.POST.get("account", "")), str(request.POST.get("grant", ""))
    grant = AccessGrant.objects.filter(pk=int(grant_id)).first() if grant_id.isdigit() else None
    agencies = set(facts_about(core_store(), grant.person).agencies) if grant else set()
    problem = _problem(viewer, username, grant, agencies).replace("approve", verb)
    audited(
        request,
        verb,
        person=grant.person if grant else "",
        target="/approvals",
        outcome="denied" if problem else "allowed",
        reason=problem,
        detail={"account": username} if username else {"grant": grant_id},
        viewer=viewer,
    )
    try:  # tried even when denied: the accounts' own check has the last word
        token = _carry_out(verb, viewer, username, grant, agencies)
    except UserError as error:  # for one, someone else decided it a moment ago
        problem = str(error)
    if problem:
        return _page(request, viewer, problem, status=403)
    if verb == "refuse":
        who = grant.user.username if grant is not None else username
        messages.success(request, f"Refused: {who} was not given access.")
        return redirect("/approvals")
    if grant is not None:
        messages.success(request, f"{grant.user.username} may now see {grant.person}.")
        return redirect("/approvals")
    link = request.build_absolute_uri(f"/welcome/{token}")
    return render(
        request,
        "pages/work/password_link.html",
        {"for_user": username, "link": link, "days": LINK_DAYS},
    )


def _carry_out(
    verb: str, viewer: Viewer, username: str, grant: AccessGrant | None, agencies: set[str]
) -> str:
    """Approve or refuse the grant or the account; an approved account's one-time link."""
    if grant is not None:
        (refuse_grant if verb == "refuse" else approve_grant)(grant, viewer, agencies)
        return ""
    if verb == "refuse":
        refuse_account(username, viewer)
        return ""
    return approve_account(username, viewer)


def _problem(viewer: Viewer, username: str, grant: AccessGrant | None, agencies: set[str]) -> str:
    """Why this viewer may not approve what they chose, or "" when they may."""
    if grant is not None:
        return may_approve_grant(viewer, grant, agencies)
    membership = Membership.objects.select_related("user").filter(user__username=username)
    found = membership.first() if username else None
    if found is None:
        return "Choose an account or an access to approve."
    return may_approve_account(viewer, found)


def _page(
    request: HttpRequest, viewer: Viewer, problem: str = "", status: int = 200
) -> HttpResponse:
    accounts = [
        {
            "username": m.user.username,
            "agency": agency_name(m.agency),
            "team": m.team,
            "role": ROLES.get(m.role, m.role),
            "added_by": m.added_by or "the server",
        }
        for m in waiting_accounts(viewer)
    ]
    grants = [
        {
            "id": g.pk,
            "reviewer": g.user.username,
            "person": g.person,
            "days": (g.ends_at - g.starts_at).days,
            "reason": g.reason,
            "by": g.granted_by,
            "when": when(g.starts_at),
        }
        for g, _ in _grants_for(viewer)
    ]
    return render(
        request,
        "pages/work/approvals.html",
        {"accounts": accounts, "grants": grants, "problem": problem},
        status=status,
    )


class WelcomeForm(forms.Form):
    password = required_text(
        "Choose a password",
        200,
        "Choose a password",
        "At least 12 characters, not a common password. Nobody else will know it.",
        strip=False,
    )
    again = required_text("Type it again", 200, "Type the password again", strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("again") and data["password"] != data["again"]:
            self.add_error("again", "The two passwords are not the same")
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def welcome_view(request: HttpRequest, token: str) -> HttpResponse:
    """A new user chooses their own password from their one-time link (no sign-in needed)."""
    user: User | None = link_user(token)
    if user is None:
        return render(request, "pages/work/welcome_gone.html", status=404)
    form = WelcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = str(form.cleaned_data["password"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            form.add_error("password", " ".join(error.messages))
        else:
            return _set_password(request, token, password, user) or render(
                request, "pages/work/welcome_gone.html", status=404
            )
    return render(
        request,
        "pages/work/welcome.html",
        {"form": form, "for_user": user.username},
        status=400 if form.errors else 200,
    )


def _set_password(
    request: HttpRequest, token: str, password: str, user: User
) -> HttpResponse | None:
    """Audit first, then set the password; None if the link was used meanwhile."""
    membership = getattr(user, "membership", None)
    audited(
        request,
        "password_set",
        target="/welcome",
        detail={"user": user.username, "by": "themselves, from their one-time link"},
        viewer=Viewer(
            user.username,
            membership.agency if membership else "",
            membership.role if membership else "",
            team=membership.team if membership else "",
        ),
    )
    try:
        use_password_link(token, password)
    except UserError:
        return None
    messages.success(request, "Your password is set. Sign in with it now.")
    return redirect("/login")


urls: list[URLPattern] = [
    path("approvals", approvals_view, name="approvals"),
    path("welcome/<str:token>", welcome_view, name="welcome"),
]
