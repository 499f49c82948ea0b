"""Who knows what: organisations ranked by the relevance of their cases."""

import pytest

from datalab.expertise import rank_organisations
from search.relevance import Relevance
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed_cases(make_case, topics, organisations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_case(
            "Chattbot i kontaktcenter",
            summary="En chattbot svarar invånarna på vanliga frågor om bygglov dygnet runt.",
            organisations=[organisations["gbg"]],
            topics=[topics["ai"]],
            contacts=(("Anna Lind", "Göteborgs Stad", "anna@goteborg.example"),),
        )
        make_case(
            "Chatbot i borgerservice",
            summary="En chatbot besvarer borgernes spørgsmål om skat hele døgnet.",
            country="DK",
            language="da",
            organisations=[organisations["sktst"]],
            topics=[topics["ai"]],
        )
        make_case(
            "Öppna geodata",
            summary="Kartor och fastighetsdata släpptes fritt som öppna data via ett API.",
            organisations=[organisations["skv"]],
            topics=[topics["data"]],
        )


def test_a_query_ranks_organisations_by_their_relevant_cases(indexed_cases):
    """Both chatbot organisations come before the one with open data, with their cases."""
    ranking = rank_organisations("chattbot som svarar på frågor")
    names = [expertise.organisation.name for expertise in ranking]
    assert set(names[:2]) == {"Göteborgs Stad", "Skattestyrelsen"}
    assert "Skatteverket" not in names[:2]
    # A label from search's relevance decision, not a percentage of the leader's score.
    assert ranking[0].relevance in (Relevance.STRONG, Relevance.GOOD)
    assert "Skatteverket" not in names  # open data is no answer to a chatbot question
    assert ranking[0].cases[0].case.title.startswith("Chat")


def test_a_topic_alone_counts_the_cases_on_it(make_case, topics, organisations):
    skv, gbg = organisations["skv"], organisations["gbg"]
    make_case("Första AI-projektet", organisations=[skv], topics=[topics["ai"]])
    make_case("Andra AI-projektet", organisations=[skv, gbg], topics=[topics["ai"]])
    make_case("Ett dataprojekt", organisations=[gbg], topics=[topics["data"]])
    make_case("Ett AI-utkast", organisations=[gbg], topics=[topics["ai"]], publish=False)

    ranking = rank_organisations("", "ai")

    assert [(e.organisation.name, len(e.cases), e.relevance) for e in ranking] == [
        ("Skatteverket", 2, None),
        ("Göteborgs Stad", 1, None),
    ]


def test_contacts_are_attributed_to_the_organisation_they_name(make_case, topics, organisations):
    skv, gbg = organisations["skv"], organisations["gbg"]
    make_case(
        "Gemensamt AI-projekt",
        organisations=[skv, gbg],
        topics=[topics["ai"]],
        contacts=(
            ("Per Holm", "SKV", "per@skv.example"),
            ("Anna Lind", "Göteborgs Stad", "anna@goteborg.example"),
        ),
    )
    ranking = {e.organisation.slug: e for e in rank_organisations("", "ai", with_contacts=True)}
    assert [c.name for c in ranking["skatteverket"].contacts] == ["Per Holm"]
    assert [c.name for c in ranking["goteborgs-stad"].contacts] == ["Anna Lind"]


def test_contact_persons_are_shown_to_members_only(client, make_case, topics, organisations):
    """Anonymous visitors see the organisations and cases, never the contact persons."""
    make_case(
        "Chattbot i kontaktcenter",
        organisations=[organisations["gbg"]],
        topics=[topics["ai"]],
        contacts=(("Anna Lind", "Göteborgs Stad", "anna@goteborg.example"),),
    )
    anonymous = client.get("/datalab/experts/?topic=ai").content.decode()
    assert "Chattbot i kontaktcenter" in anonymous
    assert "Anna Lind" not in anonymous and "anna@goteborg.example" not in anonymous

    client.force_login(MemberFactory(profile__organisation=OrganisationFactory()))
    member = client.get("/datalab/experts/?topic=ai").content.decode()
    assert "anna@goteborg.example" in member


def test_private_cases_show_no_experience(make_case, topics, organisations):
    from wagtail.models import PageViewRestriction

    case = make_case(
        "Hemligt AI-projekt", organisations=[organisations["skv"]], topics=[topics["ai"]]
    )
    PageViewRestriction.objects.create(page=case, restriction_type=PageViewRestriction.LOGIN)
    assert rank_organisations("", "ai") == []
