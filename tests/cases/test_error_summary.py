"""The share-an-experience form lists every error at the top, each linked to its field."""

import pytest
from bs4 import BeautifulSoup

from tests.cases.test_submission import SHARE_URL, form_data
from tests.error_summary import assert_summary_lists_every_error, error_summary
from tests.factories import MemberFactory


@pytest.fixture
def member(db):
    return MemberFactory()


def test_no_summary_before_the_form_is_sent(client, case_index, member):
    client.force_login(member)
    summary, _ = error_summary(client.get(SHARE_URL).content.decode())
    assert summary is None


def test_every_field_error_is_listed_with_a_link_to_its_field(client, case_index, member):
    client.force_login(member)
    data = form_data(title="", summary="", contact_name="", contact_email="not an address")
    response = client.post(SHARE_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    links = assert_summary_lists_every_error(
        html, ["id_title", "id_summary", "id_contact_name", "id_contact_email"]
    )
    form = response.context["form"]
    assert len(links) == sum(len(errors) for errors in form.errors.values())
    # The error is at the field too, and the field points to it.
    soup = BeautifulSoup(html, "html.parser")
    title = soup.find(id="id_title")
    assert title["aria-invalid"] == "true"
    assert "id_title_error" in title["aria-describedby"].split()
    assert soup.find(id="id_title_error") is not None


def test_a_missing_lesson_links_to_the_first_lesson(client, case_index, member):
    client.force_login(member)
    response = client.post(SHARE_URL, form_data(**{"lessons-0-text": "", "lessons-2-text": ""}))
    links = assert_summary_lists_every_error(response.content.decode(), ["id_lessons-0-text"])
    assert links == [("#id_lessons-0-text", "Write at least one lesson learned.")]


def test_a_choice_group_error_links_to_its_first_choice(client, case_index, member):
    client.force_login(member)
    response = client.post(SHARE_URL, form_data(topics=["999999"]))
    assert_summary_lists_every_error(response.content.decode(), ["id_topics_0"])


def test_optional_fields_say_so_in_their_labels(client, case_index, member):
    client.force_login(member)
    soup = BeautifulSoup(client.get(SHARE_URL).content.decode(), "html.parser")
    assert "(optional)" in soup.select_one("label[for=id_contact_role]").get_text()
    assert "(optional)" not in soup.select_one("label[for=id_title]").get_text()


def test_no_input_cuts_what_is_written_or_pasted(client, case_index, member):
    client.force_login(member)
    soup = BeautifulSoup(client.get(SHARE_URL).content.decode(), "html.parser")
    assert soup.select_one("input[name=title]") is not None
    assert soup.select("[maxlength]") == []


def test_an_over_long_summary_is_explained_and_kept_as_written(client, case_index, member):
    client.force_login(member)
    summary, title = "s" * 501, "t" * 256
    response = client.post(SHARE_URL, form_data(summary=summary, title=title))
    assert response.status_code == 200
    html = response.content.decode()
    links = assert_summary_lists_every_error(html, ["id_title", "id_summary"])
    assert "at most 500 characters" in links[1][1]
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="id_summary").get_text().strip() == summary
    assert soup.find(id="id_title")["value"] == title
    assert soup.select("[maxlength]") == []
