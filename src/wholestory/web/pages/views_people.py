"""Pages about people: search, the chronology, downloads, break glass, who has looked."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
