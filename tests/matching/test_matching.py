"""The matching engine, without a database: each rule by example, the optimum by brute force."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import (
    CHANNELS,
    CRITERIA,
    MatchingError,
    MatchResult,
    Mentee,
    Mentor,
    Weights,
    match,
    score_matrix,
    score_pair,
    terms_from_text,
)

WINTER = date(2026, 1, 14)  # a Wednesday: London UTC+0, New York UTC-5, Kathmandu UTC+5:45
BETWEEN_CHANGES = date(2026, 3, 11)  # US on summer time since 8 March, UK not until 29 March
ONLY_PREFERENCE = Weights(field=0, goals=0, timezone=0, seniority=0, channels=0, preference=1)


def mentee(person_id: int = 1, **changes: Any) -> Mentee:
    """Alice, a mentee with nothing in common with anyone but English."""
    person = Mentee(
        id=person_id,
        field="",
        terms=frozenset(),
        languages=frozenset({"en"}),
        tz="UTC",
        contact_hours=(),
        years=0,
        channels=frozenset(),
        email=f"mentee{person_id}@example.org",
    )
    return replace(person, **changes)


def mentor(person_id: int = 101, **changes: Any) -> Mentor:
    """Bob, a mentor with nothing in common with anyone but English."""
    person = Mentor(
        id=person_id,
        field="",
        terms=frozenset(),
        languages=frozenset({"en"}),
        tz="UTC",
        contact_hours=(),
        years=0,
        channels=frozenset(),
        email=f"mentor{person_id}@example.org",
    )
    return replace(person, **changes)


def criterion(name: str, a: Mentee, b: Mentor, reference: date = WINTER) -> float:
    return score_pair(a, b, Weights(), reference=reference).criteria[name]


def pair_ids(result: MatchResult) -> set[tuple[int, int]]:
    return {(pair.mentee_id, pair.mentor_id) for pair in result.pairs}


def reasons(result: MatchResult) -> dict[int, str]:
    return {u.person_id: u.reason for u in result.unmatched}


# --- Words ------------------------------------------------------------------------------------


def test_terms_from_text_keeps_the_words_that_say_what():
    text = "I'd like to learn Python3 and public-speaking, and I don't want to be a PM!"
    assert terms_from_text(text) == {"python", "public", "speaking"}


def test_terms_from_text_keeps_words_in_other_scripts():
    assert terms_from_text("Führung und Café") == {"führung", "und", "café"}


# --- Each criterion ---------------------------------------------------------------------------


def test_field_counts_only_the_same_non_empty_field_ignoring_case():
    assert criterion("field", mentee(field="Technology"), mentor(field="technology ")) == 1.0
    assert criterion("field", mentee(field="technology"), mentor(field="finance")) == 0.0
    assert criterion("field", mentee(field=""), mentor(field="")) == 0.0


@pytest.mark.parametrize(
    ("goals", "expertise", "expected"),
    [
        ({"python"}, {"python", "java", "cloud"}, 1.0),  # the mentee's only goal is covered
        ({"python", "leadership"}, {"python"}, 0.5),
        ({"python", "leadership", "career", "writing"}, {"python"}, 1 / 3),
        ({"python", "leadership", "career", "writing"}, {"python", "career", "writing"}, 1.0),
        ({"python", "leadership"}, {"java"}, 0.0),
        (set(), {"python"}, 0.0),
    ],
)
def test_goals_is_the_share_of_the_mentees_goals_covered_three_being_enough(
    goals: set[str], expertise: set[str], expected: float
):
    score = criterion("goals", mentee(terms=frozenset(goals)), mentor(terms=frozenset(expertise)))
    assert score == pytest.approx(expected)


def test_timezone_follows_the_us_clock_change_before_the_uk_one():
    london = mentee(tz="Europe/London", contact_hours=((0, 13 * 60, 17 * 60),))
    new_york = mentor(tz="America/New_York", contact_hours=((0, 9 * 60, 13 * 60),))
    # 09:00 in New York is 14:00 in London in winter (3 shared hours), 13:00 in between (4 hours).
    assert criterion("timezone", london, new_york, date(2026, 3, 4)) == pytest.approx(3 / 6)
    assert criterion("timezone", london, new_york, BETWEEN_CHANGES) == pytest.approx(4 / 6)
    assert criterion("timezone", london, new_york, date(2026, 3, 15)) == pytest.approx(4 / 6)
    assert criterion("timezone", london, new_york, date(2026, 4, 1)) == pytest.approx(3 / 6)


def test_timezone_counts_the_minutes_of_a_quarter_hour_offset():
    kathmandu = mentee(tz="Asia/Kathmandu", contact_hours=((0, 9 * 60, 12 * 60),))
    london = mentor(tz="Europe/London", contact_hours=((0, 5 * 60, 8 * 60),))
    # 09:00-12:00 at UTC+5:45 is 03:15-06:15 UTC: 75 minutes overlap 05:00-08:00 UTC.
    assert criterion("timezone", kathmandu, london) == pytest.approx(75 / 360)


def test_timezone_wraps_a_sunday_evening_into_the_next_monday():
    new_york = mentee(tz="America/New_York", contact_hours=((6, 20 * 60, 23 * 60),))
    tokyo = mentor(tz="Asia/Tokyo", contact_hours=((0, 10 * 60, 13 * 60),))
    # Sunday 20:00 in New York and Monday 10:00 in Tokyo are both Monday 01:00 UTC.
    assert criterion("timezone", new_york, tokyo) == pytest.approx(3 / 6)


def test_timezone_saturates_at_six_hours_and_counts_merged_windows_once():
    week = tuple((day, 9 * 60, 17 * 60) for day in range(5))
    assert criterion("timezone", mentee(contact_hours=week), mentor(contact_hours=week)) == 1.0
    doubled = ((0, 9 * 60, 11 * 60), (0, 10 * 60, 12 * 60))  # 09:00-12:00, entered twice
    assert criterion(
        "timezone", mentee(contact_hours=doubled), mentor(contact_hours=((0, 0, 1440),))
    ) == pytest.approx(3 / 6)
    assert criterion("timezone", mentee(contact_hours=week), mentor()) == 0.0


@pytest.mark.parametrize(
    ("mentee_years", "mentor_years", "expected"),
    [
        (3, 3, 0.0),
        (3, 5, 0.4),
        (0, 5, 1.0),
        (2, 12, 1.0),
        (5, 20, 1.0),
        (0, 20, 2 / 3),
        (0, 30, 0.0),
        (0, 40, 0.0),
        (10, 4, 0.0),
    ],
)
def test_seniority_is_best_for_a_gap_of_five_to_fifteen_years(
    mentee_years: int, mentor_years: int, expected: float
):
    score = criterion("seniority", mentee(years=mentee_years), mentor(years=mentor_years))
    assert score == pytest.approx(expected)


def test_channels_in_person_is_shared_only_in_the_same_city():
    both = frozenset({"video", "in_person"})
    here = mentee(channels=both, city="Leeds")
    assert criterion("channels", here, mentor(channels=both, city=" leeds")) == 1.0
    assert criterion("channels", here, mentor(channels=both, city="York")) == 0.5
    assert criterion("channels", replace(here, city=""), mentor(channels=both)) == 0.5
    assert criterion("channels", here, mentor(channels=frozenset({"video", "phone"}))) == 1 / 3
    assert criterion("channels", mentee(), mentor()) == 0.0


def test_preference_ranks_the_mentees_three_choices():
    chooser = mentee(preferences=(103, 101, 102, 104))
    values = [criterion("preference", chooser, mentor(i)) for i in (103, 101, 102, 104)]
    assert values == [1.0, 0.66, 0.33, 0.0]


def test_total_is_the_weighted_sum_of_the_criteria():
    a = mentee(field="law", years=1, preferences=(101,), channels=frozenset({"email"}))
    b = mentor(field="law", years=11, channels=frozenset({"email", "phone"}))
    weights = Weights(field=2, goals=3, timezone=4, seniority=0.5, channels=1, preference=5)
    score = score_pair(a, b, weights, reference=WINTER)
    assert score.criteria == {
        "field": 1.0,
        "goals": 0.0,
        "timezone": 0.0,
        "seniority": 1.0,
        "channels": 0.5,
        "preference": 1.0,
    }
    assert score.total == pytest.approx(2 + 0.5 + 0.5 + 5)
    assert score.excluded is None


# --- Exclusions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (mentee(languages=frozenset({"fr"})), mentor(), "They share no language."),
        (
            mentee(department="Sales"),
            mentor(department="sales"),
            "They work in the same department.",
        ),
        (
            mentee(manager_email="Carol@x.org"),
            mentor(manager_email="carol@x.org"),
            "They have the same manager.",
        ),
        (
            mentee(manager_email="bob@x.org"),
            mentor(email="Bob@x.org"),
            "The mentor is the mentee's manager.",
        ),
        (
            mentee(email="alice@x.org"),
            mentor(manager_email="alice@x.org"),
            "The mentee is the mentor's manager.",
        ),
        (
            mentee(must_not=frozenset({101})),
            mentor(),
            "The mentee asked never to be paired with this mentor.",
        ),
        (mentee(7), mentor(7), "Mentee and mentor are the same person."),
    ],
)
def test_excluded_pairs_say_why_and_are_never_proposed(a: Mentee, b: Mentor, reason: str):
    assert score_pair(a, b, Weights(), reference=WINTER).excluded == reason
    result = match([a], [b], Weights(), reference=WINTER)
    assert result.pairs == ()


def test_the_callers_exclusions_give_their_own_reason():
    excluded = {(1, 101): "Paired before."}
    score = score_pair(mentee(), mentor(), Weights(), excluded=excluded, reference=WINTER)
    assert score.excluded == "Paired before."
    assert match([mentee()], [mentor()], Weights(), excluded=excluded, reference=WINTER).pairs == ()


def test_empty_departments_and_managers_exclude_nobody():
    score = score_pair(mentee(), mentor(email="", manager_email=""), Weights(), reference=WINTER)
    assert score.excluded is None


def test_the_first_reason_wins_when_several_apply():
    a = mentee(department="ops", must_not=frozenset({101}), languages=frozenset({"de"}))
    assert score_pair(a, mentor(department="ops"), Weights(), reference=WINTER).excluded == (
        "They share no language."
    )


# --- The assignment ---------------------------------------------------------------------------


def test_the_best_total_wins_when_everyone_can_be_matched():
    a = mentee(1, preferences=(101, 102))
    b = mentee(2, preferences=(101, 102))
    c = mentee(3, preferences=(102,))
    mentors = [mentor(101, capacity=2), mentor(102)]
    result = match([a, b, c], mentors, ONLY_PREFERENCE, reference=WINTER)
    assert pair_ids(result) == {(1, 101), (2, 101), (3, 102)}
    assert result.total_score == pytest.approx(3.0)
    assert [pair.score for pair in result.pairs] == sorted(pair.score for pair in result.pairs)


def test_matching_more_people_beats_a_higher_total():
    # 1-101 and 2-102 would score 2 x 5; three pairs worth 0 each match one more person.
    mentees = [mentee(1, preferences=(101,)), mentee(2, preferences=(102,)), mentee(3)]
    mentors = [mentor(101), mentor(102), mentor(103)]
    allowed = {(1, 101), (1, 102), (2, 102), (2, 103), (3, 101)}
    excluded = {
        (a.id, b.id): "Forbidden by an admin."
        for a in mentees
        for b in mentors
        if (a.id, b.id) not in allowed
    }
    weights = replace(ONLY_PREFERENCE, preference=5)
    result = match(mentees, mentors, weights, excluded=excluded, reference=WINTER)
    assert pair_ids(result) == {(1, 102), (2, 103), (3, 101)}
    assert result.total_score == 0.0


@given(st.integers(2, 6), st.sampled_from((2.5, 5.0)))
def test_one_more_matched_mentee_beats_any_gain_in_score(length: int, weight: float):
    # A chain: mentee i's first choice is mentor i, but mentee 0 can only take mentor 1, so
    # matching everyone means each mentee i takes mentor i + 1, every pair scoring 0.
    mentees = [mentee(i, preferences=(100 + i,)) for i in range(length + 1)]
    mentors = [mentor(100 + i) for i in range(1, length + 2)]
    allowed = {(i, 100 + i) for i in range(1, length + 1)} | {
        (i, 101 + i) for i in range(length + 1)
    }
    excluded = {
        (a.id, b.id): "Declined." for a in mentees for b in mentors if (a.id, b.id) not in allowed
    }
    weights = replace(ONLY_PREFERENCE, preference=weight)
    result = match(mentees, mentors, weights, excluded=excluded, reference=WINTER)
    assert pair_ids(result) == {(i, 101 + i) for i in range(length + 1)}


def test_locked_pairs_stay_and_use_up_places():
    a = mentee(1, preferences=(101,))
    b = mentee(2, preferences=(101,))
    mentors = [mentor(101), mentor(102, capacity=2)]
    result = match([a, b], mentors, ONLY_PREFERENCE, locked=[(2, 101)], reference=WINTER)
    assert {(p.mentee_id, p.mentor_id, p.locked) for p in result.pairs} == {
        (2, 101, True),
        (1, 102, False),
    }
    assert result.unmatched == (result.unmatched[0],)
    assert (result.unmatched[0].person_id, result.unmatched[0].reason) == (102, "1 place left.")


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([(1, 101), (1, 102)], "locked to more than one mentor"),
        ([(1, 101), (2, 101)], "more locked pairs than places"),
        ([(1, 999)], "unknown mentee or mentor"),
        ([(3, 101)], "is excluded: They work in the same department."),
    ],
)
def test_locks_that_cannot_hold_are_refused(locked: list[tuple[int, int]], message: str):
    mentees = [mentee(1), mentee(2), mentee(3, department="ops")]
    mentors = [mentor(101, department="ops"), mentor(102)]
    with pytest.raises(MatchingError, match=message):
        match(mentees, mentors, Weights(), locked=locked, reference=WINTER)


def test_unmatched_mentees_get_the_most_specific_reason():
    mentees = [
        mentee(1, languages=frozenset({"ja"})),
        mentee(2, department="ops", must_not=frozenset({103})),
        mentee(3),
        mentee(4),
        mentee(5),
    ]
    mentors = [
        mentor(101, department="Ops"),
        mentor(102, department="ops"),
        mentor(103),
        mentor(104, languages=frozenset({"de"}), capacity=3),
    ]
    excluded = {(2, 104): "Paired before.", (3, 101): "Declined.", (3, 102): "Declined."}
    result = match(mentees, mentors, Weights(), excluded=excluded, reference=WINTER)
    assert len(result.pairs) == 3  # 3 with 103, so 4 and 5 with 101 and 102
    assert reasons(result) == {
        1: "No mentor shares a language.",
        2: (
            "Every mentor who shares a language is excluded "
            "(same department: 2 mentors; on the mentee's do-not-pair list: 1 mentor)."
        ),
        104: "3 places left.",
    }


def test_a_mentee_whose_mentors_are_taken_hears_they_are_full():
    mentees = [mentee(1, preferences=(101,)), mentee(2)]
    result = match(mentees, [mentor(101)], ONLY_PREFERENCE, reference=WINTER)
    assert reasons(result) == {2: "The mentor who fits has no place left."}


def test_a_mentee_left_out_hears_which_mentors_are_full_and_which_are_excluded():
    # 101 fits and is full; 102 has a place left but declined both mentees.
    mentees = [mentee(1, preferences=(101,)), mentee(2)]
    excluded = {(m, 102): "The mentor declined this pairing." for m in (1, 2)}
    result = match(
        mentees, [mentor(101), mentor(102)], ONLY_PREFERENCE, excluded=excluded, reference=WINTER
    )
    assert reasons(result)[2] == (
        "The mentor who fits has no place left. The others are excluded "
        "(the mentor declined this pairing: 1 mentor)."
    )


def test_with_no_mentors_every_mentee_is_told_so():
    result = match([mentee(1)], [], Weights(), reference=WINTER)
    assert reasons(result) == {1: "There are no mentors to match with."}
    assert result.total_score == 0.0


def test_a_person_who_is_both_mentee_and_mentor_is_never_their_own_mentor():
    result = match([mentee(7)], [mentor(7), mentor(8)], Weights(), reference=WINTER)
    assert pair_ids(result) == {(7, 8)}


@pytest.mark.parametrize(
    "build",
    [
        lambda: mentor(channels=frozenset({"pigeon"})),
        lambda: mentor(contact_hours=((7, 0, 60),)),
        lambda: mentor(contact_hours=((0, 600, 600),)),
        lambda: mentor(capacity=-1),
        lambda: Weights(goals=-1),
        lambda: Weights(goals=float("nan")),
    ],
)
def test_impossible_values_are_refused_when_built(build: Callable[[], object]):
    with pytest.raises(MatchingError):
        build()


def test_a_person_listed_twice_is_refused():
    with pytest.raises(MatchingError, match="appears twice"):
        match([mentee(1), mentee(1)], [mentor()], Weights(), reference=WINTER)


def test_an_unknown_time_zone_names_the_person():
    lost = mentor(tz="Mars/Olympus", contact_hours=((0, 0, 60),))
    with pytest.raises(MatchingError, match="Person 101: unknown time zone"):
        match([mentee()], [lost], Weights(), reference=WINTER)


# --- Random instances -------------------------------------------------------------------------


def _window(day: int, one: int, other: int) -> tuple[int, int, int]:
    return (day, min(one, other), max(one, other))


# Strategies are built once: building them inside each draw makes the tests several times slower.
MINUTE = st.integers(0, 1440)
PERSON = st.fixed_dictionaries(
    {
        "field": st.sampled_from(("", "law", "Law", "tech")),
        "terms": st.frozensets(
            st.sampled_from(("python", "leadership", "career", "finance", "design")), max_size=4
        ),
        "languages": st.sampled_from(("en", "en", "en", "en fr", "fr", "de en", "de")).map(
            lambda codes: frozenset(codes.split())
        ),
        "tz": st.sampled_from(
            ("UTC", "Europe/London", "America/New_York", "Asia/Kathmandu", "Australia/Sydney")
        ),
        "contact_hours": st.lists(
            st.builds(_window, st.integers(0, 6), MINUTE, MINUTE).filter(lambda w: w[1] < w[2]),
            max_size=3,
        ).map(tuple),
        "years": st.integers(0, 35),
        "channels": st.frozensets(st.sampled_from(CHANNELS)),
        "city": st.sampled_from(("", "Leeds", "leeds", "York")),
        "department": st.sampled_from(("", "", "ops", "sales", "Sales", "hr")),
        "manager_email": st.sampled_from(("", "", "", "m1@x.org", "m2@x.org")),
        "email": st.sampled_from(("", "own", "own", "m1@x.org")),
    }
)
CAPACITY = st.integers(1, 3)
PEOPLE = st.sampled_from(range(8))  # uniform: integers() would favour the smallest instances
IDS = st.permutations(range(1, 13))  # ids overlap, so some people are both mentee and mentor
WEIGHTS = st.builds(Weights, **dict.fromkeys(CRITERIA, st.sampled_from((0.0, 0.5, 1.0, 2.5, 5.0))))
REFERENCE = st.dates(date(2026, 1, 1), date(2026, 12, 31))
REASON = st.sampled_from(("Paired before.", "Declined.", "Forbidden by an admin."))
# Sometimes many pairs are excluded: scarce choices are where matching the most people and
# scoring the highest total pull apart.
EXCLUDED_SHARE = st.sampled_from((0.0, 0.2, 0.5, 0.7))


def person(draw: st.DrawFn, person_id: int) -> dict[str, Any]:
    fields = draw(PERSON)
    if fields["email"] == "own":
        fields["email"] = f"p{person_id}@x.org"
    return {"id": person_id, **fields}


@st.composite
def instances(draw: st.DrawFn, locks: bool = True) -> dict[str, Any]:
    """Up to 7 mentees x 7 mentors with capacities 1-3, exclusions of every kind, and locks."""
    mentee_ids = draw(IDS)[: draw(PEOPLE)]
    mentor_ids = draw(IDS)[: draw(PEOPLE)]
    mentors = [Mentor(**person(draw, i), capacity=draw(CAPACITY)) for i in mentor_ids]
    mentees = [Mentee(**person(draw, i)) for i in mentee_ids]
    case = {
        "mentees": mentees,
        "mentors": mentors,
        "weights": draw(WEIGHTS),
        "excluded": {},
        "locked": [],
        "reference": draw(REFERENCE),
    }
    if not (mentees and mentors):
        return case
    some_mentor = st.sampled_from(mentor_ids)
    case["mentees"] = mentees = [
        replace(
            a,
            preferences=tuple(draw(st.lists(some_mentor, max_size=3))),
            must_not=draw(st.frozensets(some_mentor, max_size=1)),
        )
        for a in mentees
    ]
    all_pairs = st.sampled_from([(a, b) for a in mentee_ids for b in mentor_ids])
    limit = int(len(mentee_ids) * len(mentor_ids) * draw(EXCLUDED_SHARE))
    case["excluded"] = excluded = draw(
        st.dictionaries(all_pairs, REASON, min_size=limit // 2, max_size=limit)
    )
    if locks:
        # Keep only locks that can hold: allowed, one per mentee, within the mentor's places.
        places = {b.id: b.capacity for b in mentors}
        mentee_by_id = {a.id: a for a in mentees}
        mentor_by_id = {b.id: b for b in mentors}
        locked = case["locked"]
        for a, b in draw(st.lists(all_pairs, max_size=3)):
            pair = (mentee_by_id[a], mentor_by_id[b])
            score = score_pair(
                *pair, case["weights"], excluded=excluded, reference=case["reference"]
            )
            if score.excluded is None and places[b] and a not in dict(locked):
                places[b] -= 1
                locked.append((a, b))
    return case


def brute_force(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    excluded: Mapping[tuple[int, int], str],
    locked: Collection[tuple[int, int]],
    reference: date,
) -> tuple[int, float]:
    """The most pairs, then the best total: each free mentee takes a mentor with room or none."""
    scores = {
        (a.id, b.id): score_pair(a, b, weights, excluded=excluded, reference=reference)
        for a in mentees
        for b in mentors
    }
    places = {b.id: b.capacity for b in mentors}
    for _, b in locked:
        places[b] -= 1
    locked_mentees = {a for a, _ in locked}
    free = [a for a in mentees if a.id not in locked_mentees]
    options = [
        [
            (j, scores[a.id, b.id].total)
            for j, b in enumerate(mentors)
            if not scores[a.id, b.id].excluded
        ]
        for a in free
    ]

    @cache
    def best(i: int, left: tuple[int, ...]) -> tuple[int, float]:
        if i == len(free):
            return (0, 0.0)
        found = best(i + 1, left)  # this mentee stays unmatched
        for j, total in options[i]:
            if left[j]:
                count, rest = best(i + 1, (*left[:j], left[j] - 1, *left[j + 1 :]))
                found = max(found, (count + 1, rest + total))
        return found

    count, total = best(0, tuple(places[b.id] for b in mentors))
    return count + len(locked), total + sum(scores[pair].total for pair in locked)


@settings(max_examples=500, deadline=None)
@given(instances())
def test_the_solver_finds_the_brute_force_optimum_and_keeps_every_rule(case: dict[str, Any]):
    result = match(**case)
    best_count, best_total = brute_force(**case)
    assert len(result.pairs) == best_count
    assert result.total_score == pytest.approx(best_total, abs=1e-9)

    pairs = pair_ids(result)
    assert set(case["locked"]) <= pairs
    assert {(p.mentee_id, p.mentor_id) for p in result.pairs if p.locked} == set(case["locked"])
    for pair in result.pairs:
        a = next(x for x in case["mentees"] if x.id == pair.mentee_id)
        b = next(x for x in case["mentors"] if x.id == pair.mentor_id)
        kwargs = {"excluded": case["excluded"], "reference": case["reference"]}
        assert score_pair(a, b, case["weights"], **kwargs).excluded is None
    taken = Counter(b for _, b in pairs)
    assert all(taken[b.id] <= b.capacity for b in case["mentors"])
    matched = [a for a, _ in pairs]
    assert len(matched) == len(set(matched))

    unmatched = {(u.role, u.person_id): u.reason for u in result.unmatched}
    for a in case["mentees"]:
        assert (a.id in matched) != (("mentee", a.id) in unmatched)
    for b in case["mentors"]:
        left = b.capacity - taken[b.id]
        expected = f"{left} place{'s' if left > 1 else ''} left." if left else None
        assert unmatched.get(("mentor", b.id)) == expected


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_input(
    case: dict[str, Any], rng: random.Random
):
    first = match(**case)
    assert match(**case) == first
    shuffled = dict(case)
    for key in ("mentees", "mentors", "locked"):
        shuffled[key] = rng.sample(case[key], len(case[key]))
    shuffled["excluded"] = dict(rng.sample(list(case["excluded"].items()), len(case["excluded"])))
    assert match(**shuffled) == first


@settings(max_examples=200, deadline=None)
@given(instances(locks=False))
def test_score_pair_agrees_with_the_scores_match_uses(case: dict[str, Any]):
    kwargs = {"excluded": case["excluded"], "reference": case["reference"]}
    matrix = score_matrix(case["mentees"], case["mentors"], case["weights"], **kwargs)
    for i, a in enumerate(matrix.mentees):
        for j, b in enumerate(matrix.mentors):
            expected = score_pair(a, b, case["weights"], **kwargs)
            got = matrix.pair_score(i, j)
            assert got.excluded == expected.excluded
            assert got.total == pytest.approx(expected.total, abs=1e-9)
            for name in CRITERIA:
                assert got.criteria[name] == pytest.approx(expected.criteria[name], abs=1e-9)


def test_a_same_answer_scores_higher_with_a_weight_and_equal_with_weight_zero():
    site = (("q7", frozenset({"Leeds"})),)
    same = mentor(101, answers=site)
    other = mentor(102, answers=(("q7", frozenset({"Lyon"})),))
    alice = mentee(answers=site)
    counts = Weights(answers=(("q7", 2.0),))
    ignored = Weights(answers=(("q7", 0.0),))

    assert score_pair(alice, same, counts, reference=WINTER).criteria["q7"] == 1.0
    assert score_pair(alice, other, counts, reference=WINTER).criteria["q7"] == 0.0
    assert (
        score_pair(alice, same, counts, reference=WINTER).total
        == score_pair(alice, other, counts, reference=WINTER).total + 2.0
    )
    assert (
        score_pair(alice, same, ignored, reference=WINTER).total
        == score_pair(alice, other, ignored, reference=WINTER).total
    )
    assert match([alice], [other, same], counts, reference=WINTER).pairs[0].mentor_id == 101


def test_several_choices_score_the_share_in_common_alike_in_the_matrix_and_one_by_one():
    weights = Weights(answers=(("q1", 1.0), ("q2", 3.0)))
    mentees = [
        mentee(1, answers=(("q1", frozenset({"go", "rust"})), ("q2", frozenset({"a"})))),
        mentee(2, answers=(("q1", frozenset({"python"})),)),
    ]
    mentors = [
        mentor(101, answers=(("q1", frozenset({"go", "python"})), ("q2", frozenset({"a"})))),
        mentor(102),
    ]

    matrix = score_matrix(mentees, mentors, weights, reference=WINTER)

    assert score_pair(mentees[0], mentors[0], weights, reference=WINTER).criteria["q1"] == 1 / 3
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            one = score_pair(a, b, weights, reference=WINTER)
            assert matrix.pair_score(i, j) == one
    assert matrix.pair_score(0, 1).criteria == dict.fromkeys(weights.names, 0.0)


def test_an_answer_criterion_may_not_reuse_a_criterions_name():
    with pytest.raises(MatchingError):
        Weights(answers=(("field", 1.0),))
    with pytest.raises(MatchingError):
        Weights(answers=(("q1", -1.0),))
