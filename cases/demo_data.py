"""The case library's demo content, read from the data files in ``demo_content/``.

A case is a Markdown file in ``demo_content/cases/``, a standalone lesson one in
``demo_content/lessons/``, each named by its page's slug; ``demo_content/index.yaml`` holds
the index pages and the order of the files, and ``demo_content/README.md`` the format. The
entries keep the shape that ``demo.py`` loads and fingerprints.
"""

from datetime import date
from pathlib import Path

from portal.demo_loader import (
    DemoContentError,
    check_fields,
    in_order,
    paragraphs,
    read_markdown,
    read_yaml,
)

from .models import LessonKind

CONTENT = Path(__file__).with_name("demo_content")

_CASE_SECTIONS = ("Problem", "Approach", "Results", "Quote", "Lessons")


def read_case(slug: str, path: Path) -> dict:
    meta, sections = read_markdown(path)
    check_fields(
        path,
        meta,
        "title language country organisations topics status",
        "start end theme related key_figures contacts",
    )
    if unknown := set(sections) - {"", *_CASE_SECTIONS}:
        raise DemoContentError(
            f"{path}: unknown ## headings {sorted(unknown)}; a case has {list(_CASE_SECTIONS)}"
        )
    return {
        "slug": slug,
        "title": meta["title"],
        "language": meta["language"],
        "organisations": meta["organisations"],
        "country": meta["country"],
        "topics": meta["topics"],
        "status": meta["status"],
        "start": _iso_date(meta.get("start")),
        "end": _iso_date(meta.get("end")),
        "summary": paragraphs(sections[""]),
        "problem": paragraphs(sections.get("Problem", "")),
        "approach": paragraphs(sections.get("Approach", "")),
        "results": paragraphs(sections.get("Results", "")),
        "key_figures": [_key_figure(path, figure) for figure in meta.get("key_figures", [])],
        "quote": _quote(path, sections.get("Quote", "")),
        "lessons": _lessons(path, sections.get("Lessons", "")),
        "contacts": [_contact(path, contact) for contact in meta.get("contacts", [])],
        "related": meta.get("related", []),
        "theme": meta.get("theme", ""),
    }


def read_lesson(slug: str, path: Path) -> dict:
    meta, sections = read_markdown(path)
    check_fields(path, meta, "title language kind organisations topics", "country context")
    if set(sections) != {""}:
        raise DemoContentError(f"{path}: a lesson has no ## headings, only its text")
    return {
        "slug": slug,
        "title": meta["title"],
        "language": meta["language"],
        "text": paragraphs(sections[""]),
        "kind": _kind(path, meta["kind"]),
        "context": meta.get("context", ""),
        "organisations": meta["organisations"],
        "topics": meta["topics"],
        "country": meta.get("country", ""),
    }


def _iso_date(value) -> str | None:
    """YAML reads an unquoted 2023-06-30 as a date; the entries keep ISO strings."""
    return value.isoformat() if isinstance(value, date) else value


def _key_figure(path: Path, figure) -> list[str]:
    check_fields(path, figure, "value label", "unit")
    return [str(figure["value"]), figure.get("unit", ""), figure["label"]]


def _contact(path: Path, contact) -> list[str]:
    check_fields(path, contact, "name", "role organisation email")
    fields = ("role", "organisation", "email")
    return [contact["name"], *(contact.get(name, "") for name in fields)]


def _quote(path: Path, text: str) -> list[str] | None:
    """The quote's paragraphs, then a last one "— who said it"."""
    if not text:
        return None
    *quote, attribution = paragraphs(text).split("\n\n")
    if not quote or not attribution.startswith("—"):
        raise DemoContentError(f"{path}: end the ## Quote with a line “— who said it”")
    return ["\n\n".join(quote), attribution.removeprefix("—").strip()]


def _lessons(path: Path, text: str) -> list[list[str]]:
    """``- kind: text`` items; a lesson may go on over the following (indented) lines."""
    items: list[str] = []
    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.strip() and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            raise DemoContentError(f"{path}: start each lesson under ## Lessons with “- ”")
    lessons = []
    for item in items:
        kind, _colon, lesson = item.partition(":")
        lessons.append([lesson.strip(), _kind(path, kind.strip())])
    return lessons


def _kind(path: Path, kind: str) -> str:
    if kind not in LessonKind.values:
        raise DemoContentError(
            f"{path}: a lesson's kind is one of {', '.join(LessonKind.values)}, not {kind!r}"
        )
    return kind


INDEX = check_fields(
    CONTENT / "index.yaml",
    read_yaml(CONTENT / "index.yaml"),
    "case_index lesson_index cases lessons",
)
CASE_INDEX = INDEX["case_index"]
LESSON_INDEX = INDEX["lesson_index"]
CASES = [read_case(*file) for file in in_order(CONTENT / "cases", ".md", INDEX["cases"])]
LESSONS = [read_lesson(*file) for file in in_order(CONTENT / "lessons", ".md", INDEX["lessons"])]
