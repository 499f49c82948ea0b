"""Checking one import row: organisation and indicator looked up, year and value parsed.

Each check raises ``Problem`` with a reason code (stable, for programs and tests) and a
message in the active language (for people). Lookups are read once per import into dicts
and each distinct text is resolved once, so a 120,000-row file costs a few queries.
"""

from __future__ import annotations

import difflib
import math
from typing import NamedTuple

from django.utils.translation import gettext

from portal.models import Organisation

from .models import Indicator

FIRST_YEAR = 1900
LAST_YEAR = 2100
_AMBIGUOUS = -1


class Reason:
    BAD_FILE = "bad_file"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    UNKNOWN_INDICATOR = "unknown_indicator"
    BAD_YEAR = "bad_year"
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_SCALE = "out_of_scale"
    DUPLICATE = "duplicate"


class Problem(Exception):
    def __init__(self, reason_code: str, message: str, *, row: int = 0, column: str = ""):
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message
        self.row = row
        self.column = column

    def as_dict(self) -> dict:
        entry = {"row": self.row, "reason_code": self.reason_code, "message": self.message}
        if self.column:
            entry["column"] = self.column
        return entry


class IndicatorInfo(NamedTuple):
    id: int
    code: str
    series_code: str
    scale_min: float | None
    scale_max: float | None


def _normalise(text) -> str:
    return " ".join(str(text).split()).casefold() if text is not None else ""


class Lookups:
    """Organisations by name, short name or slug; indicators by code or series/code."""

    def __init__(self, *, series_code: str | None = None):
        self.series_code = (series_code or "").strip().lower()
        self._organisations: dict[str, int] = {}
        self._organisation_names: dict[int, str] = {}
        for pk, name, short_name, slug in Organisation.objects.values_list(
            "id", "name", "short_name", "slug"
        ):
            self._organisation_names[pk] = name
            for key in {_normalise(name), _normalise(short_name), _normalise(slug)} - {""}:
                # Two organisations sharing a short name: neither wins, the row says why.
                self._organisations[key] = (
                    pk if self._organisations.get(key, pk) == pk else _AMBIGUOUS
                )
        self._qualified: dict[str, IndicatorInfo] = {}
        self._by_code: dict[str, IndicatorInfo | None] = {}
        for info in Indicator.objects.values_list(
            "id", "code", "series__code", "scale_min", "scale_max", named=False
        ):
            info = IndicatorInfo(*info)
            self._qualified[f"{info.series_code}/{info.code}".lower()] = info
            code = info.code.lower()
            # A code used in two series needs its series (a column, "series/code" or --series).
            self._by_code[code] = None if code in self._by_code else info
        self._organisation_cache: dict[object, int | Problem] = {}
        self._indicator_cache: dict[tuple, IndicatorInfo | Problem] = {}
        self._columns: dict[int, IndicatorInfo] = {}

    def organisation(self, text) -> int:
        # Cached by the cell's own text: a file names each organisation hundreds of times.
        found = self._organisation_cache.get(text)
        if found is None:
            found = self._organisation_cache[text] = self._find_organisation(_normalise(text), text)
        if isinstance(found, Problem):
            raise Problem(found.reason_code, found.message)
        return found

    def _find_organisation(self, key: str, text) -> int | Problem:
        pk = self._organisations.get(key)
        if pk == _AMBIGUOUS:
            return Problem(
                Reason.UNKNOWN_ORGANISATION,
                gettext("“%(name)s” names more than one organisation; use the full name.")
                % {"name": text},
            )
        if pk is not None:
            return pk
        if not key:
            return Problem(Reason.UNKNOWN_ORGANISATION, gettext("The organisation is missing."))
        close = difflib.get_close_matches(key, self._organisations.keys(), n=1, cutoff=0.6)
        if close and self._organisations[close[0]] != _AMBIGUOUS:
            return Problem(
                Reason.UNKNOWN_ORGANISATION,
                gettext("Unknown organisation “%(name)s”. Did you mean “%(suggestion)s”?")
                % {
                    "name": text,
                    "suggestion": self._organisation_names[self._organisations[close[0]]],
                },
            )
        return Problem(
            Reason.UNKNOWN_ORGANISATION,
            gettext("Unknown organisation “%(name)s”.") % {"name": text},
        )

    def indicator(self, text, series_text=None) -> IndicatorInfo:
        found = self._indicator_cache.get((text, series_text))
        if found is None:
            found = self._indicator_cache[(text, series_text)] = self._find_indicator(
                _normalise(text), _normalise(series_text), text
            )
        if isinstance(found, Problem):
            raise Problem(found.reason_code, found.message)
        return found

    def _find_indicator(self, code: str, series: str, text) -> IndicatorInfo | Problem:
        if not code:
            return Problem(Reason.UNKNOWN_INDICATOR, gettext("The indicator is missing."))
        if "/" in code:
            series, code = (part.strip() for part in code.split("/", 1))
        series = series or self.series_code
        if series:
            info = self._qualified.get(f"{series}/{code}")
            if info is None:
                return Problem(
                    Reason.UNKNOWN_INDICATOR,
                    gettext("Unknown indicator “%(code)s” in the series “%(series)s”.")
                    % {"code": code, "series": series},
                )
            return info
        if code not in self._by_code:
            return Problem(
                Reason.UNKNOWN_INDICATOR, gettext("Unknown indicator “%(code)s”.") % {"code": text}
            )
        info = self._by_code[code]
        if info is None:
            return Problem(
                Reason.UNKNOWN_INDICATOR,
                gettext(
                    "The indicator code “%(code)s” is used in several series; write "
                    "series/code or choose the series."
                )
                % {"code": text},
            )
        return info

    def remember_column(self, index: int, info: IndicatorInfo) -> None:
        self._columns[index] = info

    def column_indicator(self, index: int) -> IndicatorInfo:
        return self._columns[index]


def parse_year(raw) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if raw is not None else ""
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return _bad_year(text)
    return int(text)


def _bad_year(text: str):
    if not text:
        raise Problem(Reason.BAD_YEAR, gettext("The year is missing."))
    raise Problem(
        Reason.BAD_YEAR,
        gettext("“%(year)s” is not a year between %(first)s and %(last)s.")
        % {"year": text, "first": FIRST_YEAR, "last": LAST_YEAR},
    )


def parse_number(raw) -> float:
    """A number from a cell: typed cells as they are; text with a decimal comma or point and
    spaces between thousands ("1 234,5"). Raises ValueError for anything else."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
        if "," in text and "." in text:
            # Whichever comes last is the decimal sign, the other separates thousands.
            thousands = "," if text.rfind(",") < text.rfind(".") else "."
            text = text.replace(thousands, "")
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(raw)
    return number


def parse_value(raw, indicator: IndicatorInfo) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise Problem(Reason.MISSING_VALUE, gettext("The value is missing."))
    try:
        value = parse_number(raw)
    except ValueError:
        raise Problem(
            Reason.NOT_A_NUMBER, gettext("“%(value)s” is not a number.") % {"value": raw}
        ) from None
    low, high = indicator.scale_min, indicator.scale_max
    if (low is not None and value < low) or (high is not None and value > high):
        raise Problem(
            Reason.OUT_OF_SCALE,
            gettext("%(value)s is outside the scale of %(code)s (%(low)s–%(high)s).")
            % {
                "value": raw,
                "code": indicator.code,
                "low": "" if low is None else f"{low:g}",
                "high": "" if high is None else f"{high:g}",
            },
        )
    return value
