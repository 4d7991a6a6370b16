"""Over its rate a token (or a signed-in person) gets 429 with the seconds to wait; so does
an address, whoever sends from it."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


@pytest.fixture
def rates(settings):
    """Small rates for the test, in a fresh cache; the throttles read them per request."""

    def set_rates(*, token: str, address: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"token": token, "address": address},
        }

    cache.clear()
    yield set_rates
    cache.clear()


def bearer(text: str, address: str = "192.0.2.10") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_carry_on(rates):
    rates(token="3/minute", address="1000/minute")
    _token, ana = api_token_create(user=UserFactory(), name="a", scope="read", expires_at=None)
    _token, ben = api_token_create(user=UserFactory(), name="b", scope="read", expires_at=None)

    answers = [bearer(ana).get(ME).status_code for _ in range(4)]
    refused = bearer(ana).get(ME)

    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()
    assert bearer(ben).get(ME).status_code == 200


def test_a_person_signed_in_by_session_is_counted_as_that_person(rates):
    rates(token="2/minute", address="1000/minute")
    client = APIClient()
    client.force_login(UserFactory())

    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]


def test_an_address_over_its_rate_gets_429_whoever_asks(rates):
    rates(token="1000/minute", address="2/minute")
    visitor = APIClient(REMOTE_ADDR="198.51.100.7")

    answers = [visitor.get("/api/schema/").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert int(visitor.get("/api/schema/")["Retry-After"]) > 0
    # Another address is counted on its own.
    assert APIClient(REMOTE_ADDR="198.51.100.8").get("/api/schema/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(rates):
    rates(token="1000/minute", address="2/minute")

    answers = [
        APIClient(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        .get("/api/schema/")
        .status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]


def test_bad_tokens_and_missing_ones_count_against_the_address(rates):
    """A client guessing tokens gets 401 for each guess until its address is over the rate,
    then 429: the guesses are counted before the token is looked at."""
    rates(token="1000/minute", address="3/minute")
    guesser = "198.51.100.20"

    answers = [bearer(f"mtk_guess{n}", address=guesser).get(ME).status_code for n in range(3)]
    answers.append(APIClient(REMOTE_ADDR=guesser).get(ME).status_code)

    assert answers == [401, 401, 401, 429]
    refused = bearer("mtk_guess9", address=guesser).get("/api/v1/nothing-here/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    # Someone else's address is not held back.
    assert APIClient(REMOTE_ADDR="198.51.100.21").get(ME).status_code == 401
