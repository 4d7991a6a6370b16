"""Deliveries to real receivers on 127.0.0.1, each checked with the standardwebhooks library:
signed, retried with back-off, logged, replayed by hand, switched off when failing, never to an
internal address nor to another organisation."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import UserFactory
from webhooks.models import TEST_KIND, EventKind, WebhookAttempt, WebhookDelivery, WebhookEvent
from webhooks.services.delivery import (
    DISABLE_AFTER_FAILURES,
    deliveries_dispatch,
    delivery_replay,
)
from webhooks.services.endpoints import (
    EndpointRefused,
    endpoint_create,
    endpoint_disable,
    endpoint_secret_rotate,
)
from webhooks.services.publish import endpoint_test_send, event_publish

pytestmark = pytest.mark.django_db


def enrolment_data(organisation, n: int = 1) -> dict:
    return {
        "enrolment_id": n,
        "role": "mentee",
        "person": {"id": 7, "display_name": "Alice"},
        "created_at": timezone.now(),
        "organisation": {"id": organisation.pk, "slug": organisation.slug, "name": "Example"},
        "cohort": {"id": 3, "name": "Spring"},
        "url": "http://testserver/programmes/cohorts/3/",
    }


def publish(capture, organisation, n: int = 1) -> WebhookEvent | None:
    """Publish an enrolment event in a transaction and run its sends, as a commit would."""
    with capture(execute=True):
        return event_publish(
            organisation=organisation,
            kind=EventKind.ENROLMENT_CREATED,
            data=enrolment_data(organisation, n),
        )


def scan(capture, *, after: timedelta) -> int:
    """The beat scan, run as if `after` had passed."""
    with capture(execute=True):
        return deliveries_dispatch(now=timezone.now() + after)


def test_every_delivery_verifies_with_the_standardwebhooks_library(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(receiver)

    event = publish(django_capture_on_commit_callbacks, organisation)

    [got] = receiver.all()
    assert got.refusal == ""
    assert got.answered == 200
    body = got.verified
    assert body["type"] == "enrolment.created"
    assert body["version"] == 1
    assert body["timestamp"].endswith("Z")
    assert body["data"]["person"] == {"id": 7, "display_name": "Alice"}
    assert body["data"]["created_at"].endswith("Z")  # UTC
    assert got.headers["webhook-id"] == event.webhook_id
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.last_response == '{"ok": true}'


def test_a_delivery_replayed_with_an_old_timestamp_is_refused_by_the_library(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    """A captured delivery cannot be sent again later: the signed timestamp is too old."""
    subscribe(receiver)
    publish(django_capture_on_commit_callbacks, organisation)
    [captured] = receiver.all()
    assert captured.verified is not None

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6)),
        pytest.raises(WebhookVerificationError, match="timestamp too old"),
    ):
        Webhook(receiver.secret).verify(captured.body, captured.headers)
    # Nor can the attacker give it a fresh timestamp: the signature covers it.
    moved = {**captured.headers, "webhook-timestamp": str(int(timezone.now().timestamp()))}
    moved["webhook-timestamp"] = str(int(moved["webhook-timestamp"]) + 60)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(receiver.secret).verify(captured.body, moved)


def test_a_receiver_failing_three_times_gets_the_event_once_after_four_attempts(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    receiver = make_receiver([500, 500, 500, 200])
    subscribe(receiver)
    capture = django_capture_on_commit_callbacks

    publish(capture, organisation)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    first_retry = delivery.next_attempt_at - delivery.last_attempt_at
    assert timedelta(seconds=59) < first_retry <= timedelta(minutes=1)
    assert scan(capture, after=timedelta(seconds=30)) == 0  # not due yet
    assert scan(capture, after=timedelta(minutes=2)) == 1
    assert scan(capture, after=timedelta(minutes=10)) == 1
    assert scan(capture, after=timedelta(minutes=45)) == 1
    assert scan(capture, after=timedelta(days=2)) == 0  # delivered: nothing more

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 4
    assert [r.answered for r in receiver.all()] == [500, 500, 500, 200]
    assert len({r.headers["webhook-id"] for r in receiver.all()}) == 1
    assert len(receiver.accepted()) == 1
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.succeeded) for a in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 500, False),
        (4, 200, True),
    ]
    assert "answered 500" in log[0].error


def test_back_off_spreads_seven_attempts_over_most_of_a_day_then_gives_up(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    receiver = make_receiver([503])
    subscribe(receiver)
    capture = django_capture_on_commit_callbacks
    publish(capture, organisation)
    delivery = WebhookDelivery.objects.get()
    waits = []
    while delivery.status == WebhookDelivery.Status.FAILED:
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        scan(
            capture,
            after=waits[-1] + (delivery.last_attempt_at - timezone.now()) + timedelta(seconds=1),
        )
        delivery.refresh_from_db()

    assert delivery.status == WebhookDelivery.Status.ABANDONED
    assert delivery.attempts == 7
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 300, 600]
    assert len(receiver.all()) == 7


def test_an_endpoint_that_keeps_failing_is_switched_off_and_each_owner_emailed_once(
    organisation, owner, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    second_owner = UserFactory(email="omar@example.org", display_name="Omar")
    membership_ensure(organisation=organisation, user=second_owner, role=Role.OWNER)
    admin = UserFactory(email="adele@example.org")
    membership_ensure(organisation=organisation, user=admin, role=Role.ADMIN)
    receiver = make_receiver([500])
    endpoint = subscribe(receiver)
    capture = django_capture_on_commit_callbacks

    for n in range(DISABLE_AFTER_FAILURES):
        publish(capture, organisation, n)
    endpoint.refresh_from_db()

    assert not endpoint.enabled
    assert "20 deliveries in a row failed" in endpoint.disabled_reason
    assert sorted(m.to[0] for m in mail.outbox) == ["olivia@example.org", "omar@example.org"]
    assert endpoint.url in mail.outbox[0].subject
    # Switched off: later events make no delivery, the scan sends none of the waiting ones,
    # and nobody is emailed again.
    assert publish(capture, organisation, 99) is None
    scan(capture, after=timedelta(hours=30))
    assert len(receiver.all()) == DISABLE_AFTER_FAILURES
    assert len(mail.outbox) == 2


def test_during_a_rotation_both_secrets_verify_and_afterwards_only_the_new_one(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    endpoint = subscribe(receiver)
    old_secret = receiver.secret
    endpoint, new_secret = endpoint_secret_rotate(endpoint=endpoint)
    receiver.secret = new_secret

    publish(django_capture_on_commit_callbacks, organisation)

    [got] = receiver.all()
    signatures = got.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    assert Webhook(old_secret).verify(got.body, got.headers)["type"] == "enrolment.created"
    assert Webhook(new_secret).verify(got.body, got.headers)["type"] == "enrolment.created"

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        publish(django_capture_on_commit_callbacks, organisation, 2)
        later = receiver.all()[1]
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        Webhook(new_secret).verify(later.body, later.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old_secret).verify(later.body, later.headers)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:8000/hooks", "private network"),
        ("https://127.0.0.1/hooks", "private network"),
        ("https://10.0.0.1/hooks", "private network"),
        ("https://169.254.169.254/latest/meta-data/", "private network"),
        ("https://[::1]/hooks", "private network"),
        ("http://example.org/hooks", "must start with https://"),
    ],
)
def test_an_internal_or_plain_http_address_is_refused_in_words(owner, settings, url, words):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    with pytest.raises(EndpointRefused, match=words) as refused:
        endpoint_create(
            organisation=owner.memberships.get().organisation,
            url=url,
            description="",
            event_kinds=[EventKind.ENROLMENT_CREATED],
            by=owner,
        )
    assert refused.value.field == "url"


def test_a_send_to_an_address_that_became_internal_is_refused_at_connect_time(
    organisation, receiver, subscribe, settings, django_capture_on_commit_callbacks
):
    subscribe(receiver)
    settings.WEBHOOK_ALLOWED_HOSTS = []  # e.g. the host's DNS now answers a private address

    publish(django_capture_on_commit_callbacks, organisation)

    assert receiver.all() == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code is None
    assert "private network" in delivery.last_error


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    receiver = make_receiver([302])
    subscribe(receiver)

    publish(django_capture_on_commit_callbacks, organisation)

    assert len(receiver.all()) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code == 302


def test_events_go_only_to_the_organisations_own_endpoints_subscribed_to_them(
    organisation,
    other_organisation,
    owner,
    make_receiver,
    subscribe,
    django_capture_on_commit_callbacks,
):
    ours, theirs, uninterested = make_receiver(), make_receiver(), make_receiver()
    subscribe(ours)
    subscribe(theirs, organisation=other_organisation)
    subscribe(uninterested, kinds=[EventKind.SESSION_BOOKED])

    publish(django_capture_on_commit_callbacks, organisation)

    assert len(ours.accepted()) == 1
    assert theirs.all() == []
    assert uninterested.all() == []
    assert WebhookDelivery.objects.count() == 1


def test_a_switched_off_endpoint_gets_no_events(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    endpoint_disable(endpoint=subscribe(receiver))

    assert publish(django_capture_on_commit_callbacks, organisation) is None
    assert receiver.all() == []


def test_an_event_rolled_back_with_its_change_is_never_sent(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    from django.db import transaction

    subscribe(receiver)

    @transaction.atomic
    def failing_change() -> None:
        event_publish(
            organisation=organisation,
            kind=EventKind.ENROLMENT_CREATED,
            data=enrolment_data(organisation),
        )
        raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()

    assert not WebhookEvent.objects.exists()
    assert receiver.all() == []


def test_send_again_is_a_new_attempt_with_the_same_webhook_id(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(receiver)
    publish(django_capture_on_commit_callbacks, organisation)
    delivery = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery)

    first, again = receiver.accepted()
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert first.body == again.body
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert list(delivery.attempt_rows.values_list("number", "by_hand")) == [(1, False), (2, True)]


def test_the_test_event_reaches_a_switched_off_endpoint_alone(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    mine, another = make_receiver(), make_receiver()
    endpoint = subscribe(mine)
    subscribe(another)
    endpoint_disable(endpoint=endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        endpoint_test_send(endpoint=endpoint)

    [got] = mine.accepted()
    assert got.verified["type"] == TEST_KIND
    assert got.verified["data"]["endpoint_id"] == endpoint.pk
    assert another.all() == []


def test_a_duplicate_send_task_sends_nothing_more(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    from webhooks.services.delivery import delivery_send

    subscribe(receiver)
    publish(django_capture_on_commit_callbacks, organisation)

    assert delivery_send(delivery_id=WebhookDelivery.objects.get().pk) is False
    assert len(receiver.all()) == 1


def test_the_body_is_sent_exactly_as_signed(
    organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscribe(receiver)
    event = publish(django_capture_on_commit_callbacks, organisation)

    [got] = receiver.all()
    assert json.loads(got.body) == event.payload


def test_the_log_keeps_events_30_days_unless_still_retrying(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    from webhooks.services.delivery import webhook_events_expire

    subscribe(make_receiver([200]))
    subscribe(make_receiver([500]))
    publish(django_capture_on_commit_callbacks, organisation)
    later = timezone.now() + timedelta(days=31)

    assert webhook_events_expire(now=later) == 0  # one delivery is still retrying
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).update(
        status=WebhookDelivery.Status.ABANDONED
    )
    assert webhook_events_expire(now=timezone.now() + timedelta(days=29)) == 0
    assert webhook_events_expire(now=later) == 1
    assert not WebhookEvent.objects.exists()
    assert not WebhookAttempt.objects.exists()


def test_an_endpoint_failing_for_a_whole_day_is_switched_off_before_20_failures(
    organisation, make_receiver, subscribe, django_capture_on_commit_callbacks
):
    receiver = make_receiver([500])
    endpoint = subscribe(receiver)
    publish(django_capture_on_commit_callbacks, organisation)

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=5)):
        scan(django_capture_on_commit_callbacks, after=timedelta(0))
    endpoint.refresh_from_db()

    assert endpoint.consecutive_failures == 2
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "Every delivery failed for a day."
    assert [m.to for m in mail.outbox] == [["olivia@example.org"]]
