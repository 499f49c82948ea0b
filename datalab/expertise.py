"""Who knows what: the organisations whose cases show the most relevant experience.

For a query, search decides which visible cases are relevant and how strongly (strong,
good, weak: search/relevance.py, the same decision as the search page); each organisation
scores the sum of its cases' relevance weights (breadth of experience), then its best case
(depth), and carries its best case's label. For a topic alone, every case on it counts one. Contact persons come from the cases and are for members only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import CaseContact, CaseStudyPage
from portal.models import Organisation
from search.documents import DocumentKind
from search.query import SearchFilters, search
from search.relevance import Relevance
from search.visibility import public_pages, visible_pages

MAX_CASES = 60
MAX_ORGANISATIONS = 10
# A strong match is worth more than several weak ones, but breadth still counts.
RELEVANCE_WEIGHTS = {Relevance.STRONG: 3.0, Relevance.GOOD: 2.0, Relevance.WEAK: 1.0}


@dataclass
class CaseEvidence:
    case: CaseStudyPage
    score: float
    relevance: Relevance | None = None


@dataclass
class Expertise:
    organisation: Organisation
    score: float = 0.0
    best: float = 0.0
    cases: list[CaseEvidence] = field(default_factory=list)
    contacts: list[CaseContact] = field(default_factory=list)
    relevance: Relevance | None = None  # its best case's; None when ranked by topic alone


def scored_cases(
    query: str, topic: str = "", *, request=None
) -> dict[int, tuple[float, Relevance | None]]:
    """Case page ids with their weight and relevance label, best first."""
    if query:
        results = search(
            query,
            filters=SearchFilters(kinds=(DocumentKind.CASE,), topics=(topic,) if topic else ()),
            request=request,
            limit=MAX_CASES,
            log=False,
        )
        return {
            hit.page_id: (RELEVANCE_WEIGHTS.get(hit.relevance, 0.0), hit.relevance)
            for hit in results.hits
        }
    cases = visible_pages(
        CaseStudyPage.objects.filter(topics__slug=topic), request=request
    ).order_by("-start_date")
    return dict.fromkeys(cases.values_list("pk", flat=True)[:MAX_CASES], (1.0, None))


def rank_organisations(
    query: str, topic: str = "", *, request=None, with_contacts: bool = False
) -> list[Expertise]:
    scores = scored_cases(query, topic, request=request)
    # Public cases only, whatever the search would show this visitor.
    cases = public_pages(CaseStudyPage.objects.filter(pk__in=list(scores))).prefetch_related(
        "organisations", "contacts"
    )
    ranking: dict[int, Expertise] = {}
    for case in sorted(cases, key=lambda case: -scores[case.pk][0]):
        organisations = list(case.organisations.all())
        for organisation in organisations:
            expertise = ranking.setdefault(organisation.pk, Expertise(organisation))
            score, relevance = scores[case.pk]
            expertise.score += score
            if score > expertise.best:
                expertise.best, expertise.relevance = score, relevance
            expertise.cases.append(CaseEvidence(case, score, relevance))
            if with_contacts:
                expertise.contacts += [
                    contact
                    for contact in case.contacts.all()
                    if _works_for(contact, organisation, organisations)
                    and _key(contact) not in {_key(known) for known in expertise.contacts}
                ]
    ranked = sorted(
        ranking.values(),
        key=lambda expertise: (-expertise.score, -expertise.best, expertise.organisation.name),
    )[:MAX_ORGANISATIONS]
    return ranked


def _works_for(contact: CaseContact, organisation: Organisation, organisations: list) -> bool:
    """A contact belongs to the case's only organisation, or to the one they name."""
    if len(organisations) == 1:
        return True
    named = contact.organisation_name.strip().casefold()
    return named in {organisation.name.casefold(), organisation.short_name.casefold()} - {""}


def _key(contact: CaseContact) -> tuple[str, str]:
    return contact.name.casefold(), contact.email.casefold()
