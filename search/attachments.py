"""Wagtail documents and the pages that use them: who may fetch a document, which documents
a page holds, and which pages to re-index when a document changes.

"Uses" is what Wagtail's reference index records: an attachment field, a document block in a
StreamField, a document link in rich text, on any page. A document is served to a visitor
only when the visitor may see every page that uses it (search.visibility's one rule, so a
document on a live public page and on a draft is as private as the draft). A document that
no page uses is served to editors only: to those with permission to add or change documents,
who reach it in the admin anyway. Until a page is published with it, then, a new document
stays private, and a document whose last page was deleted becomes private again.

A page may show some fields to part of its audience only (a network's information for its
members): it says so with ``field_is_shown_to(field, user)``, and a document linked from such
a field is served only to those the page shows that field to.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .extraction import FILE_EXTENSIONS, ExtractedFile, ExtractionError, extract_file
from .state import register_cache
from .text import Passage, file_passages
from .visibility import visible_page_ids

logger = logging.getLogger(__name__)

EDITOR_PERMISSIONS = ["add", "change"]
# Extracted files by (document id, file hash): a rebuild reads each page's passages twice
# (to encode them in bulk, then to store them), and one report may be on several pages.
EXTRACTED_CACHE_SIZE = 16
_extracted: OrderedDict[tuple[int, str], ExtractedFile | None] = OrderedDict()
_extracted_lock = threading.Lock()


@register_cache
def _forget() -> None:
    with _extracted_lock:
        _extracted.clear()


def pages_using(document) -> set[int]:
    """Ids of the pages (drafts included) whose content refers to ``document``."""
    return set(fields_using(document))


def fields_using(document) -> dict[int, set[str]]:
    """Per page id (drafts included), the fields of that page that refer to ``document``."""
    page_type = ContentType.objects.get_for_model(Page)
    fields: dict[int, set[str]] = {}
    for object_id, model_path in (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", "model_path")
    ):
        fields.setdefault(int(object_id), set()).add(model_path.split(".", 1)[0])
    return fields


def is_document_editor(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and policy_registry.get_by_type(get_document_model()).user_has_any_permission(
            user, EDITOR_PERMISSIONS
        )
    )


def may_fetch(document, request) -> bool:
    """Whether this visitor may download ``document`` (see the module's docstring)."""
    user = getattr(request, "user", None)
    if is_document_editor(user):
        return True
    fields = fields_using(document)
    pages = set(fields)
    if not pages or visible_page_ids(pages, request=request) != pages:
        return False
    return all(
        _field_is_shown(page, fields[page.pk], user)
        for page in Page.objects.filter(pk__in=pages).specific()
    )


def _field_is_shown(page: Page, fields: set[str], user) -> bool:
    shown_to = getattr(page, "field_is_shown_to", None)
    return shown_to is None or all(shown_to(field, user) for field in fields)


def page_documents(page: Page, fields: Iterable[str]) -> list:
    """The documents ``page`` uses in ``fields`` now, in a stable order. The page's entries
    in the reference index are brought up to date first: Wagtail updates them in a task of
    its own, which may run after the one indexing the page."""
    fields = set(fields)
    if not fields:
        return []
    specific = page.specific
    ReferenceIndex.create_or_update_for_object(specific)
    Document = get_document_model()
    ids = {
        int(to_id)
        for to_id, model_path in ReferenceIndex.get_references_for_object(specific)
        .filter(to_content_type=ContentType.objects.get_for_model(Document))
        .values_list("to_object_id", "model_path")
        if model_path.split(".", 1)[0] in fields
    }
    return list(Document.objects.filter(pk__in=ids).order_by("pk"))


def attachment_passages(
    page: Page, fields: Iterable[str], *, language: str, start: int
) -> list[Passage]:
    """Passages of the PDF, DOCX and ODT documents ``page`` uses in ``fields``, numbered on
    from ``start``. A file that cannot be read is logged and left out; the page still indexes."""
    passages: list[Passage] = []
    for document in page_documents(page, fields):
        if f".{document.file_extension.lower()}" not in FILE_EXTENSIONS:
            continue
        extracted = _extract(document)
        if extracted is None:
            continue
        passages += file_passages(
            extracted,
            document_id=document.pk,
            file_name=document.filename,
            language=language,
            start=start + len(passages),
        )
    return passages


def _extract(document) -> ExtractedFile | None:
    key = (document.pk, document.get_file_hash())
    with _extracted_lock:
        if key in _extracted:
            _extracted.move_to_end(key)
            return _extracted[key]
    try:
        with document.open_file() as handle:
            extracted = extract_file(handle.read(), document.filename)
    except (ExtractionError, OSError) as error:
        logger.warning("Document %s (%s) not searched: %s", document.pk, document.filename, error)
        extracted = None
    with _extracted_lock:
        _extracted[key] = extracted
        while len(_extracted) > EXTRACTED_CACHE_SIZE:
            _extracted.popitem(last=False)
    return extracted
