"""The users pages: everyone who can sign in, asking for an account, a reviewer's access to
one case, a new authenticator, and the practitioner name agencies' records give a user.

Administrators manage accounts but open no case data and choose no password (issue 11,
M1): an account that could see case data, and a reviewer's access, wait for a second
person's approval (:mod:`wholestory.web.accounts.approval`).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from wholestory.access import PARTNERSHIP, REVIEWER, ROLES, TWO_FACTOR_REQUIRED
from wholestory.access_facts import facts_about
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.accounts.users import UserError, add_totp, check_agency, check_username
from wholestory.web.pages.fields import required_text
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import when

#: What a practitioner name is for, on both forms that set it.
PRACTITIONER_HINT = (
    "Their name as their agency's records give it, in the practitioner column. Their home "
    "page then lists the children their agency's open plans allocate to them."
)


class AddUserForm(forms.Form):
    username = required_text(
        "Username", 150, "Enter a username", "Usually first name and last name, like sam.jones"
    )
    agency = required_text(
        "Agency code",
        32,
        "Enter the agency code",
        "As in the agency template, like POLICE, SCHOOL or GP. PARTNERSHIP for "
        "reviewers, quality assurance, board members and administrators.",
    )
    team = forms.CharField(label="Team (optional)", max_length=200, required=False)
    practitioner = forms.CharField(
        label="Practitioner name (optional)",
        max_length=200,
        required=False,
        help_text=PRACTITIONER_HINT,
    )
    role = forms.ChoiceField(
        label="Role",
        choices=list(ROLES.items()),
        error_messages={"required": "Select a role"},
    )

    # Checked as every way of adding a user checks them (check_new_user), in the same words.
    def clean_username(self) -> str:
        name = str(self.cleaned_data["username"]).strip()
        try:
            check_username(name)
        except UserError as problem:
            raise ValidationError(str(problem)) from problem
        return name

    def clean_agency(self) -> str:
        try:
            return check_agency(str(self.cleaned_data["agency"]))
        except UserError as problem:
            raise ValidationError(str(problem)) from problem


class PractitionerForm(forms.Form):
    practitioner = forms.CharField(
        label="Practitioner name", max_length=200, required=False, help_text=PRACTITIONER_HINT
    )


class GrantForm(forms.Form):
    reviewer = forms.ChoiceField(label="Reviewer", error_messages={"required": "Select a reviewer"})
    person = required_text(
        "WholeStory id of the case",
        32,
        "Enter the WholeStory id",
        "Like WS-0000123, from the review's terms of reference.",
    )
    days = forms.IntegerField(
        label="Days of access",
        min_value=1,
        max_value=90,
        initial=28,
        error_messages={
            "required": "Enter how many days the access lasts",
            "invalid": "Enter the days as a number, like 28",
            "min_value": "Access must last at least 1 day",
            "max_value": "Access can last at most 90 days",
        },
    )
    reason = required_text(
        "Reason",
        2000,
        "Enter the reason for the access",
        "For example, the rapid review this access is for.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewers = User.objects.filter(membership__role=REVIEWER, is_active=True).order_by(
            "username"
        )
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a reviewer"),
            *((u.username, u.username) for u in reviewers),
        ]

    def clean_person(self) -> str:
        ws = str(self.cleaned_data["person"]).strip().upper()
        if not re.fullmatch(r"WS-\d{1,12}", ws):
            raise ValidationError("Enter a WholeStory id like WS-0000123")
        found = core_store().scalar("SELECT status FROM ws_person WHERE id = ?", [ws])
        if found != "active":
            raise ValidationError(f"There is no current WholeStory id {ws}: check the id")
        return ws


def _users_list() -> list[dict[str, Any]]:
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    out = []
    for user in User.objects.select_related("membership").order_by("username"):
        membership = getattr(user, "membership", None)
        role = membership.role if membership else ""
        out.append(
            {
                "username": user.username,
                "agency": agency_name(membership.agency) if membership else "",
                "team": membership.team if membership else "",
                "practitioner": membership.practitioner_name if membership else "",
                "member": membership is not None,
                "role": ROLES.get(role, role),
                "needs_two_factor": role in TWO_FACTOR_REQUIRED,
                "two_factor": user.pk in with_device,
                "last_login": when(user.last_login) if user.last_login else "Never",
                "active": user.is_active,
                "waiting": bool(membership and membership.waiting),
            }
        )
    return out


@never_cache
@requires("manage_users")
def users_view(request: HttpRequest) -> HttpResponse:
    """Everyone who can sign in, with their agency, team, role and second factor."""
    audited(request, "view", target="/users")
    return render(request, "pages/work/users.html", {"users": _users_list()})


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def add_user_view(request: HttpRequest) -> HttpResponse:
    """Ask for a new account (issue 11, M1): it has no password, and one that could see case
    data waits for a second person's approval; the new user chooses their own password."""
    from wholestory.web.accounts.approval import LINK_DAYS, request_account

    form = AddUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audited(
            request,
            "user_added",
            target="/users/add",
            detail={k: data[k] for k in ("username", "agency", "team", "role", "practitioner")},
        )
        try:
            by = request.user.get_username()
            token = request_account(
                data["username"], data["agency"], data["role"], data["team"], by,
                practitioner=data["practitioner"],
            )  # fmt: skip
        except UserError as error:
            form.add_error(None, str(error))
        else:
            return _user_added(request, data, token, LINK_DAYS)
    return render(
        request,
        "pages/work/user_add.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _user_added(request: HttpRequest, data: dict[str, Any], token: str, days: int) -> HttpResponse:
    """The link for the new user (an account that needs no approval), or where it waits."""
    more = (
        " Set up their authenticator next: they need it to sign in."
        if data["role"] in TWO_FACTOR_REQUIRED
        else ""
    )
    if token:
        return render(
            request,
            "pages/work/password_link.html",
            {
                "for_user": data["username"],
                "link": request.build_absolute_uri(f"/welcome/{token}"),
                "days": days,
                "back": "/users",
            },
        )
    approver = (
        "the partnership's information governance officer"
        if data["agency"] == PARTNERSHIP
        else f"a safeguarding lead at {agency_name(data['agency'])}"
    )
    messages.success(
        request,
        f"Asked for {data['username']} ({ROLES[data['role']]}). The account cannot be used "
        f"until {approver} approves it; they then give {data['username']} a link to choose "
        f"a password.{more}",
    )
    return redirect("/users")


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def authenticator_view(request: HttpRequest, username: str) -> HttpResponse:
    """A new authenticator for a user (asked first): the otpauth URL and secret, shown once."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return render(request, "pages/work/user_missing.html", status=404)
    if request.method != "POST":
        replaces = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return render(
            request,
            "pages/work/authenticator_confirm.html",
            {"for_user": username, "replaces": replaces},
        )
    audited(
        request,
        "token_issued",
        target=f"/users/{username}/authenticator",
        detail={"kind": "authenticator", "user": username},
    )
    device = add_totp(user)
    secret = base64.b32encode(bytes(device.bin_key)).decode().rstrip("=")
    return render(
        request,
        "pages/work/authenticator.html",
        {"for_user": username, "url": device.config_url, "secret": secret},
    )


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def practitioner_view(request: HttpRequest, username: str) -> HttpResponse:
    """Match a user to the practitioner name their agency's records give them (issue 14):
    they are then the worker of that name's allocations at their own agency. Audited first,
    with the old and the new name; empty unmatches them."""
    from wholestory.web.accounts.users import set_practitioner_name

    user = User.objects.filter(username=username).select_related("membership").first()
    membership = getattr(user, "membership", None) if user else None
    if user is None or membership is None:
        return render(request, "pages/work/user_missing.html", status=404)
    initial = {"practitioner": membership.practitioner_name}
    form = PractitionerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = " ".join(str(form.cleaned_data["practitioner"]).split())
        audited(request, "practitioner_set", target=f"/users/{username}/practitioner",
                detail={"user": username, "agency": membership.agency,
                        "from": membership.practitioner_name, "to": wanted})  # fmt: skip
        set_practitioner_name(user, wanted)
        messages.success(
            request,
            f"{username} is matched to the practitioner name {wanted}."
            if wanted
            else f"{username} is no longer matched to a practitioner name.",
        )
        return redirect("/users")
    context = {"form": form, "for_user": username, "agency": agency_name(membership.agency)}
    return render(request, "pages/work/user_practitioner.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@never_cache
@requires("manage_users")
@require_http_methods(["GET", "POST"])
def grant_view(request: HttpRequest) -> HttpResponse:
    """Ask for time-limited review access to one named case, by its WholeStory id only.

    The access waits until a lead of an agency holding records of the case approves it
    (issue 11, M1); those leads are told.
    """
    from wholestory.web.accounts.approval import request_grant

    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        viewer = viewer_of(request)
        audited(
            request,
            "grant",
            person=data["person"],
            reason=data["reason"],
            target="/users/grant",
            viewer=viewer,
            detail={"reviewer": data["reviewer"], "days": data["days"], "kind": "review"},
        )
        reviewer = User.objects.get(username=data["reviewer"])
        agencies = set(facts_about(core_store(), data["person"]).agencies)
        request_grant(
            reviewer, data["person"], data["days"], viewer.username, data["reason"], agencies
        )
        messages.success(
            request,
            f"Asked for {data['reviewer']} to see {data['person']} for {data['days']} days. "
            "It opens when a safeguarding lead of an agency holding records of this person "
            "approves it.",
        )
        return redirect("/users")
    return render(
        request,
        "pages/work/grant.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("users", users_view, name="users"),
    path("users/add", add_user_view, name="user-add"),
    path("users/grant", grant_view, name="user-grant"),
    path("users/<str:username>/authenticator", authenticator_view, name="user-authenticator"),
    path("users/<str:username>/practitioner", practitioner_view, name="user-practitioner"),
]
