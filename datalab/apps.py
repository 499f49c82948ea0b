from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalabConfig(AppConfig):
    name = "datalab"
    verbose_name = _("Data lab")
