"""Connecting a cohort's Slack channel in a real browser: from the cohort page to the channel's
page, a private address refused in words, a test message reaching a real receiver, and the
address never shown back (only its host and last four characters)."""

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import user_make_programme_admin
from programmes.models import Cohort
from tests.chat.receiver import Receiver
from tests.chat.shapes import check_slack
from tests.factories import CohortFactory, UserFactory, second_factor_add

pytestmark = pytest.mark.e2e


@pytest.fixture
def cohort(transactional_db) -> Cohort:
    dana = UserFactory(email="dana@example.org", display_name="Dana Admin")
    user_make_programme_admin(user=dana)
    second_factor_add(dana)
    today = timezone.localdate()
    return CohortFactory(
        name="Autumn leaders",
        starts_on=today - timedelta(days=30),
        enrolment_deadline=today - timedelta(days=33),
        admins=[dana],
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    # The live server runs in this process: the setting reaches it.
    with override_settings(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]), Receiver() as running:
        yield running


def test_the_admin_connects_slack_and_sends_a_test_message(
    cohort: Cohort, receiver: Receiver, open_page: Callable[[str, User], Page]
):
    page = open_page("dana", cohort.admins.get())
    page.goto(f"/programmes/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Slack and Teams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slack and Microsoft Teams")
    expect(page.get_by_text("No channel is connected yet.")).to_be_visible()

    page.get_by_label("Slack", exact=True).check()
    page.get_by_label("Incoming webhook address").fill("https://192.168.10.20/hook")
    page.get_by_role("button", name="Connect").click()
    expect(
        page.get_by_text("192.168.10.20 is on a private network, which may not be reached")
    ).to_be_visible()
    expect(page.get_by_label("Incoming webhook address")).to_have_value(
        "https://192.168.10.20/hook"
    )

    page.get_by_label("Incoming webhook address").fill(receiver.url)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("Channel connected.")).to_be_visible()
    expect(page.get_by_role("heading", name="Slack 127.0.0.1 …ET9z")).to_be_visible()
    assert "abcdefSECRET" not in page.content()

    page.get_by_role("button", name="Send a test message").click()
    expect(page.get_by_text("A test message is on its way.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Nothing posted yet.")).to_have_count(0)
    [payload] = receiver.payloads
    check_slack(payload)
    assert "This channel is connected to Autumn leaders." in payload["blocks"][1]["text"]["text"]
