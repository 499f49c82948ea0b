"""Keeping Chunk rows (and, from them, the vector index) in step with the page tree.

Public entry points:

- ``index_page(page_id)``: (re)index one page into every index being served or built;
- ``remove_page(page_id)``: drop a page from them;
- ``rebuild(...)``: index every indexable page for the configured encoder, resumably,
  and switch the served index to it when it is complete;
- ``indexable_page_ids()`` / ``indexable_page_models()``: what search knows about.

Only passages whose text changed are encoded again: a vector is reused whenever a chunk
of the same model already holds the same text (by ``text_hash``).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from tqdm import tqdm
from wagtail.models import Page

from portal.faults import fault_point

from . import keyword_sync, page_vectors, vector_sync, vectors
from .attachments import attachment_passages
from .documents import SearchDocument, indexable_page_models, search_document_of
from .encoders import (
    Encoder,
    EncoderSetting,
    encoder_config,
    encoder_for_index,
    model_id_for,
)
from .generations import bump_generation, create_state, serving_states
from .models import Chunk, IndexState, PageSearchMeta
from .text import Passage, document_passages


@dataclass
class IndexResult:
    page_id: int
    passages: int = 0
    encoded: int = 0
    reused: int = 0
    removed: bool = False


REBUILD_PAGES_PER_BATCH = 32


@dataclass
class RebuildSummary:
    model_id: str
    pages: int
    passages: int
    encoded: int
    reused: int
    removed_pages: int
    seconds: float
    switched_from: str | None = None

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def indexable_page_ids() -> list[int]:
    """Ids of the live pages whose specific class declares ``search_document()``."""
    models = indexable_page_models()
    if not models:
        return []
    return list(Page.objects.live().type(*models).order_by("path").values_list("id", flat=True))


def _refresh_saved_bases(model_id: str, generation: int) -> None:
    """The derived files a starting process reads instead of every Chunk row."""
    keyword_sync.refresh_saved_base(model_id, generation)
    page_vectors.save_sums(model_id, generation)


def refresh_saved_files() -> None:
    """Keep the saved keyword base near the database, so processes that start or fall
    behind catch up from it cheaply. Run by the indexing tasks, never on a request."""
    for state in IndexState.objects.all():
        _refresh_saved_bases(state.model_id, state.generation)


# One page -------------------------------------------------------------------------------


def index_page(
    page_id: int,
    *,
    states: Iterable[IndexState] | None = None,
    reencode: bool = False,
    update_file: bool = True,
    encoded: dict[str, bytes] | None = None,
) -> IndexResult:
    """Bring a page's chunks up to date in every served or building index.

    A page that is gone, not live or not indexable is removed instead. With
    ``update_file=False`` (bulk rebuilds) the FAISS file is left to the caller.
    ``encoded`` maps passage text hashes to vectors a bulk rebuild already encoded.
    """
    page = Page.objects.filter(pk=page_id).first()
    document = search_document_of(page) if page else None
    if document is None:
        return remove_page(page_id, states=states)
    passages = page_passages(page, document)
    result = IndexResult(page_id=page_id, passages=len(passages))
    for state in states if states is not None else serving_states():
        fresh, reused = _store_passages(
            page_id, document, passages, state, reencode, update_file, encoded or {}
        )
        result.encoded += fresh
        result.reused += reused
    PageSearchMeta.objects.update_or_create(
        page_id=page_id,
        defaults={
            "kind": document.kind.value,
            "title": document.title[:255],
            "language": document.language,
            "countries": list(document.country),
            "topics": list(document.topics),
            "organisations": list(document.organisations),
            "date": document.date,
        },
    )
    return result


def page_passages(page: Page, document: SearchDocument) -> list[Passage]:
    """The page's own passages, then those of the documents attached to it."""
    passages = document_passages(document)
    return passages + attachment_passages(
        page, document.attachment_fields, language=document.language, start=len(passages)
    )


