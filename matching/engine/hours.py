"""Contact hours as minutes of the UTC week, and the minutes two people share in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from matching.engine.arrays import FloatMatrix
from matching.engine.inputs import MINUTES_PER_WEEK, MatchingError, Participant


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
