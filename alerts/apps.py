from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Saved searches and alerts")

    def ready(self):
        # Only wiring: matching runs in a task once the index has the new page.
        from portal import personal_data

        from . import signals

        signals.connect()
        personal_data.register(
            "saved_searches", export=_export_saved_searches, close=_delete_saved_searches
        )


def _export_saved_searches(user) -> dict:
    from .models import AlertSetting, SavedSearch

    return {
        "paused": AlertSetting.is_paused(user),
        "searches": [
            {
                "query": saved.query,
                "mode": saved.mode,
                "filters": saved.filters,
                "frequency": saved.frequency,
                "created": saved.created.isoformat(),
                "matches": saved.matches.count(),
            }
            for saved in SavedSearch.objects.for_user(user)
        ],
    }


def _delete_saved_searches(user) -> None:
    from .models import AlertSetting, SavedSearch

    SavedSearch.objects.for_user(user).delete()
    AlertSetting.objects.filter(user=user).delete()
