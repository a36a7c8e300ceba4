"""Signing in and out, the second factor, the home page and the health check."""

from __future__ import annotations

import contextlib

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from wholestory import audit
from wholestory.web.pages.guard import audited, unavailable
from wholestory.web.pages.limits import over_limit


class LoginForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, max_length=200)


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app", max_length=8)


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in. Failed attempts are counted (django-axes) and audited; too many lock the account."""
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if over_limit(request, "login"):
            return render(request, "pages/limited.html", status=429)
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None:
                login(request, user)
                try:
                    audited(request, "login")
                except audit.AuditUnavailable:
                    logout(request)
                    return unavailable(request)
                return redirect(_next(request))
            if getattr(request, "axes_locked_out", False):
                return render(request, "pages/locked.html", status=429)
            audited(
                request,
                "login_failed",
                outcome="denied",
                detail={"username": form.cleaned_data["username"]},
            )
        error = "The username or password is not right."
    timeout = request.GET.get("timeout") == "1"
    return render(request, "pages/login.html", {"form": form, "error": error, "timeout": timeout})


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(target, allowed_hosts=set(settings.ALLOWED_HOSTS)):
        return target
    return "/"


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with contextlib.suppress(audit.AuditUnavailable):  # signing out must always work
            audited(request, "logout")
    logout(request)
    return redirect(settings.LOGIN_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """The TOTP check leads and administrators pass after their password."""
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    form = CodeForm(request.POST or None)
    error = ""
    if not devices:
        return render(request, "pages/two_factor.html", {"no_device": True}, status=403)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        device = next((d for d in devices if d.verify_token(code)), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        audited(request, "login_failed", outcome="denied", detail={"step": "second factor"})
        error = "That code is not right, or it has expired. Try the code showing now."
    return render(request, "pages/two_factor.html", {"form": form, "error": error})


def health_view(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the app is up (no data, no session)."""
    return JsonResponse({"status": "ok"})


urls: list[URLPattern] = [
    path("login", login_view, name="login"),
    path("logout", logout_view, name="logout"),
    path("two-factor", two_factor_view, name="two-factor"),
    path("health", health_view, name="health"),
]
