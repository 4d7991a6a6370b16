"""The welcome email, end to end: view, commit, Redis, a worker process, SMTP."""

import re
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from accounts.tasks import user_welcome_send_task
from tests.factories import PASSWORD, UserFactory
from tests.integration.support import (
    SITE_URL,
    SmtpSink,
    TaskRun,
    Worker,
    is_addressed_to,
    text_body,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WELCOME_TASK = "accounts.tasks.user_welcome_send_task"


def fresh_address() -> str:
    # Unique per run, so mail from any other run cannot be mistaken for this one's.
    return f"visitor-{uuid.uuid4().hex[:12]}@example.org"


def confirmation_path(message: EmailMessage) -> str | None:
    for link in re.findall(r"https?://\S+", text_body(message)):
        path = urlsplit(link).path
        try:
            if resolve(path).url_name == "account_confirm_email":
                return path
        except Resolver404:
            continue
    return None


def is_welcome_to(address: str) -> Callable[[EmailMessage], bool]:
    return lambda m: is_addressed_to(m, address) and "Welcome" in m["Subject"]


def wait_for_welcome_runs(workers: list[Worker], count: int) -> list[TaskRun]:
    """The welcome task runs the workers finished, once there are `count` of them."""
    runs: list[TaskRun] = []

    def finished() -> bool:
        runs[:] = [run for worker in workers for run in worker.task_runs(WELCOME_TASK)]
        return len(runs) >= count

    wait_until(finished, timeout=30, what=f"{count} welcome task runs to finish")
    return runs


def wait_until_marked_sent(user: User) -> None:
    # The worker commits the row just after the SMTP server accepts the mail.
    wait_until(
        lambda: User.objects.filter(pk=user.pk, welcome_email_sent_at__isnull=False).exists(),
        timeout=10,
        what="welcome_email_sent_at to be set",
    )


def test_welcome_email_reaches_smtp_through_a_real_worker(
    client: Client, smtp_sink: SmtpSink, worker: Worker
) -> None:
    address = fresh_address()

    response = client.post(
        reverse("account_signup"),
        {"email": address, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302

    verification = smtp_sink.wait_for(lambda m: is_addressed_to(m, address))
    path = confirmation_path(verification)
    assert path is not None, text_body(verification)
    assert client.get(path).status_code == 200  # a GET only shows the form
    assert smtp_sink.matching(is_welcome_to(address)) == []
    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(email=address)
    # A second enqueue while the first may still be on its way: the service must send once.
    user_welcome_send_task.delay(user.pk)

    welcome = smtp_sink.wait_for(is_welcome_to(address))
    assert f"{SITE_URL}{reverse('home:dashboard')}" in text_body(welcome)
    assert [a.addr_spec for a in welcome["To"].addresses] == [address]
    wait_until_marked_sent(user)
    assert sorted(run.value for run in wait_for_welcome_runs([worker], 2)) == ["False", "True"]
    assert len(smtp_sink.matching(is_welcome_to(address))) == 1
    assert len(smtp_sink.matching(lambda m: is_addressed_to(m, address))) == 2
    assert mail.outbox == []  # nothing was sent from the web process itself


def test_two_workers_racing_on_one_user_send_a_single_welcome(
    smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]]
) -> None:
    user = UserFactory(welcome_email_sent_at=None)
    workers = start_workers(2)
    # Keep the first sender inside its transaction long enough for the second to reach the row.
    smtp_sink.delay = 2.0

    task_ids = {user_welcome_send_task.delay(user.pk).id for _ in range(2)}

    runs = wait_for_welcome_runs(workers, 2)
    assert {run.task_id for run in runs} == task_ids
    [sender] = [run for run in runs if run.value == "True"]
    [waiter] = [run for run in runs if run.value == "False"]
    assert sender.worker != waiter.worker, "both runs were on one worker: there was no race"
    assert waiter.seconds > 1.0, "the second run never waited for the first one's row lock"
    assert len(smtp_sink.matching(is_welcome_to(user.email))) == 1
    wait_until_marked_sent(user)


def test_welcome_email_is_retried_until_the_smtp_server_answers(
    smtp_port: int, worker: Worker
) -> None:
    user = UserFactory(welcome_email_sent_at=None)

    task_id = user_welcome_send_task.delay(user.pk).id

    refused = re.compile(rf"{WELCOME_TASK}\[{task_id}\] retry: Retry in \d+s: ConnectionRefused")
    wait_until(lambda: bool(refused.search(worker.log())), timeout=20, what="a refused send")
    user.refresh_from_db()
    assert user.welcome_email_sent_at is None
    with SmtpSink(smtp_port) as sink:
        # retry_backoff=5: the next attempts come after 5, then 10 seconds.
        welcome = sink.wait_for(is_welcome_to(user.email), timeout=60)
        assert f"{SITE_URL}{reverse('home:dashboard')}" in text_body(welcome)
        wait_until_marked_sent(user)
        [run] = wait_for_welcome_runs([worker], 1)
        assert (run.task_id, run.value) == (task_id, "True")
        assert len(sink.matching(is_welcome_to(user.email))) == 1
