import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseStudyPage, DocumentImport
from tests.factories import CaseStudyPageFactory, UserFactory

IMPORT_URL = "/admin/cases/import/"


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", is_staff=True, groups=["Moderators"])


def _upload(client, case_index, files, **fields):
    return client.post(
        IMPORT_URL, {"files": files, "parent": case_index.pk, **fields}, follow=False
    )


def test_moderators_import_uploaded_files_and_see_the_summary(
    client, case_index, moderator, django_capture_on_commit_callbacks
):
    """The admin upload runs the same import as the command, several files at once, in
    background tasks; the status page shows each file's outcome."""
    client.force_login(moderator)
    assert client.get(IMPORT_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client,
            case_index,
            [
                SimpleUploadedFile("a.md", "# Öppna data\n\nVi öppnade våra data.".encode()),
                SimpleUploadedFile("b.txt", b""),
            ],
            publish="on",
        )
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert [(r.name, r.state) for r in status.context["imports"]] == [
        ("a.md", "imported"),
        ("b.txt", "failed"),
    ]
    html = status.content.decode()
    assert "the file is empty" in html
    page = CaseStudyPage.objects.get()
    assert page.live and page.owner == moderator and page.title == "Öppna data"
    assert f"/admin/pages/{page.pk}/edit/" in html
    # Nothing of the upload is kept once it is imported.
    assert not any(record.file for record in DocumentImport.objects.all())


def test_the_upload_only_queues_the_files_and_the_task_extracts_them(
    client, case_index, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    """Extraction never runs in the request: the upload stores the file, answers with a
    redirect to the status page ("queued"), and the task reads the report afterwards."""
    from cases import report_import
    from cases.report_files import ReportPage, pdf_report

    calls = []
    real_extract = report_import.extract_file

    def extract_file(data, name):
        calls.append(name)
        return real_extract(data, name)

    monkeypatch.setattr(report_import, "extract_file", extract_file)
    report = pdf_report(
        "Kortlægning af dataanalyse i staten",
        [ReportPage([("Indledning", ["Styrelsen har kortlagt dataanalyse i staten. " * 20])])],
    )
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client,
            case_index,
            [
                SimpleUploadedFile("kortlaegning.pdf", report),
                SimpleUploadedFile("scan.pdf", pdf_report("S", [ReportPage()], with_text=False)),
                SimpleUploadedFile("notes.exe", b"MZ"),
            ],
        )
        assert response.status_code == 302
        assert calls == [] and CaseStudyPage.objects.count() == 0
        queued = client.get(response["Location"])
        assert [(r.name, r.state) for r in queued.context["imports"]] == [
            ("kortlaegning.pdf", "queued"),
            ("scan.pdf", "queued"),
            ("notes.exe", "failed"),  # refused by its type before anything was stored
        ]
        assert "2 files are waiting to be imported in the background" in queued.content.decode()
    # The tasks ran once the upload was committed (immediately, in tests).
    assert calls == ["report.pdf", "report.pdf"]
    done = client.get(response["Location"])
    states = {r.name: r for r in done.context["imports"]}
    assert states["kortlaegning.pdf"].state == "imported"
    page = CaseStudyPage.objects.get()
    assert states["kortlaegning.pdf"].page == page and not page.live
    assert page.attachments.get().document.uploaded_by_user == moderator
    assert states["scan.pdf"].state == "failed"
    html = done.content.decode()
    assert "OCR is not supported" in html and "unsupported file type .exe" in html
    assert f"/admin/pages/{page.pk}/edit/" in html
    assert "waiting to be imported" not in html


def test_the_import_task_runs_once_per_file(case_index, moderator):
    """A task run again for a file it already imported leaves it alone."""
    from django.core.files.base import ContentFile

    from cases.tasks import import_document_task

    data = "# Titel\n\nNågot att berätta.".encode()
    record = DocumentImport(
        batch=uuid.uuid4(), name="a.md", size=len(data), parent=case_index, user=moderator
    )
    record.file.save("a.md", ContentFile(data), save=False)
    record.save()
    assert import_document_task.call(record.pk) == "imported"
    assert import_document_task.call(record.pk) == "imported"
    assert CaseStudyPage.objects.count() == 1


def test_a_file_whose_task_was_lost_can_be_resumed_from_the_status_page(
    client, case_index, moderator, django_capture_on_commit_callbacks
):
    """A worker that died (or a queue that never got the task) leaves a file "queued" for
    good; after ten minutes the status page says so and resumes it on request, and leaves
    files that are still within their time alone."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    batch = uuid.uuid4()
    records = {}
    for name, age in (("lost.md", 11), ("fresh.md", 1)):
        data = f"# {name}\n\nNågot att berätta om {name}.".encode()
        record = DocumentImport(
            batch=batch, name=name, size=len(data), parent=case_index, user=moderator
        )
        record.file.save(name, ContentFile(data), save=False)
        record.save()
        DocumentImport.objects.filter(pk=record.pk).update(
            created_at=timezone.now() - timedelta(minutes=age)
        )
        records[name] = record
    client.force_login(moderator)
    status = client.get(f"{IMPORT_URL}{batch}/")
    assert status.context["stalled"] == 1
    assert 'role="alert"' in status.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{IMPORT_URL}{batch}/")
    assert response.status_code == 302
    states = dict(DocumentImport.objects.filter(batch=batch).values_list("name", "state"))
    assert states == {"lost.md": "imported", "fresh.md": "queued"}
    assert client.get(f"{IMPORT_URL}{batch}/").context["stalled"] == 0
    assert client.post(f"{IMPORT_URL}{uuid.uuid4()}/").status_code == 404


def test_the_status_page_is_for_moderators_and_known_batches(client, case_index, moderator):
    client.force_login(moderator)
    assert client.get(f"{IMPORT_URL}{uuid.uuid4()}/").status_code == 404
    record = DocumentImport.objects.create(batch=uuid.uuid4(), name="a.md", parent=case_index)
    assert client.get(f"{IMPORT_URL}{record.batch}/").status_code == 200
    client.force_login(UserFactory(username="editor", is_staff=True, groups=["Editors"]))
    assert client.get(f"{IMPORT_URL}{record.batch}/").status_code in (302, 403)


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
