"""Sending deliveries: signed POSTs from workers, retried with back-off, recorded per attempt.

A delivery is claimed (claimed_at) before a worker sends it: by the publish that made it, by
the scan every minute (SELECT … FOR UPDATE SKIP LOCKED, so scanners never share one), or by
"Send again". The send locks the row for the length of one POST (10 s at most), so a
duplicate task waits, then finds the claim used. Each attempt is signed anew (Standard
Webhooks: `webhook-id` stays the event's, `webhook-timestamp` is the attempt's time); a 2xx
answer is success, anything else (a redirect too: none is followed) schedules the next try,
RETRY_DELAYS apart, then the delivery is given up. An endpoint failing 20 attempts in a row, or
for a whole day, is switched off and its organisation's owners are emailed once.
"""

import json
import time
from datetime import datetime, timedelta
from functools import partial

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from mentoring.outbound import guarded_session, refusal_of
from outbox.services import task_enqueue_on_commit, task_publish
from webhooks.models import (
    TEST_KIND,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.services.endpoints import signing_secrets

# After the 1st, 2nd … failed attempt, the next one waits this long; after the last, give up.
# Seven attempts over about 18 hours.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
TIMEOUT_SECONDS = 10
EXCERPT_BYTES = 2048
# Switched off after this many failed attempts in a row, or failing for this long.
DISABLE_AFTER_FAILURES = 20
DISABLE_AFTER_FAILING_FOR = timedelta(hours=24)
CLAIM_STALE = timedelta(minutes=5)
CLAIM_BATCH = 500
USER_AGENT = "Mentoring-Webhooks/1"
# The delivery log keeps an event this long (unless one of its deliveries is still retrying).
LOG_KEPT_FOR = timedelta(days=30)


# --- claiming -----------------------------------------------------------------------------


def deliveries_claim_due(*, now: datetime, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim up to `limit` deliveries due at `now` on enabled endpoints, oldest first, and
    return their ids. Due: pending or failed with next_attempt_at reached and no claim, or a
    claim older than CLAIM_STALE (its worker died). Concurrent scanners never share one."""
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED),
                next_attempt_at__lte=now,
                endpoint__enabled=True,
            )
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(claimed_at=now)
    return ids


def _enqueue_sends(ids: list[int], by_hand: bool = False) -> None:
    from webhooks.tasks import delivery_send_task

    for delivery_id in ids:  # the broker down: the claims go stale and the scan takes them
        if not task_publish(delivery_send_task, delivery_id, by_hand):
            return


def deliveries_dispatch(*, now: datetime) -> int:
    """Claim the due deliveries, a batch at a time, and queue one send for each once its
    claim is committed; return how many. Safe to run while other scanners run."""
    total = 0
    while True:
        with transaction.atomic():
            ids = deliveries_claim_due(now=now)
            transaction.on_commit(partial(_enqueue_sends, ids))
        total += len(ids)
        if len(ids) < CLAIM_BATCH:
            return total


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery again by hand, now, with the same webhook-id: one new attempt, even
    if it was delivered or given up (the receiver may drop it as a repeat). A failure of a
    delivery that was still retrying keeps its schedule."""
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_at=now)
    transaction.on_commit(partial(_enqueue_sends, [delivery.pk], True))
    delivery.refresh_from_db()
    return delivery


# --- sending ------------------------------------------------------------------------------


def signed_headers(*, webhook_id: str, body: str, secrets: list[str], at: datetime) -> dict:
    """The Standard Webhooks headers: one `v1,` signature per secret, space-separated."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(
            Webhook(secret).sign(webhook_id, at, body) for secret in secrets
        ),
    }


def _post(*, url: str, body: str, headers: dict) -> tuple[int | None, str, str, int]:
    """POST once: (status code or None, first 2 KB of the answer, error in words, ms)."""
    session = guarded_session(allowed_hosts=settings.WEBHOOK_ALLOWED_HOSTS)
    started = time.monotonic()
    try:
        with session.post(
            url,
            data=body.encode(),
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,  # only the first 2 KB of the answer are read
        ) as response:
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
            status = response.status_code
        error = ""
    except requests.RequestException as failure:
        refused = refusal_of(failure)
        status, excerpt = None, b""
        if refused is not None:
            error = str(refused)
        elif isinstance(failure, requests.Timeout):
            error = _("No answer within %(seconds)s seconds.") % {"seconds": TIMEOUT_SECONDS}
        else:
            error = _("The connection failed: %(reason)s") % {"reason": type(failure).__name__}
    finally:
        session.close()
    elapsed = int((time.monotonic() - started) * 1000)
    return status, excerpt.decode("utf-8", "replace"), error[:300], elapsed


def _record_failure(*, endpoint_id: int, now: datetime) -> None:
    """Count a failed attempt against the endpoint; switch it off when it keeps failing, and
    email its owners once (after the commit)."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(
        failing_since=now
    )
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    too_many = endpoint.consecutive_failures >= DISABLE_AFTER_FAILURES
    too_long = endpoint.failing_since <= now - DISABLE_AFTER_FAILING_FOR
    if not endpoint.enabled or not (too_many or too_long):
        return
    endpoint.enabled = False
    endpoint.disabled_at = now
    if too_many:
        endpoint.disabled_reason = _("%(count)s deliveries in a row failed.") % {
            "count": endpoint.consecutive_failures
        }
    else:
        endpoint.disabled_reason = _("Every delivery failed for a day.")
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    from webhooks.tasks import endpoint_disabled_notify_task

    task_enqueue_on_commit(endpoint_disabled_notify_task, endpoint.pk, now.isoformat())


