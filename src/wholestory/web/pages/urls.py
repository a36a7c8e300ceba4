"""The pages' URLs. Each area keeps its own list in its own module."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from wholestory.web.pages import (
    views_account,
    views_approvals,
    views_duplicates,
    views_people,
    views_sharing,
    views_uploads,
    views_work,
)

urlpatterns: list[URLPattern | URLResolver] = [
    *views_account.urls,
    *views_people.urls,
    *views_work.urls,
    *views_duplicates.urls,
    *views_uploads.urls,
    *views_approvals.urls,
    *views_sharing.urls,
]
