import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "skip_link", "search_label", "address"),
    [
        ("da", "Spring til indholdet", "Søg", "/da/"),
        ("en", "Skip to content", "Search", "/en/"),
        ("sv", "Hoppa till innehållet", "Sök", "/"),
    ],
)
def test_language_switcher_changes_the_interface_language(
    client, home_page, language, skip_link, search_label, address
):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == address
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert skip_link in html
    assert f">{search_label}</a>" in html


def test_the_address_decides_the_language_not_the_browser(client, home_page):
    """A shared link opens in its own language: / is Swedish, /da/ Danish, whatever the
    browser asks for or the visitor chose before."""
    danish_browser = {"accept-language": "da-DK,da;q=0.9"}
    assert '<html lang="sv">' in client.get("/", headers=danish_browser).content.decode()
    assert '<html lang="da">' in client.get("/da/", headers=danish_browser).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="sv">' in client.get("/", headers=danish_browser).content.decode()
    assert '<html lang="en">' in client.get("/en/", headers=danish_browser).content.decode()


def test_switcher_offers_all_three_languages(client, home_page):
    html = client.get("/").content.decode()
    for code, name in (("sv", "Svenska"), ("da", "Dansk"), ("en", "English")):
        assert f'<option value="{code}"' in html
        assert name in html
