import pytest
from django.core import mail
from wagtail.models import WorkflowState

from cases.models import CaseStudyPage
from tests.factories import MemberFactory, OrganisationFactory, TopicFactory, UserFactory

SHARE_URL = "/members/cases/share/"
MINE_URL = "/members/cases/mine/"


@pytest.fixture
def member(db):
    organisation = OrganisationFactory(slug="esv", name="Ekonomistyrningsverket", country="SE")
    user = MemberFactory(first_name="Erik", last_name="Johansson")
    user.member_profile.organisation = organisation
    user.member_profile.save()
    return user


@pytest.fixture
def moderator(db):
    return MemberFactory(username="maja", email="maja@example.org", groups=["Moderators"])


def form_data(**overrides):
    organisation = OrganisationFactory(slug="esv", name="Ekonomistyrningsverket", country="SE")
    topic = TopicFactory(slug="it-cost-key-figures")
    data = {
        "title": "Nyckeltal för IT-kostnader",
        "summary": "Vi jämförde IT-kostnader mellan myndigheter med gemensamma nyckeltal.",
        "language": "",
        "organisation": organisation.pk,
        "country": "SE",
        "topics": [topic.pk],
        "status": "completed",
        "start_date": "2022-02-01",
        "end_date": "2023-06-30",
        "problem": "Ingen visste vad IT kostade per anställd.\n\nJämförelser saknades.",
        "approach": "Vi tog fram tolv nyckeltal tillsammans med tio myndigheter.",
        "results": "Kostnaderna kan nu jämföras år för år.",
        "contact_name": "Erik Johansson",
        "contact_role": "Controller",
        "contact_email": "erik@example.org",
        "lessons-TOTAL_FORMS": "3",
        "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "0",
        "lessons-MAX_NUM_FORMS": "10",
        "lessons-0-text": "Börja med få nyckeltal som alla kan ta fram.",
        "lessons-0-kind": "success",
        "lessons-1-text": "",
        "lessons-1-kind": "success",
        "lessons-2-text": "Olika kontoplaner gjorde jämförelsen svår.",
        "lessons-2-kind": "pitfall",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client, case_index):
    for url in (SHARE_URL, MINE_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_signed_in_non_members_get_a_clear_403(client, case_index):
    client.force_login(UserFactory())
    response = client.get(SHARE_URL)
    assert response.status_code == 403
    assert "For members only" in response.content.decode()
    assert client.post(SHARE_URL, form_data()).status_code == 403
    assert not CaseStudyPage.objects.exists()


def test_the_form_starts_with_the_members_organisation_and_contact_details(
    client, case_index, member
):
    client.force_login(member)
    form = client.get(SHARE_URL).context["form"]
    assert form["organisation"].value() == member.member_profile.organisation.pk
    assert form["country"].value() == "SE"
    assert form["contact_name"].value() == "Erik Johansson"


def test_a_submission_becomes_a_draft_in_moderation_and_moderators_are_emailed(
    client, case_index, member, moderator, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SHARE_URL, form_data())
    assert response.status_code == 302 and response.url == MINE_URL

    page = CaseStudyPage.objects.get()
    assert page.get_parent().specific == case_index
    assert not page.live
    assert page.owner == member
    assert page.language == "sv"  # detected
    assert page.workflow_in_progress
    assert [lesson.kind for lesson in page.lessons.all()] == ["success", "pitfall"]
    assert page.contacts.get().email == "erik@example.org"
    assert "<p>Jämförelser saknades.</p>" in page.problem
    assert [organisation.slug for organisation in page.organisations.all()] == ["esv"]

    # Ours, with a link to the admin (Wagtail's workflow sends its own notice as well).
    ours = [message for message in mail.outbox if "New experience to review" in message.subject]
    assert [message.to for message in ours] == [["maja@example.org"]]
    assert f"/admin/pages/{page.pk}/edit/" in ours[0].body

    mine = client.get(MINE_URL).content.decode()
    assert "Nyckeltal för IT-kostnader" in mine and "Awaiting moderation" in mine
    # Not public until a moderator approves.
    client.logout()
    assert client.get(f"/cases/{page.slug}/").status_code == 404


def test_a_moderator_approval_publishes_the_case(client, case_index, member, moderator):
    client.force_login(member)
    client.post(SHARE_URL, form_data())
    page = CaseStudyPage.objects.get()

    task_state = page.current_workflow_task_state
    assert task_state.task.specific.user_can_access_editor(page, moderator)
    task_state.task.specific.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.live
    assert page.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    assert client.get(MINE_URL).content.decode().count("Published") == 1
    client.logout()
    assert client.get(page.url).status_code == 200


def test_a_rejection_shows_as_changes_requested(client, case_index, member, moderator):
    client.force_login(member)
    client.post(SHARE_URL, form_data())
    page = CaseStudyPage.objects.get()
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject")
    assert "Changes requested" in client.get(MINE_URL).content.decode()
    assert not CaseStudyPage.objects.get().live


def test_validation_errors_keep_what_the_member_typed(client, case_index, member):
    client.force_login(member)
    data = form_data(
        summary="x" * 501,
        end_date="2020-01-01",
        **{"lessons-0-text": "", "lessons-2-text": ""},
    )
    response = client.post(SHARE_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nyckeltal för IT-kostnader" in html
    assert "Vi tog fram tolv nyckeltal tillsammans med tio myndigheter." in html
    assert "erik@example.org" in html
    assert "Write at least one lesson learned." in html
    assert "The end cannot come before the start." in html
    assert response.context["form"].errors.keys() == {"summary", "end_date"}
    assert not CaseStudyPage.objects.exists()
