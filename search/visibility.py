"""Which pages a visitor may see: the one rule every list of pages uses.

Search, similar initiatives, related cases, featured pages, feeds, exports and charts all ask
here, so a page hidden from a visitor in one place is hidden everywhere. A page is visible
when it is live and no Wagtail view restriction on it or an ancestor turns this visitor
away. With a request, restrictions are checked as Wagtail checks them (passwords included);
with only a user, a password-protected page stays hidden; with neither, only public pages
are visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Q, QuerySet
from wagtail.models import Page, PageViewRestriction

PageQuerySet = TypeVar("PageQuerySet", bound=QuerySet)


def visible_pages(pages: PageQuerySet, *, request=None, user=None) -> PageQuerySet:
    """``pages`` narrowed to the live ones this visitor may view (a lazy queryset)."""
    pages = pages.filter(live=True)
    blocked = _blocked_paths(request, _visitor(request, user))
    if blocked:
        # Restrictions are few (one per restricted subtree); one prefix test each.
        exclusion = Q()
        for path in blocked:
            exclusion |= Q(path__startswith=path)
        pages = pages.exclude(exclusion)
    return pages


def public_pages(pages: PageQuerySet) -> PageQuerySet:
    """``pages`` as an anonymous visitor sees them: live and unrestricted."""
    return visible_pages(pages)


def visible_page_ids(page_ids: Iterable[int], *, request=None, user=None) -> set[int]:
    """The pages among ``page_ids`` that are live and that this visitor may view."""
    ids = list(page_ids)
    if not ids:
        return set()
    queryset = visible_pages(Page.objects.filter(id__in=ids), request=request, user=user)
    return set(queryset.values_list("id", flat=True))


def can_view(page: Page, *, request=None, user=None) -> bool:
    """Whether this visitor may see ``page``."""
    return bool(page.pk) and page.pk in visible_page_ids([page.pk], request=request, user=user)


def _visitor(request, user):
    return getattr(request, "user", None) if user is None else user


def _blocked_paths(request, user) -> list[str]:
    restrictions = list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )
    if not restrictions:
        return []
    group_ids = (
        set(user.groups.values_list("id", flat=True))
        if user is not None and user.is_authenticated
        else set()
    )
    return [
        restriction.page.path
        for restriction in restrictions
        if not _passes(restriction, request, user, group_ids)
    ]


def _passes(restriction: PageViewRestriction, request, user, group_ids: set[int]) -> bool:
    if request is not None:
        return restriction.accept_request(request)
    if restriction.restriction_type == PageViewRestriction.NONE:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        return user.is_superuser or any(group.id in group_ids for group in restriction.groups.all())
    return False
