"""Amounts made comparable: one currency, one price year.

An indicator that is an amount carries its currency and, where its figures are already at
fixed prices, their price year (``Indicator.currency``, ``Indicator.price_year``); figures
without a price year are at the prices of the year they describe. Comparing them across SEK
and DKK, or across years, needs the administrator's tables: ``ExchangeRate`` (what one unit
of a currency is worth in SEK in a year) and ``PriceIndex`` (a consumer price index per
currency and year). An amount is first changed into the target currency at the rates of its
own price year, then moved to the target price year with the target currency's index. An
amount whose rate or index is missing is left out rather than shown unconverted, and the
chart says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ExchangeRate, Indicator, PriceIndex

BASE_CURRENCY = "SEK"  # ExchangeRate.to_sek: every rate is to SEK
CURRENCIES = ("SEK", "DKK", "EUR")


@dataclass
class Prices:
    """The administrator's rates and indices, loaded once per request (they are few rows)."""

    currency: str = BASE_CURRENCY
    price_year: int | None = None  # None: each amount at the prices of its own year
    rates: dict[tuple[str, int], float] = field(default_factory=dict)
    index: dict[tuple[str, int], float] = field(default_factory=dict)
    left_out: int = 0  # amounts that could not be converted

    def _to_sek(self, currency: str, year: int) -> float | None:
        return 1.0 if currency == BASE_CURRENCY else self.rates.get((currency, year))

    def convert(self, value: float, indicator: Indicator, year: int) -> float | None:
        """``value`` of ``indicator`` in ``year`` in this currency and price year, or None
        when a rate or index it needs is missing (counted in ``left_out``)."""
        if not indicator.is_money:
            return value
        source_year = indicator.price_year or year
        if indicator.currency != self.currency:
            source_rate = self._to_sek(indicator.currency, source_year)
            target_rate = self._to_sek(self.currency, source_year)
            if not source_rate or not target_rate:
                self.left_out += 1
                return None
            value = value * source_rate / target_rate
        if self.price_year is not None and source_year != self.price_year:
            source_index = self.index.get((self.currency, source_year))
            target_index = self.index.get((self.currency, self.price_year))
            if not source_index or not target_index:
                self.left_out += 1
                return None
            value = value * target_index / source_index
        return value

    def note(self, indicator: Indicator) -> str:
        """What the chart's amounts are, in words ("" for an indicator that is no amount)."""
        if not indicator.is_money:
            return ""
        values = {"currency": self.currency, "year": self.price_year}
        if self.price_year is not None:
            text = _(
                "Amounts in %(currency)s at %(year)s prices, converted with the "
                "administrator's rates."
            )
        elif indicator.currency != self.currency:
            text = _(
                "Amounts in %(currency)s at each year's prices, converted with the "
                "administrator's rates."
            )
        else:
            text = _("Amounts in %(currency)s at each year's prices.")
        text %= values
        if self.left_out:
            text += " " + ngettext(
                "%(count)s amount is left out: no rate or price index for its year.",
                "%(count)s amounts are left out: no rate or price index for their years.",
                self.left_out,
            ) % {"count": self.left_out}
        return text


def load_prices(currency: str = BASE_CURRENCY, price_year: int | None = None) -> Prices:
    """Rates and indices for converting into ``currency`` at ``price_year``'s prices; with
    no price year, the latest year that has an index for ``currency`` (None if none has)."""
    currency = currency if currency in CURRENCIES else BASE_CURRENCY
    rates = {(r.currency, r.year): r.to_sek for r in ExchangeRate.objects.all()}
    index = {(p.currency, p.year): p.value for p in PriceIndex.objects.all()}
    if price_year is None:
        years = [year for (code, year) in index if code == currency]
        price_year = max(years) if years else None
    return Prices(currency=currency, price_year=price_year, rates=rates, index=index)
