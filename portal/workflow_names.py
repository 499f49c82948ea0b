"""The moderation workflow's and task's names in the language of the e-mail that shows them.

The workflow and its task are stored with English names ("Moderators approval", made by
Wagtail's migrations or cases/migrations/0002), and Wagtail's workflow e-mails show the stored
name inside text written in the recipient's language. Known built-in names are translated when
the mail is rendered, in the recipient's language; a name a moderator typed is shown as typed.
"""

from django.utils.translation import gettext_lazy as _

KNOWN_NAMES = {
    "Moderators approval": _("Moderators approval"),
}


def translated_name(name: str) -> str:
    """``name`` in the active language if it is a known built-in name, else as stored."""
    known = KNOWN_NAMES.get(name)
    return str(known) if known is not None else name


class TranslatedName:
    """A workflow or task whose ``name`` is translated when read, i.e. when a template
    renders it, inside Wagtail's ``translation.override`` of the recipient's language."""

    def __init__(self, instance):
        self._instance = instance

    def __getattr__(self, attribute):
        return getattr(self._instance, attribute)

    @property
    def name(self) -> str:
        return translated_name(self._instance.name)

    def __str__(self) -> str:
        return self.name


def translate_names_in_workflow_mail() -> None:
    """Make Wagtail's workflow notifications show the workflow and task names translated.

    Every Wagtail workflow e-mail is rendered by ``EmailNotificationMixin.send_emails`` with
    ``workflow`` and ``task`` in its context (tests/cases/test_workflow_mail.py checks it)."""
    from wagtail.admin.mail import EmailNotificationMixin

    original = EmailNotificationMixin.send_emails
    if getattr(original, "translates_names", False):
        return

    def send_emails(self, template_set, context, recipients, **kwargs):
        context = dict(context)
        for key in ("workflow", "task"):
            if context.get(key) is not None and not isinstance(context[key], TranslatedName):
                context[key] = TranslatedName(context[key])
        return original(self, template_set, context, recipients, **kwargs)

    send_emails.translates_names = True
    EmailNotificationMixin.send_emails = send_emails
