"""The matching engine: score every (mentee, mentor) pair, then find the best assignment.

Pure Python, NumPy and SciPy, with no Django and no database, so it can be tested and benchmarked
alone. The services turn rows into `Mentee` and `Mentor` values, call `match`, and save the
`MatchResult` as a match run an admin reviews.

How a pair is scored. Each criterion is a number in [0, 1] shown to the admin as it is, and the
pair's score is the sum of weight x criterion with the cohort's weights (`Weights`):

- field: 1 when both name the same field (ignoring case), else 0; an empty field never matches.
- goals: how much of the mentee's goals the mentor's expertise covers. The number of words they
  share, divided by the number of goal words the mentee has but at most 3, capped at 1: a mentee
  whose single goal word the mentor knows scores 1, and three shared words are always enough.
  Counting from the mentee's side (not the mentor's) keeps a mentor who lists one broad word from
  looking like a perfect fit for everyone who mentions it among many other goals.
- timezone: the hours a week when both people's contact hours are open at the same moment,
  compared in UTC for the cohort's first week (so daylight saving time is right for that week),
  divided by 6 and capped at 1: six shared hours a week are plenty for a session every week or two.
- seniority: the mentor's years of experience minus the mentee's. A gap of 5 to 15 years scores 1;
  the score falls in a straight line to 0 at a gap of 0 (and below) and at a gap of 30 (and above).
- channels: the channels both accept divided by the channels either accepts (Jaccard). "In
  person" counts as shared only when both name the same city; it still counts as wanted, so being
  in the same city never lowers the score.
- preference: 1.0, 0.66 or 0.33 when the mentor is the mentee's 1st, 2nd or 3rd choice, else 0.

Some pairs may never be matched, whatever their score (the first reason that applies is shown):
the same person on both sides; no shared language; the mentee asked never to be paired with the
mentor; a reason given by the caller (an earlier pairing, a decline, an admin's veto); one is the
other's manager; the same manager; the same department.

How the assignment is chosen: see `match`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linear_sum_assignment

CRITERIA = ("field", "goals", "timezone", "seniority", "channels", "preference")
CHANNELS = ("video", "phone", "chat", "email", "in_person")
IN_PERSON = "in_person"

PREFERENCE_VALUES = (1.0, 0.66, 0.33)  # the mentee's 1st, 2nd and 3rd choice
GOAL_WORDS_FOR_FULL_SCORE = 3
FULL_OVERLAP_MINUTES = 6 * 60  # six shared contact hours a week score 1
SENIORITY_FULL_FROM = 5  # years of gap where the seniority score reaches 1...
SENIORITY_FULL_UNTIL = 15  # ...and where it starts to fall again...
SENIORITY_ZERO_AT = 30  # ...to reach 0 here
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

# English words that say how someone wants something rather than what: left in, they would
# count as goals and dilute the goals score of a mentee who writes in full sentences.
_STOPWORD_TEXT = """
    able about above after again against all also and any are aren arent because become
    becoming been before being below better between both but can cannot cant could couldn did
    didn didnt does doesn doesnt doing don dont down during each few for from further get gets
    getting got had has have having help her here hers herself him himself his how improve
    improving into isn isnt its itself ive just learn let lets like lot lots more most
    much must myself need needs nor not now off once only other our ours ourselves out over own
    really same shall she should skill skills some such than that the their theirs them
    themselves then there these they thing things this those through too under until very want
    wanted wanting wants was wasn way ways well were what when where which while who whom why
    will with won wont would you your youre yours yourself yourselves youve
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters, in any script
_APOSTROPHES = str.maketrans("", "", "'\u2019")


class MatchingError(ValueError):
    """The input contradicts itself (a locked pair that is excluded, a duplicate id, ...)."""


