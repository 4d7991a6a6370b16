"""Matching 2,000 mentees x 500 mentors (capacity 1-6), from database to saved proposal.

Target (DESIGN.md): <= 5 s and <= 1 GB peak; the total score equals an independent exact
solver's (a linear programme solved by HiGHS, whose optimum is whole because the constraint
matrix of an assignment problem is totally unimodular). Also: how much better than greedy.
"""

import os
import random
import time
import tracemalloc
from datetime import date

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from bench.harness import report, setup_django

MENTEES, MENTORS = (
    int(os.environ.get("BENCH_MENTEES", 2000)),
    int(os.environ.get("BENCH_MENTORS", 500)),
)
SEED = 2027
FIELDS = ["technology", "finance", "healthcare", "education", "law", "marketing", "research"]
ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kathmandu",
]
WORDS = [
    "leadership",
    "hiring",
    "negotiation",
    "speaking",
    "strategy",
    "design",
    "finance",
    "research",
    "writing",
    "product",
    "sales",
    "coaching",
    "career",
    "startup",
    "data",
    "engineering",
    "management",
    "feedback",
    "confidence",
    "networking",
]
LANGS = ["en", "en", "en", "es", "fr", "de", "ja", "hi", "pt"]
CHANNELS = ["video", "phone", "chat", "email", "in_person"]
CITIES = ["London", "New York", "Tokyo", "Sydney", "Berlin", ""]


def _generate(cohort) -> None:
    """Insert the people, profiles and enrolments with bulk inserts (not timed)."""
    from accounts.models import Profile, User
    from programmes.models import Enrolment, MentorPreference

    rng = random.Random(SEED)
    users = User.objects.bulk_create(
        User(email=f"p{i}@bench.example", display_name=f"Person {i}", timezone=rng.choice(ZONES))
        for i in range(MENTEES + MENTORS)
    )
    mentors = users[:MENTORS]
    Profile.objects.bulk_create(
        Profile(
            user=user,
            is_mentor=user in mentors,
            is_mentee=user not in mentors,
            field=rng.choice(FIELDS),
            languages=sorted(
                {"en" if rng.random() < 0.8 else rng.choice(LANGS), rng.choice(LANGS)}
            ),
            years_experience=rng.randint(10, 30) if index < MENTORS else rng.randint(0, 8),
            city=rng.choice(CITIES),
            expertise=rng.sample(WORDS, 4) if index < MENTORS else [],
            goals=" ".join(rng.sample(WORDS, 5)) if index >= MENTORS else "",
        )
        for index, user in enumerate(users)
    )

    def hours():
        start = rng.choice([7, 8, 9, 12, 15]) * 60
        return [[day, start, start + rng.choice([3, 4, 8]) * 60] for day in range(5)]

    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            user=user,
            role="mentor" if index < MENTORS else "mentee",
            channels=rng.sample(CHANNELS, rng.randint(1, 4)),
            contact_hours=hours(),
            capacity=rng.randint(1, 6) if index < MENTORS else None,
            department=f"dept-{rng.randint(1, 40)}",
        )
        for index, user in enumerate(users)
    )
    MentorPreference.objects.bulk_create(
        MentorPreference(enrolment=enrolment, mentor=mentor, rank=rank)
        for enrolment in enrolments[MENTORS:]
        for rank, mentor in enumerate(rng.sample(mentors, 3), start=1)
    )


def _exact_total(scores, capacities: np.ndarray) -> tuple[float, int]:
    """(total score, pairs) of the best matching by HiGHS: most pairs first, then score."""
    allowed = scores.why == 0
    rows, columns = np.nonzero(allowed)
    total = scores.total[rows, columns]
    bonus = 1.0 + min(len(scores.mentees), int(capacities.sum())) * float(total.max())
    n, m, k = len(scores.mentees), len(scores.mentors), len(rows)
    a_mentee = sparse.csr_array((np.ones(k), (rows, np.arange(k))), shape=(n, k))
    a_mentor = sparse.csr_array((np.ones(k), (columns, np.arange(k))), shape=(m, k))
    solution = linprog(
        -(total + bonus),
        A_ub=sparse.vstack([a_mentee, a_mentor]),
        b_ub=np.concatenate([np.ones(n), capacities]),
        bounds=(0, 1),
        method="highs",
    )
    chosen = solution.x > 0.5
    return float(total[chosen].sum()), int(chosen.sum())


def _greedy_total(scores, capacities: np.ndarray) -> float:
    """Best pair first while places last: what a spreadsheet-and-patience admin would do."""
    rows, columns = np.nonzero(scores.why == 0)
    order = np.argsort(-scores.total[rows, columns], kind="stable")
    left, taken, total = capacities.copy(), np.zeros(len(scores.mentees), bool), 0.0
    for index in order:
        row, column = rows[index], columns[index]
        if not taken[row] and left[column] > 0:
            taken[row], left[column] = True, left[column] - 1
            total += scores.total[row, column]
    return total


def main() -> None:
    setup_django()
    from bench.harness import bench_organisation
    from matching import engine as matching
    from matching.services.match_runs import match_run_create
    from matching.services.participants import (
        constraints_for_cohort,
        participants_for_cohort,
        weights_for_cohort,
    )
    from programmes.models import Cohort

    cohort = Cohort.objects.create(
        organisation=bench_organisation(),
        name="Bench cohort",
        starts_on=date(2027, 3, 22),
        ends_on=date(2027, 9, 30),
        enrolment_deadline=date(2027, 3, 15),
    )
    started = time.perf_counter()
    _generate(cohort)
    generate_s = time.perf_counter() - started

    tracemalloc.start()
    started = time.perf_counter()
    run = match_run_create(cohort=cohort, by=None)
    seconds = time.perf_counter() - started
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    mentees, mentors = participants_for_cohort(cohort=cohort)
    excluded, _locked = constraints_for_cohort(cohort=cohort)
    scores = matching.score_matrix(
        mentees,
        mentors,
        weights_for_cohort(cohort=cohort),
        excluded=excluded,
        reference=cohort.starts_on,
    )
    capacities = np.array([m.capacity for m in scores.mentors], dtype=float)
    started = time.perf_counter()
    exact_total, exact_pairs = _exact_total(scores, capacities)
    exact_s = time.perf_counter() - started
    greedy = _greedy_total(scores, capacities)
    optimal = exact_pairs == run.matched_count and abs(exact_total - run.total_score) <= 1e-6 * max(
        1.0, exact_total
    )
    gap = 100 * (run.total_score - greedy) / greedy if greedy else 0.0
    report(
        "matching",
        [
            ("mentees x mentors", f"{MENTEES} x {MENTORS} ({int(capacities.sum())} places)"),
            ("generate rows (not timed)", f"{generate_s:.1f} s"),
            ("database -> saved proposal", f"{seconds:.2f} s"),
            ("peak traced memory", f"{peak_mb:.0f} MB"),
            ("matched", f"{run.matched_count} ({run.matched_pct:.1f}%)"),
            ("total score", f"{run.total_score:.3f}"),
            ("HiGHS exact total", f"{exact_total:.3f} ({exact_pairs} pairs, {exact_s:.1f} s)"),
            ("greedy total", f"{greedy:.3f} (optimal is {gap:.2f}% higher)"),
        ],
        {
            "seconds": round(seconds, 2),
            "peak_mb": round(peak_mb),
            "optimal": optimal,
            "greedy_gap_pct": round(gap, 2),
            "matched": run.matched_count,
            "target_met": seconds <= 5 and peak_mb <= 1024 and optimal,
        },
    )


if __name__ == "__main__":
    main()
