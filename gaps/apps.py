from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapsConfig(AppConfig):
    name = "gaps"
    verbose_name = _("Search gaps")

    def ready(self):
        # Only wiring: whether a page answers a gap is decided in a task.
        from . import signals

        signals.connect()