@dataclass(frozen=True, slots=True)
class Participant:
    """What matching needs to know about a person; the services build it from their profile."""

    id: int  # the user id
    field: str  # e.g. "technology" ("" when unknown)
    terms: frozenset[str]  # lowercase words: a mentee's goals, a mentor's expertise
    languages: frozenset[str]  # ISO 639-1 codes
    tz: str  # IANA zone
    contact_hours: tuple[tuple[int, int, int], ...]  # (weekday 0=Mon, start, end minute), local
    years: int  # years of experience
    channels: frozenset[str]  # subset of CHANNELS
    city: str = ""
    department: str = ""
    manager_email: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        unknown = self.channels - set(CHANNELS)
        if unknown:
            raise MatchingError(f"Person {self.id}: unknown channels {sorted(unknown)}.")
        for weekday, start, end in self.contact_hours:
            if not (0 <= weekday <= 6 and 0 <= start < end <= MINUTES_PER_DAY):
                raise MatchingError(
                    f"Person {self.id}: contact hours {(weekday, start, end)} are not a window "
                    "within one day (weekday 0-6, 0 <= start < end <= 1440)."
                )


@dataclass(frozen=True, slots=True)
class Mentee(Participant):
    preferences: tuple[int, ...] = ()  # mentor ids, most wanted first (up to 3)
    must_not: frozenset[int] = frozenset()  # user ids never to be paired with