def _store_passages(
    page_id: int,
    document: SearchDocument,
    passages: list[Passage],
    state: IndexState,
    reencode: bool,
    update_file: bool,
    encoded: dict[str, bytes],
) -> tuple[int, int]:
    existing = list(
        Chunk.objects.filter(page_id=page_id, model_id=state.model_id).values_list(
            "ordinal",
            "text_hash",
            "language",
            "kind",
            "text",
            "document_id",
            "file_name",
            "file_page",
        )
    )
    wanted = [
        (p.ordinal, p.text_hash, p.language, document.kind.value, p.text)
        + (p.document_id, p.file_name, p.file_page)
        for p in passages
    ]
    if not reencode and sorted(existing) == wanted:
        return 0, len(passages)

    known: dict[str, bytes] = {}
    if not reencode:
        hashes = {passage.text_hash for passage in passages}
        for text_hash, vector in Chunk.objects.filter(
            model_id=state.model_id, text_hash__in=hashes
        ).values_list("text_hash", "vector"):
            known.setdefault(text_hash, bytes(vector))
    # Passages a bulk rebuild encoded for this call count as encoded, not reused.
    bulk_encoded = sum(
        1 for passage in passages if passage.text_hash in encoded and passage.text_hash not in known
    )
    known.update(encoded)
    missing = [passage for passage in passages if passage.text_hash not in known]
    if missing:
        encoder = encoder_for_index(state)
        if encoder.model_id != state.model_id:
            raise ValueError(
                f"Encoder {encoder.model_id} cannot write vectors for index {state.model_id}."
            )
        fresh = encoder.encode_passages([passage.text_for_encoding for passage in missing])
        for passage, vector in zip(missing, fresh, strict=True):
            known[passage.text_hash] = vector.astype(np.float32).tobytes()

    with transaction.atomic():
        old = Chunk.objects.filter(page_id=page_id, model_id=state.model_id)
        removed_ids = list(old.values_list("id", flat=True))
        old.delete()
        created = Chunk.objects.bulk_create(
            Chunk(
                page_id=page_id,
                ordinal=passage.ordinal,
                language=passage.language,
                kind=document.kind.value,
                text=passage.text,
                text_hash=passage.text_hash,
                model_id=state.model_id,
                vector=known[passage.text_hash],
                document_id=passage.document_id,
                file_name=passage.file_name[:255],
                file_page=passage.file_page,
            )
            for passage in passages
        )
        if update_file or state.status == IndexState.Status.ACTIVE:
            # A served index that a rebuild rewrites moves on page by page too, so no process
            # misses a committed chunk; the rebuild writes the file (and announces) at its end.
            generation = bump_generation(state, page_id, removed_ids, announce=update_file)
        if update_file:
            added_ids = [chunk.pk for chunk in created]
            added = np.frombuffer(b"".join(bytes(c.vector) for c in created), dtype=np.float32)
            transaction.on_commit(
                lambda: vector_sync.apply_changes(
                    state.model_id,
                    state.dimension,
                    generation,
                    removed_ids,
                    added_ids,
                    added.reshape(-1, state.dimension),
                )
            )
    fresh_count = len(missing) + bulk_encoded
    return fresh_count, len(passages) - fresh_count


def remove_page(page_id: int, *, states: Iterable[IndexState] | None = None) -> IndexResult:
    """Drop a page's chunks and filter fields from every index."""
    PageSearchMeta.objects.filter(page_id=page_id).delete()
    page_exists = Page.objects.filter(pk=page_id).exists()
    for state in states if states is not None else IndexState.objects.all():
        with transaction.atomic():
            chunks = Chunk.objects.filter(page_id=page_id, model_id=state.model_id)
            removed_ids = list(chunks.values_list("id", flat=True))
            if not removed_ids and page_exists:
                continue
            chunks.delete()
            generation = bump_generation(state, page_id, removed_ids)
            if not removed_ids:
                # The page's rows went with it (cascade): which vectors to drop is unknown,
                # so the index is rebuilt from the remaining rows.
                transaction.on_commit(lambda state=state: vector_sync.forget_loaded(state.model_id))
                continue
            transaction.on_commit(
                lambda state=state, generation=generation, removed_ids=removed_ids: (
                    vector_sync.apply_changes(
                        state.model_id,
                        state.dimension,
                        generation,
                        removed_ids,
                        [],
                        np.empty((0, state.dimension), dtype=np.float32),
                    )
                )
            )
    return IndexResult(page_id=page_id, removed=True)


# Everything -----------------------------------------------------------------------------


