"""Pages for the partnership's work: flags dashboard, link review, upload, audit, users."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
