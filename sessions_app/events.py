"""The session's events for the organisation's webhooks (webhooks.payloads.SessionSerializer),
published in the transaction that books, moves or cancels it, and by feedback's scan once it
has ended (session.held)."""

from mentoring.links import absolute
from sessions_app.models import Appointment
from webhooks.models import EventKind
from webhooks.payloads import cohort_ref, organisation_ref, person_ref
from webhooks.services.publish import event_publish


def appointment_event_data(appointment: Appointment) -> dict:
    cohort = appointment.pairing.cohort
    return {
        "session_id": appointment.pk,
        "pairing_id": appointment.pairing_id,
        "status": appointment.status,
        "mode": appointment.mode,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "sequence": appointment.sequence,
        "mentor": person_ref(appointment.mentor),
        "mentee": person_ref(appointment.mentee),
        "booked_by": person_ref(appointment.booked_by),
        "cancelled_by": person_ref(appointment.cancelled_by),
        "cancelled_at": appointment.cancelled_at,
        "organisation": organisation_ref(cohort.organisation),
        "cohort": cohort_ref(cohort),
        "url": absolute("oversight:cohort_detail", cohort.pk),
    }


def appointment_event_publish(*, appointment: Appointment, kind: str | None = None) -> None:
    """Publish `kind` about the session as it is now; by default what its last change was
    (booked, moved or cancelled)."""
    if kind is None:
        if appointment.status == Appointment.Status.CANCELLED:
            kind = EventKind.SESSION_CANCELLED
        elif appointment.sequence:
            kind = EventKind.SESSION_MOVED
        else:
            kind = EventKind.SESSION_BOOKED
    event_publish(
        organisation=appointment.pairing.cohort.organisation_id,
        kind=kind,
        data=lambda: appointment_event_data(appointment),
    )
