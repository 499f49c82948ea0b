"""A member's personal data across the portal: the download of it, and closing the account.

Each app that keeps data about a member registers a section here from its ``AppConfig.ready``
(``register("network", export=..., close=...)``), so the portal's base imports no feature
app. ``export_data`` gathers the account, the profile and every section; ``close_account``
lets every section close its part (cancel registrations, withdraw drafts, ...) and then
erases the profile and anonymises the user, in one transaction.

The user row itself stays, deactivated and without name, e-mail or password: published
pages keep it as their owner and past meetings as attendance, and it shows only as
"former-member-<id>".
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.users.models import UserProfile

from .models import ApiToken, MemberProfile, SentEmail

FORMER_MEMBER_PREFIX = "former-member-"


@dataclass(frozen=True)
class Section:
    key: str
    export: Callable[[object], dict]
    close: Callable[[object], None] | None = None


_sections: dict[str, Section] = {}


def register(
    key: str,
    *,
    export: Callable[[object], dict],
    close: Callable[[object], None] | None = None,
) -> None:
    _sections[key] = Section(key, export, close)


def sections() -> list[Section]:
    return list(_sections.values())


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_data(user) -> dict:
    """Everything the portal keeps about ``user``, as plain JSON-ready values."""
    profile = MemberProfile.objects.filter(user=user).select_related("organisation").first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "profile": (
            {
                "organisation": str(profile.organisation) if profile.organisation else "",
                "job_title": profile.job_title,
                "phone": profile.phone,
            }
            if profile
            else None
        ),
    }
    data["api_tokens"] = [
        {
            "name": token.name,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in ApiToken.objects.filter(user=user)
    ]
    for section in _sections.values():
        data[section.key] = section.export(user)
    return data


def may_close_account(user) -> bool:
    """Superusers are not closed from the site: another administrator does that, so that
    the last administrator cannot lock everyone out."""
    return user.is_authenticated and user.is_active and not user.is_superuser


@transaction.atomic
def close_account(user) -> None:
    """Close ``user``'s account for good: each app's part first, then the person is erased."""
    for section in _sections.values():
        if section.close is not None:
            section.close(user)
    MemberProfile.objects.filter(user=user).delete()
    UserProfile.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    if user.email:
        # Records that a message went to this address (kept so that none goes twice).
        SentEmail.objects.filter(recipient__iexact=user.email).delete()
    anonymise(user)


def anonymise(user) -> None:
    user.username = f"{FORMER_MEMBER_PREFIX}{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
