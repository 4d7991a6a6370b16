"""What a cohort's admins do to reach one pairing: a nudge, and a rematch.

A nudge is emailed to each chosen partner once (email_send_once), however often its task runs;
the same text sent twice within a minute is a double click, not a second nudge. Announcements to
a whole cohort are in announcements.py.
"""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send_once
from matching.models import PairConstraint
from matching.services.match_runs import pair_constraint_set
from mentoring.errors import DomainError
from mentoring.links import absolute
from outbox.services import task_enqueue_many_on_commit
from oversight.models import Nudge
from pairings.models import Pairing
from pairings.services.pairings import pairing_close
from programmes.emails import programme_email_build

# A second identical nudge this soon after the first is a double click, not a new nudge.
NUDGE_REPEAT_WINDOW = timedelta(minutes=1)


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

    task_enqueue_many_on_commit(nudge_email_send_task, ([nudge.pk, p] for p in recipients))
    return nudge


def _nudge_email(nudge: Nudge, recipient: User) -> EmailMultiAlternatives:
    pairing = nudge.pairing
    message = programme_email_build(
        template="oversight/nudge",
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
