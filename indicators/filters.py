"""The filters of the indicator pages: which organisations a chart compares, and which year.

Every filter is a plain GET parameter, so a view can be shared and bookmarked, and each
chart's download repeats exactly the filters of its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.models import Country, GovernmentLevel, Organisation, Sector

MIN_YEAR = 1990
MAX_YEAR = 2100
FILTER_NAMES = ("country", "level", "sector", "size", "year", "currency")


# Employee bands: (key, label, lowest, highest or None), the usual breaks of agency statistics.
SIZE_BANDS = [
    ("small", _("Fewer than 250 employees"), 0, 249),
    ("medium", _("250–999 employees"), 250, 999),
    ("large", _("1,000–4,999 employees"), 1000, 4999),
    ("largest", _("5,000 employees or more"), 5000, None),
]


def size_band(employees: int | None) -> str:
    """The key of the band ``employees`` falls in ("" when the number is unknown)."""
    if employees is None:
        return ""
    for key, _label, lowest, highest in SIZE_BANDS:  # noqa: B007
        if employees >= lowest and (highest is None or employees <= highest):
            return key
    return ""


def size_band_label(key: str) -> str:
    labels = {band[0]: band[1] for band in SIZE_BANDS}
    return str(labels.get(key, _("Unknown")))


@dataclass(frozen=True)
class IndicatorFilters:
    country: str = ""
    level: str = ""
    sector: str = ""
    size: str = ""
    year: int | None = None
    currency: str = ""  # amounts shown in this currency ("" = SEK)

    def __bool__(self) -> bool:
        return bool(self.country or self.level or self.sector or self.size)

    def organisations(self, organisations: QuerySet | None = None) -> QuerySet:
        """``organisations`` (all by default) narrowed to these filters; the year aside."""
        organisations = Organisation.objects.all() if organisations is None else organisations
        if self.country:
            organisations = organisations.filter(country=self.country)
        if self.level:
            organisations = organisations.filter(government_level=self.level)
        if self.sector:
            organisations = organisations.filter(sector=self.sector)
        if self.size:
            _key, _label, lowest, highest = next(b for b in SIZE_BANDS if b[0] == self.size)
            condition = Q(employees__gte=lowest)
            if highest is not None:
                condition &= Q(employees__lte=highest)
            organisations = organisations.filter(condition)
        return organisations

    def as_dict(self) -> dict:
        return {
            "country": self.country or None,
            "level": self.level or None,
            "sector": self.sector or None,
            "size": self.size or None,
            "year": self.year,
            "currency": self.currency or None,
        }

    def query_string(self, **extra) -> str:
        values = {**{k: v for k, v in self.as_dict().items() if v}, **extra}
        return urlencode({name: value for name, value in values.items() if value})


class IndicatorFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    level = forms.ChoiceField(label=_("Level of government"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    currency = forms.ChoiceField(
        label=_("Currency of amounts"),
        required=False,
        choices=[("", _("Its own")), ("SEK", "SEK"), ("DKK", "DKK"), ("EUR", "EUR")],
    )

    def __init__(self, data=None, *args, years: list[int] | None = None, **kwargs):
        if data is not None:
            data = {name: data.get(name, "") for name in FILTER_NAMES}
        super().__init__(data, *args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *Country.choices]
        self.fields["level"].choices = [("", _("All levels")), *GovernmentLevel.choices]
        self.fields["sector"].choices = [("", _("All sectors")), *Sector.choices]
        self.fields["size"].choices = [("", _("All sizes"))] + [
            (band[0], band[1]) for band in SIZE_BANDS
        ]
        if years:
            # The years with data, newest first: a select instead of a free number.
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Year"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Latest year"))] + [(year, year) for year in years],
            )

    def filters(self) -> IndicatorFilters:
        """The valid filters; a field with an error filters nothing."""
        if not self.is_bound:
            return IndicatorFilters()
        self.is_valid()
        cleaned = self.cleaned_data
        return IndicatorFilters(
            country=cleaned.get("country") or "",
            level=cleaned.get("level") or "",
            sector=cleaned.get("sector") or "",
            size=cleaned.get("size") or "",
            year=cleaned.get("year") or None,
            currency=cleaned.get("currency") or "",
        )