@dataclass(frozen=True, slots=True)
class Mentor(Participant):
    capacity: int = 1

    def __post_init__(self) -> None:
        # Explicit base call: zero-argument super() breaks in slotted dataclasses before 3.14.
        Participant.__post_init__(self)
        if self.capacity < 0:
            raise MatchingError(f"Mentor {self.id}: capacity {self.capacity} is negative.")


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts in a cohort; each weight is >= 0."""

    field: float = 1.0
    goals: float = 1.0
    timezone: float = 1.0
    seniority: float = 1.0
    channels: float = 1.0
    preference: float = 1.0

    def __post_init__(self) -> None:
        for name in CRITERIA:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise MatchingError(f"Weight {name} must be a number >= 0, not {value!r}.")


@dataclass(frozen=True)
class PairScore:
    total: float  # sum of weight * criterion
    criteria: dict[str, float]  # each criterion's raw value in [0, 1], keys = CRITERIA
    excluded: str | None  # the reason when this pair may never be matched


@dataclass(frozen=True)
class ProposedPair:
    mentee_id: int
    mentor_id: int
    score: float
    criteria: dict[str, float]
    locked: bool


@dataclass(frozen=True)
class Unmatched:
    person_id: int
    role: str  # "mentee" | "mentor"
    reason: str  # a sentence an admin understands, e.g. "No mentor shares a language."


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[ProposedPair, ...]  # lowest score first
    unmatched: tuple[Unmatched, ...]  # mentees without a mentor; mentors with capacity left
    total_score: float  # sum of pair scores


_NO_EXCLUSIONS: Mapping[tuple[int, int], str] = MappingProxyType({})


def terms_from_text(text: str) -> frozenset[str]:
    """The words of a goals or expertise text: lowercase, without stopwords or words < 3 letters.

    Digits and punctuation split words ("python3" gives "python", "front-end" gives "front" and
    "end"); apostrophes are dropped first so "don't" is one (stop)word.
    """
    words = _WORD.findall(text.translate(_APOSTROPHES).casefold())
    return frozenset(word for word in words if len(word) >= 3 and word not in STOPWORDS)


# --- Exclusions -------------------------------------------------------------------------------


class Why(IntEnum):
    """Why a pair is excluded; a smaller number wins when several apply."""

    ALLOWED = 0
    SAME_PERSON = 1
    NO_LANGUAGE = 2
    MUST_NOT = 3
    CALLER = 4  # the caller's `excluded` map says why
    MENTOR_MANAGES = 5
    MENTEE_MANAGES = 6
    SAME_MANAGER = 7
    SAME_DEPARTMENT = 8


_WHY_TEXT = {
    Why.SAME_PERSON: "Mentee and mentor are the same person.",
    Why.NO_LANGUAGE: "They share no language.",
    Why.MUST_NOT: "The mentee asked never to be paired with this mentor.",
    Why.MENTOR_MANAGES: "The mentor is the mentee's manager.",
    Why.MENTEE_MANAGES: "The mentee is the mentor's manager.",
    Why.SAME_MANAGER: "They have the same manager.",
    Why.SAME_DEPARTMENT: "They work in the same department.",
}
_CALLER_FALLBACK = "Excluded for this cohort."
# The short kind of each reason, for the one-line summary of an unmatched mentee (who is never
# told about their own mentor entry, nor about mentors without a shared language, there).
_WHY_KIND = {
    Why.MUST_NOT: "on the mentee's do-not-pair list",
    Why.MENTOR_MANAGES: "manager and report",
    Why.MENTEE_MANAGES: "manager and report",
    Why.SAME_MANAGER: "same manager",
    Why.SAME_DEPARTMENT: "same department",
}


def _key(text: str) -> str:
    """The form in which two names count as equal: trimmed, case-folded."""
    return text.strip().casefold()


def _languages(person: Participant) -> frozenset[str]:
    return frozenset(code for code in map(_key, person.languages) if code)


def _caller_reason(excluded: Mapping[tuple[int, int], str], pair: tuple[int, int]) -> str:
    return excluded[pair].strip() or _CALLER_FALLBACK


def _why(mentee: Mentee, mentor: Mentor, excluded: Mapping[tuple[int, int], str]) -> Why:
    """The first rule that forbids this pair, in the order of `Why`."""
    if mentee.id == mentor.id:
        return Why.SAME_PERSON
    if not _languages(mentee) & _languages(mentor):
        return Why.NO_LANGUAGE
    if mentor.id in mentee.must_not:
        return Why.MUST_NOT
    if (mentee.id, mentor.id) in excluded:
        return Why.CALLER
    if _key(mentee.manager_email) and _key(mentee.manager_email) == _key(mentor.email):
        return Why.MENTOR_MANAGES
    if _key(mentor.manager_email) and _key(mentor.manager_email) == _key(mentee.email):
        return Why.MENTEE_MANAGES
    if _key(mentee.manager_email) and _key(mentee.manager_email) == _key(mentor.manager_email):
        return Why.SAME_MANAGER
    if _key(mentee.department) and _key(mentee.department) == _key(mentor.department):
        return Why.SAME_DEPARTMENT
    return Why.ALLOWED


# --- Contact hours ----------------------------------------------------------------------------


def _week_monday(reference: date) -> date:
    day = date(reference.year, reference.month, reference.day)  # a datetime counts as its date
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=1024)
def _zone(tz: str) -> ZoneInfo:
    # ZoneInfo keeps only a few zones alive by itself; a cohort spans dozens.
    return ZoneInfo(tz)


@lru_cache(maxsize=16384)
def _utc_week_intervals(
    tz: str, contact_hours: tuple[tuple[int, int, int], ...], monday: date
) -> tuple[tuple[int, int], ...]:
    """Contact hours as disjoint, sorted [start, end) minutes since Monday 00:00 UTC of the week.

    Each local window is placed on its day of the week that starts on `monday` and converted with
    that day's UTC offset, so a week between two countries' clock changes gets the real offset.
    Weekly windows repeat, so a window pushed past either end of the UTC week wraps around (a
    Sunday evening in New York is a Monday morning in UTC). Overlapping windows are merged.
    """
    if not contact_hours:
        return ()
    zone = _zone(tz)
    week_start = datetime.combine(monday, time(0), tzinfo=UTC)
    one_minute = timedelta(minutes=1)
    pieces: list[tuple[int, int]] = []
    for weekday, start, end in contact_hours:
        # Adding minutes to an aware datetime moves its wall-clock time: start and end are local
        # clock readings, and each gets the UTC offset in force at that reading.
        midnight = datetime.combine(monday + timedelta(days=weekday), time(0), tzinfo=zone)
        utc_start = (midnight + timedelta(minutes=start) - week_start) // one_minute
        utc_end = (midnight + timedelta(minutes=end) - week_start) // one_minute
        if utc_end <= utc_start:  # a window entirely inside a spring-forward gap
            continue
        first = utc_start % MINUTES_PER_WEEK
        last = first + (utc_end - utc_start)
        if last <= MINUTES_PER_WEEK:
            pieces.append((first, last))
        else:
            pieces.extend([(first, MINUTES_PER_WEEK), (0, last - MINUTES_PER_WEEK)])
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _intervals(person: Participant, monday: date) -> tuple[tuple[int, int], ...]:
    try:
        return _utc_week_intervals(person.tz, person.contact_hours, monday)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise MatchingError(f"Person {person.id}: unknown time zone {person.tz!r}.") from exc


def _overlap_minutes(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


# --- Scoring one pair -------------------------------------------------------------------------


def _goals(goals: frozenset[str], expertise: frozenset[str]) -> float:
    if not goals:
        return 0.0
    return min(1.0, len(goals & expertise) / min(len(goals), GOAL_WORDS_FOR_FULL_SCORE))


def _seniority(gap: int) -> float:
    rise = gap / SENIORITY_FULL_FROM
    fall = (SENIORITY_ZERO_AT - gap) / (SENIORITY_ZERO_AT - SENIORITY_FULL_UNTIL)
    return max(0.0, min(1.0, rise, fall))


def _same_city(mentee: Participant, mentor: Participant) -> bool:
    return bool(_key(mentee.city)) and _key(mentee.city) == _key(mentor.city)


def _weighted_total(criteria: Mapping[str, float], weights: Weights) -> float:
    total = 0.0
    for name in CRITERIA:  # the same order as `score_matrix`, so both round alike
        total += getattr(weights, name) * criteria[name]
    return total


def score_pair(
    mentee: Mentee,
    mentor: Mentor,
    weights: Weights,
    *,
    excluded: Mapping[tuple[int, int], str] = _NO_EXCLUSIONS,
    reference: date,
) -> PairScore:
    """Score one pair by the rules in this module's docstring, and say if it is excluded.

    `excluded` maps (mentee id, mentor id) to the caller's reason; `reference` is a day in the
    cohort's first week, whose UTC offsets place the contact hours. Gives the same numbers as
    `score_matrix` (which `match` uses), one pair at a time.
    """
    monday = _week_monday(reference)
    field_key = _key(mentee.field)
    shared_channels = mentee.channels & mentor.channels
    if not _same_city(mentee, mentor):
        shared_channels -= {IN_PERSON}
    all_channels = mentee.channels | mentor.channels
    chosen = mentee.preferences[: len(PREFERENCE_VALUES)]
    minutes = _overlap_minutes(_intervals(mentee, monday), _intervals(mentor, monday))
    criteria = {
        "field": 1.0 if field_key and field_key == _key(mentor.field) else 0.0,
        "goals": _goals(mentee.terms, mentor.terms),
        "timezone": min(1.0, minutes / FULL_OVERLAP_MINUTES),
        "seniority": _seniority(mentor.years - mentee.years),
        "channels": len(shared_channels) / len(all_channels) if all_channels else 0.0,
        "preference": PREFERENCE_VALUES[chosen.index(mentor.id)] if mentor.id in chosen else 0.0,
    }
    why = _why(mentee, mentor, excluded)
    reason = None
    if why == Why.CALLER:
        reason = _caller_reason(excluded, (mentee.id, mentor.id))
    elif why != Why.ALLOWED:
        reason = _WHY_TEXT[why]
    return PairScore(total=_weighted_total(criteria, weights), criteria=criteria, excluded=reason)


# --- Scoring every pair at once ---------------------------------------------------------------


FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)  # arrays have no single truth value to compare by
class ScoreMatrix:
    """Every pair's scores: rows are mentees and columns mentors, each sorted by id."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    total: FloatMatrix  # weighted sum, as PairScore.total
    criteria: dict[str, FloatMatrix]  # keys = CRITERIA, values in [0, 1]
    why: npt.NDArray[np.int8]  # a `Why` per pair; 0 = allowed
    excluded: Mapping[tuple[int, int], str]  # the caller's reasons, for `Why.CALLER`

    def pair_score(self, row: int, column: int) -> PairScore:
        """The `PairScore` of one cell, as `score_pair` would give it."""
        why = Why(int(self.why[row, column]))
        reason = None
        if why == Why.CALLER:
            reason = _caller_reason(self.excluded, (self.mentees[row].id, self.mentors[column].id))
        elif why != Why.ALLOWED:
            reason = _WHY_TEXT[why]
        return PairScore(
            total=float(self.total[row, column]),
            criteria={name: float(self.criteria[name][row, column]) for name in CRITERIA},
            excluded=reason,
        )


