"""The pairs that may never be matched, and why: one pair at a time or every pair at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from matching.engine.arrays import _codes, _equal, _incidence
from matching.engine.inputs import Mentee, Mentor, Participant, _key


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


def _languages(person: Participant) -> frozenset[str]:
    return frozenset(code for code in map(_key, person.languages) if code)


def _caller_reason(excluded: Mapping[tuple[int, int], str], pair: tuple[int, int]) -> str:
    return excluded[pair].strip() or _CALLER_FALLBACK


def _reason(why: Why, excluded: Mapping[tuple[int, int], str], pair: tuple[int, int]) -> str | None:
    """The sentence for `why` (the caller's own for `Why.CALLER`), or None when allowed."""
    if why == Why.CALLER:
        return _caller_reason(excluded, pair)
    return None if why == Why.ALLOWED else _WHY_TEXT[why]


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
