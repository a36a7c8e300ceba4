"""The API's URLs (django-ninja), with JSON for any address it does not know."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from wholestory.web.api.api import api, not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^.*$", not_found),
]
