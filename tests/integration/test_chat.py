"""Slack and Teams posts from real worker processes through Redis: a receiver that answers 500
is tried again with back-off until it takes the message, and the message arrives once even
when two workers are handed the same post at once."""

from collections.abc import Callable

import pytest

from chat.models import ChatPost
from chat.services import chat_connection_add
from chat.tasks import chat_post_task
from tests.chat.receiver import Receiver
from tests.chat.shapes import check
from tests.integration.support import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers_reach_the_receiver(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """The workers read their settings from the environment: the receiver's host is allowed."""
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


def test_a_receiver_answering_500_gets_the_post_after_retries(
    workers_reach_the_receiver, start_workers: Callable[..., list[Worker]], cohort, programme_admin
):
    start_workers()
    with Receiver(answers=[(500, "oops"), (500, "oops"), (200, "ok")]) as flaky:
        connection = chat_connection_add(
            cohort=cohort,
            by=programme_admin,
            service="slack",
            address=flaky.url,
            posts_at_risk=True,
            posts_weekly=True,
            posts_announcements=True,
        )

        chat_post_task.delay(connection.pk, "test", "retried")

        wait_until(
            lambda: ChatPost.objects.filter(posted_at__isnull=False).exists(),
            timeout=60,
            what="the post to go through after two 500s",
        )
        assert len(flaky.requests) == 3
        for payload in flaky.payloads:
            check("slack", payload)
        assert flaky.payloads[0] == flaky.payloads[2]  # the same message, tried again

    post = ChatPost.objects.get()
    assert post.attempts == 3
    connection.refresh_from_db()
    assert connection.last_posted_at == post.posted_at
    assert (
        connection.last_problem == "Slack answered 500 (oops). It will be tried again in a while."
    )


def test_two_workers_handed_the_same_post_post_it_once(
    workers_reach_the_receiver, start_workers: Callable[..., list[Worker]], cohort, programme_admin
):
    start_workers(2)
    with Receiver() as receiver:
        connection = chat_connection_add(
            cohort=cohort,
            by=programme_admin,
            service="teams",
            address=receiver.url,
            posts_at_risk=True,
            posts_weekly=True,
            posts_announcements=True,
        )

        for _ in range(4):
            chat_post_task.delay(connection.pk, "test", "once")

        wait_until(
            lambda: ChatPost.objects.filter(posted_at__isnull=False).exists(),
            timeout=30,
            what="the post",
        )
        # The other three find it posted; give them the time to (wrongly) post again.
        wait_until(lambda: _all_done(), timeout=30, what="the other tasks")
        assert len(receiver.requests) == 1
        check("teams", receiver.payloads[0])


def _all_done() -> bool:
    from mentoring.celery import app

    inspect = app.control.inspect(timeout=1)
    active = inspect.active() or {}
    reserved = inspect.reserved() or {}
    with app.connection_for_read() as conn:
        queued = conn.default_channel.client.llen("celery")
    return not any(active.values()) and not any(reserved.values()) and queued == 0
