"""Invite emails: what was booked, moved or cancelled, with the calendar update attached.

Each email carries the calendar data twice: as a `text/calendar; method=…` alternative part,
which Gmail and Outlook read as an invite (without the method parameter Gmail ignores updates
and cancellations), and as an invite.ics attachment of the same type and method for every other
client. Times in the text are in the recipient's own zone; the calendar data is in UTC.
"""

from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.emails import email_build
from accounts.models import User
from accounts.services import email_send_once
from mentoring.links import absolute
from pairings.selectors.agreements import partner_phone_for, phone_display
from sessions_app.ics import CANCEL, REQUEST, calendar_for, event_for
from sessions_app.models import Appointment, CalendarConnection


def when_label(appointment: Appointment, zone: ZoneInfo) -> str:
    """ "Tue 10 Mar 2026, 10:00 (America/New_York)": the start on the recipient's clock."""
    local = timezone.localtime(appointment.starts_at, zone)
    return f"{date_format(local, 'D j M Y, H:i')} ({zone})"


def _subject(kind: str, partner: User, when: str) -> str:
    names = {"partner": partner.name, "when": when}
    if kind == "booked":
        return _("Session booked with %(partner)s: %(when)s") % names
    if kind == "rescheduled":
        return _("Session moved with %(partner)s: now %(when)s") % names
    return _("Session cancelled with %(partner)s: %(when)s") % names


def invite_email_build(*, appointment: Appointment, recipient: User) -> EmailMultiAlternatives:
    """The email about the session's current version for one of its two people."""
    cancelled = appointment.status == Appointment.Status.CANCELLED
    method = CANCEL if cancelled else REQUEST
    kind = "cancelled" if cancelled else "rescheduled" if appointment.sequence else "booked"
    partner = appointment.mentee if recipient.pk == appointment.mentor_id else appointment.mentor
    zone = recipient.zoneinfo
    phone = None
    if appointment.mode == Appointment.Mode.PHONE and not cancelled:
        phone = phone_display(partner_phone_for(pairing=appointment.pairing, viewer=recipient))
    with timezone.override(zone):
        message = email_build(
            template="sessions_app/invite",
            to=recipient.email,
            subject=_subject(kind, partner, when_label(appointment, zone)),
            context={
                "recipient": recipient,
                "kind": kind,
                "appointment": appointment,
                "partner": partner,
                "length": int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
                "zone": str(zone),
                "partner_phone": phone,
                "link": absolute("sessions_app:detail", appointment.pk),
                "pairing_link": absolute("home:pairing_detail", appointment.pairing_id),
            },
        )
    calendar = calendar_for(
        [event_for(appointment, method=method, viewer=recipient)], method=method
    ).to_ical()
    # Django adds `charset="utf-8"` itself; naming it here as well would write it twice.
    message.attach_alternative(calendar.decode(), f"text/calendar; method={method}")
    # The attachment says the same: a client that reads only the file also sees the method.
    message.attach("invite.ics", calendar, f"text/calendar; method={method}")
    return message


def invite_send(*, appointment_id: int, sequence: int, recipient_id: int) -> bool:
    """Email one of the two people about version `sequence` of the session; once per
    (session, version, person). Skipped (False) when the session changed again since: that
    change sends its own, newer invite. Safe to run twice, at once or late."""
    appointment = (
        Appointment.objects.select_related("mentor", "mentee", "pairing__cohort")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or appointment.sequence != sequence:
        return False
    people = {appointment.mentor_id: appointment.mentor, appointment.mentee_id: appointment.mentee}
    recipient = people.get(recipient_id)
    if recipient is None:
        return False
    return email_send_once(
        kind="appointment_invite",
        key=f"appointment:{appointment.pk}:seq{sequence}",
        recipient=recipient,
        build=lambda: invite_email_build(appointment=appointment, recipient=recipient),
    )


def calendar_failing_email_build(*, connection: CalendarConnection) -> EmailMultiAlternatives:
    """The email telling a person one of their calendars has not been read for a day."""
    zone = connection.user.zoneinfo
    with timezone.override(zone):
        return email_build(
            template="sessions_app/calendar_failing",
            to=connection.user.email,
            subject=_("Your calendar “%(name)s” cannot be read") % {"name": connection.name},
            context={
                "recipient": connection.user,
                "connection": connection,
                "since": timezone.localtime(connection.failing_since, zone),
                "link": absolute("sessions_app:calendars"),
            },
        )


def calendar_failing_email_send(*, connection_id: int) -> bool:
    """Email the owner of a calendar that keeps failing, with the problem in words; once per
    failing spell (it reads again, then fails anew: a new email). Skipped (False) when it was
    removed or reads again meanwhile. Safe to run twice."""
    connection = CalendarConnection.objects.select_related("user").filter(pk=connection_id).first()
    if connection is None or connection.failing_since is None:
        return False
    return email_send_once(
        kind="calendar_failing",
        key=f"calendar:{connection.pk}:{connection.failing_since.isoformat()}",
        recipient=connection.user,
        build=lambda: calendar_failing_email_build(connection=connection),
    )