def _codes(values: Iterable[str], table: dict[str, int]) -> npt.NDArray[np.int64]:
    """An integer per value, equal for equal keys (`_key`), -1 for an empty value."""
    codes = [table.setdefault(k, len(table)) if (k := _key(value)) else -1 for value in values]
    return np.array(codes, dtype=np.int64)


def _equal(rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    return (rows[:, None] == columns[None, :]) & (rows[:, None] >= 0)


def _incidence(sets: Sequence[Iterable[str]], table: dict[str, int]) -> sparse.csr_matrix:
    """A 0/1 sparse matrix: row i has a 1 in the column of each word of sets[i]."""
    indptr = [0]
    indices: list[int] = []
    for words in sets:
        indices.extend(table[word] for word in words)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), indices, indptr),
        shape=(len(sets), len(table)),
    )


def _hour_cover(
    intervals: Sequence[Sequence[tuple[int, int]]], bounds: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """Row i: 1 on each elementary segment [bounds[k], bounds[k+1]) inside person i's hours."""
    marks = np.zeros((len(intervals), len(bounds)), dtype=np.int8)
    rows = [i for i, spans in enumerate(intervals) for _ in spans]
    starts = [start for spans in intervals for start, _ in spans]
    ends = [end for spans in intervals for _, end in spans]
    np.add.at(marks, (rows, np.searchsorted(bounds, starts)), 1)
    np.add.at(marks, (rows, np.searchsorted(bounds, ends)), -1)
    return (np.cumsum(marks, axis=1, dtype=np.int8)[:, :-1] > 0).astype(np.float32)


def _overlap_matrix(
    mentee_hours: Sequence[Sequence[tuple[int, int]]],
    mentor_hours: Sequence[Sequence[tuple[int, int]]],
) -> FloatMatrix:
    """Shared contact minutes of every pair, exactly.

    The week is cut at every window edge of anyone, so each elementary segment is wholly inside
    or outside each person's hours; the shared minutes are then one matrix product of 0/1 cover
    matrices weighted by segment length. With minute edges the sums are integers below 2**24,
    which float32 holds exactly, whatever order BLAS adds them in.
    """
    edges = {0, MINUTES_PER_WEEK}
    for spans in (*mentee_hours, *mentor_hours):
        for start, end in spans:
            edges.update((start, end))
    bounds = np.array(sorted(edges), dtype=np.int64)
    lengths = np.diff(bounds).astype(np.float32)
    mentee_cover = _hour_cover(mentee_hours, bounds)
    mentor_cover = _hour_cover(mentor_hours, bounds) * lengths
    return (mentee_cover @ mentor_cover.T).astype(np.float64)


_Person = TypeVar("_Person", bound=Participant)


def _sorted_unique(people: Sequence[_Person], role: str) -> tuple[_Person, ...]:
    ordered = tuple(sorted(people, key=lambda person: person.id))
    for before, after in itertools.pairwise(ordered):
        if before.id == after.id:
            raise MatchingError(f"The {role} {after.id} appears twice.")
    return ordered


def score_matrix(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    *,
    excluded: Mapping[tuple[int, int], str] = _NO_EXCLUSIONS,
    reference: date,
) -> ScoreMatrix:
    """Score all pairs at once with NumPy: the same rules and numbers as `score_pair`.

    Names (field, city, department, e-mail addresses) become integer codes compared by
    broadcasting; words, languages and channels become 0/1 matrices whose products count what
    two people share; contact hours become a cover of the UTC week (see `_overlap_matrix`).
    """
    mentees = _sorted_unique(mentees, "mentee")
    mentors = _sorted_unique(mentors, "mentor")
    monday = _week_monday(reference)
    n, m = len(mentees), len(mentors)

    names: dict[str, int] = {}
    same_field = _equal(
        _codes((p.field for p in mentees), names), _codes((p.field for p in mentors), names)
    )

    words: dict[str, int] = {}
    for person in (*mentees, *mentors):
        for word in person.terms:
            words.setdefault(word, len(words))
    shared_words = (
        (
            _incidence([p.terms for p in mentees], words)
            @ _incidence([p.terms for p in mentors], words).T
        )
        .toarray()
        .astype(np.float64)
    )
    goal_counts = np.minimum(
        np.array([len(p.terms) for p in mentees], dtype=np.float64), GOAL_WORDS_FOR_FULL_SCORE
    )
    goals = np.zeros((n, m))
    np.divide(shared_words, goal_counts[:, None], out=goals, where=goal_counts[:, None] > 0)
    np.minimum(goals, 1.0, out=goals)

    minutes = _overlap_matrix(
        [_intervals(p, monday) for p in mentees], [_intervals(p, monday) for p in mentors]
    )
    timezone = np.minimum(minutes / FULL_OVERLAP_MINUTES, 1.0)

    gap = (
        np.array([p.years for p in mentors], dtype=np.int64)[None, :]
        - np.array([p.years for p in mentees], dtype=np.int64)[:, None]
    )
    rise = gap / SENIORITY_FULL_FROM
    fall = (SENIORITY_ZERO_AT - gap) / (SENIORITY_ZERO_AT - SENIORITY_FULL_UNTIL)
    seniority = np.clip(np.minimum(rise, fall), 0.0, 1.0)

    channel_index = {name: i for i, name in enumerate(CHANNELS)}
    mentee_channels = _incidence([p.channels for p in mentees], channel_index).toarray()
    mentor_channels = _incidence([p.channels for p in mentors], channel_index).toarray()
    both = (mentee_channels @ mentor_channels.T).astype(np.float64)
    either = mentee_channels.sum(axis=1)[:, None] + mentor_channels.sum(axis=1)[None, :] - both
    cities: dict[str, int] = {}
    same_city = _equal(
        _codes((p.city for p in mentees), cities), _codes((p.city for p in mentors), cities)
    )
    in_person = channel_index[IN_PERSON]
    both -= (
        (mentee_channels[:, in_person, None] > 0)
        & (mentor_channels[None, :, in_person] > 0)
        & ~same_city
    ).astype(np.float64)
    channels = np.zeros((n, m))
    np.divide(both, either, out=channels, where=either > 0)

    column_of = {p.id: j for j, p in enumerate(mentors)}
    preference = np.zeros((n, m))
    for i, mentee in enumerate(mentees):
        for rank, mentor_id in enumerate(mentee.preferences[: len(PREFERENCE_VALUES)]):
            j = column_of.get(mentor_id)
            if j is not None and preference[i, j] == 0.0:  # a repeated id keeps its best rank
                preference[i, j] = PREFERENCE_VALUES[rank]

    criteria = {
        "field": same_field.astype(np.float64),
        "goals": goals,
        "timezone": timezone,
        "seniority": seniority,
        "channels": channels,
        "preference": preference,
    }
    total = np.zeros((n, m))
    for name in CRITERIA:  # the same order as `_weighted_total`, so both round alike
        total += getattr(weights, name) * criteria[name]

    why = _why_matrix(mentees, mentors, excluded)
    return ScoreMatrix(mentees, mentors, total, criteria, why, dict(excluded))


def _why_matrix(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], excluded: Mapping[tuple[int, int], str]
) -> npt.NDArray[np.int8]:
    """`_why` for every pair: rules are applied from the last to the first, so the first wins."""
    n, m = len(mentees), len(mentors)
    why = np.zeros((n, m), dtype=np.int8)
    departments: dict[str, int] = {}
    why[
        _equal(
            _codes((p.department for p in mentees), departments),
            _codes((p.department for p in mentors), departments),
        )
    ] = Why.SAME_DEPARTMENT
    emails: dict[str, int] = {}
    mentee_manager = _codes((p.manager_email for p in mentees), emails)
    mentor_manager = _codes((p.manager_email for p in mentors), emails)
    why[_equal(mentee_manager, mentor_manager)] = Why.SAME_MANAGER
    why[_equal(_codes((p.email for p in mentees), emails), mentor_manager)] = Why.MENTEE_MANAGES
    why[_equal(mentee_manager, _codes((p.email for p in mentors), emails))] = Why.MENTOR_MANAGES

    row_of = {p.id: i for i, p in enumerate(mentees)}
    column_of = {p.id: j for j, p in enumerate(mentors)}
    for mentee_id, mentor_id in excluded:
        if mentee_id in row_of and mentor_id in column_of:
            why[row_of[mentee_id], column_of[mentor_id]] = Why.CALLER
    for i, mentee in enumerate(mentees):
        for mentor_id in mentee.must_not:
            if mentor_id in column_of:
                why[i, column_of[mentor_id]] = Why.MUST_NOT

    codes: dict[str, int] = {}
    for person in (*mentees, *mentors):
        for code in _languages(person):
            codes.setdefault(code, len(codes))
    mentee_languages = _incidence([_languages(p) for p in mentees], codes).toarray()
    mentor_languages = _incidence([_languages(p) for p in mentors], codes).toarray()
    why[(mentee_languages @ mentor_languages.T) == 0] = Why.NO_LANGUAGE

    same_person = (
        np.array([p.id for p in mentees])[:, None] == np.array([p.id for p in mentors])[None, :]
    )
    why[same_person] = Why.SAME_PERSON
    return why


