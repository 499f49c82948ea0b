"""Page slugs: one transliteration for every path a page gets its slug by.

Danish and Swedish titles keep their letters as ASCII (``æ`` → ``ae``, ``ø`` → ``o``,
``å``/``ä`` → ``a``, ``ö`` → ``o``, ``é`` → ``e``), the way Wagtail's admin turns a title into a
slug with ``WAGTAIL_ALLOW_UNICODE_SLUGS = False`` (its LATIN_MAP). ``slugify`` drops letters that
Unicode does not decompose (``æ``, ``ø``, ``ß``), so they are mapped first.
"""

import unicodedata

from django.utils.text import slugify as django_slugify

# Letters NFKD leaves whole; every other accented Latin letter decomposes to its base letter.
_LETTERS = {
    "Æ": "AE",
    "æ": "ae",
    "Ø": "O",
    "ø": "o",
    "Œ": "OE",
    "œ": "oe",
    "ß": "ss",
    "Ð": "D",
    "ð": "d",
    "Þ": "TH",
    "þ": "th",
    "Đ": "D",
    "đ": "d",
    "Ł": "L",
    "ł": "l",
    "ı": "i",
}
_TABLE = str.maketrans(_LETTERS)


def transliterate(value: str) -> str:
    """``value`` in ASCII letters where it has Latin ones (characters without one are dropped)."""
    decomposed = unicodedata.normalize("NFKD", str(value).translate(_TABLE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def page_slug(title: str) -> str:
    """The slug for a page titled ``title``: ASCII, lower case, hyphenated; may be empty."""
    return django_slugify(transliterate(title))


def slugify(value, allow_unicode: bool = False) -> str:
    """``django.utils.text.slugify`` with the transliteration above when not ``allow_unicode``;
    Wagtail's automatic page slugs use it (see ``portal.apps``)."""
    if allow_unicode:
        return django_slugify(value, allow_unicode=True)
    return page_slug(value)


def _admin_formatters() -> list[tuple[str, str]]:
    """(regex, replacement) pairs for Wagtail's slug field (``SlugInput(formatters=…)``): the
    letters of Latin-1 and Latin Extended-A, replaced by their ``transliterate`` before the
    admin's JavaScript slugifies. Its title-to-slug "urlify" maps them alike already, but a slug
    typed by hand is cleaned by "slugify", which would drop them."""
    groups: dict[str, str] = {}
    for code in range(0xC0, 0x180):
        letter = chr(code)
        ascii_form = transliterate(letter)
        if letter.isalpha() and ascii_form and ascii_form != letter:
            groups[ascii_form] = groups.get(ascii_form, "") + letter
    return [(f"[{letters}]", ascii_form) for ascii_form, letters in sorted(groups.items())]


ADMIN_SLUG_FORMATTERS = _admin_formatters()
