"""Who publishes the catalogue comes from settings.ERFA_CATALOG, with working defaults."""

from catalog.config import catalog_settings


def test_defaults_name_the_portal_and_a_contact_address(settings):
    settings.DEFAULT_FROM_EMAIL = "Erfa <registrator@erfa.example>"
    settings.ERFA_CATALOG = {}
    config = catalog_settings()
    assert config.publisher_name == "Erfa"
    assert config.contact_email == "registrator@erfa.example"
    assert config.licence.endswith("/licence/CC_BY_4_0")


def test_the_operator_names_the_publishing_agency(settings):
    settings.ERFA_CATALOG = {
        "publisher_name": "Myndigheten för digital förvaltning",
        "contact_email": "open-data@digg.example",
    }
    config = catalog_settings()
    assert config.publisher_name == "Myndigheten för digital förvaltning"
    assert config.contact_email == "open-data@digg.example"
