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

from matching.engine.arrays import FloatMatrix
from matching.engine.exclusions import Why
from matching.engine.inputs import (
    CHANNELS,
    CRITERIA,
    FULL_OVERLAP_MINUTES,
    GOAL_WORDS_FOR_FULL_SCORE,
    IN_PERSON,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    PREFERENCE_VALUES,
    SENIORITY_FULL_FROM,
    SENIORITY_FULL_UNTIL,
    SENIORITY_ZERO_AT,
    STOPWORDS,
    MatchingError,
    Mentee,
    Mentor,
    Participant,
    Weights,
    terms_from_text,
)
from matching.engine.scoring import PairScore, ScoreMatrix, score_matrix, score_pair
from matching.engine.solving import MatchResult, ProposedPair, Unmatched, match

__all__ = [
    "CHANNELS",
    "CRITERIA",
    "FULL_OVERLAP_MINUTES",
    "GOAL_WORDS_FOR_FULL_SCORE",
    "IN_PERSON",
    "MINUTES_PER_DAY",
    "MINUTES_PER_WEEK",
    "PREFERENCE_VALUES",
    "SENIORITY_FULL_FROM",
    "SENIORITY_FULL_UNTIL",
    "SENIORITY_ZERO_AT",
    "STOPWORDS",
    "FloatMatrix",
    "MatchResult",
    "MatchingError",
    "Mentee",
    "Mentor",
    "PairScore",
    "Participant",
    "ProposedPair",
    "ScoreMatrix",
    "Unmatched",
    "Weights",
    "Why",
    "match",
    "score_matrix",
    "score_pair",
    "terms_from_text",
]
