"""Which indicator data a visitor may see: the one rule for series, indicators and observations.

It extends the portal's membership rule (``portal.models.is_member``) rather than writing a
second one: a members-only series, its indicators and its observations reach members only.
Pages, charts, CSV/JSON downloads, the API, search results and runs opened by share link all
narrow their querysets here. With a request the request's user counts; with neither a request
nor a user, the visitor is anonymous.
"""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models import is_member

from .models import Indicator, IndicatorSeries, Observation


def _visitor(request, user):
    return getattr(request, "user", None) if user is None else user


def sees_members_only(*, request=None, user=None) -> bool:
    """Whether this visitor may see members-only series."""
    visitor = _visitor(request, user)
    return visitor is not None and is_member(visitor)


def visible_series(queryset: QuerySet | None = None, *, request=None, user=None) -> QuerySet:
    """``queryset`` (every series by default) narrowed to what this visitor may see."""
    if queryset is None:
        queryset = IndicatorSeries.objects.all()
    if sees_members_only(request=request, user=user):
        return queryset
    return queryset.filter(members_only=False)


def visible_indicators(queryset: QuerySet | None = None, *, request=None, user=None) -> QuerySet:
    """``queryset`` (every indicator by default) narrowed to those in visible series."""
    if queryset is None:
        queryset = Indicator.objects.all()
    if sees_members_only(request=request, user=user):
        return queryset
    return queryset.filter(series__members_only=False)


def visible_observations(queryset: QuerySet | None = None, *, request=None, user=None) -> QuerySet:
    """``queryset`` (every observation by default) narrowed to those in visible series."""
    if queryset is None:
        queryset = Observation.objects.all()
    if sees_members_only(request=request, user=user):
        return queryset
    return queryset.filter(indicator__series__members_only=False)


def can_view_series(series: IndicatorSeries, *, request=None, user=None) -> bool:
    """Whether this visitor may see ``series`` (and so its indicators and observations)."""
    return not series.members_only or sees_members_only(request=request, user=user)
