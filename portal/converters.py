"""URL converters shared by every app's URL patterns."""

from django.urls import register_converter

# The largest primary key a 64-bit integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class IdConverter:
    """A database id in a URL: digits that fit a 64-bit column, else the URL does not match (404).

    Django's ``int`` converter accepts any length, and SQLite raises OverflowError on
    a lookup past 2**63 - 1, which made ``/…/99999999999999999999.ics`` answer 500.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django treats it as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
