"""The emails each step of a pairing sends, once per recipient."""

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send_once
from mentoring.links import absolute
from pairings.models import Pairing
from programmes.emails import programme_email_build


def _texts(kind: str, pairing: Pairing, recipient: User) -> tuple[str, str, str]:
    """(subject, message, link) for this step, as the recipient should read it."""
    partner = pairing.partner_of(recipient)
    detail = absolute("home:pairing_detail", pairing.pk)
    names = {"partner": partner.name, "cohort": pairing.cohort.name}
    if kind == "proposed":
        return (
            _("A mentee has been proposed to you"),
            _(
                "%(partner)s has been proposed as your mentee in %(cohort)s. Read why, then "
                "accept or decline."
            )
            % names,
            detail,
        )
    if kind == "accepted":
        return (
            _("Your mentor is %(partner)s") % names,
            _(
                "%(partner)s accepted to mentor you in %(cohort)s. Next: agree how and when you "
                "may contact each other."
            )
            % names,
            detail,
        )
    if kind == "started":
        return (
            _("Your pairing with %(partner)s has started") % names,
            _(
                "You and %(partner)s are paired in %(cohort)s. Next: agree how and when you may "
                "contact each other."
            )
            % names,
            detail,
        )
    if kind == "declined":
        return (
            _("A proposed pairing was declined"),
            _(
                "%(mentor)s declined to mentor %(mentee)s in %(cohort)s. The mentee is back in "
                "your matching queue."
            )
            % {"mentor": pairing.mentor.name, "mentee": pairing.mentee.name, **names},
            absolute("matching:match", pairing.cohort_id),
        )
    if kind == "closed":
        return (
            _("Your pairing with %(partner)s has closed") % names,
            _("Your pairing with %(partner)s in %(cohort)s is closed (%(reason)s).")
            % {"reason": pairing.get_close_reason_display(), **names},
            detail,
        )
    raise ValueError(f"unknown pairing email {kind!r}")


def pairing_notify(*, pairing_id: int, kind: str, recipient_id: int) -> bool:
    """Email one person about a step of the pairing; once per (step, person). Safe to repeat."""
    pairing = Pairing.objects.select_related("cohort", "mentor", "mentee").get(pk=pairing_id)
    recipient = User.objects.get(pk=recipient_id)
    subject, message, link = _texts(kind, pairing, recipient)
    return pairing_update_send(
        kind=f"pairing_{kind}",
        key=f"pairing:{pairing.pk}",
        recipient=recipient,
        subject=subject,
        message=message,
        link=link,
    )


def pairing_update_send(
    *, kind: str, key: str, recipient: User, subject: str, message: str, link: str
) -> bool:
    """One short update about a pairing (a sentence and a link), once per (kind, key, person)."""
    return email_send_once(
        kind=kind,
        key=key,
        recipient=recipient,
        build=lambda: programme_email_build(
            template="pairings/update",
            to=recipient,
            subject=subject,
            context={"message": message, "link": link},
        ),
    )
