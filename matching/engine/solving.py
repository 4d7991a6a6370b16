"""The assignment: the best pairs under the mentors' capacities, as the result an admin reviews."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from matching.engine.arrays import FloatMatrix
from matching.engine.exclusions import Why
from matching.engine.inputs import _NO_EXCLUSIONS, MatchingError, Mentee, Mentor, Weights
from matching.engine.reasons import _unmatched_reason
from matching.engine.scoring import score_matrix


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
                criteria={name: float(matrix[i, j]) for name, matrix in scores.criteria.items()},
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
