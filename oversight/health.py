"""Pairing health: the rules that turn what we know about one pairing into a status and reasons.

Pure: no database, no clock. `oversight.services.health` gathers the facts for many pairings
at once and writes what `health_assess` answers. `bench/outcomes.py` runs these rules day by
day over a simulated cohort and measures how well they sort it; the cohort's defaults come
from there.

Words used below
- "Paired on": the day the mentor accepted the pairing (UTC). Days are UTC days.
- A session is "held" when it was booked, not cancelled, has ended, and neither partner said
  in their feedback that it did not take place. It counts on the day it ended.
- "Contact": a held session or a message in the pairing's thread, whoever sent it.
- "Paused": a day inside a pause the partners planned and that counts (agreed, by themselves
  when short, by an admin when longer than the cohort allows). Paused days are left out of
  every count below: they are neither silence nor a period in which a session was expected.
- "Silence": the days without contact since the last contact (or since they were paired),
  paused days left out.
- "Usual gap": the pair's own rhythm, the median of its last four gaps between held sessions,
  kept between half the cohort's cadence (`Cohort.cadence_days`) and
  the cadence. Until a pair has two gaps, it is the cadence. A pair that meets every 10 days
  is judged by 10 days; one that meets every 20 by the cadence (14), which is what the
  programme asks of it.
- "Booked ahead": a session is booked (not cancelled) within the next usual gap; "booked
  soon": within the next half gap. A booked session is contact on its way: the quiet and
  behind rules wait for one booked ahead, the at-risk ones for one booked soon. If it does
  not take place, the silence shows again the day after.
- "Latest check-in": each partner's most recent answered relationship check-in.
- "Recent ratings": the last 3 answered session ratings of the pairing, from either partner.

While a pause runs, none of the silence, session or fading rules apply.

At risk (any one of these)
- silent: silence of `health_silent_gaps` usual gaps or more (default 1.9: 27 days for a
  pair on a 14-day rhythm, 19 for one meeting every 10 days), nothing booked soon.
- far_behind: no session held for three cadence periods (42 days at 14), nothing booked
  soon.
- low_satisfaction: a partner's latest check-in rates satisfaction `health_low_satisfaction`
  or lower (default 2, of 5).
- wants_help: a partner's latest check-in asks the programme team for help.

Needs attention (any one of these)
- quiet: silence of `health_quiet_gaps` usual gaps or more (default 1.5: 21 days on a
  14-day rhythm), nothing booked ahead. One missed period is normal: a pair that skipped a
  session and booked the next, or said so in a message, is not quiet.
- fading: the last three gaps between sessions each a quarter or more longer than the one
  before, the last longer than the cadence, no pause within them, while the pair is not
  silent ("the last gaps between sessions were 14, 21 and 32 days").
- behind: no session held for `health_silent_gaps` usual gaps, though the pair still
  exchanges messages, and none booked ahead.
- agreement: the contact agreement does not hold (both partners stated terms and acknowledged
  the latest version) 7 days or more after they were paired.
- in_person: the cohort asks for a first meeting in person, one cadence period has passed,
  and no in-person session has been held.
- low_rating: the mean of the recent ratings is below `health_low_rating` (default 3).
- contact_not_working: a partner's latest check-in says the agreed contact is not working.

On track: none of the above.

The status is the most serious level any rule reached. The reasons list every rule that fired,
most serious first, then in the order written here. A silent pairing is not also quiet nor
behind, and a far-behind one not also behind.

"Expected sessions" (shown beside those held): one per cadence period of unpaused days since
they were paired, up to today or the cohort's last day.

Urgency (to sort the queue): days of silence past the usual gap, then the lowest
satisfaction at the partners' latest check-ins.

Snoozing: an admin may quiet a flag until a date, from tomorrow to 60 days ahead. The flag
counts as snoozed up to and including that date and shows again the day after, by itself.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from statistics import fmean, median
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

AGREEMENT_GRACE_DAYS = 7
RECENT_RATINGS = 3
RECENT_GAPS = 4  # the usual gap is the median of this many
FAR_BEHIND_PERIODS = 3  # no session for this many cadence periods: at risk
FADING_GROWTH = 1.25  # each of the last three gaps at least this much longer than the last
SNOOZE_MAX_DAYS = 60

MENTOR = "mentor"
MENTEE = "mentee"


class CohortSettings(Protocol):
    """What the rules read of a cohort (a Cohort row will do)."""

    cadence_days: int
    first_session_in_person: bool
    ends_on: date | None
    health_quiet_gaps: float
    health_silent_gaps: float
    health_low_satisfaction: int
    health_low_rating: float


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
    session_days: Sequence[date] = ()  # days held sessions ended, oldest first
    contact_days: Sequence[date] = ()  # days with a held session or a message, oldest first
    pauses: Sequence[tuple[date, date]] = ()  # counted pauses: (first day, last day), included
    next_session_on: date | None = None  # the day of the next booked session, if any
    agreement_holds: bool = False
    met_in_person: bool = False
    recent_ratings: Sequence[int] = ()  # newest first, at most RECENT_RATINGS
    check_ins: Sequence[CheckIn] = field(default_factory=tuple)

    @property
    def sessions_held(self) -> int:
        return len(self.session_days)


@dataclass(frozen=True)
class Assessment:
    status: str
    reasons: list[dict[str, str]]  # [{"code": ..., "text": ...}], most serious first
    sessions_expected: int
    mean_rating: float | None
    usual_gap: int
    days_past_rhythm: int  # days of silence past the usual gap; 0 within it or while paused
    lowest_satisfaction: int | None
    paused_until: date | None  # the last day of the pause running today


# --- days, pauses and gaps ----------------------------------------------------------------


def _last_day(facts: PairingFacts, cohort: CohortSettings, today: date) -> date:
    """The last day that counts: today, or the cohort's last day once it has ended."""
    return min(today, cohort.ends_on) if cohort.ends_on else today


