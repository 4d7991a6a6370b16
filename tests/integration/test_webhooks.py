"""Webhooks end to end: the event is written here, as the web process writes it, and a real
Celery worker process delivers it through Redis to a receiver on 127.0.0.1 that checks every
delivery with the standardwebhooks library. The scan runs here when the test moves time on."""

from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from organisations.models import Role
from organisations.services import membership_ensure
from programmes.services.enrolments import enrolment_join
from tests.factories import CohortFactory, UserFactory
from tests.integration.support import SmtpSink, Worker, wait_until
from tests.webhooks.receiver import Receiver, serve
from webhooks.models import EventKind, WebhookDelivery, WebhookEndpoint
from webhooks.services.delivery import DISABLE_AFTER_FAILURES, deliveries_dispatch
from webhooks.services.endpoints import endpoint_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def local_hooks(settings, monkeypatch) -> None:
    """The receiver listens on 127.0.0.1: allowed here and in the workers started after."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")


@pytest.fixture
def make_receiver() -> Iterator[Callable[[list[int]], Receiver]]:
    servers = []

    def make(answers: list[int]) -> Receiver:
        receiver = Receiver(answers=answers)
        server = serve(receiver)
        next(server)
        servers.append(server)
        return receiver

    yield make
    for server in servers:
        server.close()


def subscribed(receiver: Receiver, organisation, owner) -> WebhookEndpoint:
    endpoint, receiver.secret = endpoint_create(
        organisation=organisation,
        url=receiver.url,
        description="",
        event_kinds=[EventKind.ENROLMENT_CREATED],
        by=owner,
    )
    return endpoint


def test_a_worker_delivers_signed_and_retries_after_a_failure(
    local_hooks, make_receiver, start_workers: Callable[..., list[Worker]]
):
    cohort = CohortFactory()
    owner = UserFactory(email="olivia@example.org")
    membership_ensure(organisation=cohort.organisation, user=owner, role=Role.OWNER)
    receiver = make_receiver([500, 200])
    subscribed(receiver, cohort.organisation, owner)
    start_workers()

    enrolment_join(cohort=cohort, user=UserFactory(), role="mentee")  # commits: sent by a worker

    wait_until(lambda: len(receiver.all()) == 1, timeout=30, what="the first attempt")
    wait_until(
        lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).exists(),
        timeout=10,
        what="the failed attempt to be recorded",
    )
    # A minute later, beat's scan hands the retry to a worker.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_dispatch(now=timezone.now()) == 1
    wait_until(lambda: len(receiver.accepted()) == 1, timeout=30, what="the retry")
    wait_until(
        lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SUCCEEDED).exists(),
        timeout=10,
        what="the delivery to be marked delivered",
    )

    [delivered] = receiver.accepted()
    assert delivered.verified["type"] == "enrolment.created"
    assert all(r.refusal == "" for r in receiver.all())
    assert len({r.headers["webhook-id"] for r in receiver.all()}) == 1
    assert WebhookDelivery.objects.get().attempts == 2


def test_a_worker_switches_off_an_always_failing_endpoint_and_emails_each_owner_once(
    local_hooks, make_receiver, smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]]
):
    cohort = CohortFactory()
    owners = [UserFactory(email=f"owner{n}@example.org") for n in range(2)]
    for owner in owners:
        membership_ensure(organisation=cohort.organisation, user=owner, role=Role.OWNER)
    receiver = make_receiver([500])
    endpoint = subscribed(receiver, cohort.organisation, owners[0])
    start_workers()

    for _ in range(DISABLE_AFTER_FAILURES + 3):
        enrolment_join(cohort=cohort, user=UserFactory(), role="mentee")

    for owner in owners:
        smtp_sink.wait_for(lambda m, a=owner.email: a in m["To"], timeout=60)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert len(receiver.all()) == DISABLE_AFTER_FAILURES
    assert sorted(str(m["To"]) for m in smtp_sink.messages) == [o.email for o in owners]
