from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networks and meetings")

    def ready(self):
        from wagtail.signals import page_published

        from .models import MeetingPage
        from .signals import fill_seats_on_publish

        page_published.connect(fill_seats_on_publish, sender=MeetingPage)
