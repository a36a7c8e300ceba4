"""The accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wholestory.web.accounts"
    label = "accounts"
    verbose_name = "WholeStory accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wholestory.web.accounts import visits

        visits.connect()
