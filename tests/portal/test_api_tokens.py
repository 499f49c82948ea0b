"""Personal API tokens: made and revoked in the account area, read-only, as their user."""

import json

import pytest
from django.test import RequestFactory
from ninja.errors import AuthenticationError, HttpError
from wagtail.models import PageViewRestriction

from portal import personal_data
from portal.api_auth import ApiTokenAuth
from portal.api_tokens import ApiToken, hash_key
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory, MemberFactory

pytestmark = pytest.mark.django_db

TOKENS = "/members/account/api-tokens/"


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def members_case(home_page):
    """A case for signed-in visitors only, beside a public one."""
    cases = CaseIndexPageFactory(parent=home_page)
    CaseStudyPageFactory(parent=cases, title="Öppet fall")
    case = CaseStudyPageFactory(parent=cases, title="Internt fall zqlogin")
    PageViewRestriction.objects.create(page=case, restriction_type=PageViewRestriction.LOGIN)
    return case


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_member_makes_a_key_and_sees_it_once(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.post(TOKENS, {"name": "Intranätet"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    assert key.startswith("erfa_") and key.encode() in response.content
    token = ApiToken.objects.get(user=member)
    assert token.name == "Intranätet"
    assert token.key_hash == hash_key(key) and key not in token.key_hash  # only a hash is kept
    again = client.get(TOKENS)
    assert key.encode() not in again.content and b"Intran\xc3\xa4tet" in again.content


def test_the_token_page_is_for_signed_in_visitors(client):
    assert client.get(TOKENS).status_code == 302


def test_a_token_reads_what_its_user_may_see(client, members_case):
    token, key = ApiToken.objects.create_for(MemberFactory(), "Intranät")
    anonymous = client.get("/api/cases/").json()
    assert members_case.pk not in [item["id"] for item in anonymous["results"]]
    with_token = client.get("/api/cases/", **_bearer(key)).json()
    assert members_case.pk in [item["id"] for item in with_token["results"]]
    assert client.get(f"/api/cases/{members_case.pk}/", **_bearer(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_or_unknown_key_gets_401(client, members_case):
    member = MemberFactory()
    token, key = ApiToken.objects.create_for(member, "Intranät")
    client.force_login(member)
    response = client.post(f"{TOKENS}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    for headers in (
        _bearer(key),
        _bearer("erfa_" + "x" * 43),
        _bearer("not-a-key"),
        {"HTTP_AUTHORIZATION": "Basic dXNlcjpwdw=="},
    ):
        for url in ("/api/cases/", f"/api/cases/{members_case.pk}/", "/api/search/?q=fall"):
            assert client.get(url, **headers).status_code == 401, (url, headers)


def test_a_closed_account_s_key_stops_working(client):
    member = MemberFactory()
    _token, key = ApiToken.objects.create_for(member, "Intranät")
    member.is_active = False
    member.save()
    assert client.get("/api/cases/", **_bearer(key)).status_code == 401


def test_a_member_revokes_only_their_own_keys(client):
    token, _key = ApiToken.objects.create_for(MemberFactory(), "Someone else's")
    client.force_login(MemberFactory())
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_cannot_write(client, home_page):
    """Only GET operations exist; and the token itself refuses any other method."""
    _token, key = ApiToken.objects.create_for(MemberFactory(), "Intranät")
    for method in (client.post, client.put, client.patch, client.delete):
        assert method("/api/cases/", **_bearer(key)).status_code == 405
    auth = ApiTokenAuth()
    post = RequestFactory().post("/api/cases/", HTTP_AUTHORIZATION=f"Bearer {key}")
    with pytest.raises(HttpError) as refused:
        auth(post)
    assert refused.value.status_code == 403
    get = RequestFactory().get("/api/cases/", HTTP_AUTHORIZATION="Bearer erfa_unknown")
    with pytest.raises(AuthenticationError):
        auth(get)


def test_the_schema_says_credentials_are_optional(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    operation = schema["paths"]["/api/cases/"]["get"]
    assert {} in operation["security"] and {"ApiTokenAuth": []} in operation["security"]
    assert "401" in operation["responses"]


def test_keys_are_in_the_data_download_and_go_with_the_account(home_page):
    member = MemberFactory()
    ApiToken.objects.create_for(member, "Intranät")
    exported = json.loads(json.dumps(personal_data.export_data(member), default=str))
    assert [token["name"] for token in exported["api_tokens"]] == ["Intranät"]
    personal_data.close_account(member)
    assert not ApiToken.objects.filter(user=member).exists()
