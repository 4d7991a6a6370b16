"""The pairing's events for the organisation's webhooks (webhooks.payloads.PairingSerializer),
published in the transaction that changes the pairing."""

from mentoring.links import absolute
from pairings.models import Pairing
from webhooks.payloads import cohort_ref, organisation_ref, person_ref
from webhooks.services.publish import event_publish


def pairing_event_data(pairing: Pairing) -> dict:
    cohort = pairing.cohort
    return {
        "pairing_id": pairing.pk,
        "status": pairing.status,
        "source": pairing.source,
        "mentor": person_ref(pairing.mentor),
        "mentee": person_ref(pairing.mentee),
        "created_at": pairing.created_at,
        "accepted_at": pairing.accepted_at,
        "closed_at": pairing.closed_at,
        "close_reason": pairing.close_reason or "",
        "organisation": organisation_ref(cohort.organisation),
        "cohort": cohort_ref(cohort),
        "url": absolute("oversight:cohort_detail", cohort.pk),
    }


def pairing_event_publish(*, pairing: Pairing, kind: str) -> None:
    """Publish `kind` (pairing.proposed, .activated or .closed) about the pairing as it is."""
    event_publish(
        organisation=pairing.cohort.organisation_id,
        kind=kind,
        data=lambda: pairing_event_data(pairing),
    )
