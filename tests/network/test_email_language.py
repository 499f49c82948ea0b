"""E-mails in the recipient's language: the one they chose, else the one they last used."""

from django.core import mail
from wagtail.users.models import UserProfile

from cases.submissions import notify_moderators
from network import registrations
from portal.models import MODERATORS_GROUP, UserLanguage
from portal.user_language import language_for
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory, UserFactory


def test_the_language_a_member_reads_the_site_in_is_remembered(client, home_page, member):
    client.force_login(member)
    client.get("/da/")
    assert language_for(member) == "da"
    # Wagtail writes its own workflow mail in the profile language: kept the same.
    assert UserProfile.get_for_user(member).preferred_language == "da"
    client.get("/en/")
    assert language_for(member) == "en"
    client.get("/")  # the Swedish site, whatever the browser says
    assert language_for(member) == "sv"


def test_a_chosen_language_wins_over_the_last_used(client, home_page, member):
    client.force_login(member)
    response = client.post("/da/members/account/", {"chosen": "sv"})
    assert response.status_code == 302
    client.get("/da/")
    assert UserLanguage.objects.get(user=member).last_used == "da"
    assert language_for(member) == "sv"


def test_the_account_page_refuses_an_unknown_language(client, home_page, member):
    client.force_login(member)
    response = client.post("/members/account/", {"chosen": "xx"})
    assert response.status_code == 200
    assert not UserLanguage.objects.filter(user=member, chosen="xx").exists()


def test_a_danish_member_who_registered_on_a_swedish_page_is_written_to_in_danish(
    client, meeting, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.get("/da/")
    with django_capture_on_commit_callbacks(execute=True):
        registrations.register(meeting, member, language="sv")
    (message,) = mail.outbox
    assert message.subject.startswith("Du er tilmeldt")


def test_a_user_with_no_setting_is_written_to_in_the_language_they_registered_in(
    meeting, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registrations.register(meeting, member, language="da")
    assert mail.outbox[0].subject.startswith("Du er tilmeldt")


def test_each_moderator_is_told_of_a_submission_in_their_own_language(home_page, member):
    swedish = UserFactory(email="sv@example.org", groups=[MODERATORS_GROUP])
    english = UserFactory(email="en@example.org", groups=[MODERATORS_GROUP])
    UserLanguage.objects.create(user=swedish, chosen="sv")
    UserLanguage.objects.create(user=english, chosen="en")
    page = CaseStudyPageFactory(parent=CaseIndexPageFactory(parent=home_page), owner=member)
    assert notify_moderators(page) == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["en@example.org"].startswith("New experience to review")
    assert not subjects["sv@example.org"].startswith("New experience to review")
