from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from portal import personal_data

        from . import personal_data as case_data

        personal_data.register(
            "cases", export=case_data.export_member_data, close=case_data.close_member_account
        )
