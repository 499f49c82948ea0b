from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalabConfig(AppConfig):
    name = "datalab"
    verbose_name = _("Data lab")

    def ready(self):
        # Only wiring: the map is computed in a task, never at start-up.
        from . import signals

        signals.connect()
