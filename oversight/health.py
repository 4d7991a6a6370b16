"""Pairing health: the rules that turn what we know about one pairing into a status and reasons.

Pure: no database, no clock. `oversight.services.health` gathers the facts for many pairings
at once and writes what `health_assess` answers.

Words used below
- "Paired on": the day the mentor accepted the pairing (UTC). "Active for d days": from that
  day to today, or to the cohort's last day if the cohort has ended.
- A session is "held" when it was booked, not cancelled, has ended, and neither partner said
  in their feedback that it did not take place.
- "Contact": a held session (at its end) or a message in the pairing's thread, whoever sent it.
  Days without contact count from the last contact, or from the day they were paired if there
  has been none.
- "Expected sessions": one per cadence period of the cohort (`Cohort.cadence_days`), so after
  d days, d // cadence. A pairing active for less than one cadence period is expected to have
  held none: it is never behind.
- "Latest check-in": each partner's most recent answered relationship check-in.
- "Recent ratings": the last 3 answered session ratings of the pairing, from either partner.

At risk (any one of these)
- silent: no contact for 30 days or more.
- far_behind: fewer than half the expected sessions held, and at least 2 short of them (one
  session short in the second period is only "behind").
- low_satisfaction: a partner's latest check-in rates satisfaction 2 or lower (of 5).
- wants_help: a partner's latest check-in asks the programme team for help.

Needs attention (any one of these)
- quiet: no contact for 14 to 29 days.
- behind: fewer sessions held than expected (but not far behind).
- agreement: the contact agreement does not hold (both partners stated terms and acknowledged
  the latest version) 7 days or more after they were paired.
- in_person: the cohort asks for a first meeting in person, one cadence period has passed,
  and no in-person session has been held.
- low_rating: the mean of the recent ratings is below 3.
- contact_not_working: a partner's latest check-in says the agreed contact is not working.

On track: none of the above.

The status is the most serious level any rule reached. The reasons list every rule that fired,
most serious first, then in the order written here.

Snoozing: an admin may quiet a flag until a date, from tomorrow to 60 days ahead. The flag
counts as snoozed up to and including that date and shows again the day after, by itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import fmean
from typing import Protocol

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The values of programmes.models.HealthStatus (a test keeps them equal), without importing
# models, so these rules stay plain Python.
ON_TRACK = "on_track"
NEEDS_ATTENTION = "attention"
AT_RISK = "at_risk"
SEVERITY = {ON_TRACK: 0, NEEDS_ATTENTION: 1, AT_RISK: 2}

SILENT_DAYS = 30
QUIET_DAYS = 14
AGREEMENT_GRACE_DAYS = 7
LOW_SATISFACTION = 2  # this or lower
LOW_MEAN_RATING = 3.0  # below this
RECENT_RATINGS = 3
FAR_BEHIND_SHORT_BY = 2  # at least this many sessions short, as well as under half
SNOOZE_MAX_DAYS = 60

MENTOR = "mentor"
MENTEE = "mentee"


class CohortSettings(Protocol):
    """What the rules read of a cohort (a Cohort row will do)."""

    cadence_days: int
    first_session_in_person: bool
    ends_on: date | None


@dataclass(frozen=True)
class CheckIn:
    """One partner's latest answered check-in."""

    role: str  # MENTOR or MENTEE
    satisfaction: int | None = None
    contact_working: str = ""  # "yes", "partly", "no", or "" if not answered
    wants_help: bool = False


@dataclass(frozen=True)
class PairingFacts:
    paired_on: date
    sessions_held: int = 0
    last_contact_at: datetime | None = None  # aware
    agreement_holds: bool = False
    met_in_person: bool = False
    recent_ratings: Sequence[int] = ()  # newest first, at most RECENT_RATINGS
    check_ins: Sequence[CheckIn] = field(default_factory=tuple)


@dataclass(frozen=True)
class Assessment:
    status: str
    reasons: list[dict[str, str]]  # [{"code": ..., "text": ...}], most serious first
    sessions_expected: int
    mean_rating: float | None


def _days_active(facts: PairingFacts, cohort: CohortSettings, today: date) -> int:
    until = min(today, cohort.ends_on) if cohort.ends_on else today
    return max(0, (until - facts.paired_on).days)


def sessions_expected(facts: PairingFacts, *, cohort: CohortSettings, today: date) -> int:
    return _days_active(facts, cohort, today) // max(1, cohort.cadence_days)


def _role_label(role: str) -> str:
    return _("The mentor") if role == MENTOR else _("The mentee")


