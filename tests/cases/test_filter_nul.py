"""A NUL character in a facet value of the case library: no 500.

PostgreSQL refuses NUL in text parameters (DataError: "PostgreSQL text fields cannot contain
NUL (0x00) bytes"), so `/cases/?country=%00` was a server error there; found by
bench/bench_fuzz.py over HTTP against PostgreSQL. No stored value holds a NUL, so such a
value selects nothing and is dropped.
"""

import pytest

from tests.factories import CaseStudyPageFactory


@pytest.mark.parametrize(
    "query",
    [
        "country=%00",
        "country=S%00E",
        "topic=%00",
        "organisation=a%00b",
        "language=sv%00",
        "status=%00",
        "country=SE%00&organisation=%00%00&language=%00",
    ],
)
def test_a_nul_in_a_facet_value_is_not_a_server_error(client, case_index, query):
    CaseStudyPageFactory(parent=case_index, title="Alfa", country="SE")
    response = client.get(f"{case_index.url}?{query}")
    assert response.status_code == 200
    assert "Alfa" in response.content.decode()
