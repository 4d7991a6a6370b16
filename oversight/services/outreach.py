"""What a cohort's admins send or do to reach people: a nudge to one pairing, a rematch, and an
announcement to the whole cohort or one role.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send_once
from matching.models import PairConstraint
from matching.services.match_runs import pair_constraint_set
from mentoring.errors import DomainError
from mentoring.links import absolute
from mentoring.mail import mail_send_kept
from oversight.models import Announcement, AnnouncementDelivery, Nudge
from oversight.selectors.outreach import announcement_recipients
from pairings.models import Pairing
from pairings.services.pairings import pairing_close
from programmes.emails import programme_email_build
from programmes.models import Cohort

# A second identical nudge this soon after the first is a double click, not a new nudge.
NUDGE_REPEAT_WINDOW = timedelta(minutes=1)
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


class OutreachRefused(DomainError):
    pass


# --- nudges -------------------------------------------------------------------------------


def nudge_text_initial(*, pairing: Pairing, template: str) -> str:
    """The template's text with the pairing's names: what the nudge form starts from."""
    names = {
        "mentor": pairing.mentor.name,
        "mentee": pairing.mentee.name,
        "cohort": pairing.cohort.name,
    }
    texts = {
        Nudge.Template.CHECK_IN: _(
            "We are checking in on the mentoring between %(mentor)s and %(mentee)s in "
            "%(cohort)s. How is it going? If anything gets in the way (finding time, keeping "
            "in touch, knowing what to talk about), reply to this email and we will help."
        ),
        Nudge.Template.BOOK_SESSION: _(
            "It has been a while since %(mentor)s and %(mentee)s last met. Now is a good time "
            "to book your next session: open your pairing page and choose a time that suits "
            "you both."
        ),
        Nudge.Template.MEET_IN_PERSON: _(
            "%(cohort)s asks mentors and mentees to meet in person at least once. Have "
            "%(mentor)s and %(mentee)s planned it yet? Agree on a place and a date, and book it "
            "as an in-person session on your pairing page."
        ),
        Nudge.Template.AGREEMENT: _(
            "The contact agreement of %(mentor)s and %(mentee)s is not finished yet. It says "
            "how and when you reach each other: each of you states your side and acknowledges "
            "the other's. It takes a few minutes on your pairing page."
        ),
    }
    return texts[template] % names


@transaction.atomic
def nudge_send(
    *,
    pairing: Pairing,
    by: User,
    template: str,
    text: str,
    to_mentor: bool,
    to_mentee: bool,
) -> Nudge:
    """Record a nudge and email it to the chosen partners of a live pairing, once each.

    Raises OutreachRefused for a closed pairing or nobody chosen. The same nudge sent again
    within a minute (a double click) returns the first one and sends nothing more.
    """
    if not (to_mentor or to_mentee):
        raise OutreachRefused(_("Choose who receives the nudge."))
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)  # repeats queue up here
    if not pairing.is_live:
        raise OutreachRefused(_("This pairing is closed: there is nobody to nudge."))
    fields = {
        "template": template,
        "text": text,
        "to_mentor": to_mentor,
        "to_mentee": to_mentee,
    }
    repeat = pairing.nudges.filter(
        sent_by=by, created_at__gte=timezone.now() - NUDGE_REPEAT_WINDOW, **fields
    ).first()
    if repeat is not None:
        return repeat
    nudge = Nudge.objects.create(pairing=pairing, sent_by=by, **fields)
    recipients = [
        person_id
        for person_id, chosen in ((pairing.mentor_id, to_mentor), (pairing.mentee_id, to_mentee))
        if chosen
    ]
    from oversight.tasks.outreach import nudge_email_send_task

    transaction.on_commit(
        lambda: [nudge_email_send_task.delay(nudge.pk, person_id) for person_id in recipients]
    )
    return nudge


def _nudge_email(nudge: Nudge, recipient: User) -> EmailMultiAlternatives:
    pairing = nudge.pairing
    message = programme_email_build(
        template="nudge",
        to=recipient,
        subject=_("%(subject)s (%(cohort)s)")
        % {"subject": nudge.get_template_display(), "cohort": pairing.cohort.name},
        context={
            "text": nudge.text,
            "sender": nudge.sent_by,
            "cohort": pairing.cohort,
            "pairing_url": absolute("home:pairing_detail", pairing.pk),
        },
    )
    if nudge.sent_by is not None:
        message.reply_to = [nudge.sent_by.email]  # a reply reaches the admin who nudged
    return message


def nudge_email_send(*, nudge_id: int, recipient_id: int) -> bool:
    """Email the nudge to one of its recipients unless it went out already or the pairing has
    closed since. True when this call sent it. Safe to repeat (email_send_once)."""
    nudge = (
        Nudge.objects.select_related(
            "pairing__cohort", "pairing__mentor", "pairing__mentee", "sent_by"
        )
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is None or not nudge.pairing.is_live:
        return False
    pairing = nudge.pairing
    chosen = {pairing.mentor_id: nudge.to_mentor, pairing.mentee_id: nudge.to_mentee}
    if not chosen.get(recipient_id):
        return False
    recipient = pairing.mentor if recipient_id == pairing.mentor_id else pairing.mentee
    return email_send_once(
        kind="nudge",
        key=str(nudge.pk),
        recipient=recipient,
        build=lambda: _nudge_email(nudge, recipient),
    )


# --- rematch ------------------------------------------------------------------------------


@transaction.atomic
def pairing_rematch(*, pairing: Pairing, by: User, note: str = "") -> Pairing:
    """Close a live pairing so its mentee is matched again, never with the same mentor in this
    cohort (a forbidden pair for matching and requests alike). Both partners are told it
    closed. Raises PairingRefused when it is closed already."""
    closed = pairing_close(pairing=pairing, by=by, reason=Pairing.CloseReason.REMATCH, note=note)
    # A closed pairing of the same cohort is no exclusion by itself (constraints_for_cohort
    # excludes earlier cohorts' pairs and declined ones), so say it the admins' way.
    pair_constraint_set(
        cohort=closed.cohort,
        mentee=closed.mentee,
        mentor=closed.mentor,
        kind=PairConstraint.Kind.FORBID,
        by=by,
    )
    return closed


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
        template="announcement",
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
