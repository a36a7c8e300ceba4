"""Django settings, all from the environment.

``WHOLESTORY_DATABASE_URL`` picks the store: an SQLite file by default
(``./wholestory.sqlite3``), PostgreSQL when it says ``postgresql://...``.
Secrets never live in the repository: ``WHOLESTORY_SECRET_KEY`` is required
to serve pages (``wholestory serve`` refuses to start without it, except in
demo mode); commands that only read and write the store get a throwaway key
because they sign nothing. ``WHOLESTORY_AUDIT_KEY`` keys the audit log's hash
chain and is read by :mod:`wholestory.audit` itself (the core has no Django):
no key, no audit entry, so serving refuses to start without it too (demo mode
uses a fixed demo key, which is not secret). It is never a setting here, so
nothing in Django can print it.

Security is on by default: HTTPS-only cookies, HSTS and a strict
Content-Security-Policy outside demo mode; CSRF on every form; Argon2
password hashes; lockout after repeated failed logins (django-axes); idle
sessions end after ``WHOLESTORY_SESSION_MINUTES``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from wholestory.store.url import django_database_settings, resolve_url

DEBUG = os.environ.get("WHOLESTORY_DEBUG") == "1"
#: Demo mode: plain HTTP on loopback, demo users with known passwords. Never in production.
DEMO = os.environ.get("WHOLESTORY_DEMO") == "1"
SECRET_KEY = os.environ.get("WHOLESTORY_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = [
    h for h in os.environ.get("WHOLESTORY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("WHOLESTORY_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "wholestory.web.schema",
    "wholestory.web.accounts",
    "wholestory.web.pages",
    "ninja",  # its Swagger UI files and page, for /api-docs (served here, not from a CDN)
]

MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wholestory.web.accounts.middleware.IdleTimeoutMiddleware",
    "wholestory.web.accounts.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "wholestory.web.pages.guard.RefusalMiddleware",
]

ROOT_URLCONF = "wholestory.web.urls"
WSGI_APPLICATION = "wholestory.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wholestory.web.pages.context.service",
            ],
        },
    }
]

DATABASES: dict[str, dict[str, Any]] = {"default": django_database_settings(resolve_url())}

USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Static files: shipped with the package, served by the app itself (whitenoise).
STATIC_URL = "/static/"
STATIC_ROOT = Path(
    os.environ.get("WHOLESTORY_STATIC_ROOT", Path.home() / ".cache" / "wholestory" / "static")
)
#: ``wholestory serve`` collects the files into STATIC_ROOT with hashed names (long cache
#: lifetimes); elsewhere (tests, the development server) they are served from the package.
STATIC_MANIFEST = os.environ.get("WHOLESTORY_STATIC_MANIFEST") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = False

# Accounts
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("WHOLESTORY_LOGIN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Per username: behind a proxy every sign-in comes from the proxy's address, and an
# attacker who changes address must not get five more tries.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "pages/locked.html"
AXES_VERBOSE = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_TIMEOUT_SECONDS = int(os.environ.get("WHOLESTORY_SESSION_MINUTES", "30")) * 60
OTP_TOTP_ISSUER = "WholeStory"

# Security headers and cookies
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEMO
CSRF_COOKIE_SECURE = not DEMO
SECURE_SSL_REDIRECT = not DEMO and os.environ.get("WHOLESTORY_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEMO else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEMO
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Rate limits (per user or address, per minute), enforced by wholestory.web.pages.limits.
RATE_LIMITS = {
    "login": int(os.environ.get("WHOLESTORY_LOGIN_RATE", "10")),
    "search": int(os.environ.get("WHOLESTORY_SEARCH_RATE", "60")),
}
#: How many proxies in front of the app add to X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXIES = int(os.environ.get("WHOLESTORY_PROXIES", "0"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}

# E-mail (Operation Encompass acknowledgement links, alert digests). A server names its mail
# relay with WHOLESTORY_EMAIL_HOST (and _PORT, _USER, _PASSWORD); without one, mail is written
# to the console, which is enough for the demo and says plainly that no relay is set up. A
# message carries only a link and counts, never anything about a child. WHOLESTORY_SITE_URL
# is where people reach this server, for links in mail sent without a request (after a feed).
# The tests keep mail in memory (WHOLESTORY_EMAIL_BACKEND=memory), to read what was sent.
SITE_URL = os.environ.get("WHOLESTORY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = (
    "django.core.mail.backends.locmem.EmailBackend"
    if os.environ.get("WHOLESTORY_EMAIL_BACKEND") == "memory"
    else "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("WHOLESTORY_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("WHOLESTORY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WHOLESTORY_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("WHOLESTORY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WHOLESTORY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = True
DEFAULT_FROM_EMAIL = os.environ.get("WHOLESTORY_EMAIL_FROM", "wholestory@localhost")
