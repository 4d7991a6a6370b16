"""An announcement to a whole cohort, or to one role in it.

An announcement is sent once per person however often "Send" is pressed: the form carries a
one-time key, and the same key finds the same announcement. Its transaction writes one delivery
row per recipient and, after the commit, queues a dispatch. A dispatch claims a batch of
pending rows with SELECT … FOR UPDATE SKIP LOCKED (dispatches running at once never share one),
then sends each row on its own: a conditional UPDATE marks it sent and keeps it locked through
the SMTP exchange, committing after the server accepted the email, so a second attempt at the
same row waits, then finds it sent. The dispatch queues the next one while rows wait. A worker
killed mid-batch leaves its rows claimed; a claim older than ANNOUNCEMENT_CLAIM_STALE_SECONDS
is claimed again, and beat's minute scan restarts announcements nobody is working on, so none
is lost.
"""

import smtplib
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.links import absolute
from mentoring.mail import mail_send_kept
from oversight.models import Announcement, AnnouncementDelivery
from oversight.selectors.outreach import announcement_recipients
from oversight.services.outreach import OutreachRefused
from programmes.emails import programme_email_build
from programmes.models import Cohort

WRITE_BATCH = 1000
DISPATCH_BATCH = 200
# A dispatch sends for at most this long, then hands the rest to the next one: well inside the
# task's soft time limit (50 s), however slow the mail server.
DISPATCH_SECONDS = 30
# A claim this old belongs to a worker that died: a dispatch ends within its time limit (55 s).
# Claiming it again cannot send it twice: a send in progress holds the row, a later one finds
# it sent.
CLAIM_STALE_SECONDS = 2 * 60

_WAITING = (AnnouncementDelivery.Status.PENDING, AnnouncementDelivery.Status.CLAIMED)


# --- announcements: written at once -------------------------------------------------------


@transaction.atomic
def announcement_send(
    *, cohort: Cohort, by: User, audience: str, subject: str, body: str, key: UUID
) -> Announcement:
    """Send an announcement to the audience's people, each once, by workers in batches.

    The form's one-time `key` makes it safe to repeat: a double click or a re-sent form gets the
    announcement that key made, unchanged, and nothing more is sent. Raises OutreachRefused
    when nobody would receive it or the key belongs to another cohort.
    """
    existing = Announcement.objects.filter(key=key).first()
    if existing is None:
        recipient_ids = list(announcement_recipients(cohort=cohort, audience=audience))
        if not recipient_ids:
            raise OutreachRefused(
                _("Nobody in this cohort would receive it yet: enrol people first.")
            )
        # Two requests with one key at once: the second waits on the unique key, then gets the
        # first's announcement.
        announcement, created = Announcement.objects.get_or_create(
            key=key,
            defaults={
                "cohort": cohort,
                "created_by": by,
                "audience": audience,
                "subject": subject,
                "body": body,
                "recipients_total": len(recipient_ids),
            },
        )
    else:
        announcement, created = existing, False
    if announcement.cohort_id != cohort.pk:
        raise OutreachRefused(_("This form belongs to another cohort. Open it again from here."))
    if not created:
        return announcement
    for start in range(0, len(recipient_ids), WRITE_BATCH):
        AnnouncementDelivery.objects.bulk_create(
            [
                AnnouncementDelivery(announcement=announcement, person_id=person_id)
                for person_id in recipient_ids[start : start + WRITE_BATCH]
            ],
            ignore_conflicts=True,
        )
    _dispatch_after_commit(announcement.pk)
    return announcement


def _dispatch_after_commit(announcement_id: int) -> None:
    from oversight.tasks.outreach import announcement_dispatch_task

    # robust: with the broker down for a moment the announcement is saved all the same, and
    # beat's scan starts it within a minute; the admin sees its progress page, not an error.
    transaction.on_commit(lambda: announcement_dispatch_task.delay(announcement_id), robust=True)


# --- announcements: the dispatch ----------------------------------------------------------


def claim_stale_after() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "ANNOUNCEMENT_CLAIM_STALE_SECONDS", CLAIM_STALE_SECONDS)
    )


def _claimable(announcement_id: int, now: datetime) -> Q:
    return Q(announcement_id=announcement_id) & (
        Q(status=AnnouncementDelivery.Status.PENDING)
        | Q(status=AnnouncementDelivery.Status.CLAIMED, claimed_at__lt=now - claim_stale_after())
    )


