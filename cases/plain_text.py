"""Plain text, as members type it and documents give it, made into what case pages store:
rich text paragraphs and a short summary."""

import re

from django.utils.html import escape

_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs_html(text: str) -> str:
    """``<p>`` per paragraph of ``text`` (paragraphs separated by blank lines), escaped."""
    paragraphs = (" ".join(block.split()) for block in _BLANK_LINES.split(text or ""))
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph)


def summarise(text: str, limit: int = 300) -> str:
    """The start of ``text``, cut at a word boundary within ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–-")
    return f"{cut}…"
