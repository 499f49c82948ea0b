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

        # Wagtail's workflow e-mails show the built-in workflow's name in the recipient's
        # language, not as stored in English (portal/workflow_names.py).
        from .workflow_names import translate_names_in_workflow_mail

        translate_names_in_workflow_mail()
        # Approving a submission takes a dialog, not one click (portal/workflow_actions.py).
        from .workflow_actions import confirm_before_approving

        confirm_before_approving()

        # A page saved without a slug gets one from its title in Wagtail's
        # Page._set_core_field_defaults, through the module's ``slugify``: make it transliterate
        # æ/ø/å like the admin's JavaScript does (tests/portal/test_slugs.py checks it still works).
        import wagtail.models.pages

        from .slugs import slugify

        wagtail.models.pages.slugify = slugify

        # A slug typed into the admin's slug field keeps its æ/ø/å as ae/o/a too.
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.admin.widgets import SlugInput

        from .slugs import ADMIN_SLUG_FORMATTERS

        register_form_field_override(
            models.SlugField, override={"widget": SlugInput(formatters=ADMIN_SLUG_FORMATTERS)}
        )
