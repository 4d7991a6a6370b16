"""The emails a planned pause sends, once per (pause, step, recipient); each re-reads the pause
and stays silent when what it would say is no longer true."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.links import absolute
from pairings.models import PairingPause
from pairings.services.pairing_emails import pairing_update_send

# The statuses in which each step's email still tells the truth.
STILL_TRUE = {
    "declared": (PairingPause.Status.AGREED, PairingPause.Status.AWAITING),
    "awaiting": (PairingPause.Status.AWAITING,),
    "decided": (PairingPause.Status.AGREED, PairingPause.Status.DECLINED),
}


def _texts(kind: str, pause: PairingPause, recipient: User, note: str) -> tuple[str, str, str]:
    """(subject, message, link) for this step, as the recipient should read it."""
    pairing = pause.pairing
    names = {
        "start": date_format(pause.starts_on, "j F Y"),
        "end": date_format(pause.ends_on, "j F Y"),
        "days": pause.days,
        "limit": pairing.cohort.pause_max_days,
        "cohort": pairing.cohort.name,
        "by": pause.requested_by.name if pause.requested_by else _("A partner"),
        "mentor": pairing.mentor.name,
        "mentee": pairing.mentee.name,
    }
    detail = absolute("home:pairing_detail", pairing.pk)
    if kind == "declared":
        message = _(
            "%(by)s planned a pause of your pairing in %(cohort)s: from %(start)s until "
            "%(end)s (%(days)d days)."
        )
        if pause.note:
            message += " " + _("Their note: %(note)s") % {"note": pause.note}
        if pause.status == PairingPause.Status.AWAITING:
            message += " " + _(
                "It is longer than the cohort's %(limit)d days, so it waits for the programme "
                "team's agreement."
            )
        return (
            _("%(by)s planned a pause from %(start)s until %(end)s") % names,
            message % names,
            detail,
        )
    if kind == "awaiting":
        message = _(
            "%(by)s plans a pause of the pairing of %(mentor)s and %(mentee)s in %(cohort)s, "
            "from %(start)s until %(end)s: %(days)d days, longer than the cohort's limit of "
            "%(limit)d days. Agree to it or decline it."
        )
        if pause.note:
            message += " " + _("Their note: %(note)s") % {"note": pause.note}
        return (
            _("A pause of %(days)d days waits for your agreement (%(cohort)s)") % names,
            message % names,
            absolute("pairings:pause_decide", pause.pk),
        )
    if kind == "decided":
        if pause.status == PairingPause.Status.AGREED:
            subject = _("The programme team agreed to your pause from %(start)s until %(end)s")
            message = _(
                "The programme team of %(cohort)s agreed to the pause from %(start)s until "
                "%(end)s (%(days)d days)."
            )
        else:
            subject = _("The programme team did not agree to your pause from %(start)s")
            message = _(
                "The programme team of %(cohort)s did not agree to the pause from %(start)s "
                "until %(end)s (%(days)d days): your pairing carries on as usual."
            )
        message = message % names
        if note:
            message += " " + _("Their note: %(note)s") % {"note": note}
        return subject % names, message, detail
    raise ValueError(f"unknown pause email {kind!r}")


def pause_notify(*, pause_id: int, kind: str, recipient_id: int, note: str = "") -> bool:
    """Email one person about a step of a pause ("declared", "awaiting", "decided"); once per
    (pause, step, person), and only while it is still true. Safe to repeat."""
    pause = PairingPause.objects.select_related(
        "pairing__cohort", "pairing__mentor", "pairing__mentee", "requested_by"
    ).get(pk=pause_id)
    if pause.status not in STILL_TRUE[kind]:
        return False
    recipient = User.objects.get(pk=recipient_id)
    subject, message, link = _texts(kind, pause, recipient, note)
    return pairing_update_send(
        kind=f"pause_{kind}",
        key=f"pause:{pause.pk}",
        recipient=recipient,
        subject=subject,
        message=message,
        link=link,
    )
