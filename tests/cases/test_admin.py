import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseStudyPage
from tests.factories import CaseStudyPageFactory, UserFactory

IMPORT_URL = "/admin/cases/import/"


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", is_staff=True, groups=["Moderators"])


def test_moderators_import_uploaded_files_and_see_the_summary(client, case_index, moderator):
    """The admin upload runs the same import as the command, several files at once."""
    client.force_login(moderator)
    assert client.get(IMPORT_URL).status_code == 200
    response = client.post(
        IMPORT_URL,
        {
            "files": [
                SimpleUploadedFile("a.md", "# Öppna data\n\nVi öppnade våra data.".encode()),
                SimpleUploadedFile("b.txt", b""),
            ],
            "parent": case_index.pk,
            "publish": "on",
        },
    )
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [(r.source, r.outcome) for r in summary.results] == [
        ("upload:a.md", "imported"),
        ("upload:b.txt", "failed"),
    ]
    html = response.content.decode()
    assert "the file is empty" in html
    page = CaseStudyPage.objects.get()
    assert page.live and page.owner == moderator and page.title == "Öppna data"


def test_only_moderators_and_superusers_may_import(client, case_index):
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    client.force_login(editor)
    response = client.get(IMPORT_URL)
    assert response.status_code in (302, 403)
    assert CaseStudyPage.objects.count() == 0


def test_moderators_list_and_filter_case_studies_in_the_admin(client, case_index, moderator):
    CaseStudyPageFactory(parent=case_index, title="Svensk", language="sv")
    CaseStudyPageFactory(parent=case_index, title="Dansk", language="da", country="DK")
    client.force_login(moderator)
    response = client.get("/admin/case_studies/?language=da")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dansk" in html and "Svensk" not in html


def test_case_edit_form_renders_with_its_tabs(client, case_index):
    page = CaseStudyPageFactory(parent=case_index)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for tab in ("Content", "Lessons &amp; results", "Contacts &amp; links", "Promote", "Settings"):
        assert tab in html
