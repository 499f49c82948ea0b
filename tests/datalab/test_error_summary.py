"""The data lab's filter forms list their errors at the top, linked to the field."""

import pytest

from tests.error_summary import assert_summary_lists_every_error


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"


def test_compare_with_one_organisation_links_to_the_first_choice(client, organisations):
    html = client.get("/datalab/compare/?org=skatteverket").content.decode()
    assert_summary_lists_every_error(html, ["id_org_0"])


def test_experts_explains_a_question_that_is_too_long(client, organisations):
    html = client.get("/datalab/experts/", {"q": "a" * 501}).content.decode()
    assert_summary_lists_every_error(html, ["id_q"])
    assert 'maxlength="500"' not in html
