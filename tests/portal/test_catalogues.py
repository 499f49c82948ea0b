"""Every message of the interface is translated into Swedish and Danish: a catalogue with an
untranslated or fuzzy entry (plural forms included) fails here, naming the entries."""

import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def _entries(po_file: Path):
    """(msgid, [msgstr, …], flags) per entry; obsolete (#~) entries are skipped."""
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" not in fields or not fields["msgid"]:
            continue  # the header
        translations = [value for key, value in fields.items() if key.startswith("msgstr")]
        yield fields["msgid"], translations, flags


@pytest.mark.parametrize("language", ["sv", "da"])
def test_every_message_is_translated(language):
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    entries = list(_entries(po_file))
    assert len(entries) > 500  # the catalogue was read, not skipped
    untranslated = [msgid for msgid, strings, _flags in entries if not all(strings)]
    fuzzy = [msgid for msgid, _strings, flags in entries if "fuzzy" in flags]
    assert not untranslated, f"untranslated in {language}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"


@pytest.mark.parametrize("language", ["sv", "da"])
def test_plural_forms_are_translated(language):
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    plurals = [(msgid, strings) for msgid, strings, _flags in _entries(po_file) if len(strings) > 1]
    assert plurals, "the catalogue has plural entries (results, members, requests to join)"
    assert all(all(strings) for _msgid, strings in plurals)
