"""The API's first endpoint, by each way of signing in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def bearer(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_a_personal_token_acts_as_its_person_and_is_stored_only_as_a_digest():
    ana = UserFactory(email="ana@example.org")
    token, text = api_token_create(user=ana, name="Reports", scope="read", expires_at=None)

    response = bearer(text).get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == "ana@example.org"
    assert text not in {token.digest, token.hint}
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_a_revoked_expired_or_unknown_token_gets_401_with_the_reason(state):
    ana = UserFactory()
    token, text = api_token_create(
        user=ana,
        name="x",
        scope="read",
        expires_at=timezone.now() - timedelta(minutes=1) if state == "expired" else None,
    )
    if state == "revoked":
        api_token_revoke(token=token)
    if state == "unknown":
        text = text[:-2] + "xx"

    response = bearer(text).get(ME)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ("expired" in response.json()["detail"]) == (state == "expired")


def test_without_credentials_the_api_answers_401():
    assert APIClient().get(ME).status_code == 401
