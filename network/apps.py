from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networks and meetings")

    def ready(self):
        from wagtail.signals import page_published

        from portal import personal_data

        from . import personal_data as network_data
        from .admin_privacy import register_page_permission_policy
        from .models import MeetingPage
        from .signals import fill_seats_on_publish

        page_published.connect(fill_seats_on_publish, sender=MeetingPage)
        # Before any admin view asks Wagtail for its page permission policy.
        register_page_permission_policy()
        personal_data.register(
            "networks",
            export=network_data.export_member_data,
            close=network_data.close_member_account,
        )
