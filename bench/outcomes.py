"""How well the health rules sort pairings: a simulated cohort, judged day by day.

No database: the rules (`oversight.health.health_assess`) are pure, so this builds each
pairing's history in memory and asks the rules about every day of it, as the nightly refresh
would, with what the refresh would know that day (held sessions, messages, pauses, the next
booked session, ratings and check-ins already given).

Run: `DEBUG=1 python -m bench.outcomes` (about a minute). It prints a table and one JSON line.

The generator (seed fixed, so every run gives the same cohort)
- 600 pairings, 180 days, cohort cadence 14 days; each pair starts on one of the cohort's
  first 14 days and holds its first session 5-9 days after.
- Four kinds, in proportions drawn from the research on mentoring relationships: about 38 %
  of matches close early (Kupersmidt, Stump, Stelter and Rhodes, 2017: 6,468 matches in 170
  programmes), some by fading (contact thins before it stops: Spencer, 2007, "It's not what
  I expected") and some suddenly (a move, a new job); and relationship quality, not only
  frequency, predicts how long a match lasts (Rhodes, Schwartz, Willis and Wu, 2017; DuBois
  et al., 2011).
  - healthy (60 %): a session every 14 days with jitter (sd 3 days, at least 7), one period
    in six skipped (the gap doubles; in 80 % of skips a partner says so in a message around
    the missed day, our assumption); 60 % of them take a 14-21-day holiday, and half of
    those plan it as a pause beforehand (the other half just go); 0-3 messages spread over
    each gap (none during a holiday); ratings 4-5; check-ins (days 30, 90, 150) rate
    satisfaction 4-5.
  - fading (15 %): healthy until a day between 30 and 90, then each gap 1.3-1.6 times the one
    before, at most one message per gap, ratings and satisfaction falling to 2-3, and silence
    for good once a gap would pass 45 days.
  - lapsed (15 %): healthy until a day between 40 and 140, then nothing more. A next session
    that was booked is simply not held.
  - unhappy (10 %): keep meeting on the healthy rhythm, but rate sessions 1-2 and satisfaction
    1-2 from a day between 30 and 90.
- Booking (our assumption, not from the research: the booking page offers the next session at
  the end of each one): a pair that still meets in earnest books the next session when it
  meets with probability 0.7, otherwise 2-7 days before it; a fading pair, once it fades,
  books 1-3 days before.
- Every pair has its agreement from day 2 and met in person first (those rules are not what
  this measures).

What it reports (targets from the health-flags issue)
- healthy_days_flagged: share of healthy pairing-days with any flag (<= 0.10).
- healthy_ever_at_risk: share of healthy pairings at risk on any day (<= 0.05).
- lapsed_at_risk_within_30: share of lapsed pairs at risk within 30 days of their last contact
  (>= 0.95); median_days_to_at_risk (<= 28).
- drifting_flagged_while_talking: share of fading pairs flagged before their last contact
  (>= 0.70).
- unhappy_flagged: share of unhappy pairs flagged within 30 days of their first low check-in
  (>= 0.90).
The table adds, for healthy pairs, how many of their flagged days each rule raised.
"""

import os
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import django

from bench.harness import report

SEED = int(os.environ.get("BENCH_SEED", 2026))  # fixed; another only to test robustness
PAIRINGS = int(os.environ.get("BENCH_PAIRINGS", 600))
DAYS = 180
CADENCE = 14
START = date(2027, 1, 4)
CHECK_IN_DAYS = (30, 90, 150)
KINDS = (("healthy", 0.60), ("fading", 0.15), ("lapsed", 0.15), ("unhappy", 0.10))
BOOKED_AT_SESSION = 0.7
SKIP_SAID = 0.8
AWAY_SAID = 0.6


@dataclass
class History:
    kind: str
    paired_on: date
    sessions: list[tuple[date, int]] = field(default_factory=list)  # (day, rating)
    bookings: list[tuple[date, date]] = field(default_factory=list)  # (booked on, for day)
    messages: list[date] = field(default_factory=list)
    pauses: list[tuple[date, date]] = field(default_factory=list)
    check_ins: list[tuple[date, int]] = field(default_factory=list)  # (day, satisfaction)
    last_contact: date | None = None
    low_check_in: date | None = None


