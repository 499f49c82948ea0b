"""Who knows what: the organisations whose cases show the most relevant experience.

For a query, search ranks the visible cases; each organisation scores the sum of its
cases' scores (breadth of experience), then the best one (depth). For a topic alone, every
case on it counts one. Contact persons come from the cases and are for members only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import CaseContact, CaseStudyPage
from portal.models import Organisation
from search.documents import DocumentKind
from search.query import SearchFilters, search

MAX_CASES = 60
MAX_ORGANISATIONS = 10


@dataclass
class CaseEvidence:
    case: CaseStudyPage
    score: float


@dataclass
class Expertise:
    organisation: Organisation
    score: float = 0.0
    best: float = 0.0
    cases: list[CaseEvidence] = field(default_factory=list)
    contacts: list[CaseContact] = field(default_factory=list)
    relevance: int = 0  # percent of the top organisation's score


def scored_cases(query: str, topic: str = "", *, request=None) -> dict[int, float]:
    """Case page ids with their relevance, best first."""
    if query:
        results = search(
            query,
            filters=SearchFilters(kinds=(DocumentKind.CASE,), topics=(topic,) if topic else ()),
            request=request,
            limit=MAX_CASES,
            log=False,
        )
        return {hit.page_id: hit.score for hit in results.hits}
    cases = CaseStudyPage.objects.live().public().filter(topics__slug=topic).order_by("-start_date")
    return dict.fromkeys(cases.values_list("pk", flat=True)[:MAX_CASES], 1.0)


def rank_organisations(
    query: str, topic: str = "", *, request=None, with_contacts: bool = False
) -> list[Expertise]:
    scores = scored_cases(query, topic, request=request)
    # Public cases only, whatever the search would show this visitor.
    cases = (
        CaseStudyPage.objects.live()
        .public()
        .filter(pk__in=list(scores))
        .prefetch_related("organisations", "contacts")
    )
    ranking: dict[int, Expertise] = {}
    for case in sorted(cases, key=lambda case: -scores[case.pk]):
        organisations = list(case.organisations.all())
        for organisation in organisations:
            expertise = ranking.setdefault(organisation.pk, Expertise(organisation))
            score = scores[case.pk]
            expertise.score += score
            expertise.best = max(expertise.best, score)
            expertise.cases.append(CaseEvidence(case, score))
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
    top = ranked[0].score if ranked else 0.0
    for expertise in ranked:
        expertise.relevance = round(100 * expertise.score / top) if top else 0
    return ranked


def _works_for(contact: CaseContact, organisation: Organisation, organisations: list) -> bool:
    """A contact belongs to the case's only organisation, or to the one they name."""
    if len(organisations) == 1:
        return True
    named = contact.organisation_name.strip().casefold()
    return named in {organisation.name.casefold(), organisation.short_name.casefold()} - {""}


def _key(contact: CaseContact) -> tuple[str, str]:
    return contact.name.casefold(), contact.email.casefold()
