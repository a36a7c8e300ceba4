"""The pages app (templates and static files; it has no models of its own)."""

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PagesConfig(AppConfig):
    name = "wholestory.web.pages"
    label = "pages"
    verbose_name = "WholeStory pages"

    def ready(self) -> None:
        """Refuse to start with a flags dashboard setting that cannot be used (it names it)."""
        from wholestory.chronology.stored import FlagsSettingError, flags_up_to_age

        try:
            flags_up_to_age()
        except FlagsSettingError as error:
            raise ImproperlyConfigured(str(error)) from None
