"""The criteria's scores: one pair with `score_pair`, every pair at once with `score_matrix`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from matching.engine.arrays import FloatMatrix, _codes, _equal, _incidence
from matching.engine.exclusions import Why, _reason, _why, _why_matrix
from matching.engine.hours import _intervals, _overlap_matrix, _overlap_minutes, _week_monday
from matching.engine.inputs import (
    _NO_EXCLUSIONS,
    CHANNELS,
    FULL_OVERLAP_MINUTES,
    GOAL_WORDS_FOR_FULL_SCORE,
    IN_PERSON,
    PREFERENCE_VALUES,
    SENIORITY_FULL_FROM,
    SENIORITY_FULL_UNTIL,
    SENIORITY_ZERO_AT,
    MatchingError,
    Mentee,
    Mentor,
    Participant,
    Weights,
    _key,
)


@dataclass(frozen=True)
class PairScore:
    total: float  # sum of weight * criterion
    criteria: dict[str, float]  # each criterion's raw value in [0, 1], keys = CRITERIA
    excluded: str | None  # the reason when this pair may never be matched


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
    for name, weight in weights.items():  # the same order as `score_matrix`: both round alike
        total += weight * criteria[name]
    return total


def _same_answer(a: frozenset[str], b: frozenset[str]) -> float:
    """1 for the same answer; for several choices, the share of all picked that both picked."""
    either = len(a | b)
    return len(a & b) / either if either else 0.0


def score_pair(
    mentee: Mentee,
    mentor: Mentor,
    weights: Weights,
    *,
    excluded: Mapping[tuple[int, int], str] = _NO_EXCLUSIONS,
    reference: date,
) -> PairScore:
    """Score one pair by the rules in the package's docstring, and say if it is excluded.

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
    for key, _weight in weights.answers:
        criteria[key] = _same_answer(mentee.answer(key), mentor.answer(key))
    reason = _reason(_why(mentee, mentor, excluded), excluded, (mentee.id, mentor.id))
    return PairScore(total=_weighted_total(criteria, weights), criteria=criteria, excluded=reason)


@dataclass(frozen=True, eq=False)  # arrays have no single truth value to compare by
class ScoreMatrix:
    """Every pair's scores: rows are mentees and columns mentors, each sorted by id."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    total: FloatMatrix  # weighted sum, as PairScore.total
    criteria: dict[str, FloatMatrix]  # keys = Weights.names, values in [0, 1]
    why: npt.NDArray[np.int8]  # a `Why` per pair; 0 = allowed
    excluded: Mapping[tuple[int, int], str]  # the caller's reasons, for `Why.CALLER`

    def pair_score(self, row: int, column: int) -> PairScore:
        """The `PairScore` of one cell, as `score_pair` would give it."""
        pair = (self.mentees[row].id, self.mentors[column].id)
        reason = _reason(Why(int(self.why[row, column])), self.excluded, pair)
        return PairScore(
            total=float(self.total[row, column]),
            criteria={name: float(matrix[row, column]) for name, matrix in self.criteria.items()},
            excluded=reason,
        )


_Person = TypeVar("_Person", bound=Participant)


def _sorted_unique(people: Sequence[_Person], role: str) -> tuple[_Person, ...]:
    ordered = tuple(sorted(people, key=lambda person: person.id))
    for before, after in itertools.pairwise(ordered):
        if before.id == after.id:
            raise MatchingError(f"The {role} {after.id} appears twice.")
    return ordered


def _same_answer_matrix(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], key: str
) -> FloatMatrix:
    """`_same_answer` of every pair for one question, from 0/1 matrices of the choices."""
    index: dict[str, int] = {}
    for person in (*mentees, *mentors):
        for choice in person.answer(key):
            index.setdefault(choice, len(index))
    if not index:
        return np.zeros((len(mentees), len(mentors)))
    a = _incidence([p.answer(key) for p in mentees], index).toarray().astype(np.float64)
    b = _incidence([p.answer(key) for p in mentors], index).toarray().astype(np.float64)
    both = a @ b.T
    either = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - both
    same = np.zeros_like(both)
    np.divide(both, either, out=same, where=either > 0)
    return same


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
    for key, _weight in weights.answers:
        criteria[key] = _same_answer_matrix(mentees, mentors, key)
    total = np.zeros((n, m))
    for name, weight in weights.items():  # the same order as `_weighted_total`: both round alike
        total += weight * criteria[name]

    why = _why_matrix(mentees, mentors, excluded)
    return ScoreMatrix(mentees, mentors, total, criteria, why, dict(excluded))
