from search.documents import DocumentKind, SearchDocument, Section
from search.text import (
    MAX_TOKENS,
    document_passages,
    estimate_tokens,
    html_to_text,
    split_sentences,
)

SENTENCE = "Myndigheten följde upp kostnaderna för varje it-system under flera år i rad."


def _document(sections, **kwargs):
    return SearchDocument(
        kind=DocumentKind.CASE, title="Uppföljning", language="sv", sections=sections, **kwargs
    )


def test_html_cleaning_drops_scripts_and_styles_and_decodes_entities():
    """Only visible text survives; entities become characters; blocks stay apart."""
    html = (
        "<style>p{color:red}</style><p>Kostnader &amp; nyckeltal</p><script>alert(1)</script>"
        "<p>Andra&nbsp;stycket</p><ul><li>ett</li><li>två</li></ul>"
    )
    text = html_to_text(html)
    assert "alert" not in text and "color" not in text
    assert text.splitlines() == ["Kostnader & nyckeltal", "Andra stycket", "ett", "två"]


def test_sentences_split_at_sentence_ends_only():
    assert split_sentences("Det gick bra. Sedan kom 2024! Ca. tre av fyra.") == [
        "Det gick bra.",
        "Sedan kom 2024!",
        "Ca. tre av fyra.",
    ]


def test_long_text_becomes_overlapping_passages_of_200_to_300_tokens():
    """Passages stay within the size band and each starts with the end of the previous one."""
    body = " ".join(f"{SENTENCE[:-1]} nummer {n}." for n in range(120))
    passages = document_passages(_document([Section(text=f"<p>{body}</p>")]))
    assert len(passages) > 3
    for passage in passages[:-1]:
        assert 200 <= estimate_tokens(passage.text) <= MAX_TOKENS
    for previous, current in zip(passages, passages[1:], strict=False):
        first_sentence = split_sentences(current.text)[0]
        assert first_sentence in previous.text  # the overlap
        overlap = sum(
            estimate_tokens(s) for s in split_sentences(current.text) if s in previous.text
        )
        assert 0.1 <= overlap / estimate_tokens(current.text) <= 0.4
    assert [p.ordinal for p in passages] == list(range(len(passages)))


def test_standalone_sections_stay_single_passages_and_title_prefixes_encoding():
    """A lesson learned is never merged with its neighbours; e5 sees "Title: passage"."""
    passages = document_passages(
        _document(
            [
                Section(text="Inledning om projektet."),
                Section(text="Mät nyttan innan start.", heading="Lärdom", standalone=True),
                Section(text="Avslutning om projektet."),
            ],
            summary="Kort sammanfattning.",
        )
    )
    assert [p.text for p in passages] == [
        "Kort sammanfattning.\nInledning om projektet.",
        "Lärdom: Mät nyttan innan start.",
        "Avslutning om projektet.",
    ]
    assert passages[1].standalone
    assert passages[1].text_for_encoding == "Uppföljning: Lärdom: Mät nyttan innan start."


def test_each_passage_carries_its_language():
    """A Danish section of a Swedish page is marked Danish; short text keeps the page's."""
    danish = (
        "Styrelsen har udviklet en model for modenhedsmåling af statslige institutioners "
        "digitale løsninger, og den gør det muligt at sammenligne på tværs af myndigheder."
    )
    passages = document_passages(
        _document(
            [
                Section(text="Kort.", standalone=True),
                Section(text=danish, standalone=True),
            ]
        )
    )
    assert [p.language for p in passages] == ["sv", "da"]


def test_text_hash_changes_with_title_and_text():
    one = document_passages(_document([Section(text="Samma text.")]))[0]
    same = document_passages(_document([Section(text="Samma text.")]))[0]
    other = document_passages(
        SearchDocument(
            kind=DocumentKind.CASE, title="Annan", language="sv", sections=[Section("Samma text.")]
        )
    )[0]
    assert one.text_hash == same.text_hash != other.text_hash
