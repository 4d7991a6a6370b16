"""Why a mentee got no mentor: the sentence an admin reads for each unmatched mentee."""

from __future__ import annotations

from collections import Counter

import numpy as np

from matching.engine.exclusions import Why, _caller_reason
from matching.engine.scoring import ScoreMatrix

# The short kind of each reason, for the one-line summary of an unmatched mentee (who is never
# told about their own mentor entry, nor about mentors without a shared language, there).
_WHY_KIND = {
    Why.MUST_NOT: "on the mentee's do-not-pair list",
    Why.MENTOR_MANAGES: "manager and report",
    Why.MENTEE_MANAGES: "manager and report",
    Why.SAME_MANAGER: "same manager",
    Why.SAME_DEPARTMENT: "same department",
}


def _unmatched_reason(scores: ScoreMatrix, row: int) -> str:
    """Why a mentee got no mentor, the most specific reason first."""
    why = scores.why[row]
    others = why != Why.SAME_PERSON
    if not others.any():
        return "There are no mentors to match with."
    speaks = others & (why != Why.NO_LANGUAGE)
    if not speaks.any():
        return "No mentor shares a language."
    excluded = speaks & (why != Why.ALLOWED)
    if not (speaks & ~excluded).any():
        return (
            f"Every mentor who shares a language is excluded ({_summary(scores, row, excluded)})."
        )
    # With mentors allowed, an optimum that matches as many as it can leaves this mentee out only
    # when each of them is full: a free place would have been one more pair. A mentor with a
    # place left who is excluded for this mentee (declined, forbidden...) is named as such.
    fit = int((speaks & ~excluded).sum())
    full = (
        "The mentor who fits has no place left."
        if fit == 1
        else f"All {fit} mentors who fit have no place left."
    )
    if not excluded.any():
        return full
    return f"{full} The others are excluded ({_summary(scores, row, excluded)})."


def _summary(scores: ScoreMatrix, row: int, excluded: np.ndarray) -> str:
    """The kinds of exclusion among `excluded` mentors, most common first, with counts."""
    why = scores.why[row]
    mentee_id = scores.mentees[row].id
    kinds: Counter[str] = Counter()
    for j in np.flatnonzero(excluded).tolist():
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
    return summary


def _kind(reason: str) -> str:
    """A caller's reason as a phrase inside a sentence: "Paired before." -> "paired before"."""
    phrase = reason.strip().rstrip(".")
    if len(phrase) > 1 and phrase[0].isupper() and not phrase[1].isupper():
        phrase = phrase[0].lower() + phrase[1:]
    return phrase
