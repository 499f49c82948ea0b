"""When new content answers a gap: the page against every open gap, as alerts/ matches a
page against saved searches, through ``search.saved_queries`` (the same relevance decision).

A gap is answered by a page when that page is a result of the gap's label, its most
typical query, restricted to the page (``saved_queries.confirm``): candidates first, by
one matrix product of the page's passages and every open gap's label vector, then the
relevance decision for each candidate. Only experiences answer (cases and lessons learned,
not the meeting page a gap was put on the agenda of), and only pages everyone may see:
a gap is a public need, so a restricted page does not close it.
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
        if saved_queries.confirm(label.query, matrix[position], label.mode, page) is None:
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
