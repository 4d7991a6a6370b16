"""How well the health rules sort pairings: a simulated cohort, judged day by day.

No database: the rules (`oversight.health.health_assess`) are pure, so this builds each
pairing's history in memory and asks the rules about every day of it, as the nightly refresh
would.

The generator (seed fixed, so every run gives the same cohort)
- 600 pairings, 180 days, cohort cadence 14 days; each pair starts on one of the cohort's
  first 14 days.
- Four kinds, in proportions drawn from the research on mentoring relationships: about 38 %
  of matches close early (Kupersmidt, Stump, Stelter and Rhodes, 2017: 6,468 matches in 170
  programmes), some by fading (contact thins before it stops) and some suddenly (a move, a
  new job); and relationship quality, not only frequency, predicts how long a match lasts
  (Rhodes, Schwartz, Willis and Wu, 2017; DuBois et al., 2011).
  - healthy (60 %): a session every 14 days with jitter (sd 3 days), one period in six skipped
    (the gap doubles), a 14-21-day holiday for 60 % of them (half would plan a pause; today's
    rules have no pauses, so here it is silence); 0-3 messages between sessions; ratings 4-5;
    check-ins (days 30, 90, 150) rate satisfaction 4-5.
  - fading (15 %): healthy until a day between 30 and 90, then each gap 1.3-1.6 times the one
    before, fewer messages, ratings and satisfaction falling to 2-3, and silence for good once
    a gap would pass 45 days.
  - lapsed (15 %): healthy until a day between 40 and 140, then nothing more.
  - unhappy (10 %): keep meeting on the healthy rhythm, but rate sessions 1-2 and satisfaction
    1-2 from a day between 30 and 90.
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
"""

import os
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import django

from bench.harness import report

SEED = 2026
PAIRINGS = int(os.environ.get("BENCH_PAIRINGS", 600))
DAYS = 180
CADENCE = 14
START = date(2027, 1, 4)
CHECK_IN_DAYS = (30, 90, 150)
KINDS = (("healthy", 0.60), ("fading", 0.15), ("lapsed", 0.15), ("unhappy", 0.10))


@dataclass
class History:
    kind: str
    paired_on: date
    sessions: list[tuple[date, int]] = field(default_factory=list)  # (day, rating)
    messages: list[date] = field(default_factory=list)
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
    day = paired_on + timedelta(days=max(2, round(rng.gauss(7, 2))))
    gap = float(CADENCE)
    while day < end:
        if kind == "lapsed" and day >= stop:
            break
        if holiday and holiday[0] <= day < holiday[1]:
            day = holiday[1] + timedelta(days=rng.randrange(0, 4))
            continue
        low = kind in ("fading", "unhappy") and day >= turn
        rating = (
            rng.randint(1, 2)
            if kind == "unhappy" and low
            else (rng.randint(2, 3) if low else rng.randint(4, 5))
        )
        h.sessions.append((day, rating))
        messages = rng.randint(0, 1) if kind == "fading" and low else rng.randint(0, 3)
        for _ in range(messages):
            h.messages.append(day + timedelta(days=rng.randrange(1, CADENCE)))
        if kind == "fading" and day >= turn:
            gap *= rng.uniform(1.3, 1.6)
            if gap > 45:
                break
            step = gap
        else:
            step = max(7.0, rng.gauss(CADENCE, 3))
            if rng.random() < 1 / 6:
                step *= 2  # a period skipped
        day += timedelta(days=round(step))
    contacts = [d for d, _ in h.sessions] + [d for d in h.messages if d < end]
    if h.sessions:
        last_session = h.sessions[-1][0]
        # Messages after the last session only while the pair still meets.
        h.messages = [d for d in h.messages if d <= last_session or kind in ("healthy", "unhappy")]
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
    from oversight.health import MENTEE, CheckIn, PairingFacts

    held = [(d, r) for d, r in h.sessions if d < today]
    contacts = [d for d, _ in held] + [d for d in h.messages if d < today]
    last = max(contacts) if contacts else None
    check_ins = [(d, s) for d, s in h.check_ins if d < today]
    latest = [CheckIn(role=MENTEE, satisfaction=check_ins[-1][1])] if check_ins else []
    return PairingFacts(
        paired_on=h.paired_on,
        sessions_held=len(held),
        last_contact_at=datetime.combine(last, time(12), UTC) if last else None,
        agreement_holds=True,
        met_in_person=True,
        recent_ratings=[r for _d, r in reversed(held)][:3],
        check_ins=latest,
    )


@dataclass(frozen=True)
class Cohort:
    cadence_days: int = CADENCE
    first_session_in_person: bool = True
    ends_on: date | None = None


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
    counts = {kind: 0 for kind, _ in KINDS}
    for h in histories:
        counts[h.kind] += 1
        statuses: dict[date, str] = {}
        day = h.paired_on + timedelta(days=1)
        while day <= end:
            statuses[day] = health_assess(_facts(h, day), cohort=cohort, today=day).status
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
    report("outcomes", rows, figures)


if __name__ == "__main__":
    main()
