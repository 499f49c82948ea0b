"""The keyword side: stems in three languages, identifiers, synonyms, compounds, coverage."""

import pytest

from search.keywords import KeywordIndex
from search.models import SearchSynonym

ROWS = [
    (1, 10, "sv", "Myndigheten följer upp kostnaderna för it-arbetsplatser varje kvartal."),
    (2, 11, "da", "Styrelsen sammenligner omkostningerne til it-arbejdspladser."),
    (3, 12, "sv", "Beslutet med diarienummer 2023/1234 gäller prognoser för vårdplatser."),
    (4, 13, "sv", "Ärendet Fi2021/03456 handlar om Ekonomistyrningsverkets nyckeltal."),
    (5, 14, "en", "Hospitals forecast their bed occupancy with a statistical model."),
    (6, 15, "sv", "År 2023 sjönk antalet ärenden till 1234 per handläggare."),
]


@pytest.fixture
def index():
    return KeywordIndex.build(ROWS, generation=1)


def pages(matches):
    return [match.page_id for match in matches]


def test_inflected_forms_meet_at_their_stem(index):
    """ "kostnad" finds "kostnaderna"; "omkostninger" finds "omkostningerne"; "forecasts" finds
    "forecast"."""
    assert pages(index.search("kostnad", 10)) == [10]
    assert pages(index.search("omkostninger", 10)) == [11]
    assert pages(index.search("forecasts hospital", 10)) == [14]


def test_identifiers_are_found_exactly_with_their_punctuation(index):
    """A registration number typed as written finds its page, not pages sharing its digits."""
    found = index.search("2023/1234", 10)
    assert pages(found) == [12] and found[0].coverage == pytest.approx(1.0)
    assert pages(index.search("fi2021/03456", 10)) == [13]


def test_a_compound_finds_passages_that_write_it_apart(index):
    assert pages(index.search("vårdplatsprognoser", 10)) == [12]


def test_coverage_tells_all_words_from_some(index):
    both = index.search("kostnaderna kvartal", 10)
    some = index.search("kostnaderna sjukhusparkering", 10)
    assert both[0].coverage == pytest.approx(1.0)
    assert 0 < some[0].coverage < 1


def test_synonyms_expand_the_query(index):
    assert index.search("ESV", 10) == []
    found = index.search("ESV", 10, synonyms={"esv": ["Ekonomistyrningsverket"]})
    assert pages(found) == [13] and found[0].words == ("esv",)


@pytest.mark.django_db
def test_moderators_synonym_list_reaches_search(make_page):
    """A synonym saved in the admin list is used by the next search."""
    from search.query import search

    SearchSynonym.objects.all().delete()  # the migration's starting list holds ESV
    page = make_page("Nyckeltal", "Ekonomistyrningsverket samlar in nyckeltal från myndigheterna.")
    assert search("ESV", mode="keyword").hits == []
    SearchSynonym.objects.create(terms="ESV, Ekonomistyrningsverket")
    assert [hit.page_id for hit in search("ESV", mode="keyword").hits] == [page.pk]


def test_changed_pages_replace_their_old_rows(index):
    """A delta re-reads changed pages: old text stops matching, new text matches."""
    changed = index.with_changes(
        {10}, [(7, 10, "sv", "Myndigheten mäter nu digital mognad.")], generation=2
    )
    assert pages(changed.search("kostnaderna", 10)) == []
    assert pages(changed.search("mognad", 10)) == [10]
    assert pages(changed.search("omkostninger", 10)) == [11]  # others untouched


def test_saved_base_loads_identically(index, tmp_path):
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path)
    assert loaded is not None and loaded.generation == 1
    for query in ("kostnad", "2023/1234", "forecasts hospital"):
        assert loaded.search(query, 10) == index.search(query, 10)
    (tmp_path / "keywords.json").write_text("{broken")
    assert KeywordIndex.load(tmp_path) is None
