"""What every app's demo loader shares: reading its data files and upserting its pages.

Each app keeps its demo content as data beside its loader (``<app>/demo_content/``: YAML,
and Markdown with YAML front matter), so that editors and translators can change the demo
without reading Python; ``manage.py load_demo`` then brings the database up to date.
"""

import re
from pathlib import Path

import yaml
from wagtail.models import Page

_HEADING = re.compile(r"^## +(.+?) *$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


class DemoContentError(ValueError):
    """A demo data file that cannot be read; the message names the file."""


def read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(_read_text(path)) or {}
    except yaml.YAMLError as error:
        raise DemoContentError(f"{path}: {error}") from error


def read_markdown(path: Path) -> tuple[dict, dict[str, str]]:
    """The YAML front matter of a Markdown file, and its text by ``## Heading``.

    The text before the first heading is under ``""``.
    """
    match = re.match(r"---\n(.*?)\n---[ \t]*(?:\n|$)(.*)", _read_text(path), re.DOTALL)
    if match is None:
        raise DemoContentError(f"{path}: no front matter between two lines of ---")
    try:
        front_matter = yaml.safe_load(match[1]) or {}
    except yaml.YAMLError as error:
        raise DemoContentError(f"{path}: {error}") from error
    sections: dict[str, list[str]] = {"": []}
    lines = sections[""]
    for line in match[2].split("\n"):
        heading = _HEADING.match(line)
        if heading is None:
            lines.append(line)
        elif heading[1] in sections:
            raise DemoContentError(f"{path}: the heading “## {heading[1]}” comes twice")
        else:
            lines = sections[heading[1]] = []
    return front_matter, {name: "\n".join(body).strip() for name, body in sections.items()}


def _read_text(path: Path) -> str:
    """The file's text, whatever line ends and byte order mark the editor left."""
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def check_fields(where, data, required: str, optional: str = "") -> dict:
    """``data``, a mapping read from a data file, once it has the fields it must and no other.

    ``required`` and ``optional`` name the fields, separated by spaces.
    """
    required_names, optional_names = required.split(), optional.split()
    if not isinstance(data, dict):
        raise DemoContentError(f"{where}: expected fields (name: value), found {data!r}")
    missing = [name for name in required_names if name not in data]
    unknown = sorted(set(data) - set(required_names) - set(optional_names))
    if missing or unknown:
        raise DemoContentError(
            f"{where}: missing fields: {', '.join(missing) or 'none'}; "
            f"unknown fields: {', '.join(unknown) or 'none'} "
            f"(the fields are: {', '.join([*required_names, *optional_names])})"
        )
    return data


def translation_fields(where, translations, fields: str, languages=("da", "en")) -> dict:
    """The per-language fields of a page (``{"title_da": …, "intro_en": …}``) from a data
    file's ``translations`` (``{da: {title: …, intro: …}, en: {…}}``); ``fields`` names the
    fields that may be translated, separated by spaces."""
    if translations is None:
        return {}
    check_fields(f"{where}, translations", translations, "", " ".join(languages))
    values = {}
    for language, texts in translations.items():
        check_fields(f"{where}, translations, {language}", texts, "", fields)
        values.update({f"{field}_{language}": text for field, text in texts.items()})
    return values


def fill_blank_fields(page: Page, values: dict) -> Page:
    """``page`` with the fields of ``values`` it has blank filled in, published when any was:
    an editor's own wording is never replaced."""
    blank = {name: value for name, value in values.items() if not getattr(page, name)}
    if not blank:
        return page
    for name, value in blank.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def paragraphs(text: str) -> str:
    """``text`` as paragraphs separated by one blank line, each on a line of its own.

    A blank line starts a new paragraph; the lines within one are joined, so that editors
    may wrap long paragraphs as they like.
    """
    blocks = (
        " ".join(line.strip() for line in block.split("\n")) for block in _BLANK_LINES.split(text)
    )
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def in_order(folder: Path, suffix: str, slugs: list[str]) -> list[tuple[str, Path]]:
    """The data files of ``folder`` as (slug, path), in the order of ``slugs``, which must
    name each of them once: the order decides the order of the pages."""
    found = {path.stem for path in folder.glob(f"*{suffix}")}
    listed = set(slugs)
    if len(listed) != len(slugs):
        raise DemoContentError(f"{folder}: the list of files in index.yaml names one twice")
    if found != listed:
        missing = ", ".join(sorted(listed - found)) or "none"
        unlisted = ", ".join(sorted(found - listed)) or "none"
        raise DemoContentError(
            f"{folder}: index.yaml must list every {suffix} file here once "
            f"(listed without a file: {missing}; files not listed: {unlisted})"
        )
    return [(slug, folder / f"{slug}{suffix}") for slug in slugs]


def child_page(parent: Page, model, slug: str):
    """The child of ``parent`` with this slug, as ``model``, or None."""
    return model.objects.child_of(parent).filter(slug=slug).first()


def upsert_page(parent: Page, model, slug: str, *, update=True, publish=True, **fields):
    """The page ``slug`` below ``parent``: created from ``fields`` when there is none.

    ``update``: an existing page takes ``fields`` as well; otherwise it is returned as it is.
    ``publish``: a page created or updated is published, and returned as published.
    """
    page = child_page(parent, model, slug)
    if page is not None and not update:
        return page
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    if not publish:
        return page
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)
