"""Every URL of the app. Each area's pages are in their own module under ``pages``."""

from django.urls import include, path

from wholestory.web.api.docs import api_docs_view

urlpatterns = [
    path("", include("wholestory.web.pages.urls")),
    path("api-docs", api_docs_view, name="api-docs"),
    path("api/v1/", include("wholestory.web.api.urls")),
]
