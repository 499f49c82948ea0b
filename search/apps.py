from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Only wiring here: encoders and indexes load lazily, in the process that uses them.
        from . import checks, signals  # noqa: F401

        signals.connect()
