"""Opportunities: a mentor passes one on to some of their mentees; each mentee answers.

The email to each mentee is a Notification row written in the same transaction; the digest and
sending belong to services/notifications.py.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exchange.models import Opportunity, OpportunityRecipient
from mentoring.errors import DomainError
from notifications.models import Notification
from notifications.services import notification_schedule
from pairings.models import Pairing

ANSWERS = (OpportunityRecipient.Response.INTERESTED, OpportunityRecipient.Response.NOT_FOR_ME)


@transaction.atomic
def opportunity_share(
    *,
    mentor: User,
    kind: str,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    location: str,
    url: str,
    note: str,
    pairings: Iterable[Pairing],
) -> Opportunity:
    """Pass an opportunity on to the mentees of `pairings`: one recipient row and one
    notification each, all or nothing. Raises DomainError unless every pairing is an active
    pairing of `mentor` (as it stands in the database now), or when the times do not hold."""
    wanted = {pairing.pk for pairing in pairings}
    if not wanted:
        raise DomainError(_("Choose at least one mentee."))
    # Locked, so a pairing closed at this moment cannot still receive it.
    found = list(
        Pairing.objects.select_for_update(of=("self",))
        .filter(pk__in=wanted, mentor=mentor, status=Pairing.Status.ACTIVE)
        .select_related("mentee")
        .order_by("pk")
    )
    if len(found) != len(wanted):
        raise DomainError(_("You can only pass opportunities on to your own active mentees."))
    if kind == Opportunity.Kind.EVENT and starts_at is None:
        raise DomainError(_("An event needs a start time."))
    if ends_at is not None and (starts_at is None or ends_at <= starts_at):
        raise DomainError(_("The end must come after the start."))
    opportunity = Opportunity(
        mentor=mentor,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        url=url,
        note=note,
    )
    try:
        opportunity.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    opportunity.save()
    reached = set()
    for pairing in found:
        # Two pairings with one mentee (two cohorts): they hear of it once.
        if pairing.mentee_id in reached:
            continue
        reached.add(pairing.mentee_id)
        row = OpportunityRecipient.objects.create(
            opportunity=opportunity, pairing=pairing, mentee=pairing.mentee
        )
        notification_schedule(
            recipient=pairing.mentee,
            pairing=pairing,
            kind=Notification.Kind.OPPORTUNITY,
            opportunity=row,
        )
    return opportunity


def opportunity_respond(
    *, recipient_row: OpportunityRecipient, by: User, response: str
) -> OpportunityRecipient:
    """Record the mentee's answer (interested / not for me); they may change it later. Raises
    DomainError for anyone but that mentee, for another answer, or once the pairing has closed.
    Safe to repeat."""
    if by.pk != recipient_row.mentee_id:
        raise DomainError(_("Only the mentee it was passed on to can answer."))
    if response not in ANSWERS:
        raise DomainError(_("Answer “interested” or “not for me”."))
    if recipient_row.pairing.status != Pairing.Status.ACTIVE:
        raise DomainError(_("This mentoring pairing has ended: answers are closed."))
    if recipient_row.response == response:
        return recipient_row
    recipient_row.response = response
    recipient_row.responded_at = timezone.now()
    recipient_row.save(update_fields=["response", "responded_at"])
    return recipient_row
