"""Every public form shows the same error summary (templates/includes/error_summary.html)."""

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template

from search.forms import SearchForm
from tests.error_summary import assert_summary_lists_every_error, error_summary
from tests.factories import MemberFactory


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_tag_lists_non_field_errors_with_a_link_to_the_first_field(db):
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(data={"username": "nobody", "password": "wrong"})
    html = Template("{% load form_tags %}{% error_summary form %}").render(Context({"form": form}))
    links = assert_summary_lists_every_error(html + '<i id="id_username"></i>', [])
    assert [href for href, _ in links] == ["#id_username"]


def test_the_tag_shows_nothing_for_unbound_or_missing_forms():
    html = Template("{% load form_tags %}{% error_summary form nothing %}").render(
        Context({"form": SearchForm()})
    )
    assert error_summary(html) == (None, [])


def test_the_summary_takes_the_focus_with_a_static_script(client, home_page):
    html = client.get("/search/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script", src="/static/portal/js/forms.js") is not None
    assert not [s for s in soup.find_all("script") if not s.get("src")], "inline script"


def test_login_errors(client, db):
    MemberFactory(username="erik")
    response = client.post("/accounts/login/", {"username": "erik", "password": "wrong"})
    assert_summary_lists_every_error(response.content.decode(), ["id_username"])


def test_a_search_that_is_too_long_is_explained_not_cut(client, home_page):
    html = client.get("/search/", {"q": "a" * 600}).content.decode()
    links = assert_summary_lists_every_error(html, ["id_q"])
    assert "at most 500 characters" in links[0][1]
    assert BeautifulSoup(html, "html.parser").find(id="id_q").get("maxlength") is None


def test_the_home_page_search_box_does_not_cut_a_long_search(client, home_page):
    soup = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    box = soup.find(id="hero-q")
    assert box is not None and box.get("maxlength") is None


def test_close_account_errors(client, db):
    user = MemberFactory()
    client.force_login(user)
    response = client.post("/members/account/close/", {"password": "wrong"})
    assert_summary_lists_every_error(response.content.decode(), ["id_password", "id_confirm"])


def test_datalab_filter_errors(client, home_page):
    html = client.get("/datalab/", {"from": "1000"}).content.decode()
    assert_summary_lists_every_error(html, ["id_year_from"])
