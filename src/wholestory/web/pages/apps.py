"""The pages app (templates and static files; it has no models of its own)."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "wholestory.web.pages"
    label = "pages"
    verbose_name = "WholeStory pages"