def _paused_days(pauses: Sequence[tuple[date, date]], first: date, last: date) -> int:
    """How many days from `first` to `last` (both included) fall inside a pause."""
    days: set[date] = set()
    for start, end in pauses:
        lo, hi = max(start, first), min(end, last)
        days.update(lo + timedelta(days=n) for n in range((hi - lo).days + 1))
    return len(days)


def _net_days(pauses: Sequence[tuple[date, date]], since: date, until: date) -> int:
    """Days after `since` up to and including `until`, paused days left out."""
    if until <= since:
        return 0
    return (until - since).days - _paused_days(pauses, since + timedelta(days=1), until)


def pause_running(pauses: Sequence[tuple[date, date]], today: date) -> date | None:
    """The last day of the pause that runs today, or None."""
    ends = [end for start, end in pauses if start <= today <= end]
    return max(ends) if ends else None


def session_gaps(facts: PairingFacts) -> list[int]:
    """The gaps between consecutive held sessions, in days."""
    days = sorted(set(facts.session_days))
    return [(b - a).days for a, b in pairwise(days)]


def _paused_between(facts: PairingFacts, first: date, last: date) -> bool:
    return _paused_days(facts.pauses, first, last) > 0


def usual_gap(facts: PairingFacts, *, cohort: CohortSettings) -> int:
    """The pair's own rhythm in days, between half the cadence and the cadence."""
    cadence = max(1, cohort.cadence_days)
    gaps = session_gaps(facts)[-RECENT_GAPS:]
    if len(gaps) < 2:
        return cadence
    return min(cadence, max(math.ceil(cadence / 2), round(median(gaps))))


def silence_limits(*, cohort: CohortSettings, usual_gap: int) -> tuple[int, int]:
    """(needs attention after, at risk after): days of silence for a pair with this gap."""
    quiet = math.ceil(cohort.health_quiet_gaps * usual_gap)
    silent = math.ceil(cohort.health_silent_gaps * usual_gap)
    return quiet, max(quiet, silent)


def sessions_expected(facts: PairingFacts, *, cohort: CohortSettings, today: date) -> int:
    """One session per cadence period of unpaused days since they were paired."""
    days = _net_days(facts.pauses, facts.paired_on, _last_day(facts, cohort, today))
    return days // max(1, cohort.cadence_days)


def _role_label(role: str) -> str:
    return _("The mentor") if role == MENTOR else _("The mentee")


def _gaps_in_words(gaps: Sequence[int]) -> str:
    *first, last = [str(gap) for gap in gaps]
    return _("%(first)s and %(last)s") % {"first": ", ".join(first), "last": last}


# --- the rules ----------------------------------------------------------------------------


