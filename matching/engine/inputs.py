"""What matching takes: the people, the cohort's weights, the rules' constants, input errors."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

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
    # Answers to the cohort's own choice questions: (question key, the choices picked), sorted
    # by key. Tuples, not a dict, so the record stays hashable.
    answers: tuple[tuple[str, frozenset[str]], ...] = ()

    def answer(self, key: str) -> frozenset[str]:
        for name, chosen in self.answers:
            if name == key:
                return chosen
        return frozenset()

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
    # The "same answer" criteria: (question key, weight), one per choice question that counts.
    answers: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        for name, value in self.items():
            if not (math.isfinite(value) and value >= 0):
                raise MatchingError(f"Weight {name} must be a number >= 0, not {value!r}.")
        keys = [key for key, _weight in self.answers]
        if len(set(keys)) < len(keys) or set(keys) & set(CRITERIA):
            raise MatchingError(f"Answer criteria {keys} repeat a name.")

    @property
    def names(self) -> tuple[str, ...]:
        """Every criterion, in the order the totals add them up: CRITERIA, then the answers."""
        return CRITERIA + tuple(key for key, _weight in self.answers)

    def items(self) -> list[tuple[str, float]]:
        return [*((name, getattr(self, name)) for name in CRITERIA), *self.answers]


_NO_EXCLUSIONS: Mapping[tuple[int, int], str] = MappingProxyType({})


def terms_from_text(text: str) -> frozenset[str]:
    """The words of a goals or expertise text: lowercase, without stopwords or words < 3 letters.

    Digits and punctuation split words ("python3" gives "python", "front-end" gives "front" and
    "end"); apostrophes are dropped first so "don't" is one (stop)word.
    """
    words = _WORD.findall(text.translate(_APOSTROPHES).casefold())
    return frozenset(word for word in words if len(word) >= 3 and word not in STOPWORDS)


def _key(text: str) -> str:
    """The form in which two names count as equal: trimmed, case-folded."""
    return text.strip().casefold()
