"""The Django app that owns the store's schema and migrations."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "wholestory.web.schema"
    label = "store"
    verbose_name = "WholeStory store"
    default_auto_field = "django.db.models.BigAutoField"
