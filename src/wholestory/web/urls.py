"""Every URL of the app. Each area's pages are in their own module under ``pages``."""

from django.urls import include, path

urlpatterns = [
    path("", include("wholestory.web.pages.urls")),
    path("api/v1/", include("wholestory.web.api.urls")),
]