def rebuild(
    config: EncoderSetting | None = None,
    *,
    encoder: Encoder | None = None,
    reencode: bool = False,
    progress: bool = True,
    progress_file=None,
) -> RebuildSummary:
    """Index every indexable page for an encoder (the configured one by default).

    Resumable: pages whose chunks are current are skipped without encoding, so a killed
    rebuild continues where it stopped. When the encoder's model is not the one being
    served, its chunks are built beside the served ones and the switch happens only once
    every page is done; the old model's chunks and files are then deleted. The served
    model's index moves on page by page, as with a publish, so a rebuild that dies leaves
    no process serving less than the committed rows.
    ``encoder`` encodes the passages instead of the configuration's own, e.g. the same model
    on a GPU in larger batches; it must produce the configuration's model id.
    """
    config = encoder_config(config)
    started = time.monotonic()
    model_id = model_id_for(config)
    if encoder is not None and encoder.model_id != model_id:
        raise ValueError(f"Encoder {encoder.model_id} cannot write vectors for index {model_id}.")
    state = IndexState.objects.filter(model_id=model_id).first()
    if state is None:
        status = (
            IndexState.Status.BUILDING if IndexState.objects.active() else IndexState.Status.ACTIVE
        )
        state = create_state(config, status, encoder)

    page_ids = indexable_page_ids()
    summary = RebuildSummary(model_id, len(page_ids), 0, 0, 0, 0, 0.0)
    bar = tqdm(
        total=len(page_ids),
        desc=f"Indexing {model_id}",
        unit="page",
        disable=not progress,
        file=progress_file,
        dynamic_ncols=True,
    )
    for group_start in range(0, len(page_ids), REBUILD_PAGES_PER_BATCH):
        group = page_ids[group_start : group_start + REBUILD_PAGES_PER_BATCH]
        # One encoder call for the group's new passages: the encoder batches across pages
        # (sentence-transformers sorts them by length) instead of one small call per page.
        encoded = _encode_new_passages(group, state, reencode, encoder)
        for page_id in group:
            result = index_page(
                page_id, states=[state], reencode=reencode, update_file=False, encoded=encoded
            )
            summary.passages += result.passages
            summary.encoded += result.encoded
            summary.reused += result.reused
            bar.update()
            fault_point("search.rebuild.page")
        if state.status == IndexState.Status.ACTIVE:
            # Served while rebuilt: keep the saved keyword base near, as the indexing tasks
            # do, so that processes catch up from it instead of building one on a request.
            _refresh_saved_bases(model_id, state.generation)
        elapsed = time.monotonic() - started
        bar.set_postfix(
            encoded=summary.encoded,
            reused=summary.reused,
            passages_per_s=f"{summary.passages / elapsed:.1f}" if elapsed else "-",
            refresh=False,
        )
    bar.close()

    stale = Chunk.objects.filter(model_id=model_id).exclude(page_id__in=page_ids)
    summary.removed_pages = stale.values("page_id").distinct().count()
    stale.delete()
    with transaction.atomic():
        generation = bump_generation(state, None)
    index = vectors.VectorIndex.from_rows(model_id, state.dimension, generation)
    index.save()
    vector_sync.forget_loaded(model_id)
    _refresh_saved_bases(model_id, generation)

    if state.status == IndexState.Status.BUILDING:
        summary.switched_from = _switch_to(state)
    summary.seconds = time.monotonic() - started
    return summary


def _encode_new_passages(
    page_ids: list[int], state: IndexState, reencode: bool, encoder: Encoder | None
) -> dict[str, bytes]:
    """Vectors, by text hash, for the pages' passages that the index does not hold yet."""
    texts: dict[str, str] = {}
    for page in Page.objects.filter(pk__in=page_ids):
        document = search_document_of(page)
        if document is not None:
            for passage in page_passages(page, document):
                texts.setdefault(passage.text_hash, passage.text_for_encoding)
    if not reencode:
        stored = Chunk.objects.filter(model_id=state.model_id, text_hash__in=list(texts))
        for text_hash in stored.values_list("text_hash", flat=True).distinct():
            texts.pop(text_hash, None)
    if not texts:
        return {}  # nothing new: the model is not even loaded
    encoder = encoder or encoder_for_index(state)
    vectors_ = encoder.encode_passages(list(texts.values()))
    return {
        text_hash: vector.astype(np.float32).tobytes()
        for text_hash, vector in zip(texts, vectors_, strict=True)
    }


def _switch_to(state: IndexState) -> str | None:
    """Serve ``state``'s model from now on; delete the model served until now."""
    with transaction.atomic():
        old = IndexState.objects.select_for_update().filter(status=IndexState.Status.ACTIVE)
        old_ids = list(old.values_list("model_id", flat=True))
        Chunk.objects.filter(model_id__in=old_ids).delete()
        old.delete()
        IndexState.objects.filter(pk=state.pk).update(status=IndexState.Status.ACTIVE)
        bump_generation(state, None)
    state.status = IndexState.Status.ACTIVE
    index = vectors.VectorIndex.from_rows(state.model_id, state.dimension, state.generation)
    index.save()
    for model_id in old_ids:
        vector_sync.forget_loaded(model_id)
        shutil.rmtree(vectors.index_directory(model_id), ignore_errors=True)
    return old_ids[0] if old_ids else None
