import pytest

from tests.factories import CaseIndexPageFactory, LessonIndexPageFactory


@pytest.fixture
def case_index(home_page):
    return CaseIndexPageFactory(parent=home_page)


@pytest.fixture
def lesson_index(home_page):
    return LessonIndexPageFactory(parent=home_page)


@pytest.fixture(autouse=True)
def english_ui(settings):
    """Tests read the English UI strings, whatever translations the locale files hold."""
    settings.LANGUAGE_CODE = "en"
