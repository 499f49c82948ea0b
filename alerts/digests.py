"""Digest e-mails of saved searches: new matches with their snippets, in the recipient's
language, with one-click unsubscribe.

What goes out is decided when it goes out: a match whose page was unpublished, deleted or
restricted since it was found is dropped, not sent. The matches sent are marked in the
transaction that sends them (through ``portal.mail.send_once``), so a digest task that runs
twice, or two workers sending the same digest, send each item once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from wagtail.models import Page

from portal.mail import send_once
from portal.site_url import absolute_url, page_url
from portal.user_language import language_for
from search.saved_queries import snippet_for
from search.visibility import visible_page_ids

from .models import AlertSetting, Frequency, SavedSearch, SavedSearchMatch
from .tokens import unsubscribe_token

MAX_ITEMS = 20  # per e-mail; the rest wait for the next digest and are listed on the site
MAIL_KIND = "search_digest"
PERIODS = {
    Frequency.IMMEDIATELY: timedelta(0),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(weeks=1),
}
# A cron run a little early still counts as the next day's (or week's) digest.
SCHEDULE_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    snippet: str  # HTML, escaped, words marked
    language: str

    @property
    def plain_snippet(self) -> str:
        return strip_tags(self.snippet)


def pending_matches(saved_search: SavedSearch):
    return saved_search.matches.filter(sent__isnull=True).order_by("found", "id")


def drop_unseeable(saved_search: SavedSearch) -> int:
    """Delete the pending matches whose page the owner may no longer see (unpublished,
    deleted, restricted); returns how many. Should the page come back, it is matched anew."""
    pending = list(pending_matches(saved_search).values_list("id", "page_id"))
    visible = visible_page_ids([page_id for _, page_id in pending], user=saved_search.user)
    gone = [pk for pk, page_id in pending if page_id not in visible]
    SavedSearchMatch.objects.filter(pk__in=gone).delete()
    return len(gone)


def may_email(saved_search: SavedSearch) -> bool:
    user = saved_search.user
    return (
        saved_search.frequency != Frequency.NEVER
        and user.is_active
        and bool(user.email)
        and not AlertSetting.is_paused(user)
    )


def send_digest(saved_search_id: int) -> int:
    """Send the saved search's new matches (at most ``MAX_ITEMS``); returns items sent."""
    saved_search = SavedSearch.objects.select_related("user").filter(pk=saved_search_id).first()
    if saved_search is None or not may_email(saved_search):
        return 0
    with transaction.atomic():
        # Locks the pending rows (PostgreSQL): a second worker waits, then finds them sent.
        list(pending_matches(saved_search).select_for_update().values_list("id", flat=True))
        drop_unseeable(saved_search)
        matches = list(pending_matches(saved_search).select_related("page")[:MAX_ITEMS])
        if not matches:
            return 0
        message = _message(saved_search, matches)
        key = hashlib.sha256(",".join(str(m.pk) for m in matches).encode()).hexdigest()[:64]
        # False: this very digest went out before (a re-run); its items are sent either way.
        send_once(message, kind=MAIL_KIND, object_id=saved_search.pk, key=key)
        now = timezone.now()
        SavedSearchMatch.objects.filter(pk__in=[m.pk for m in matches]).update(sent=now)
        SavedSearch.objects.filter(pk=saved_search.pk).update(last_sent=now)
    return len(matches)


def _message(saved_search: SavedSearch, matches: list[SavedSearchMatch]) -> EmailMultiAlternatives:
    user = saved_search.user
    language = language_for(user)
    with translation.override(language):
        items = [_item(saved_search, match) for match in matches]
        unsubscribe_url = absolute_url(
            reverse("alerts:unsubscribe", args=[unsubscribe_token(saved_search)])
        )
        context = {
            "user": user,
            "saved_search": saved_search,
            "items": items,
            "more": max(pending_matches(saved_search).count() - len(items), 0),
            "search_url": absolute_url(saved_search.search_url()),
            "saved_searches_url": absolute_url(reverse("alerts:saved_searches")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(render_to_string("alerts/email/digest_subject.txt", context).split())
        body = render_to_string("alerts/email/digest_body.txt", context)
        html = render_to_string("alerts/email/digest_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # RFC 8058: mail clients offer "unsubscribe" and POST to the link without a login.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _item(saved_search: SavedSearch, match: SavedSearchMatch) -> DigestItem:
    page: Page = match.page
    return DigestItem(
        title=page.title,
        url=page_url(page) or absolute_url("/"),
        snippet=str(snippet_for(saved_search.query, match.passage)),
        language=getattr(page.specific_deferred, "language", "") or "",
    )


def due_saved_searches(now=None):
    """Saved searches with new matches whose digest is due: "immediately" ones whose task
    was lost, daily ones a day after their last digest, weekly ones a week after."""
    now = now or timezone.now()
    due = Q()
    for frequency, period in PERIODS.items():
        due |= Q(frequency=frequency) & (
            Q(last_sent__isnull=True) | Q(last_sent__lte=now - period + SCHEDULE_SLACK)
        )
    pending = SavedSearchMatch.objects.filter(saved_search=OuterRef("pk"), sent__isnull=True)
    return (
        SavedSearch.objects.filter(due, Exists(pending))
        .exclude(user__alert_setting__paused=True)
        .exclude(user__email="")
        .order_by("id")
    )
