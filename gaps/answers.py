"""When new content answers a gap: the page against every open gap, as alerts/ matches a
page against saved searches, through ``search.saved_queries`` (the same relevance decision).

A gap is answered by a page when that page is a result (``saved_queries.confirm``, the
search's relevance decision restricted to the page) of the gap's label, its most searched
wording, and of more than half of its wordings (up to ``WORDINGS``), whatever their
language: the need as most people put it, and as most put it in other words. The label
alone is not enough: search finds a relevant page for most queries that hold a topic word,
so on the demo a page sharing one word with a need ("AI" in an AI regulation gap) "answered"
5 of 6 needs it did not. Nor are the other wordings alone: those that carry a network's
topic words find pages on that topic, not on the need. Candidates come first, by one matrix
product of the page's passages and every open gap's label vector. Only experiences answer
(cases and lessons learned, not the meeting page a gap was put on the agenda of), and only
pages everyone may see: a gap is a public need, so a restricted page does not close it.
"""

from __future__ import annotations

import numpy as np
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from search import saved_queries
from search.documents import DocumentKind
from search.models import PageSearchMeta
from search.visibility import visible_page_ids

from .models import GapQuery, SearchGap

ANSWERING_KINDS = (DocumentKind.CASE, DocumentKind.LESSON)
WORDINGS = 5  # the most searched wordings of a gap that a page must answer most of


def answers_most_wordings(label: GapQuery, page) -> bool:
    """Whether ``page`` is a result of the gap's label (checked first) and of more than half
    of the gap's most searched wordings."""
    others = GapQuery.objects.filter(gap_id=label.gap_id, model_id=label.model_id)
    wordings = [label, *others.exclude(pk=label.pk).order_by("-searches", "query")[: WORDINGS - 1]]
    needed = len(wordings) // 2 + 1
    found = 0
    for done, wording in enumerate(wordings):
        if saved_queries.confirm(wording.query, wording.vector_array(), wording.mode, page):
            found += 1
        elif done == 0:
            return False  # not a result of the label
        if found >= needed or found + len(wordings) - done - 1 < needed:
            break  # decided either way
    return found >= needed


def answer_gaps(page_id: int) -> list[int]:
    """Mark the open gaps the published page answers; returns their ids."""
    served = saved_queries.served_model()
    if served is None:
        return []
    is_experience = PageSearchMeta.objects.filter(
        page_id=page_id, kind__in=[str(kind) for kind in ANSWERING_KINDS]
    ).exists()
    if not is_experience or not visible_page_ids([page_id]):  # anonymous: public pages only
        return []
    labels = list(
        GapQuery.objects.filter(
            gap__status=SearchGap.Status.OPEN, gap__label=F("query"), model_id=served[0]
        ).order_by("gap_id")
    )
    page = saved_queries.page_passages(page_id)
    if page is None or not labels:
        return []
    matrix = np.vstack([label.vector_array() for label in labels])
    positions = saved_queries.page_candidates(
        matrix,
        [label.language for label in labels],
        [label.query for label in labels],
        [label.mode for label in labels],
        page,
    )
    answered = []
    for position in positions.tolist():
        label = labels[position]
        if not answers_most_wordings(label, page):
            continue
        # Only while still open: two workers checking one page mark a gap once.
        if SearchGap.objects.filter(pk=label.gap_id, status=SearchGap.Status.OPEN).update(
            status=SearchGap.Status.ANSWERED, answered_by_id=page_id, answered_at=timezone.now()
        ):
            answered.append(label.gap_id)
    return answered


def recheck_open_gaps() -> list[int]:
    """Check the experiences published since the oldest open gap was first searched (the
    periodic catch-up for a lost task); returns the gaps answered."""
    oldest = SearchGap.objects.open().order_by("first_seen").values_list("first_seen", flat=True)
    since = oldest.first()
    if since is None:
        return []
    page_ids = PageSearchMeta.objects.filter(
        kind__in=[str(kind) for kind in ANSWERING_KINDS],
        page__in=Page.objects.live().filter(last_published_at__gte=since),
    ).values_list("page_id", flat=True)
    answered = []
    for page_id in page_ids.order_by("page_id"):
        answered += answer_gaps(page_id)
    return answered
