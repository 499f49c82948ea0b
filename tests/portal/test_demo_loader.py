"""The demo content's data files: reading them, and the one page upsert every loader uses."""

import pytest
from wagtail.models import Page, Revision

from cases.demo_data import read_case, read_lesson
from network.demo import CONTENT as NETWORK_CONTENT
from network.demo import check_network
from portal import demo_loader as loader
from portal.demo_loader import DemoContentError
from portal.models import HomePage

CASE = """\
---
title: Ett fall
language: sv
country: SE
organisations: [esv]
topics: [efficiency]
status: completed
start: 2021-03-01
key_figures:
  - {value: 84, unit: "%", label: bekräftade}
contacts:
  - {name: Karin Holm, email: karin@esv.example}
---

Sammanfattningen,
ombruten över två rader.

## Problem

Första stycket.

Andra stycket.

## Quote

Ett citat.

— Karin Holm

## Lessons

- success: Lärdomen,
  som fortsätter.
- pitfall: En fallgrop.
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_case_file_reads_as_the_entry_the_loader_takes(tmp_path):
    entry = read_case("ett-fall", _write(tmp_path, "ett-fall.md", CASE.replace("\n", "\r\n")))

    assert entry == {
        "slug": "ett-fall",
        "title": "Ett fall",
        "language": "sv",
        "organisations": ["esv"],
        "country": "SE",
        "topics": ["efficiency"],
        "status": "completed",
        "start": "2021-03-01",
        "end": None,
        "summary": "Sammanfattningen, ombruten över två rader.",
        "problem": "Första stycket.\n\nAndra stycket.",
        "approach": "",
        "results": "",
        "key_figures": [["84", "%", "bekräftade"]],
        "quote": ["Ett citat.", "Karin Holm"],
        "lessons": [["Lärdomen, som fortsätter.", "success"], ["En fallgrop.", "pitfall"]],
        "contacts": [["Karin Holm", "", "", "karin@esv.example"]],
        "related": [],
        "theme": "",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("status: completed", "state: completed"), "missing fields: status"),
        (("## Problem", "## Problemet"), "unknown ## headings"),
        (("— Karin Holm", "Karin Holm"), "end the ## Quote"),
        (("- pitfall:", "- fallgrop:"), "a lesson's kind"),
        (("---\n\nSammanfattningen", "\nSammanfattningen"), "no front matter"),
    ],
)
def test_a_case_file_that_cannot_be_read_says_why(tmp_path, change, message):
    path = _write(tmp_path, "ett-fall.md", CASE.replace(*change))
    with pytest.raises(DemoContentError, match=message):
        read_case("ett-fall", path)


def test_a_lesson_file_is_front_matter_and_text(tmp_path):
    path = _write(
        tmp_path,
        "en-lardom.md",
        "---\ntitle: En lärdom\nlanguage: sv\nkind: success\norganisations: []\ntopics: []\n"
        "---\n\nDen\nlärde vi oss.\n",
    )
    entry = read_lesson("en-lardom", path)
    assert (entry["text"], entry["context"], entry["country"]) == ("Den lärde vi oss.", "", "")


def test_paragraphs_join_wrapped_lines_and_keep_blank_line_breaks():
    assert loader.paragraphs("  ett\ntvå  \n\n\n tre \n \nfyra") == "ett två\n\ntre\n\nfyra"


def test_markdown_sections_and_a_repeated_heading(tmp_path):
    meta, sections = loader.read_markdown(
        _write(tmp_path, "a.md", "---\na: 1\n---\nlead\n## B\nb\n")
    )
    assert (meta, sections) == ({"a": 1}, {"": "lead", "B": "b"})
    with pytest.raises(DemoContentError, match="comes twice"):
        loader.read_markdown(_write(tmp_path, "b.md", "---\na: 1\n---\n## B\n## B\n"))


def test_index_yaml_must_list_every_file_once(tmp_path):
    for name in ("a.md", "b.md"):
        _write(tmp_path, name, "")
    assert loader.in_order(tmp_path, ".md", ["b", "a"]) == [
        ("b", tmp_path / "b.md"),
        ("a", tmp_path / "a.md"),
    ]
    with pytest.raises(DemoContentError, match="files not listed: b"):
        loader.in_order(tmp_path, ".md", ["a"])
    with pytest.raises(DemoContentError, match="listed without a file: c"):
        loader.in_order(tmp_path, ".md", ["a", "b", "c"])
    with pytest.raises(DemoContentError, match="names one twice"):
        loader.in_order(tmp_path, ".md", ["a", "b", "a"])


def test_check_fields_names_what_is_missing_and_what_is_unknown():
    assert loader.check_fields("here", {"a": 1}, "a", "b") == {"a": 1}
    with pytest.raises(DemoContentError, match="here: missing fields: a; unknown fields: c"):
        loader.check_fields("here", {"c": 1}, "a", "b")
    with pytest.raises(DemoContentError, match="expected fields"):
        loader.check_fields("here", ["a"], "a")


def test_every_demo_network_file_has_the_fields_its_loader_reads():
    index = loader.read_yaml(NETWORK_CONTENT / "index.yaml")
    files = loader.in_order(NETWORK_CONTENT / "networks", ".yaml", index["networks"])
    networks = [check_network(path, loader.read_yaml(path)) for _slug, path in files]
    assert sum(len(network["meetings"]) for network in networks) >= 15


@pytest.mark.django_db
def test_upsert_page_creates_updates_or_leaves_a_page_alone():
    root = Page.get_first_root_node()
    home = loader.upsert_page(root, HomePage, "demo-home", title="Hem", hero_title="Välkommen")
    assert home.live and Revision.objects.count() == 1

    same = loader.upsert_page(root, HomePage, "demo-home", update=False, title="Annan")
    assert (same.pk, same.title, Revision.objects.count()) == (home.pk, "Hem", 1)

    updated = loader.upsert_page(root, HomePage, "demo-home", title="Ny")
    assert (updated.pk, updated.title, Revision.objects.count()) == (home.pk, "Ny", 2)

    draft = loader.upsert_page(home, Page, "draft", publish=False, title="Utkast", live=False)
    assert not draft.live and Revision.objects.count() == 2