def announcement_claim(*, announcement_id: int, now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` of the announcement's pending (or stale) deliveries claimed at `now`
    and return their ids; concurrent claims never share a row."""
    with transaction.atomic():
        ids = list(
            AnnouncementDelivery.objects.select_for_update(skip_locked=True)
            .filter(_claimable(announcement_id, now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        AnnouncementDelivery.objects.filter(pk__in=ids).update(
            status=AnnouncementDelivery.Status.CLAIMED, claimed_at=now
        )
    return ids


def _message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentoring"


def _announcement_email(announcement: Announcement, recipient: User) -> EmailMultiAlternatives:
    message = programme_email_build(
        template="oversight/announcement",
        to=recipient,
        subject=announcement.subject,
        context={
            "announcement": announcement,
            "cohort": announcement.cohort,
            "sender": announcement.created_by,
            "dashboard_url": absolute("home:dashboard"),
        },
    )
    # The same Message-ID on a rare repeat lets mail systems that deduplicate show it once.
    message.extra_headers["Message-ID"] = (
        f"<announcement-{announcement.pk}.{recipient.pk}@{_message_id_domain()}>"
    )
    message.extra_headers["X-Announcement-Id"] = str(announcement.pk)
    return message


def _deliver(delivery: AnnouncementDelivery, announcement: Announcement) -> bool:
    """Email one claimed delivery unless it went out already; True when this call sent it."""
    with translation.override(delivery.person.email_language):
        email = _announcement_email(announcement, delivery.person)
    with transaction.atomic():
        # Marked before the SMTP exchange, in the transaction that commits after it: the row
        # stays locked meanwhile, and once the server has accepted only the COMMIT is left.
        taken = AnnouncementDelivery.objects.filter(
            pk=delivery.pk, status=AnnouncementDelivery.Status.CLAIMED
        ).update(status=AnnouncementDelivery.Status.SENT, sent_at=timezone.now())
        if not taken:
            return False
        try:
            mail_send_kept([email])
        except smtplib.SMTPRecipientsRefused:
            # Refused for good: a retry cannot help, and nobody else may wait behind it. Done,
            # but with no sent_at (see announcement_progress).
            AnnouncementDelivery.objects.filter(pk=delivery.pk).update(sent_at=None)
            return False
    return True


def announcement_dispatch(*, announcement_id: int) -> int:
    """Send one batch of the announcement and queue the next dispatch while rows wait; return
    how many this call sent.

    Safe to run twice, at once or later: each row is sent at most once (see the module's
    docstring). A failed send raises, and the batch's unsent claims go back to pending for the
    task's retry.
    """
    started = time.monotonic()
    now = timezone.now()
    ids = announcement_claim(announcement_id=announcement_id, now=now, limit=DISPATCH_BATCH)
    if not ids:
        return 0
    announcement = Announcement.objects.select_related("cohort", "created_by").get(
        pk=announcement_id
    )
    deliveries = list(
        AnnouncementDelivery.objects.filter(pk__in=ids).select_related("person").order_by("pk")
    )
    sent = done = 0
    try:
        for delivery in deliveries:
            if time.monotonic() - started > DISPATCH_SECONDS:
                break
            sent += _deliver(delivery, announcement)
            done += 1
    finally:
        # What this run claimed and did not try goes back at once, not after the stale timeout.
        AnnouncementDelivery.objects.filter(
            pk__in=[d.pk for d in deliveries[done:]],
            status=AnnouncementDelivery.Status.CLAIMED,
            claimed_at=now,
        ).update(status=AnnouncementDelivery.Status.PENDING, claimed_at=None)
    if AnnouncementDelivery.objects.filter(_claimable(announcement_id, timezone.now())).exists():
        from oversight.tasks.outreach import announcement_dispatch_task

        announcement_dispatch_task.delay(announcement_id)
    return sent


def announcements_resume(*, now: datetime) -> int:
    """Beat's scan: stale claims go back to pending, and each announcement with rows waiting
    that nobody has claimed from lately (its worker died or restarted) gets a dispatch again.
    Returns how many were restarted. Safe to run while dispatches run."""
    stale_before = now - claim_stale_after()
    waiting = AnnouncementDelivery.objects.filter(announcement=OuterRef("pk"), status__in=_WAITING)
    unfinished = Announcement.objects.filter(Exists(waiting)).values_list("pk", flat=True)
    restarted = 0
    for announcement_id in list(unfinished):
        deliveries = AnnouncementDelivery.objects.filter(announcement_id=announcement_id)
        with transaction.atomic():
            # SKIP LOCKED: a row being sent right now is locked, and left to its sender.
            stale = list(
                deliveries.select_for_update(skip_locked=True)
                .filter(status=AnnouncementDelivery.Status.CLAIMED, claimed_at__lt=stale_before)
                .values_list("pk", flat=True)
            )
            deliveries.filter(pk__in=stale).update(
                status=AnnouncementDelivery.Status.PENDING, claimed_at=None
            )
        working = deliveries.filter(claimed_at__gte=stale_before).exists()
        if not working and deliveries.filter(status=AnnouncementDelivery.Status.PENDING).exists():
            from oversight.tasks.outreach import announcement_dispatch_task

            announcement_dispatch_task.delay(announcement_id)
            restarted += 1
    return restarted
