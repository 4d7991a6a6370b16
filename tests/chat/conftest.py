"""Fixtures for the cohort's Slack and Teams channels: a real receiver on 127.0.0.1."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from accounts.services import user_make_programme_admin
from tests.chat.receiver import Receiver
from tests.factories import second_factor_add


@pytest.fixture(autouse=True)
def _local_receivers_allowed() -> Iterator[None]:
    """The receivers run on this machine: their host is allowed (and plain HTTP with it)."""
    with override_settings(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]):
        yield


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def olga(other_cohort):
    """The other cohort's admin, a programme admin too: must get 404 for anything of Dana's."""
    user = other_cohort.admins.get()
    user_make_programme_admin(user=user)
    second_factor_add(user)
    return user
