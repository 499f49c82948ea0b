import pytest

from cases.models import CaseStudyPage
from tests.factories import CaseIndexPageFactory, MemberFactory, OrganisationFactory, TopicFactory

pytestmark = [
    pytest.mark.browser,
    # Wagtail's root page, groups and workflow come from data migrations: keep them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_shares_an_experience_and_sees_it_awaiting_moderation(
    home_page, live_server, page, log_in
):
    CaseIndexPageFactory(parent=home_page)
    TopicFactory(slug="open-data", name_sv="Öppna data", name_en="Open data")
    member = MemberFactory(username="erik", first_name="Erik", last_name="Johansson")
    member.member_profile.organisation = OrganisationFactory(
        slug="lantmateriet", name="Lantmäteriet"
    )
    member.member_profile.save()

    log_in("erik")
    page.goto(f"{live_server.url}/members/cases/share/")
    page.get_by_label("Title").fill("Öppna geodata för alla")
    page.get_by_label("Summary").fill("Vi släppte våra grundläggande geodata fritt.")
    page.get_by_label("The problem").fill("Avgifterna hindrade användningen av våra data.")
    page.get_by_label("What you did").fill("Vi tog bort avgifterna och byggde ett öppet API.")
    page.get_by_label("Lesson 1").fill("Mät användningen innan ni öppnar data.")
    page.get_by_label("Open data").check()
    page.get_by_label("Email").fill("erik@example.org")
    page.get_by_role("button", name="Send for review").click()

    page.wait_for_url(f"{live_server.url}/members/cases/mine/")
    row = page.get_by_role("row", name="Öppna geodata för alla")
    assert "Awaiting moderation" in row.inner_text()
    assert "now awaits a moderator" in page.get_by_role("status").inner_text()

    case = CaseStudyPage.objects.get()
    assert not case.live and case.workflow_in_progress
    assert [topic.slug for topic in case.topics.all()] == ["open-data"]