def _kind(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in KINDS:
        total += share
        if roll < total:
            return kind
    return KINDS[-1][0]


def _history(rng: random.Random) -> History:
    kind = _kind(rng)
    paired_on = START + timedelta(days=rng.randrange(CADENCE))
    end = START + timedelta(days=DAYS)
    h = History(kind=kind, paired_on=paired_on)
    turn = paired_on + timedelta(days=rng.randrange(30, 91))  # fading / unhappy from here
    stop = paired_on + timedelta(days=rng.randrange(40, 141))  # lapsed: nothing after
    holiday = None
    if kind == "healthy" and rng.random() < 0.6:
        start = paired_on + timedelta(days=rng.randrange(40, 150))
        holiday = (start, start + timedelta(days=rng.randrange(14, 22)))
        if rng.random() < 0.5:
            h.pauses.append((holiday[0], holiday[1] - timedelta(days=1)))
        elif rng.random() < AWAY_SAID:
            h.messages.append(holiday[0] - timedelta(days=rng.randint(0, 3)))
    day = paired_on + timedelta(days=rng.randint(5, 9))
    previous: date | None = None
    gap = float(CADENCE)
    while day < end:
        if holiday and holiday[0] <= day < holiday[1]:
            day = holiday[1] + timedelta(days=rng.randrange(0, 4))
            continue
        fading = kind == "fading" and day >= turn
        # When this session was booked: at the one before, or a few days ahead.
        if previous is not None and not fading and rng.random() < BOOKED_AT_SESSION:
            booked_on = previous
        else:
            ahead = rng.randint(1, 3) if fading else rng.randint(2, 7)
            booked_on = max(paired_on, day - timedelta(days=ahead))
        h.bookings.append((booked_on, day))
        if kind == "lapsed" and day >= stop:
            break  # booked, but never held
        low = kind in ("fading", "unhappy") and day >= turn
        rating = (
            rng.randint(1, 2)
            if kind == "unhappy" and low
            else (rng.randint(2, 3) if low else rng.randint(4, 5))
        )
        h.sessions.append((day, rating))
        if fading:
            gap *= rng.uniform(1.3, 1.6)
            if gap > 45:
                break
            step = gap
        else:
            step = max(7.0, rng.gauss(CADENCE, 3))
            if rng.random() < 1 / 6:
                step *= 2  # a period skipped, usually said so in a message
                if rng.random() < SKIP_SAID:
                    h.messages.append(day + timedelta(days=rng.randint(11, 16)))
        following = day + timedelta(days=round(step))
        messages = rng.randint(0, 1) if fading else rng.randint(0, 3)
        for _ in range(messages):
            when = day + timedelta(days=rng.randrange(1, max(2, (following - day).days)))
            if not (holiday and holiday[0] <= when < holiday[1]):
                h.messages.append(when)
        previous, day = day, following
    if h.sessions:
        last_session = h.sessions[-1][0]
        # Messages after the last session only while the pair still meets.
        if kind not in ("healthy", "unhappy"):
            h.messages = [d for d in h.messages if d <= last_session]
    contacts = [d for d, _ in h.sessions] + [d for d in h.messages if d < end]
    h.last_contact = max(contacts) if contacts else None
    for offset in CHECK_IN_DAYS:
        when = paired_on + timedelta(days=offset)
        if when >= end or (h.last_contact and when > h.last_contact + timedelta(days=7)):
            continue
        low = kind in ("fading", "unhappy") and when >= turn
        score = (
            rng.randint(1, 2)
            if kind == "unhappy" and low
            else (rng.randint(2, 3) if low else rng.randint(4, 5))
        )
        h.check_ins.append((when, score))
        if score <= 2 and h.low_check_in is None:
            h.low_check_in = when
    return h


def _facts(h: History, today: date):
    """What the nightly refresh would know on `today`: everything before it."""
    from oversight.health import MENTEE, CheckIn, PairingFacts

    held = [(d, r) for d, r in h.sessions if d < today]
    contacts = sorted({d for d, _ in held} | {d for d in h.messages if d < today})
    booked = [day for on, day in h.bookings if on < today <= day]
    check_ins = [(d, s) for d, s in h.check_ins if d < today]
    latest = [CheckIn(role=MENTEE, satisfaction=check_ins[-1][1])] if check_ins else []
    return PairingFacts(
        paired_on=h.paired_on,
        session_days=[d for d, _ in held],
        contact_days=contacts,
        pauses=[(a, b) for a, b in h.pauses if a < today + timedelta(days=60)],
        next_session_on=min(booked, default=None),
        agreement_holds=True,
        met_in_person=True,
        recent_ratings=[r for _d, r in reversed(held)][:3],
        check_ins=latest,
    )


@dataclass(frozen=True)
class Cohort:
    """The cohort's settings, at the defaults of programmes.models.Cohort."""

    cadence_days: int = CADENCE
    first_session_in_person: bool = True
    ends_on: date | None = None
    health_quiet_gaps: float = float(os.environ.get("BENCH_QUIET_GAPS", 1.5))
    health_silent_gaps: float = float(os.environ.get("BENCH_SILENT_GAPS", 1.9))
    health_low_satisfaction: int = 2
    health_low_rating: float = 3.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")
    django.setup()
    from oversight.health import AT_RISK, ON_TRACK, health_assess

    rng = random.Random(SEED)
    histories = [_history(rng) for _ in range(PAIRINGS)]
    cohort = Cohort()
    end = START + timedelta(days=DAYS)
    days_flagged = days_total = 0
    healthy_at_risk = lapsed_in_time = fading_caught = unhappy_caught = 0
    to_at_risk: list[int] = []
    healthy_reasons: Counter[str] = Counter()
    counts = {kind: 0 for kind, _ in KINDS}
    for h in histories:
        counts[h.kind] += 1
        statuses: dict[date, str] = {}
        day = h.paired_on + timedelta(days=1)
        while day <= end:
            assessment = health_assess(_facts(h, day), cohort=cohort, today=day)
            statuses[day] = assessment.status
            if h.kind == "healthy":
                healthy_reasons.update({reason["code"] for reason in assessment.reasons})
            day += timedelta(days=1)
        if h.kind == "healthy":
            days_total += len(statuses)
            days_flagged += sum(status != ON_TRACK for status in statuses.values())
            healthy_at_risk += AT_RISK in statuses.values()
        elif h.kind == "lapsed" and h.last_contact:
            first = next(
                (d for d, s in sorted(statuses.items()) if d > h.last_contact and s == AT_RISK),
                None,
            )
            if first is not None:
                to_at_risk.append((first - h.last_contact).days)
                lapsed_in_time += (first - h.last_contact).days <= 30
        elif h.kind == "fading" and h.last_contact:
            fading_caught += any(s != ON_TRACK for d, s in statuses.items() if d <= h.last_contact)
        elif h.kind == "unhappy" and h.low_check_in:
            unhappy_caught += any(
                s != ON_TRACK
                for d, s in statuses.items()
                if h.low_check_in < d <= h.low_check_in + timedelta(days=30)
            )
    unhappy_total = sum(1 for h in histories if h.kind == "unhappy" and h.low_check_in)
    figures = {
        "pairings": PAIRINGS,
        "healthy_days_flagged": round(days_flagged / days_total, 3),
        "healthy_ever_at_risk": round(healthy_at_risk / counts["healthy"], 3),
        "lapsed_at_risk_within_30": round(lapsed_in_time / counts["lapsed"], 3),
        "median_days_to_at_risk": statistics.median(to_at_risk) if to_at_risk else None,
        "drifting_flagged_while_talking": round(fading_caught / counts["fading"], 3),
        "unhappy_flagged": round(unhappy_caught / max(1, unhappy_total), 3),
    }
    figures["target_met"] = (
        figures["healthy_days_flagged"] <= 0.10
        and figures["healthy_ever_at_risk"] <= 0.05
        and figures["lapsed_at_risk_within_30"] >= 0.95
        and (figures["median_days_to_at_risk"] or 99) <= 28
        and figures["drifting_flagged_while_talking"] >= 0.70
        and figures["unhappy_flagged"] >= 0.90
    )
    rows = [(f"{kind} pairings", n) for kind, n in counts.items()]
    rows += [(name, value) for name, value in figures.items() if name != "pairings"]
    rows += [(f"healthy days flagged by {code}", n) for code, n in healthy_reasons.most_common()]
    report("outcomes", rows, figures)


if __name__ == "__main__":
    main()
