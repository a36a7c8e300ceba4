"""The pages' URLs. Each area keeps its own list in its own module."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from wholestory.web.pages import (
    views_access_log,
    views_account,
    views_alerts,
    views_approvals,
    views_assurance,
    views_audit,
    views_break_glass,
    views_by_agency,
    views_dash,
    views_downloads,
    views_duplicates,
    views_encompass,
    views_figures,
    views_flags,
    views_home,
    views_leads,
    views_marac,
    views_marac_meetings,
    views_needs,
    views_notifications,
    views_person,
    views_records,
    views_review,
    views_search,
    views_sharing,
    views_upload,
    views_uploads,
    views_users,
)

urlpatterns: list[URLPattern | URLResolver] = [
    *views_home.urls,
    *views_account.urls,
    # A person's pages: /people/AGENCY/ID (views_by_agency) would match every two-part
    # person path, so it comes after them all.
    *views_search.urls,
    *views_notifications.urls,
    *views_person.urls,
    *views_downloads.urls,
    *views_break_glass.urls,
    *views_access_log.urls,
    *views_records.urls,
    *views_leads.urls,
    *views_by_agency.urls,
    *views_flags.urls,
    *views_review.urls,
    *views_upload.urls,
    *views_audit.urls,
    *views_users.urls,
    *views_figures.urls,
    *views_duplicates.urls,
    *views_uploads.urls,
    *views_approvals.urls,
    *views_sharing.urls,
    *views_marac.urls,
    *views_marac_meetings.urls,
    *views_encompass.urls,
    *views_dash.urls,
    *views_needs.urls,
    *views_alerts.urls,
    *views_assurance.urls,
]