def health_assess(facts: PairingFacts, *, cohort: CohortSettings, today: date) -> Assessment:
    """The pairing's status on `today` and every reason for it (see the module's rules)."""
    found: list[tuple[str, str, str]] = []  # (status, code, text) in the order of the rules

    def flag(status: str, code: str, text: str) -> None:
        found.append((status, code, text))

    # Days without contact
    if facts.last_contact_at is not None:
        silent_days = (today - facts.last_contact_at.astimezone(UTC).date()).days
        silence = ngettext(
            "No contact for %(days)d day", "No contact for %(days)d days", silent_days
        ) % {"days": silent_days}
    else:
        silent_days = (today - facts.paired_on).days
        silence = ngettext(
            "No contact in the %(days)d day since they were paired",
            "No contact in the %(days)d days since they were paired",
            silent_days,
        ) % {"days": silent_days}
    if silent_days >= SILENT_DAYS:
        flag(AT_RISK, "silent", silence)
    elif silent_days >= QUIET_DAYS:
        flag(NEEDS_ATTENTION, "quiet", silence)

    # Sessions against the cadence
    expected = sessions_expected(facts, cohort=cohort, today=today)
    held = facts.sessions_held
    if held < expected:
        behind = ngettext(
            "%(held)d of %(expected)d expected session held",
            "%(held)d of %(expected)d expected sessions held",
            expected,
        ) % {"held": held, "expected": expected}
        if 2 * held < expected and expected - held >= FAR_BEHIND_SHORT_BY:
            flag(AT_RISK, "far_behind", behind)
        else:
            flag(NEEDS_ATTENTION, "behind", behind)

    # Check-ins, the mentee's first
    check_ins = sorted(facts.check_ins, key=lambda c: c.role != MENTEE)
    for check_in in check_ins:
        who = _role_label(check_in.role)
        if check_in.satisfaction is not None and check_in.satisfaction <= LOW_SATISFACTION:
            flag(
                AT_RISK,
                "low_satisfaction",
                _("%(who)s rated their satisfaction %(score)d of 5 at the last check-in")
                % {"who": who, "score": check_in.satisfaction},
            )
        if check_in.wants_help:
            flag(
                AT_RISK,
                "wants_help",
                _("%(who)s asked the programme team for help at the last check-in") % {"who": who},
            )

    # The contact agreement
    days_active = _days_active(facts, cohort, today)
    days_paired = (today - facts.paired_on).days
    if not facts.agreement_holds and days_paired >= AGREEMENT_GRACE_DAYS:
        flag(
            NEEDS_ATTENTION,
            "agreement",
            ngettext(
                "No contact agreement in place %(days)d day after they were paired",
                "No contact agreement in place %(days)d days after they were paired",
                days_paired,
            )
            % {"days": days_paired},
        )

    # Meeting in person
    if (
        cohort.first_session_in_person
        and not facts.met_in_person
        and days_active >= cohort.cadence_days
    ):
        flag(NEEDS_ATTENTION, "in_person", _("Not met in person yet, as the cohort asks"))

    # Recent ratings
    ratings = list(facts.recent_ratings)[:RECENT_RATINGS]
    mean_rating = round(fmean(ratings), 2) if ratings else None
    if mean_rating is not None and mean_rating < LOW_MEAN_RATING:
        flag(
            NEEDS_ATTENTION,
            "low_rating",
            ngettext(
                "The last session was rated %(mean).1f of 5",
                "The last %(count)d sessions were rated %(mean).1f of 5 on average",
                len(ratings),
            )
            % {"count": len(ratings), "mean": mean_rating},
        )

    for check_in in check_ins:
        if check_in.contact_working == "no":
            flag(
                NEEDS_ATTENTION,
                "contact_not_working",
                _("%(who)s says the agreed contact is not working")
                % {"who": _role_label(check_in.role)},
            )

    # Most serious first; sorted() is stable, so the rules' order holds within a level.
    found.sort(key=lambda item: -SEVERITY[item[0]])
    status = found[0][0] if found else ON_TRACK
    return Assessment(
        status=status,
        reasons=[{"code": code, "text": text} for _status, code, text in found],
        sessions_expected=expected,
        mean_rating=mean_rating,
    )


def is_snoozed(*, snoozed_until: date | None, today: date) -> bool:
    """A snooze holds up to and including its date; the flag shows again the day after."""
    return snoozed_until is not None and today <= snoozed_until


def snooze_until_problem(*, until: date, today: date) -> str | None:
    """Why `until` cannot end a snooze starting `today`, in words; None when it can."""
    if until <= today:
        return _("Choose a day after today.")
    if until > today + timedelta(days=SNOOZE_MAX_DAYS):
        return _("Snooze for at most %(days)d days (until %(last)s at the latest).") % {
            "days": SNOOZE_MAX_DAYS,
            "last": date_format(today + timedelta(days=SNOOZE_MAX_DAYS)),
        }
    return None
