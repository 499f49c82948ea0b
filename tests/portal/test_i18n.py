import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "skip_link", "search_label"),
    [
        ("da", "Spring til indholdet", "Søg"),
        ("en", "Skip to content", "Search"),
        ("sv", "Hoppa till innehållet", "Sök"),
    ],
)
def test_language_switcher_changes_the_interface_language(
    client, home_page, language, skip_link, search_label
):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert skip_link in html
    assert f">{search_label}</a>" in html


def test_browser_language_is_respected_until_the_user_chooses(client, home_page):
    html = client.get("/", headers={"accept-language": "da-DK,da;q=0.9"}).content.decode()
    assert '<html lang="da">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", headers={"accept-language": "da-DK,da;q=0.9"}).content.decode()
    assert '<html lang="en">' in html


def test_switcher_offers_all_three_languages(client, home_page):
    html = client.get("/").content.decode()
    for code, name in (("sv", "Svenska"), ("da", "Dansk"), ("en", "English")):
        assert f'<option value="{code}"' in html
        assert name in html
