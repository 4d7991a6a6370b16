"""Reads of planned pauses: a pairing's current and coming ones, one pause for a partner or an
admin (or 404), the pauses waiting for an admin, and the agreed days of many pairings at once
for the health rules."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from pairings.models import Pairing, PairingPause
from programmes.selectors import cohorts_for_admin

LIVE = (PairingPause.Status.AGREED, PairingPause.Status.AWAITING)


def pauses_current_and_coming(*, pairing: Pairing, today: date) -> list[PairingPause]:
    """The pairing's pauses that have not ended by `today`, first first: agreed, waiting for
    the programme team, or declined (so the partners see the answer), with who planned them.
    One query, of what the pairing page's section shows (and the name of who planned each)."""
    return list(
        PairingPause.objects.filter(
            pairing_id=pairing.pk,
            status__in=[*LIVE, PairingPause.Status.DECLINED],
            ends_on__gte=today,
        )
        .select_related("requested_by")
        .only(
            "starts_on",
            "ends_on",
            "note",
            "status",
            "requested_by__display_name",
            "requested_by__email",
        )
        .order_by("starts_on", "pk")
    )


@dataclass(frozen=True)
class ShownPause:
    """What the pairing page's "Pauses" section shows of a pause."""

    pk: int
    starts_on: date
    ends_on: date
    note: str
    status: str
    requested_by_id: int | None

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


SHOWN = frozenset((*LIVE, PairingPause.Status.DECLINED))


def pauses_shown_for(*, pairing: Pairing, today: date) -> list[ShownPause]:
    """pauses_current_and_coming for the pairing page: the same pauses in the same order, as
    the values it shows, with who planned each by id (the pairing's people are on hand). The
    pauses withdrawn or ended early are left out here rather than in the query: a few rows,
    where the lookup cost the page more than reading them."""
    rows = (
        PairingPause.objects.filter(pairing_id=pairing.pk, ends_on__gte=today)
        .order_by("starts_on", "pk")
        .values_list("pk", "starts_on", "ends_on", "note", "status", "requested_by_id")
    )
    return [ShownPause(*row) for row in rows if row[4] in SHOWN]


def pause_running(*, pairing: Pairing, today: date) -> PairingPause | None:
    """The agreed pause `today` falls in, if any."""
    return (
        pairing.pauses.filter(
            status=PairingPause.Status.AGREED, starts_on__lte=today, ends_on__gte=today
        )
        .select_related("requested_by")
        .first()
    )


def pause_get_for_partner(*, user: User, pause_id: int) -> PairingPause:
    """A pause of one of the user's own pairings, or 404."""
    return get_object_or_404(
        PairingPause.objects.filter(
            Q(pairing__mentor=user) | Q(pairing__mentee=user)
        ).select_related("pairing__cohort", "pairing__mentor", "pairing__mentee"),
        pk=pause_id,
    )


def pause_get_for_admin(*, user: User, pause_id: int) -> PairingPause:
    """A pause of a pairing in one of the admin's cohorts, or 404."""
    return get_object_or_404(
        PairingPause.objects.filter(
            pairing__cohort__in=cohorts_for_admin(user=user)
        ).select_related(
            "pairing__cohort", "pairing__mentor", "pairing__mentee", "requested_by", "decided_by"
        ),
        pk=pause_id,
    )


def pauses_awaiting_for_admin(*, user: User) -> QuerySet[PairingPause]:
    """Pauses of active pairings in the admin's cohorts that wait for an agreement, the
    soonest first."""
    return (
        PairingPause.objects.filter(
            status=PairingPause.Status.AWAITING,
            pairing__status=Pairing.Status.ACTIVE,
            pairing__cohort__in=cohorts_for_admin(user=user),
        )
        .select_related("pairing__cohort", "pairing__mentor", "pairing__mentee", "requested_by")
        .order_by("starts_on", "pk")
    )


def agreed_pauses_by_pairing(*, pairing_ids: Iterable[int]) -> dict[int, list[tuple[date, date]]]:
    """Each pairing's agreed pauses as (first day, last day) pairs, both included, in order;
    pairings without any are left out. One query, however many pairings."""
    found: dict[int, list[tuple[date, date]]] = defaultdict(list)
    rows = (
        PairingPause.objects.filter(
            pairing_id__in=list(pairing_ids), status=PairingPause.Status.AGREED
        )
        .order_by("pairing_id", "starts_on")
        .values_list("pairing_id", "starts_on", "ends_on")
    )
    for pairing_id, starts_on, ends_on in rows:
        found[pairing_id].append((starts_on, ends_on))
    return dict(found)
