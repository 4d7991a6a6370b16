"""Contact agreements for tests that need one, stated and acknowledged through the services as
the partners would on the form (never rows written by hand)."""

from accounts.models import User
from pairings.models import ContactAgreement, ContactTerms, Pairing
from pairings.services.agreements import agreement_acknowledge, agreement_terms_save

WEEKDAYS_9_TO_5 = [[day, 9 * 60, 17 * 60] for day in range(5)]


def terms_state(pairing: Pairing, person: User, **changes: object) -> tuple[ContactTerms, bool]:
    """The person's side of the pairing's agreement: video and email, weekdays 09:00-17:00 in
    their own zone, urgent messages held to those hours, a reply within a day. `changes`
    replace any of these (the keywords of agreement_terms_save)."""
    terms = {
        "channels": ["video", "email"],
        "phone": "none",
        "contact_hours": WEEKDAYS_9_TO_5,
        "timezone": person.timezone,
        "urgent_breaks_through": False,
        "reply_time": "day",
        **changes,
    }
    return agreement_terms_save(pairing=pairing, person=person, **terms)


def agreement_reach(pairing: Pairing, *, acknowledge: bool = True, **changes: object) -> None:
    """Both partners state their terms (terms_state, with the same `changes`) and, unless
    `acknowledge` is False, both acknowledge the current version: the agreement holds."""
    for person in (pairing.mentor, pairing.mentee):
        terms_state(pairing, person, **changes)
    if acknowledge:
        version = ContactAgreement.objects.get(pairing=pairing).version
        for person in (pairing.mentor, pairing.mentee):
            agreement_acknowledge(pairing=pairing, person=person, seen_version=version)