def delivery_send(*, delivery_id: int, by_hand: bool = False) -> bool:
    """POST one claimed delivery, signed, and record the attempt; True when the receiver
    answered 2xx. Skipped (False) when the claim was used already (a duplicate task), or the
    endpoint is switched off (unless sent by hand or a test event). Safe to run twice."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, claimed_at__isnull=False)
            .first()
        )
        if delivery is None:
            return False
        event, endpoint = delivery.event, delivery.endpoint
        retrying = delivery.status in (
            WebhookDelivery.Status.PENDING,
            WebhookDelivery.Status.FAILED,
        )
        if not by_hand and (not retrying or (not endpoint.enabled and event.kind != TEST_KIND)):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_at=None)
            return False
        now = timezone.now()
        body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False)
        headers = signed_headers(
            webhook_id=event.webhook_id,
            body=body,
            secrets=signing_secrets(endpoint=endpoint, now=now),
            at=now,
        )
        status, excerpt, error, elapsed = _post(url=endpoint.url, body=body, headers=headers)
        succeeded = status is not None and 200 <= status < 300
        if status is not None and not succeeded and not error:
            error = _("The receiver answered %(status)s.") % {"status": status}
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            by_hand=by_hand,
            started_at=now,
            status_code=status,
            response=excerpt,
            duration_ms=elapsed,
            error=error,
            succeeded=succeeded,
        )
        delivery.claimed_at = None
        delivery.last_attempt_at = now
        delivery.last_status_code = status
        delivery.last_response = excerpt
        delivery.last_duration_ms = elapsed
        delivery.last_error = error
        if succeeded:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=0, failing_since=None
            )
        elif retrying and not by_hand:
            failures = WebhookAttempt.objects.filter(delivery=delivery, by_hand=False).count()
            if failures <= len(RETRY_DELAYS):
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = now + RETRY_DELAYS[failures - 1]
            else:
                delivery.status = WebhookDelivery.Status.ABANDONED
            _record_failure(endpoint_id=endpoint.pk, now=now)
        # A failed try by hand changes nothing else: a retrying delivery keeps its schedule,
        # and the endpoint's count of failures is about the automatic ones.
        delivery.save()
    return succeeded


# --- the log's retention --------------------------------------------------------------------


def webhook_events_expire(*, now: datetime) -> int:
    """Delete events older than LOG_KEPT_FOR with their deliveries and attempts, except those
    with a delivery still waiting to be retried; returns how many events. Safe to repeat."""
    retrying = WebhookDelivery.objects.filter(
        status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED)
    ).values("event_id")
    expired = WebhookEvent.objects.filter(created_at__lt=now - LOG_KEPT_FOR).exclude(
        pk__in=retrying
    )
    count = expired.count()
    expired.delete()
    return count
