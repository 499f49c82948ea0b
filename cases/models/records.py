"""What Swedish and Danish records rules ask of a published case: access rights and their URIs.

The access-rights value uses the EU access-right vocabulary, which DCAT-AP (and its Swedish and
Danish profiles) take for dcterms:accessRights. Wagtail's page privacy stays the one enforcement:
the value only decides which view restriction the page gets and whether it may be published.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from portal.models import COORDINATORS_GROUP, MEMBERS_GROUP, MODERATORS_GROUP

ACCESS_RIGHT_VOCABULARY = "http://publications.europa.eu/resource/authority/access-right/"


class AccessRights(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (members only)")
    NON_PUBLIC = "non_public", _("Non-public (never published)")

    @property
    def uri(self) -> str:
        return ACCESS_RIGHT_VOCABULARY + self.value.upper().replace("-", "_")


ACCESS_RIGHT_URIS = {choice.value: choice.uri for choice in AccessRights}


# The groups portal.models.is_member counts as members: a restricted case is for them only.
MEMBER_GROUP_NAMES = (MEMBERS_GROUP, COORDINATORS_GROUP, MODERATORS_GROUP)


def non_public_refusal() -> str:
    return _(
        "A non-public case cannot be published or sent for publication. Keep it as a draft, "
        "or change its access rights to public or restricted."
    )


def effective_access_rights(page) -> AccessRights:
    """What a case's access really is: its own value, made restricted by any Wagtail view
    restriction on it or above it, so that a restricted page is never shown as public."""
    value = AccessRights(page.access_rights or AccessRights.PUBLIC)
    if value == AccessRights.PUBLIC and page.pk and page.get_view_restrictions().exists():
        return AccessRights.RESTRICTED
    return value


def apply_members_restriction(page) -> None:
    """Give a restricted case a members-only view restriction, unless it already has a
    group restriction of its own (an editor's narrower choice stays). Looser restrictions on
    the page itself (login, password) give way to it."""
    own = PageViewRestriction.objects.filter(page=page)
    if own.filter(restriction_type=PageViewRestriction.GROUPS).exists():
        return
    own.delete()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    groups = [Group.objects.get_or_create(name=name)[0] for name in MEMBER_GROUP_NAMES]
    restriction.groups.set(groups)
