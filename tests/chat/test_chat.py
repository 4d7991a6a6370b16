"""A cohort's Slack and Teams channels: connected by its admins only, the address kept secret,
and each kind of post reaching a real receiver once, correctly formed for its service."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import resolve, reverse

from chat.models import ChatConnection, ChatPost, ChatService
from chat.services import (
    ChatConnectionRefused,
    ChatPostFailed,
    chat_connection_add,
    chat_post,
    chat_weekly_dispatch,
)
from chat.tasks import chat_post_task
from feedback.models import Feedback
from mentoring import crypto
from oversight.models import HealthStatus, PairingHealth
from oversight.services.announcements import announcement_send
from oversight.services.health import pairing_health_refresh
from tests.agreements import agreement_reach
from tests.chat.receiver import Receiver
from tests.chat.shapes import check, link_of
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

SERVICES = [ChatService.SLACK, ChatService.TEAMS]
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cohort(cohort):
    """Dana's spring cohort, running since January."""
    cohort.starts_on, cohort.ends_on = date(2026, 1, 5), date(2026, 12, 18)
    cohort.save(update_fields=["starts_on", "ends_on"])
    return cohort


def connect(cohort, by, service: str, url: str, **posts: bool) -> ChatConnection:
    wanted = {"posts_at_risk": True, "posts_weekly": True, "posts_announcements": True} | posts
    return chat_connection_add(cohort=cohort, by=by, service=service, address=url, **wanted)


def silent_for_weeks(pairing) -> None:
    """Paired nine weeks ago, met twice, silent for five weeks since: at risk."""
    pairing.accepted_at = NOW - timedelta(days=63)
    pairing.save(update_fields=["accepted_at"])
    agreement_reach(pairing)
    for days in (49, 35):
        ends = NOW - timedelta(days=days)
        AppointmentFactory(
            pairing=pairing, starts_at=ends - timedelta(minutes=45), length=45, status="booked"
        )


def no_private_data(payload: dict) -> None:
    text = json.dumps(payload)
    assert "@example.org" not in text  # the fixtures' people's addresses
    assert "Bob Mentor" in text or "Alice Mentee" in text or "Spring cohort" in text


def assert_cohort_link(service: str, payload: dict, cohort) -> None:
    url = link_of(service, payload)
    assert url == f"http://testserver/programmes/cohorts/{cohort.pk}/"
    assert resolve(url.removeprefix("http://testserver")).url_name == "cohort_detail"


# --- each kind, for each service ------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_a_pairing_turning_at_risk_is_posted_with_its_reasons(
    service, cohort, programme_admin, pairing, receiver, django_capture_on_commit_callbacks
):
    connect(cohort, programme_admin, service, receiver.url)
    silent_for_weeks(pairing)

    with django_capture_on_commit_callbacks(execute=True):
        pairing_health_refresh(pairings=[pairing])

    assert PairingHealth.objects.get(pairing=pairing).status == HealthStatus.AT_RISK
    [payload] = receiver.payloads
    check(service, payload)
    assert_cohort_link(service, payload, cohort)
    text = json.dumps(payload, ensure_ascii=False)
    assert "At risk: Bob Mentor and Alice Mentee" in text
    assert "No contact for 35 days" in text
    no_private_data(payload)

    # Still at risk the next night: not posted again.
    with django_capture_on_commit_callbacks(execute=True):
        pairing_health_refresh(pairings=[pairing])
    assert len(receiver.payloads) == 1


