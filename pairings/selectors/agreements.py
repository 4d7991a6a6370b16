"""Reads of contact agreements: where one stands, and what it allows.

Everything downstream asks these: which channels both partners allow, whether a moment is
inside someone's contact hours, when their hours next open, and whose phone number shows.
Contact hours are weekly windows, [[weekday 0=Mon, start minute, end minute]], in the zone the
person stated them in; an end of 1440 is midnight. Windows are read by the wall clock of that
zone, so 09:00 in Europe/London is 09:00 on both sides of a DST change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language

from accounts.models import User
from pairings.models import Acknowledgement, ContactAgreement, ContactTerms, Pairing
from pairings.text import cached_gettext as _
from programmes.models import Channel, Enrolment

MINUTES_PER_DAY = 24 * 60


class AgreementState:
    NOT_STARTED = "not_started"
    WAITING_FOR_YOU = "waiting_for_you"
    WAITING_FOR_PARTNER = "waiting_for_partner"
    HOLDS = "holds"


# --- contact hours ------------------------------------------------------------------------


def _wall_clock_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The first instant at which the zone's clocks read `minute` past midnight of `day`.

    In a repeated hour (clocks go back) that is the first pass. In a skipped hour (clocks go
    forward) the clocks never read it: they reach it at the jump, so that is the answer.
    """
    day += timedelta(days=minute // MINUTES_PER_DAY)
    wall = datetime.combine(day, time(minute % MINUTES_PER_DAY // 60, minute % 60))
    later = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the offset before a change
    if later.astimezone(zone).replace(tzinfo=None) == wall:
        return later
    # Skipped: the jump lies between the two readings of the offsets; find its minute.
    earlier = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    while later - earlier > timedelta(minutes=1):
        middle = earlier + timedelta(minutes=(later - earlier) // timedelta(minutes=2))
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            later = middle
        else:
            earlier = middle
    return later


def _occurrences(
    hours: list[list[int]], zone: ZoneInfo, *, start: datetime, days: int
) -> list[tuple[datetime, datetime]]:
    """Each window's (start, end) in UTC that overlaps [start, start + days), in order."""
    end = start + timedelta(days=days)
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    found = []
    for offset in range(days + 2):
        day = first_day + timedelta(days=offset)
        for weekday, opens, closes in hours:
            if weekday != day.weekday():
                continue
            window = (_wall_clock_to_utc(day, opens, zone), _wall_clock_to_utc(day, closes, zone))
            if window[0] < end and window[1] > start:
                found.append(window)
    return sorted(found)


def is_within_contact_hours(*, terms: ContactTerms, at: datetime) -> bool:
    """Whether the person's own clock at `at` (aware) is inside one of their windows."""
    local = at.astimezone(ZoneInfo(terms.timezone))
    minute = local.hour * 60 + local.minute
    return any(
        weekday == local.weekday() and opens <= minute < closes
        for weekday, opens, closes in terms.contact_hours
    )


def next_contact_window_start(*, terms: ContactTerms, after: datetime) -> datetime | None:
    """When the person's next window opens, at or after `after`, as an aware UTC datetime.

    A window already open at `after` is not an opening: ask is_within_contact_hours first.
    None when they stated no hours at all.
    """
    starts = [
        opens
        for opens, _closes in _occurrences(
            terms.contact_hours, ZoneInfo(terms.timezone), start=after, days=8
        )
        if opens >= after
    ]
    return min(starts, default=None)


# --- what the agreement allows ------------------------------------------------------------


def _holding_agreements() -> QuerySet[ContactAgreement]:
    """Agreements that hold: both partners stated terms and both acknowledged the current
    version."""
    return ContactAgreement.objects.annotate(
        sides=Count("terms", distinct=True),
        acknowledged=Count(
            "acknowledgements__person",
            filter=Q(acknowledgements__version=F("version")),
            distinct=True,
        ),
    ).filter(sides=2, acknowledged=2)


def agreement_holds(*, pairing: Pairing) -> bool:
    """Both partners stated terms and both acknowledged the agreement's current version."""
    return _holding_agreements().filter(pairing=pairing).exists()


def pairing_ids_with_agreement_holding(*, pairing_ids: Iterable[int]) -> set[int]:
    """The pairings among `pairing_ids` whose agreement holds (agreement_holds for many
    pairings, in one query)."""
    return set(
        _holding_agreements()
        .filter(pairing_id__in=pairing_ids)
        .values_list("pairing_id", flat=True)
    )


def channels_both_allow(*, pairing: Pairing) -> set[str]:
    """The channels in both partners' terms as they stand now (empty until both stated theirs).

    Not gated on acknowledgement: a channel someone withdrew is withdrawn at once.
    """
    sides = list(
        ContactTerms.objects.filter(agreement__pairing=pairing).values_list("channels", flat=True)
    )
    if len(sides) != 2:
        return set()
    return set(sides[0]) & set(sides[1])


def _phone_number(terms: ContactTerms | None, person: User) -> str | None:
    """The number `terms` share, from the person's profile as it is now."""
    if terms is None or terms.phone == ContactTerms.PhoneChoice.NONE:
        return None
    numbers = {
        ContactTerms.PhoneChoice.WORK: person.profile.work_phone,
        ContactTerms.PhoneChoice.PERSONAL: person.profile.personal_phone,
    }
    return numbers[terms.phone] or None


def partner_phone_for(*, pairing: Pairing, viewer: User) -> str | None:
    """The partner's number (E.164) for the viewer: only their partner, only if the partner
    shares one, only while the pairing is active."""
    if viewer.pk not in (pairing.mentor_id, pairing.mentee_id):
        return None
    if pairing.status != Pairing.Status.ACTIVE:
        return None
    partner = pairing.partner_of(viewer)
    terms = ContactTerms.objects.filter(agreement__pairing=pairing, person=partner).first()
    return _phone_number(terms, partner)


# --- for the pages ------------------------------------------------------------------------


def minutes_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class TermsView:
    """One person's terms, readied for a page."""

    terms: ContactTerms
    channels: list[str]
    days: list[tuple[str, list[tuple[str, str]]]]  # (weekday, [("09:00", "12:00")]), own zone

    @classmethod
    def of(cls, terms: ContactTerms) -> "TermsView":
        by_day: dict[int, list[tuple[str, str]]] = {}
        for day, opens, closes in sorted(terms.contact_hours):
            by_day.setdefault(day, []).append((minutes_label(opens), minutes_label(closes)))
        stated = set(terms.channels)
        labels = _channel_labels(get_language())
        return cls(
            terms=terms,
            channels=[labels[value] for value in labels if value in stated],
            days=[
                (WEEKDAYS[weekday], by_day[weekday]) for weekday in range(7) if weekday in by_day
            ],
        )


@lru_cache(maxsize=16)
def _channel_labels(language: str | None) -> dict[str, str]:
    """The channels' labels in `language`, in the channels' order."""
    return {value: str(label) for value, label in Channel.choices}


def terms_for(*, pairing: Pairing, person: User) -> ContactTerms | None:
    return ContactTerms.objects.filter(agreement__pairing=pairing, person=person).first()


def terms_initial_for(*, pairing: Pairing, person: User) -> dict:
    """A first statement starts from what the person said when they enrolled in the cohort."""
    role = "mentor" if person.pk == pairing.mentor_id else "mentee"
    enrolment = Enrolment.objects.filter(
        cohort_id=pairing.cohort_id, user=person, role=role
    ).first()
    if enrolment is None:
        return {}
    return {"channels": enrolment.channels, "contact_hours": enrolment.contact_hours}


def agreement_summary_for(*, pairing: Pairing, viewer: User) -> dict:
    """Where the pairing's agreement stands, for one of the two partners (two queries once
    someone stated terms, three before).

    state is one of AgreementState; next_action is "state_terms", "acknowledge", "wait" or
    None (nothing to do, or the agreement can no longer change).
    """
    partner = pairing.partner_of(viewer)
    # The terms bring their agreement along; without terms, it is asked for on its own.
    stated = list(
        ContactTerms.objects.filter(agreement__pairing=pairing).select_related("agreement")
    )
    if stated:
        agreement = stated[0].agreement
    else:
        agreement = ContactAgreement.objects.filter(pairing=pairing).first()
    mine = theirs = None
    acknowledged: set[int] = set()
    if agreement is not None:
        for terms in stated:
            if terms.person_id == viewer.pk:
                mine = terms
            else:
                theirs = terms
        acknowledged = set(
            Acknowledgement.objects.filter(
                agreement=agreement, version=agreement.version
            ).values_list("person_id", flat=True)
        )
    you_acknowledged = viewer.pk in acknowledged
    partner_acknowledged = partner.pk in acknowledged

    if mine is None and theirs is None:
        state = AgreementState.NOT_STARTED
    elif mine and theirs and you_acknowledged and partner_acknowledged:
        state = AgreementState.HOLDS
    elif mine is None or (theirs is not None and not you_acknowledged):
        state = AgreementState.WAITING_FOR_YOU
    else:
        state = AgreementState.WAITING_FOR_PARTNER

    editable = pairing.status == Pairing.Status.ACTIVE
    if not editable or state == AgreementState.HOLDS:
        next_action = None
    elif mine is None:
        next_action = "state_terms"
    elif state == AgreementState.WAITING_FOR_YOU:
        next_action = "acknowledge"
    else:
        next_action = "wait"

    now = timezone.now()
    week_start = datetime.combine(now.astimezone(viewer.zoneinfo).date(), time(), viewer.zoneinfo)
    partner_hours_this_week = []
    partner_reachable_now = False
    partner_next_opening = None
    if theirs is not None:
        partner_hours_this_week = [
            {
                "starts_at": opens.astimezone(viewer.zoneinfo),
                "ends_at": closes.astimezone(viewer.zoneinfo),
                "ends_next_day": opens.astimezone(viewer.zoneinfo).date()
                != (closes - timedelta(minutes=1)).astimezone(viewer.zoneinfo).date(),
            }
            for opens, closes in _occurrences(
                theirs.contact_hours, ZoneInfo(theirs.timezone), start=week_start, days=7
            )
        ]
        partner_reachable_now = is_within_contact_hours(terms=theirs, at=now)
        partner_next_opening = next_contact_window_start(terms=theirs, after=now)

    phone = _phone_number(theirs, partner) if editable else None
    return {
        "pairing": pairing,
        "partner": partner,
        "version": agreement.version if agreement else 0,
        "state": state,
        "state_label": _state_label(state),
        "editable": editable,
        "mine": TermsView.of(mine) if mine else None,
        "theirs": TermsView.of(theirs) if theirs else None,
        "you_acknowledged": you_acknowledged,
        "can_acknowledge": editable and theirs is not None and not you_acknowledged,
        "partner_acknowledged": partner_acknowledged,
        "partner_phone": phone,
        "partner_phone_display": phone_display(phone),
        "partner_hours_this_week": partner_hours_this_week,
        "partner_reachable_now": partner_reachable_now,
        "partner_next_opening": partner_next_opening,
        "viewer_timezone": viewer.timezone,
        "next_action": next_action,
    }


def _state_label(state: str) -> str:
    """The state's label, the one translated."""
    if state == AgreementState.NOT_STARTED:
        return _("Not started")
    if state == AgreementState.WAITING_FOR_YOU:
        return _("Waiting for you")
    if state == AgreementState.WAITING_FOR_PARTNER:
        return _("Waiting for your partner")
    return _("Agreed")


def phone_display(number: str | None) -> str | None:
    """An E.164 number written the way people read it: +44 20 7946 0958."""
    if not number:
        return None
    return phonenumbers.format_number(
        phonenumbers.parse(number, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