def health_assess(facts: PairingFacts, *, cohort: CohortSettings, today: date) -> Assessment:
    """The pairing's status on `today` and every reason for it (see the module's rules)."""
    found: list[tuple[str, str, str]] = []  # (status, code, text) in the order of the rules

    def flag(status: str, code: str, text: str) -> None:
        found.append((status, code, text))

    cadence = max(1, cohort.cadence_days)
    paused_until = pause_running(facts.pauses, today)
    gap = usual_gap(facts, cohort=cohort)
    contacts = [day for day in facts.contact_days if day <= today]
    last_contact = max(contacts) if contacts else None
    silence = _net_days(facts.pauses, last_contact or facts.paired_on, today)
    quiet_after, silent_after = silence_limits(cohort=cohort, usual_gap=gap)
    booked_ahead = (
        facts.next_session_on is not None
        and today <= facts.next_session_on <= today + timedelta(days=gap)
    )
    watching_rhythm = paused_until is None

    # Silence
    booked_soon = booked_ahead and facts.next_session_on <= today + timedelta(days=gap // 2)
    silent = watching_rhythm and not booked_soon and silence >= silent_after
    quiet = watching_rhythm and not booked_ahead and quiet_after <= silence < silent_after
    if silent or quiet:
        if last_contact is not None:
            text = ngettext(
                "No contact for %(days)d day",
                "No contact for %(days)d days",
                silence,
            ) % {"days": silence}
        else:
            text = ngettext(
                "No contact in the %(days)d day since they were paired",
                "No contact in the %(days)d days since they were paired",
                silence,
            ) % {"days": silence}
        if gap < cadence:
            text += ngettext(
                " (they usually meet every %(gap)d day)",
                " (they usually meet every %(gap)d days)",
                gap,
            ) % {"gap": gap}
        flag(AT_RISK if silent else NEEDS_ATTENTION, "silent" if silent else "quiet", text)

    # Sessions: days since the last one held
    sessions = [day for day in facts.session_days if day <= today]
    since_session = _net_days(facts.pauses, max(sessions, default=facts.paired_on), today)
    far_behind = (
        watching_rhythm and not booked_soon and since_session >= FAR_BEHIND_PERIODS * cadence
    )
    behind = (
        watching_rhythm
        and not (far_behind or silent or booked_ahead)
        and since_session >= silent_after
    )
    if far_behind or behind:
        if sessions:
            text = ngettext(
                "No session held for %(days)d day",
                "No session held for %(days)d days",
                since_session,
            ) % {"days": since_session}
        else:
            text = ngettext(
                "No session held in the %(days)d day since they were paired",
                "No session held in the %(days)d days since they were paired",
                since_session,
            ) % {"days": since_session}
        if behind:
            text += _(", and none booked")
    if far_behind:
        flag(AT_RISK, "far_behind", text)

    # Check-ins, the mentee's first
    check_ins = sorted(facts.check_ins, key=lambda c: c.role != MENTEE)
    for check_in in check_ins:
        who = _role_label(check_in.role)
        if (
            check_in.satisfaction is not None
            and check_in.satisfaction <= cohort.health_low_satisfaction
        ):
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

    # Gaps that keep growing while the pair still talks
    last_gaps = session_gaps(facts)[-3:]
    recent_sessions = sorted(set(facts.session_days))[-4:]
    if (
        watching_rhythm
        and not silent
        and len(last_gaps) == 3
        and not _paused_between(facts, recent_sessions[0], recent_sessions[-1])
        and all(b >= FADING_GROWTH * a for a, b in pairwise(last_gaps))
        and last_gaps[-1] > cadence
    ):
        flag(
            NEEDS_ATTENTION,
            "fading",
            _("Meeting less and less often: the last gaps between sessions were %(gaps)s days")
            % {"gaps": _gaps_in_words(last_gaps)},
        )

    if behind:
        flag(NEEDS_ATTENTION, "behind", text)

    # The contact agreement
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
    days_active = max(0, (_last_day(facts, cohort, today) - facts.paired_on).days)
    if cohort.first_session_in_person and not facts.met_in_person and days_active >= cadence:
        flag(NEEDS_ATTENTION, "in_person", _("Not met in person yet, as the cohort asks"))

    # Recent ratings
    ratings = list(facts.recent_ratings)[:RECENT_RATINGS]
    mean_rating = round(fmean(ratings), 2) if ratings else None
    if mean_rating is not None and mean_rating < cohort.health_low_rating:
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
    satisfactions = [c.satisfaction for c in facts.check_ins if c.satisfaction is not None]
    return Assessment(
        status=status,
        reasons=[{"code": code, "text": text} for _status, code, text in found],
        sessions_expected=sessions_expected(facts, cohort=cohort, today=today),
        mean_rating=mean_rating,
        usual_gap=gap,
        days_past_rhythm=max(0, silence - gap) if watching_rhythm else 0,
        lowest_satisfaction=min(satisfactions, default=None),
        paused_until=paused_until,
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
