"""Publishing events: the outbox row and its deliveries, written in the caller's transaction.

An app calls event_publish inside the transaction that makes the change, with plain data (the
kind's serializer in webhooks.payloads checks it). If the change rolls back, so does the event;
if it commits, the deliveries are handed to workers at once, and the scan takes any that a
worker never got.
"""

from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from outbox.services import task_publish
from webhooks.models import TEST_KIND, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.payloads import VERSION, organisation_ref, payload_data


def _enqueue_sends(ids: list[int]) -> None:
    from webhooks.tasks import delivery_send_task

    for delivery_id in ids:  # the broker down: the dispatch scan sends them when it is back
        if not task_publish(delivery_send_task, delivery_id):
            return


def _write(
    *, organisation_id: int, kind: str, data: dict, endpoints: list[WebhookEndpoint]
) -> WebhookEvent:
    now = timezone.now()
    event = WebhookEvent(organisation_id=organisation_id, kind=kind, version=VERSION)
    event.payload = {
        "type": kind,
        "version": VERSION,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": payload_data(kind=kind, data=data),
    }
    event.save()
    # Claimed at once: the scan leaves them to the task queued on commit, unless it is lost.
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now, claimed_at=now)
        for endpoint in endpoints
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(partial(_enqueue_sends, ids))
    return event


def _listening(*, organisation_id: int, kind: str) -> list[WebhookEndpoint]:
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            organisation_id=organisation_id, enabled=True
        ).only("pk", "event_kinds")
        if kind in endpoint.event_kinds
    ]


def event_wanted(*, organisation: Organisation | int, kind: str) -> bool:
    """Whether some enabled endpoint of the organisation subscribed to `kind`: a caller about
    to publish many events asks once, and builds nothing when none is wanted."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return bool(_listening(organisation_id=organisation_id, kind=kind))


def event_publish(
    *, organisation: Organisation | int, kind: str, data: dict | Callable[[], dict]
) -> WebhookEvent | None:
    """Record the event for the organisation's enabled endpoints subscribed to `kind`, one
    delivery each, sent once the caller's transaction commits. Call it inside that
    transaction. `data` may be a function that builds it, called only when some endpoint
    wants the event. Returns the event, or None when none does (nothing is written, one
    query). Raises rest_framework's ValidationError when `data` does not fit the kind."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    endpoints = _listening(organisation_id=organisation_id, kind=kind)
    if not endpoints:
        return None
    if callable(data):
        data = data()
    with transaction.atomic():
        return _write(organisation_id=organisation_id, kind=kind, data=data, endpoints=endpoints)


@transaction.atomic
def endpoint_test_send(*, endpoint: WebhookEndpoint) -> WebhookEvent:
    """Send a `webhook.test` event to this endpoint alone, even when it is switched off (the
    owner checks it before switching it on again)."""
    organisation = endpoint.organisation
    return _write(
        organisation_id=organisation.pk,
        kind=TEST_KIND,
        data={
            "organisation": organisation_ref(organisation),
            "endpoint_id": endpoint.pk,
            "message": "A test event, sent by hand from the webhooks page.",
        },
        endpoints=[endpoint],
    )
