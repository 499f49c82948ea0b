import pytest

from search.checks import check_search_settings
from search.conf import TUNABLES, search_setting


def test_every_tunable_has_its_default_until_a_setting_changes_it(settings):
    """Each tunable reads its declared default; ERFA_SEARCH overrides it at once, typed."""
    settings.ERFA_SEARCH = {}
    assert {name: search_setting(name) for name in TUNABLES} == {
        name: tunable.default for name, tunable in TUNABLES.items()
    }
    assert search_setting("SEMANTIC_K") == 200 and search_setting("STATE_TTL") == 1.0
    settings.ERFA_SEARCH = {"STATE_TTL": 0, "SEMANTIC_K": 50}
    assert search_setting("STATE_TTL") == 0.0 and isinstance(search_setting("STATE_TTL"), float)
    assert search_setting("SEMANTIC_K") == 50
    assert all(tunable.reason for tunable in TUNABLES.values())


def test_an_unknown_tunable_is_a_key_error():
    with pytest.raises(KeyError):
        search_setting("SEMANTIC_FLOR")


def test_the_system_check_reports_unknown_keys_and_wrong_types(settings):
    """A typo, a string where a number belongs and a bool where a count belongs are errors;
    a former ERFA_SEARCH_* setting left behind is a warning that says where it went."""
    settings.ERFA_SEARCH = {"SEMANTIC_FLOOR": 0.8, "STATE_TTL": 0, "SEMANTIC_K": 300}
    assert check_search_settings() == []

    settings.ERFA_SEARCH = {"SEMANTIC_FLOR": 0.8, "SEMANTIC_K": "300", "EXACT_LIMIT": True}
    settings.ERFA_SIMILAR_FLOOR = 0.2
    messages = {message.msg: message for message in check_search_settings()}
    assert [message.id for message in messages.values()].count("search.E004") == 3
    assert any("unknown key 'SEMANTIC_FLOR'" in text for text in messages)
    assert any("['SEMANTIC_K'] must be an integer, not '300'" in text for text in messages)
    assert any("['EXACT_LIMIT'] must be an integer, not True" in text for text in messages)
    [former] = [message for message in messages.values() if message.id == "search.W002"]
    assert "ERFA_SIMILAR_FLOOR is no longer read" in former.msg
    assert "ERFA_SEARCH['SIMILAR_FLOOR']" in former.hint

    del settings.ERFA_SIMILAR_FLOOR
    settings.ERFA_SEARCH = [("STATE_TTL", 0)]
    assert [message.msg for message in check_search_settings()] == [
        "ERFA_SEARCH must be a dict, not list."
    ]
