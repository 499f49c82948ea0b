from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Before any URLconf is imported: the apps' patterns (and Wagtail admin URLs
        # registered by hooks) use the <id:…> converter.
        from .converters import register

        register()
