"""Pairing health: gather the facts for many pairings at once, assess them with the rules in
`oversight.health`, and keep the latest assessment and a daily snapshot; admins snooze flags.

A refresh reads and writes each chunk of up to 1,000 pairings in a fixed number of queries,
whatever the chunk's size: the pairings with their last contacts and next booked session (1),
the days of their held sessions (1) and of their messages (1), their agreed pauses (1),
agreements that hold (1), recent ratings (1), latest check-ins (1), lifting snoozes that a
worse status ends (1, when any pairing is flagged), which of those at risk were at risk before
(1, when any is), the assessments (1) and today's snapshots (1), in one transaction. Pairings
that turned at risk are announced with `oversight.signals.pairings_turned_at_risk`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.events import admin_event_log
from exchange.models import Message
from feedback.models import Feedback
from mentoring.errors import DomainError
from mentoring.links import absolute
from oversight.health import (
    AT_RISK,
    MENTEE,
    MENTOR,
    NEEDS_ATTENTION,
    ON_TRACK,
    RECENT_RATINGS,
    CheckIn,
    PairingFacts,
    health_assess,
    snooze_until_problem,
)
from oversight.live import cohort_figures_changed
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from oversight.selectors.cohort_dashboard import held_sessions
from oversight.signals import pairings_turned_at_risk
from pairings.models import Pairing
from pairings.selectors.agreements import pairing_ids_with_agreement_holding
from pairings.selectors.pauses import agreed_pauses_by_pairing
from programmes.selectors import cohorts_for_admin
from sessions_app.models import Appointment
from webhooks.models import EventKind
from webhooks.payloads import cohort_ref, organisation_ref, person_ref
from webhooks.services.publish import event_publish, event_wanted

CHUNK = 1000

ASSESSED_FIELDS = [
    "status",
    "reasons",
    "sessions_held",
    "sessions_expected",
    "last_contact_at",
    "mean_rating",
    "met_in_person",
    "agreement_holds",
    "days_past_rhythm",
    "usual_gap",
    "lowest_satisfaction",
    "computed_at",
]


class HealthSnoozeRefused(DomainError):
    """A refused snooze; `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- gathering facts ----------------------------------------------------------------------


def _pairings_with_facts(*, ids: list[int], now: datetime) -> QuerySet[Pairing]:
    """Active pairings among `ids`, each annotated with its last contacts, whether it met in
    person, and the start of its next booked session."""
    # "Held" as the cohort page counts it, so its table and the assessment agree.
    held = held_sessions(Appointment.objects.filter(pairing=OuterRef("pk")), now=now)
    last_message = Message.objects.filter(pairing=OuterRef("pk")).order_by("-created_at")
    booked = Appointment.objects.filter(
        pairing=OuterRef("pk"), status=Appointment.Status.BOOKED, ends_at__gt=now
    ).order_by("starts_at")
    return (
        Pairing.objects.filter(pk__in=ids, status=Pairing.Status.ACTIVE)
        .select_related("cohort")
        .annotate(
            last_session_end=Subquery(held.order_by("-ends_at").values("ends_at")[:1]),
            last_message_at=Subquery(last_message.values("created_at")[:1]),
            held_in_person=Exists(held.filter(mode=Appointment.Mode.IN_PERSON)),
            next_session_at=Subquery(booked.values("starts_at")[:1]),
        )
        .order_by("pk")
    )


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _session_days(*, ids: list[int], now: datetime) -> dict[int, list[date]]:
    """The UTC days on which each pairing's held sessions ended, oldest first."""
    rows = (
        held_sessions(Appointment.objects.filter(pairing_id__in=ids), now=now)
        .order_by("pairing_id", "ends_at")
        .values_list("pairing_id", "ends_at")
    )
    days: dict[int, list[date]] = defaultdict(list)
    for pairing_id, ends_at in rows:
        days[pairing_id].append(_utc_day(ends_at))
    return days


def _message_days(*, ids: list[int], now: datetime) -> dict[int, set[date]]:
    """The UTC days on which each pairing's thread had a message."""
    rows = (
        Message.objects.filter(pairing_id__in=ids, created_at__lte=now)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .order_by()
        .values_list("pairing_id", "day")
        .distinct()
    )
    days: dict[int, set[date]] = defaultdict(set)
    for pairing_id, day in rows:
        days[pairing_id].add(day)
    return days


def _recent_ratings(*, ids: list[int]) -> dict[int, list[int]]:
    """Each pairing's last answered session ratings (either partner), newest first."""
    rows = (
        Feedback.objects.filter(
            kind=Feedback.Kind.SESSION,
            pairing_id__in=ids,
            answered_at__isnull=False,
            rating__isnull=False,
        )
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("pairing_id")],
                order_by=[F("answered_at").desc(), F("pk").desc()],
            )
        )
        .filter(place__lte=RECENT_RATINGS)
        .order_by("pairing_id", "place")
        .values_list("pairing_id", "rating")
    )
    ratings: dict[int, list[int]] = defaultdict(list)
    for pairing_id, rating in rows:
        ratings[pairing_id].append(rating)
    return ratings


def _latest_check_ins(*, ids: list[int]) -> dict[int, list[tuple[int, int | None, str, bool]]]:
    """Each partner's latest answered check-in per pairing:
    {pairing id: [(person id, satisfaction, contact_working, wants_help)]}."""
    rows = (
        Feedback.objects.filter(
            kind=Feedback.Kind.CHECK_IN, pairing_id__in=ids, answered_at__isnull=False
        )
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("pairing_id"), F("person_id")],
                order_by=[F("answered_at").desc(), F("pk").desc()],
            )
        )
        .filter(place=1)
        .values_list("pairing_id", "person_id", "satisfaction", "contact_working", "wants_help")
    )
    found: dict[int, list[tuple[int, int | None, str, bool]]] = defaultdict(list)
    for pairing_id, *answer in rows:
        found[pairing_id].append(tuple(answer))
    return found


@dataclass(frozen=True)
class _Gathered:
    """What one chunk's side queries found, by pairing id."""

    holding: set[int]
    ratings: dict[int, list[int]]
    check_ins: dict[int, list[tuple[int, int | None, str, bool]]]
    session_days: dict[int, list[date]]
    message_days: dict[int, set[date]]
    pauses: dict[int, list[tuple[date, date]]]


def _facts(pairing: Pairing, *, gathered: _Gathered) -> PairingFacts:
    session_days = gathered.session_days.get(pairing.pk, [])
    paired_at = pairing.accepted_at or pairing.created_at
    return PairingFacts(
        paired_on=_utc_day(paired_at),
        session_days=tuple(session_days),
        contact_days=tuple(
            sorted(set(session_days) | gathered.message_days.get(pairing.pk, set()))
        ),
        pauses=tuple(gathered.pauses.get(pairing.pk, ())),
        next_session_on=_utc_day(pairing.next_session_at) if pairing.next_session_at else None,
        agreement_holds=pairing.pk in gathered.holding,
        met_in_person=pairing.held_in_person,
        recent_ratings=tuple(gathered.ratings.get(pairing.pk, ())),
        check_ins=tuple(
            CheckIn(
                role=MENTOR if person_id == pairing.mentor_id else MENTEE,
                satisfaction=satisfaction,
                contact_working=contact_working,
                wants_help=wants_help,
            )
            for person_id, satisfaction, contact_working, wants_help in gathered.check_ins.get(
                pairing.pk, ()
            )
        ),
    )


# --- refreshing ---------------------------------------------------------------------------


def _ids_of(pairings: Iterable[Pairing] | QuerySet[Pairing]) -> list[int]:
    if isinstance(pairings, QuerySet):
        return list(pairings.order_by().values_list("pk", flat=True))
    return [pairing.pk for pairing in pairings]


def _health_changes_publish(*, pairings: list[Pairing], rows: list[PairingHealth]) -> None:
    """The organisations' webhooks hear of each pairing whose status changed (a first
    assessment counts when it is not on track), in the refresh's transaction. Read before the
    new statuses are written; one query per organisation when none of its endpoints listens."""
    by_organisation: dict[int, list[int]] = {}
    for pairing in pairings:
        by_organisation.setdefault(pairing.cohort.organisation_id, []).append(pairing.pk)
    listening = {
        organisation_id
        for organisation_id in by_organisation
        if event_wanted(organisation=organisation_id, kind=EventKind.HEALTH_CHANGED)
    }
    if not listening:
        return
    wanted = [p for pairing_ids in (by_organisation[o] for o in listening) for p in pairing_ids]
    before = dict(
        PairingHealth.objects.filter(pairing_id__in=wanted).values_list("pairing_id", "status")
    )
    people = Pairing.objects.select_related("cohort__organisation", "mentor", "mentee").in_bulk(
        wanted
    )
    for row in rows:
        if row.pairing_id not in people:
            continue
        previous = before.get(row.pairing_id, "")
        if row.status == (previous or ON_TRACK):
            continue
        pairing = people[row.pairing_id]
        cohort = pairing.cohort
        event_publish(
            organisation=cohort.organisation_id,
            kind=EventKind.HEALTH_CHANGED,
            data={
                "pairing_id": pairing.pk,
                "status": row.status,
                "previous_status": previous,
                "reasons": row.reasons,
                "mentor": person_ref(pairing.mentor),
                "mentee": person_ref(pairing.mentee),
                "computed_at": row.computed_at,
                "organisation": organisation_ref(cohort.organisation),
                "cohort": cohort_ref(cohort),
                "url": absolute("oversight:cohort_detail", cohort.pk),
            },
        )


@transaction.atomic
def _refresh_chunk(*, ids: list[int], now: datetime, today: date) -> int:
    pairings = list(_pairings_with_facts(ids=ids, now=now))
    if not pairings:
        return 0
    ids = [pairing.pk for pairing in pairings]
    gathered = _Gathered(
        holding=pairing_ids_with_agreement_holding(pairing_ids=ids),
        ratings=_recent_ratings(ids=ids),
        check_ins=_latest_check_ins(ids=ids),
        session_days=_session_days(ids=ids, now=now),
        message_days=_message_days(ids=ids, now=now),
        pauses=agreed_pauses_by_pairing(pairing_ids=ids),
    )

    rows = []
    for pairing in pairings:
        facts = _facts(pairing, gathered=gathered)
        assessment = health_assess(facts, cohort=pairing.cohort, today=today)
        contacts = [t for t in (pairing.last_session_end, pairing.last_message_at) if t]
        rows.append(
            PairingHealth(
                pairing=pairing,
                status=assessment.status,
                reasons=assessment.reasons,
                sessions_held=facts.sessions_held,
                sessions_expected=assessment.sessions_expected,
                last_contact_at=max(contacts, default=None),
                mean_rating=assessment.mean_rating,
                met_in_person=facts.met_in_person,
                agreement_holds=facts.agreement_holds,
                days_past_rhythm=assessment.days_past_rhythm,
                usual_gap=assessment.usual_gap,
                lowest_satisfaction=assessment.lowest_satisfaction,
                computed_at=now,
            )
        )

    _health_changes_publish(pairings=pairings, rows=rows)

    # A snooze quiets a flag as it stood: a status more serious than the one before ends it.
    # Done before the new statuses are written, and decided by the database's current row,
    # so a snooze an admin set a moment ago for the new status stays.
    to_attention = [r.pairing_id for r in rows if r.status == NEEDS_ATTENTION]
    to_risk = [r.pairing_id for r in rows if r.status == AT_RISK]
    # Those at risk now that were not at the assessment before (or had none) turned at risk.
    already = (
        set(
            PairingHealth.objects.filter(pairing_id__in=to_risk, status=AT_RISK).values_list(
                "pairing_id", flat=True
            )
        )
        if to_risk
        else set()
    )
    if to_attention or to_risk:
        PairingHealth.objects.filter(snoozed_until__gte=today).filter(
            Q(pairing_id__in=to_attention, status=ON_TRACK)
            | Q(pairing_id__in=to_risk, status__in=[ON_TRACK, NEEDS_ATTENTION])
        ).update(snoozed_until=None, snooze_note="", snoozed_by=None)

    # update_or_create for the whole chunk in one statement; the snooze fields are left alone.
    PairingHealth.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["pairing"], update_fields=ASSESSED_FIELDS
    )
    # The first refresh of a day is the day's snapshot; later ones that day add nothing.
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(pairing_id=r.pairing_id, day=today, status=r.status) for r in rows],
        ignore_conflicts=True,
    )
    # Statuses and the day's snapshot are in the cohort page's figures (oversight/live.py).
    cohort_figures_changed(cohort_ids={pairing.cohort_id for pairing in pairings})
    turned = [pairing_id for pairing_id in to_risk if pairing_id not in already]
    if turned:
        pairings_turned_at_risk.send(sender=PairingHealth, pairing_ids=turned, day=today)
    return len(rows)


def pairing_health_refresh(
    *, pairings: Iterable[Pairing] | QuerySet[Pairing] | None = None, today: date | None = None
) -> int:
    """Assess the active ones among `pairings` (all active pairings if None) as of now, write
    their PairingHealth and, once a day, their HealthSnapshot; returns how many were assessed.

    Safe to repeat: a second run the same day updates the assessment, keeps the day's first
    snapshot, and leaves snoozes alone unless a status got more serious.
    """
    now = timezone.now()
    today = today or now.astimezone(UTC).date()
    done = 0
    if pairings is not None:
        ids = _ids_of(pairings)
        for start in range(0, len(ids), CHUNK):
            done += _refresh_chunk(ids=ids[start : start + CHUNK], now=now, today=today)
        return done
    after = 0
    while True:
        ids = list(
            Pairing.objects.filter(status=Pairing.Status.ACTIVE, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return done
        done += _refresh_chunk(ids=ids, now=now, today=today)
        after = ids[-1]


# --- snoozing -----------------------------------------------------------------------------


def _require_cohort_admin(*, pairing: Pairing, by: User) -> None:
    if not cohorts_for_admin(user=by).filter(pk=pairing.cohort_id).exists():
        raise HealthSnoozeRefused(_("Only the cohort's programme team can snooze its flags."))


@transaction.atomic
def pairing_health_snooze(
    *, pairing: Pairing, by: User, until: date, note: str, today: date | None = None
) -> PairingHealth:
    """Quiet the pairing's health flag until `until`, with a note for the other admins.

    The status stays as computed, and nightly refreshes keep recomputing it. The cohort page
    shows a pairing as snoozed while `oversight.health.is_snoozed(snoozed_until=...,
    today=...)` holds, i.e. up to and including `snoozed_until` (in SQL,
    `health__snoozed_until__gte=today`): a "Snoozed" badge beside its status, the date and
    the note, and it leaves the at-risk queue. The snooze ends by itself after its date, and
    earlier if a refresh finds the status more serious than before.

    `today` is the admin's own date (default: today in UTC). Only the cohort's admins; only a
    flagged (not on track) active pairing; `until` after today and at most 60 days ahead; a
    note is required. Raises HealthSnoozeRefused. A second snooze replaces the first.
    """
    _require_cohort_admin(pairing=pairing, by=by)
    today = today or timezone.now().astimezone(UTC).date()
    problem = snooze_until_problem(until=until, today=today)
    if problem:
        raise HealthSnoozeRefused(problem, field="until")
    note = note.strip()
    if not note:
        raise HealthSnoozeRefused(
            _("Say why, for the other admins (for example: on leave until June)."), field="note"
        )
    if pairing.status != Pairing.Status.ACTIVE:
        raise HealthSnoozeRefused(_("Only an active pairing's flag can be snoozed."))
    health = PairingHealth.objects.select_for_update().filter(pairing=pairing).first()
    if health is None or health.status == HealthStatus.ON_TRACK:
        raise HealthSnoozeRefused(_("This pairing is on track: there is no flag to snooze."))
    health.snoozed_until = until
    health.snooze_note = note
    health.snoozed_by = by
    health.save(update_fields=["snoozed_until", "snooze_note", "snoozed_by"])
    admin_event_log(
        instance=pairing, cohort_id=pairing.cohort_id, event=f"health snoozed until {until}"
    )
    return health


@transaction.atomic
def pairing_health_unsnooze(*, pairing: Pairing, by: User) -> PairingHealth | None:
    """End the pairing's snooze now (only the cohort's admins; raises HealthSnoozeRefused).
    Safe to repeat: a pairing that is not snoozed stays as it is. None if never assessed."""
    _require_cohort_admin(pairing=pairing, by=by)
    health = PairingHealth.objects.select_for_update().filter(pairing=pairing).first()
    if health is not None and health.snoozed_until is not None:
        health.snoozed_until = None
        health.snooze_note = ""
        health.snoozed_by = None
        health.save(update_fields=["snoozed_until", "snooze_note", "snoozed_by"])
        admin_event_log(instance=pairing, cohort_id=pairing.cohort_id, event="health unsnoozed")
    return health
