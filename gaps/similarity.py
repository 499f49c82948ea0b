"""How alike two searches are in meaning, on the scale search gaps are grouped on."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from search.saved_queries import encode_saved_queries

# multilingual-e5-small puts every short query in one narrow cone (raw cosines: paraphrases
# from 0.85, unrelated queries up to 0.89), so queries are compared after taking away
# the mean vector of these everyday public-sector searches (none of them a gap), which
# leaves what is particular to each. Measured on 27 queries, 8 needs, each written 3–5
# ways in sv/da/en (bench/bench_gap_grouping.py): centred cosines of paraphrases at
# least 0.24 (10th percentile 0.30), of unrelated queries up to 0.40 (99th percentile
# 0.29). Greedy grouping at 0.35 kept every gap pure (pair precision 1.00) and put 88 %
# of paraphrase pairs together (10 gaps for 8 needs); 0.30 merged two needs (0.73). A
# need split in two costs a coordinator a second look; two needs merged hide one of them.
GAP_SIMILARITY = 0.35
BACKGROUND_QUERIES = (
    "budget och ekonomistyrning",
    "tillsyn av livsmedel",
    "öppna data",
    "medarbetarundersökning",
    "klarspråk i myndighetstexter",
    "informationssäkerhet",
    "kundnöjdhet",
    "hållbar upphandling",
    "borgerinddragelse",
    "effektivisering af sagsbehandling",
    "tilsyn med arbejdsmiljø",
    "digital post",
    "ledelse og trivsel",
    "statistik om ledighed",
    "it-sikkerhed",
    "brugertilfredshed",
    "case management digitalisation",
    "open government data",
    "staff wellbeing survey",
    "plain language",
    "risk-based inspections",
    "service design in the public sector",
    "energy efficiency of buildings",
    "fraud detection in benefits",
)


def centring_vector(model_id: str) -> NDArray[np.float32]:
    """The mean of ``BACKGROUND_QUERIES`` as the served model encodes them."""
    cached = _centres.get(model_id)
    if cached is None:
        encoded_by, vectors = encode_saved_queries(BACKGROUND_QUERIES)
        if encoded_by != model_id:
            raise RuntimeError("The served model changed while gaps were being found.")
        cached = _centres[model_id] = vectors.mean(axis=0).astype(np.float32)
    return cached


_centres: dict[str, NDArray[np.float32]] = {}


def centred(vectors: NDArray[np.float32], centre: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows minus ``centre``, L2-normalised: the scale ``GAP_SIMILARITY`` is measured on."""
    if vectors.ndim != 2 or vectors.shape[1] != centre.shape[0]:
        raise ValueError(f"Expected vectors of shape (n, {centre.shape[0]}), got {vectors.shape}.")
    shifted = vectors - centre
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return (shifted / np.maximum(norms, 1e-12)).astype(np.float32)


def normalised(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
