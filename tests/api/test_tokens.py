"""The pages where people make and revoke their API tokens, and an organisation's owners its
reporting tokens."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create
from audit.selectors import security_event_rows, security_events_for
from home.export import export_data
from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import OrganisationFactory, ProfileFactory, UserFactory, second_factor_add

pytestmark = pytest.mark.django_db
TOKENS = "/api/tokens/"
TOKEN_TEXT = re.compile(r"mtk_[A-Za-z0-9_-]{40,}")


def bearer(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_the_profile_links_to_the_tokens_page(client):
    client.force_login(ProfileFactory(mentee=True).user)

    assert TOKENS in client.get(reverse("accounts:profile")).text


def test_a_new_token_is_shown_once_works_and_expires_in_90_days_by_default(client):
    ana = UserFactory()
    client.force_login(ana)

    response = client.post(TOKENS, {"name": "Diary sync", "scope": "read", "expires_in": "90"})

    assert response.status_code == 200
    text = TOKEN_TEXT.search(response.text).group()
    assert "shown only this once" in response.text
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=ana)
    assert (token.name, token.scope, token.organisation) == ("Diary sync", "read", None)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert bearer(text).get("/api/v1/me/").status_code == 200
    again = client.get(TOKENS).text
    assert text not in again
    assert "Diary sync" in again
    assert token.hint in again
    assert "Never" in again
    assert 'value="90"' in again  # the form offers 90 days first


def test_the_form_offers_30_90_365_days_or_never_and_read_or_read_and_write(client):
    client.force_login(UserFactory())

    page = client.get(TOKENS).text

    for value in ("30", "90", "365", "never", "read", "read-write"):
        assert f'value="{value}"' in page


def test_a_token_that_never_expires_and_may_write(client):
    ana = UserFactory()
    client.force_login(ana)

    client.post(TOKENS, {"name": "Bot", "scope": "read-write", "expires_in": "never"})

    token = ApiToken.objects.get(user=ana)
    assert (token.scope, token.expires_at) == ("read-write", None)


def test_a_token_without_a_name_is_refused_in_words_and_keeps_the_choices(client):
    ana = UserFactory()
    client.force_login(ana)

    response = client.post(TOKENS, {"name": "  ", "scope": "read-write", "expires_in": "30"})

    assert response.status_code == 400
    assert "This field is required." in response.text or "Give the token a name" in response.text
    assert re.search(r'value="read-write"[^>]*checked', response.text)
    assert re.search(r'value="30"[^>]*checked', response.text)
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_is_a_security_event(client):
    ana = UserFactory()
    token, text = api_token_create(user=ana, name="Old script", scope="read", expires_at=None)
    client.force_login(ana)

    response = client.post(reverse("api:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert bearer(text).get("/api/v1/me/").status_code == 401
    page = client.get(TOKENS).text
    assert "“Old script” no longer works" in page
    assert "Revoke “Old script”" not in page
    events = [row["what"] for row in security_event_rows(security_events_for(user=ana))]
    assert {"API token created", "API token revoked"} <= {str(what) for what in events}


def test_someone_elses_token_id_answers_404_and_keeps_working(client):
    ana, ben = UserFactory(), UserFactory()
    token, text = api_token_create(user=ana, name="Ana's", scope="read", expires_at=None)
    client.force_login(ben)

    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert "Ana&#x27;s" not in client.get(TOKENS).text
    assert bearer(text).get("/api/v1/me/").status_code == 200


def test_an_expired_token_says_so_on_the_page(client):
    ana = UserFactory()
    api_token_create(
        user=ana, name="Lapsed", scope="read", expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(ana)

    assert "Expired on" in client.get(TOKENS).text


def test_the_export_lists_tokens_without_their_digest():
    ana = UserFactory()
    token, text = api_token_create(user=ana, name="Diary", scope="read", expires_at=None)

    rows = export_data(user=ana)["sections"]["api.ApiToken"]["rows"]

    assert [row["name"] for row in rows] == ["Diary"]
    assert {"digest", "hint"}.isdisjoint(rows[0])
    assert text not in str(rows)
    assert token.digest not in str(rows)


@pytest.fixture
def northwind():
    """Olivia owns Northwind (with a second factor); Adam administers it; Mo is a member."""
    organisation = OrganisationFactory(slug="northwind", name="Northwind Health")
    people = {}
    for name, role in (("olivia", Role.OWNER), ("adam", Role.ADMIN), ("mo", Role.MEMBER)):
        people[name] = UserFactory(email=f"{name}@example.org")
        second_factor_add(people[name])
        membership_ensure(organisation=organisation, user=people[name], role=role)
    return organisation, people


def test_an_owner_makes_a_read_only_reporting_token_from_the_organisation_page(client, northwind):
    organisation, people = northwind
    client.force_login(people["olivia"])
    page = reverse("api:organisation_tokens", args=["northwind"])

    assert page in client.get(reverse("organisations:detail", args=["northwind"])).text
    response = client.post(
        page, {"name": "Board report", "expires_in": "365", "scope": "read-write"}
    )

    assert response.status_code == 200
    text = TOKEN_TEXT.search(response.text).group()
    token = ApiToken.objects.get(organisation=organisation)
    assert (token.scope, token.user) == ("read", people["olivia"])
    assert bearer(text).get("/api/v1/me/").status_code == 403  # no person to act as
    assert bearer(text).post("/api/v1/me/").status_code == 403  # and it only reads
    assert "Board report" in client.get(page).text
    assert "Board report" not in client.get(TOKENS).text  # not one of her personal tokens


@pytest.mark.parametrize("who", ["adam", "mo"])
def test_admins_and_members_get_404_on_the_reporting_tokens(client, northwind, who):
    organisation, people = northwind
    token, _text = api_token_create(
        user=people["olivia"], organisation=organisation, name="B", scope="read", expires_at=None
    )
    client.force_login(people[who])

    assert client.get(reverse("api:organisation_tokens", args=["northwind"])).status_code == 404
    revoke = reverse("api:organisation_token_revoke", args=["northwind", token.pk])
    assert client.post(revoke).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_an_owner_without_a_second_factor_is_asked_to_add_one(client, northwind):
    organisation, _people = northwind
    owner = UserFactory()
    membership_ensure(organisation=organisation, user=owner, role=Role.OWNER)
    client.force_login(owner)

    response = client.get(reverse("api:organisation_tokens", args=["northwind"]))

    assert response.status_code == 302
    assert "2fa" in response.url or "mfa" in response.url


def test_another_owner_revokes_a_reporting_token_and_it_is_their_security_event(client, northwind):
    organisation, people = northwind
    other_owner = UserFactory()
    second_factor_add(other_owner)
    membership_ensure(organisation=organisation, user=other_owner, role=Role.OWNER)
    token, _text = api_token_create(
        user=people["olivia"], organisation=organisation, name="B", scope="read", expires_at=None
    )
    client.force_login(other_owner)

    client.post(reverse("api:organisation_token_revoke", args=["northwind", token.pk]))

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    rows = security_event_rows(security_events_for(user=other_owner))
    assert str(rows[0]["what"]) == "API token revoked"
    assert "Northwind" in rows[0]["detail"]