@pytest.mark.parametrize("service", SERVICES)
def test_the_weekly_summary_says_sessions_ratings_and_who_needs_attention(
    service, cohort, programme_admin, pairing, receiver, django_capture_on_commit_callbacks
):
    connect(cohort, programme_admin, service, receiver.url)
    held = AppointmentFactory(
        pairing=pairing, starts_at=NOW - timedelta(days=2), length=45, status="booked"
    )
    Feedback.objects.create(
        kind=Feedback.Kind.SESSION,
        pairing=pairing,
        person=pairing.mentee,
        appointment=held,
        rating=4,
        answered_at=NOW - timedelta(days=1),
    )
    PairingHealth.objects.create(
        pairing=pairing,
        status=HealthStatus.AT_RISK,
        reasons=[{"code": "silent", "text": "No contact for 35 days"}],
        computed_at=NOW,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert chat_weekly_dispatch(now=NOW) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert chat_weekly_dispatch(now=NOW + timedelta(hours=1)) == 0  # had it this week

    [payload] = receiver.payloads
    check(service, payload)
    assert_cohort_link(service, payload, cohort)
    text = json.dumps(payload, ensure_ascii=False)
    assert "Spring cohort: the week to 16 March 2026" in text
    assert "4.0 of 5 from 1 answer" in text
    assert "Newly at risk" in text
    assert "Bob Mentor and Alice Mentee" in text
    no_private_data(payload)


def test_the_weekly_summary_waits_for_monday_morning(cohort, programme_admin, receiver):
    connect(cohort, programme_admin, "slack", receiver.url)

    assert chat_weekly_dispatch(now=NOW.replace(hour=8)) == 0
    assert chat_weekly_dispatch(now=NOW + timedelta(days=1)) == 0


@pytest.mark.parametrize("service", SERVICES)
def test_an_announcement_is_posted_when_sent(
    service, cohort, programme_admin, pairing, receiver, django_capture_on_commit_callbacks
):
    connect(cohort, programme_admin, service, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_send(
            cohort=cohort,
            by=programme_admin,
            audience="everyone",
            subject="Summer meetup <3 & more",
            body="We meet on 1 June.\n\nBring your mentee & a question.",
            key=uuid.uuid4(),
        )

    [payload] = receiver.payloads
    check(service, payload)
    url = link_of(service, payload)
    assert url == f"http://testserver/programmes/announcements/{announcement.pk}/"
    text = json.dumps(payload, ensure_ascii=False)
    assert "Sent by Dana Admin" in text
    if service == "slack":
        assert payload["blocks"][0]["text"]["text"] == "Summer meetup <3 & more"  # plain text
        assert "Bring your mentee &amp; a question." in text  # mrkdwn, escaped
        assert "Summer meetup &lt;3 &amp; more" in payload["text"]
    no_private_data(payload)


@pytest.mark.parametrize("service", SERVICES)
def test_send_a_test_message(
    service, client, cohort, programme_admin, receiver, django_capture_on_commit_callbacks
):
    connection = connect(cohort, programme_admin, service, receiver.url)
    client.force_login(programme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chat:connection_test", args=[connection.pk]), follow=True)

    assert "A test message is on its way" in response.content.decode()
    [payload] = receiver.payloads
    check(service, payload)
    assert_cohort_link(service, payload, cohort)
    connection.refresh_from_db()
    assert connection.last_posted_at == NOW
    assert "This channel is connected to Spring cohort." in json.dumps(payload)


# --- once, retried, refused -----------------------------------------------------------------


def test_posted_once_even_when_the_task_runs_twice(cohort, programme_admin, receiver):
    connection = connect(cohort, programme_admin, "slack", receiver.url)

    assert chat_post_task.delay(connection.pk, "test", "one").get() is True
    assert chat_post_task.delay(connection.pk, "test", "one").get() is False

    assert len(receiver.requests) == 1
    post = ChatPost.objects.get()
    assert (post.attempts, post.posted_at) == (1, NOW)


def test_a_receiver_answering_500_fails_for_the_retry_and_says_so(cohort, programme_admin):
    """The task retries what raises (a real worker retries it: tests/integration/test_chat.py);
    here, each attempt as the worker makes it."""
    with Receiver(answers=[(500, "oops"), (200, "1")]) as flaky:
        connection = connect(cohort, programme_admin, "teams", flaky.url)

        with pytest.raises(ChatPostFailed) as failed:
            chat_post(connection_id=connection.pk, kind="test", subject="retry")
        assert failed.value.retry
        connection.refresh_from_db()
        assert connection.last_problem == (
            "Microsoft Teams answered 500 (oops). It will be tried again in a while."
        )
        assert ChatPost.objects.get().posted_at is None

        assert chat_post(connection_id=connection.pk, kind="test", subject="retry") is True

    assert len(flaky.requests) == 2
    post = ChatPost.objects.get()
    assert post.attempts == 2
    assert post.posted_at == NOW
    connection.refresh_from_db()
    assert connection.last_posted_at == NOW
    assert ChatPostFailed in chat_post_task.autoretry_for
    assert chat_post_task.retry_backoff


def test_a_refusal_that_a_retry_cannot_mend_is_recorded_in_words(cohort, programme_admin):
    with Receiver(answers=[(404, "no_service")]) as gone:
        connection = connect(cohort, programme_admin, "slack", gone.url)
        assert chat_post_task.delay(connection.pk, "test", "gone").get() is False

    assert len(gone.requests) == 1
    connection.refresh_from_db()
    assert connection.last_problem == (
        "Slack answered 404 (no_service). The address may have been removed or its channel "
        "archived: connect it again."
    )
    assert ChatPost.objects.get().posted_at is None


def test_a_private_address_is_refused_in_words(client, cohort, programme_admin, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    client.force_login(programme_admin)
    url = reverse("chat:connections", args=[cohort.pk])

    response = client.post(url, {"new-service": "slack", "new-address": "https://10.1.2.3/hook"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "10.1.2.3 is on a private network, which may not be reached from here." in page
    assert 'value="https://10.1.2.3/hook"' in page  # what was typed is kept
    assert not ChatConnection.objects.exists()


def test_plain_http_is_refused_except_for_allowed_hosts(cohort, programme_admin):
    with pytest.raises(ChatConnectionRefused, match="must start with https://"):
        connect(cohort, programme_admin, "slack", "http://hooks.slack.com/services/T/B/x")


def test_a_private_address_is_refused_when_posting_too(cohort, programme_admin, settings):
    """An address saved while allowed, or that moved to a private network since."""
    connection = ChatConnection.objects.create(
        cohort=cohort,
        service="slack",
        address_encrypted=crypto.encrypt("https://127.0.0.1:9/hook"),
        address_hint="127.0.0.1 …hook",
    )
    settings.WEBHOOK_ALLOWED_HOSTS = []

    assert chat_post_task.delay(connection.pk, "test", "private").get() is False

    connection.refresh_from_db()
    assert connection.last_problem == (
        "127.0.0.1 is on a private network, which may not be reached from here."
    )


# --- the page ----------------------------------------------------------------------------------


def test_the_admin_connects_a_channel_from_the_cohort_page(
    client, cohort, programme_admin, receiver
):
    client.force_login(programme_admin)
    cohort_page = client.get(reverse("oversight:cohort_detail", args=[cohort.pk])).content
    url = reverse("chat:connections", args=[cohort.pk])
    assert f'href="{url}"'.encode() in cohort_page

    response = client.post(
        url,
        {"new-service": "teams", "new-address": receiver.url, "new-posts_weekly": "on"},
        follow=True,
    )

    connection = ChatConnection.objects.get()
    assert (connection.service, connection.posts_weekly, connection.posts_at_risk) == (
        "teams",
        True,
        False,
    )
    assert crypto.decrypt(connection.address_encrypted) == receiver.url
    assert receiver.url not in connection.address_encrypted
    page = response.content.decode()
    assert "Channel connected." in page
    assert "127.0.0.1 …ET9z" in page  # the host and the last four characters


def test_the_secret_address_never_appears_in_the_page(client, cohort, programme_admin, receiver):
    connection = connect(cohort, programme_admin, "slack", receiver.url)
    ChatConnection.objects.filter(pk=connection.pk).update(
        last_problem="Slack answered 500. It will be tried again in a while.",
        last_problem_at=NOW,
    )
    client.force_login(programme_admin)

    page = client.get(reverse("chat:connections", args=[cohort.pk])).content.decode()

    assert "/hooks/T000/B000/abcdefSECRET9z" not in page
    assert "abcdefSECRET" not in page
    assert "…ET9z" in page
    assert "Slack answered 500. It will be tried again in a while." in page
    assert "Nothing posted yet." in page


def test_a_cohort_can_have_a_slack_and_a_teams_channel(cohort, programme_admin, receiver):
    connect(cohort, programme_admin, "slack", receiver.url)
    connect(cohort, programme_admin, "teams", receiver.url)

    assert ChatConnection.objects.filter(cohort=cohort).count() == 2


def test_another_cohorts_admin_gets_404(client, cohort, programme_admin, olga, receiver):
    connection = connect(cohort, programme_admin, "slack", receiver.url)
    client.force_login(olga)

    assert client.get(reverse("chat:connections", args=[cohort.pk])).status_code == 404
    for name in ("connection_test", "connection_update", "connection_remove"):
        assert client.post(reverse(f"chat:{name}", args=[connection.pk])).status_code == 404
    assert ChatConnection.objects.filter(pk=connection.pk).exists()
    assert not receiver.requests


def test_what_is_posted_can_be_changed_and_the_channel_disconnected(
    client, cohort, programme_admin, receiver
):
    connection = connect(cohort, programme_admin, "slack", receiver.url)
    client.force_login(programme_admin)

    client.post(
        reverse("chat:connection_update", args=[connection.pk]),
        {f"c{connection.pk}-posts_announcements": "on"},
    )
    connection.refresh_from_db()
    assert (connection.posts_at_risk, connection.posts_weekly, connection.posts_announcements) == (
        False,
        False,
        True,
    )

    client.post(reverse("chat:connection_remove", args=[connection.pk]))
    assert not ChatConnection.objects.exists()


def test_only_what_a_channel_chose_is_posted_there(
    cohort, programme_admin, pairing, receiver, django_capture_on_commit_callbacks
):
    connect(
        cohort,
        programme_admin,
        "slack",
        receiver.url,
        posts_at_risk=False,
        posts_weekly=False,
        posts_announcements=True,
    )
    silent_for_weeks(pairing)

    with django_capture_on_commit_callbacks(execute=True):
        pairing_health_refresh(pairings=[pairing])
        chat_weekly_dispatch(now=NOW)
    assert not receiver.requests

    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(
            cohort=cohort,
            by=programme_admin,
            audience="everyone",
            subject="Hello",
            body="Welcome.",
            key=uuid.uuid4(),
        )
    assert len(receiver.requests) == 1
