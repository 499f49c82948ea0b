"""The admin upload: preview with the report, then import all or only the valid rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import ImportBatch, Observation
from tests.factories import MemberFactory, UserFactory

IMPORT_URL = "/admin/indicators/import/"
GOOD = "organisation,indicator,year,value\nSkatteverket,it-share,2021,10\nFK,maturity,2021,3\n"


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", is_staff=True, groups=["Moderators"])


def upload(client, text: str, name: str = "figures.csv", **fields):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, text.encode()), **fields})


def confirm(client, url: str, mode: str, callbacks):
    """Confirm an upload; its import task runs once the request's transaction commits (tests
    run tasks immediately)."""
    with callbacks(execute=True):
        return client.post(url, {"mode": mode})


def test_a_clean_file_is_previewed_then_imported(
    client, moderator, it_series, agencies, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    assert client.get(IMPORT_URL).status_code == 200
    response = upload(client, GOOD)
    assert response.status_code == 302
    assert Observation.objects.count() == 0  # the preview writes nothing
    # The report is written in the uploader's language: the admin's, Swedish here.
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.context["batch"].status == ImportBatch.Status.PREVIEWED
    assert preview.context["batch"].rows_created == 2
    assert [entry["organisation"] for entry in preview.context["sample"]] == [
        "Skatteverket",
        "Försäkringskassan",
    ]
    assert 'value="all"' in html and 'value="valid"' not in html

    result = confirm(client, response["Location"], "all", django_capture_on_commit_callbacks)
    assert result.status_code == 302 and result["Location"] == response["Location"]
    assert Observation.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.uploaded_by, batch.rows_created) == ("imported", moderator, 2)
    assert batch.progress_rows == batch.progress_total == 2  # the file's two rows, checked
    final = client.get(result["Location"])
    html = final.content.decode()
    assert final.context["refresh_seconds"] == 0  # finished: the page stops reloading
    assert 'name="mode"' not in html  # nothing left to confirm
    assert 'data-import-status="imported"' in html and "data-import-progress" not in html


def test_a_running_import_shows_its_progress_and_reloads(client, moderator, it_series, agencies):
    client.force_login(moderator)
    response = upload(client, GOOD)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.IMPORTING, progress_rows=4000, progress_total=10000
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["progress_percent"] == 40
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'max="10000" value="4000"' in html
    assert 'name="mode"' not in html  # it cannot be confirmed twice
    assert client.post(response["Location"], {"mode": "all"}).status_code == 404


def test_a_file_with_errors_offers_only_its_valid_rows(
    client, moderator, it_series, agencies, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    text = GOOD + "Skateverket,it-share,2022,11\nFK,maturity,2022,9\n"
    response = upload(client, text)
    # The report is written in the uploader's language: the admin's, Swedish here.
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert [(p["row"], p["reason_code"]) for p in preview.context["problems"]] == [
        (4, "unknown_organisation"),
        (5, "out_of_scale"),
    ]
    assert "Menade du ”Skatteverket”?" in html
    assert "Importera de 2 giltiga raderna" in html
    assert 'value="all"' not in html

    # A forged "all" imports nothing: the task refuses the file and reports its rows.
    confirm(client, response["Location"], "all", django_capture_on_commit_callbacks)
    assert Observation.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED
    status = client.get(response["Location"])
    assert [p["row"] for p in status.context["problems"]] == [4, 5]
    assert status.context["refresh_seconds"] == 0

    response = upload(client, text)
    confirm(client, response["Location"], "valid", django_capture_on_commit_callbacks)
    assert Observation.objects.count() == 2
    assert ImportBatch.objects.get(status="imported").rows_rejected == 2


def test_only_moderators_import(client, it_series):
    """Members and other users are turned away (Wagtail sends those without admin access to
    its login page; the view itself refuses the rest)."""
    for user in (MemberFactory(is_staff=True), UserFactory(is_superuser=False)):
        client.force_login(user)
        assert client.get(IMPORT_URL).status_code in (302, 403)
        assert upload(client, GOOD).status_code in (302, 403)
    # Coordinators may enter the admin but not this view: Wagtail answers its refusal with a
    # redirect to the dashboard.
    client.force_login(MemberFactory(groups=["Coordinators"]))
    assert client.get(IMPORT_URL)["Location"] == "/admin/"
    assert upload(client, GOOD)["Location"] == "/admin/"
    assert ImportBatch.objects.count() == 0
