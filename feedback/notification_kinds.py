"""The notification kinds whose subject feedback owns: a feedback request and its reminder.

notifications sits below feedback and may not import it, so it defines the protocol
(notifications.kinds) and feedback registers these from FeedbackConfig.ready(): a request
applies until answered, a closing reflection to a closed pairing and the rest to an active one;
in the email it asks about the session, the check-in or the ended pairing, linking to the form.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from feedback.models import Feedback
from mentoring.links import absolute
from notifications.kinds import DigestItem, NotificationKind, register
from notifications.models import Notification
from pairings.models import Pairing


def _still_applies(notification: Notification) -> bool:
    """The feedback request is not yet answered."""
    return notification.feedback.answered_at is None


def _pairing_status(notification: Notification) -> str:
    """A closing reflection is asked of a closed pairing; the rest of an active one."""
    if notification.feedback.kind == Feedback.Kind.CLOSING:
        return Pairing.Status.CLOSED
    return Pairing.Status.ACTIVE


def _item(notification: Notification, zone: ZoneInfo, common: dict) -> DigestItem:
    """A feedback request (or its reminder): what it asks about, linking to the form."""
    feedback = notification.feedback
    partner = notification.pairing.partner_of(notification.recipient).name
    if feedback.kind == Feedback.Kind.SESSION:
        starts = timezone.localtime(feedback.appointment.starts_at, zone)
        title = _("How was your session with %(who)s on %(when)s?") % {
            "who": partner,
            "when": date_format(starts, "D j M, H:i"),
        }
        text = _(
            "Did it take place, how was it from 1 to 5, and in a few words what went well and "
            "what could be better."
        )
    elif feedback.kind == Feedback.Kind.CHECK_IN:
        title = _("How is your mentoring with %(who)s going?") % {"who": partner}
        text = _(
            "Three short questions: how satisfied you are, whether the contact you agreed is "
            "working, and whether you would like help from the programme team."
        )
    else:
        title = _("Looking back on your mentoring with %(who)s") % {"who": partner}
        text = _("Your pairing has ended. A short reflection helps you both and the programme.")
    text += " " + _(
        "The programme team sees your ratings; your partner sees your words only if you share them."
    )
    return DigestItem(
        **common,
        who=partner,
        urgent=False,
        edited=False,
        title=title,
        text=text,
        link=absolute("feedback:feedback_answer", feedback.pk),
        reminder=notification.kind == Notification.Kind.FEEDBACK_REMINDER,
    )


def _subject_line(item: DigestItem) -> str:
    """The one request's subject line: its question, as a reminder when asked again."""
    if item.reminder:
        return _("Reminder: %(title)s") % {"who": item.who, "title": item.title}
    return item.title


for _kind in (Notification.Kind.FEEDBACK, Notification.Kind.FEEDBACK_REMINDER):
    register(
        NotificationKind(
            kind=_kind,
            still_applies=_still_applies,
            item=_item,
            subject_line=_subject_line,
            related=("feedback__appointment",),
            pairing_status=_pairing_status,
        )
    )
