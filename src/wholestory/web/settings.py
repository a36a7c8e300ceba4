"""Django settings, all from the environment.

``WHOLESTORY_DATABASE_URL`` picks the store: an SQLite file by default
(``./wholestory.sqlite3``), PostgreSQL when it says ``postgresql://...``.
Secrets never live in the repository: ``WHOLESTORY_SECRET_KEY`` is required
to serve pages; commands that only read and write the store get a throwaway
key because they sign nothing.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from wholestory.store.url import django_database_settings, resolve_url

DEBUG = os.environ.get("WHOLESTORY_DEBUG") == "1"
SECRET_KEY = os.environ.get("WHOLESTORY_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = [
    h for h in os.environ.get("WHOLESTORY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "wholestory.web.store",
]

MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
]

DATABASES: dict[str, dict[str, Any]] = {"default": django_database_settings(resolve_url())}

USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