# --- The assignment ---------------------------------------------------------------------------


def _assign(
    total: FloatMatrix, allowed: npt.NDArray[np.bool_], slots: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The best (row, mentor column) pairs: most pairs first, then the highest total score.

    Each mentor becomes `slots[j]` identical columns, one per free place, and
    `linear_sum_assignment` finds the exact optimum of the rectangular problem. See `match` for
    the objective.
    """
    slot_owner = np.repeat(np.arange(len(slots)), slots)
    if total.shape[0] == 0 or slot_owner.size == 0 or not allowed.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # Any matching of k allowed pairs earns at least k * bonus; one of k - 1 pairs at most
    # (k - 1) * (bonus + best), which is less because bonus > (pairs - 1) * best. So the solver
    # matches as many people as it can, and among those matchings takes the best total score.
    pairs = min(total.shape[0], slot_owner.size)
    bonus = 1.0 + pairs * float(total[allowed].max())
    # An excluded cell is worth 0, and a solution using it is read as leaving both people
    # unmatched. That loses nothing: every partial matching of allowed pairs fills up to a full
    # assignment with cells worth >= 0 and so is worth no more than the full assignment; and a
    # full assignment is worth exactly its allowed cells, since excluded cells add 0. So the best
    # full assignment's allowed cells are a best matching. (Infinite costs instead could make
    # `linear_sum_assignment` report an infeasible problem.)
    gain = np.where(allowed, total + bonus, 0.0)
    rows, columns = linear_sum_assignment(gain[:, slot_owner], maximize=True)
    mentor_columns = slot_owner[columns]
    kept = allowed[rows, mentor_columns]
    return rows[kept], mentor_columns[kept]


def match(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    *,
    excluded: Mapping[tuple[int, int], str] = _NO_EXCLUSIONS,
    locked: Collection[tuple[int, int]] = (),
    reference: date,
) -> MatchResult:
    """Propose the best pairs for a cohort; raises MatchingError when the input contradicts itself.

    The objective, exactly optimised under the mentors' capacities: first match as many mentees
    as possible, then, among the matchings of that size, take the highest sum of pair scores.
    (Inside the solver each allowed pair earns a fixed bonus large enough that one more pair
    always beats any gain in score; the bonus is never reported: `ProposedPair.score` and
    `MatchResult.total_score` are plain sums of weight x criterion.)

    `excluded` maps (mentee id, mentor id) to the caller's reason for never pairing them.
    `reference` is a day in the cohort's first week: contact hours are placed in that Monday to
    Sunday week and converted to UTC with the offsets in force then.

    Pairs in `locked` (mentee id, mentor id), fixed by an admin, are kept as they are and use up
    their mentor's places; everyone else is optimised around them. A locked pair that is excluded,
    a mentee locked twice, a mentor locked beyond capacity or an unknown id raises MatchingError.

    The result does not depend on the order of the inputs: people are sorted by id first and the
    solver is deterministic, so equal scores always resolve the same way. Pairs come lowest score
    first (then by mentee id, then mentor id); unmatched mentees come first, by id, with the most
    specific reason, then mentors with places left, by id.
    """
    scores = score_matrix(mentees, mentors, weights, excluded=excluded, reference=reference)
    mentees, mentors = scores.mentees, scores.mentors
    allowed = scores.why == Why.ALLOWED
    row_of = {p.id: i for i, p in enumerate(mentees)}
    column_of = {p.id: j for j, p in enumerate(mentors)}
    capacity = np.array([p.capacity for p in mentors], dtype=np.int64)

    locked_rows: dict[int, int] = {}
    for mentee_id, mentor_id in sorted(set(locked)):
        if mentee_id not in row_of or mentor_id not in column_of:
            raise MatchingError(
                f"Locked pair ({mentee_id}, {mentor_id}): unknown mentee or mentor."
            )
        i, j = row_of[mentee_id], column_of[mentor_id]
        if i in locked_rows:
            raise MatchingError(f"Mentee {mentee_id} is locked to more than one mentor.")
        if not allowed[i, j]:
            reason = scores.pair_score(i, j).excluded
            raise MatchingError(f"Locked pair ({mentee_id}, {mentor_id}) is excluded: {reason}")
        locked_rows[i] = j
    used = np.bincount(np.array(list(locked_rows.values()), dtype=np.int64), minlength=len(mentors))
    if (used > capacity).any():
        j = int(np.argmax(used > capacity))
        raise MatchingError(f"Mentor {mentors[j].id} has more locked pairs than places.")

    free_rows = np.array([i for i in range(len(mentees)) if i not in locked_rows], dtype=np.int64)
    rows, columns = _assign(scores.total[free_rows], allowed[free_rows], capacity - used)
    chosen = dict(locked_rows)
    chosen.update(zip(free_rows[rows].tolist(), columns.tolist(), strict=True))

    pairs = sorted(
        (
            ProposedPair(
                mentee_id=mentees[i].id,
                mentor_id=mentors[j].id,
                score=float(scores.total[i, j]),
                criteria={name: float(scores.criteria[name][i, j]) for name in CRITERIA},
                locked=i in locked_rows,
            )
            for i, j in chosen.items()
        ),
        key=lambda pair: (pair.score, pair.mentee_id, pair.mentor_id),
    )
    unmatched = [
        Unmatched(mentees[i].id, "mentee", _unmatched_reason(scores, i))
        for i in range(len(mentees))
        if i not in chosen
    ]
    left = capacity - np.bincount(
        np.array(list(chosen.values()), dtype=np.int64), minlength=len(mentors)
    )
    unmatched.extend(
        Unmatched(mentors[j].id, "mentor", f"{n} place{'s' if n > 1 else ''} left.")
        for j, n in enumerate(left.tolist())
        if n > 0
    )
    return MatchResult(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        total_score=math.fsum(pair.score for pair in pairs),
    )


def _unmatched_reason(scores: ScoreMatrix, row: int) -> str:
    """Why a mentee got no mentor, the most specific reason first."""
    why = scores.why[row]
    others = why != Why.SAME_PERSON
    if not others.any():
        return "There are no mentors to match with."
    speaks = others & (why != Why.NO_LANGUAGE)
    if not speaks.any():
        return "No mentor shares a language."
    if (why[speaks] != Why.ALLOWED).all():
        kinds: Counter[str] = Counter()
        mentee_id = scores.mentees[row].id
        for j in np.flatnonzero(speaks).tolist():
            if why[j] == Why.CALLER:
                reason = _caller_reason(scores.excluded, (mentee_id, scores.mentors[j].id))
                kinds[_kind(reason)] += 1
            else:
                kinds[_WHY_KIND[Why(int(why[j]))]] += 1
        ranked = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
        summary = "; ".join(
            f"{kind}: {count} mentor{'s' if count > 1 else ''}" for kind, count in ranked[:3]
        )
        if len(ranked) > 3:  # keep the sentence short; the pair scores hold every reason
            summary += f"; {len(ranked) - 3} other reasons"
        return f"Every mentor who shares a language is excluded ({summary})."
    # With mentors allowed, an optimum that matches as many as it can leaves this mentee out only
    # when each of them is full: a free place would have been one more pair.
    return "The mentors who fit are full."


def _kind(reason: str) -> str:
    """A caller's reason as a phrase inside a sentence: "Paired before." -> "paired before"."""
    phrase = reason.strip().rstrip(".")
    if len(phrase) > 1 and phrase[0].isupper() and not phrase[1].isupper():
        phrase = phrase[0].lower() + phrase[1:]
    return phrase
