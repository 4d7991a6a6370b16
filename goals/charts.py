"""A goal's progress over time as coordinates for a server-side SVG (no ORM here).

x runs across the goal's life (set → now, or → its last update once achieved or dropped,
stretched to the target date when that is later), y is progress in %. The goal_chart tag
(axes, and the same points as a table) and the goal_summary tag's sparkline_html (the pairing
page's small line, its points in its label) draw it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from goals.models import Goal

TICK_STEPS_DAYS = (1, 2, 7, 14, 28, 56, 91, 182, 364)
MAX_X_TICKS = 6


@dataclass(frozen=True)
class Frame:
    """The drawing's size and the room left around the plot for the axes' labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


FULL = Frame(width=640, height=240, left=44, right=16, top=12, bottom=28)
SPARKLINE = Frame(width=160, height=36, left=4, right=4, top=4, bottom=4)  # no axes


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    progress: int
    x: float
    y: float
    is_start: bool = False  # the goal being set, at 0%: where every line begins


@dataclass(frozen=True)
class ProgressChart:
    frame: Frame
    points: list[ChartPoint]
    polyline: str  # "x,y x,y ..." for <polyline points>
    x_ticks: list[tuple[float, date]]
    y_ticks: list[tuple[float, int]]
    target_x: float | None
    target_date: date | None

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def left(self) -> int:
        return self.frame.left

    @property
    def right(self) -> int:
        return self.frame.width - self.frame.right

    @property
    def top(self) -> int:
        return self.frame.top

    @property
    def bottom(self) -> int:
        return self.frame.height - self.frame.bottom

    @property
    def updates(self) -> list[ChartPoint]:
        return [p for p in self.points if not p.is_start]

    @property
    def first(self) -> ChartPoint:
        return self.points[0]

    @property
    def last(self) -> ChartPoint:
        return self.points[-1]


def progress_chart(
    *,
    set_at: datetime,
    points: list[tuple[datetime, int]],
    until: datetime,
    target_date: date | None,
    tz: ZoneInfo,
    frame: Frame = FULL,
) -> ProgressChart:
    """Place the goal's start (0%) and each (when, progress) on the chart, dates in `tz`."""
    target_at = (
        datetime.combine(target_date + timedelta(days=1), time.min, tzinfo=tz)
        if target_date
        else None
    )
    start = set_at
    end = max([until, set_at, *(at for at, _p in points), *([target_at] if target_at else [])])
    end = max(end, start + timedelta(days=1))  # a goal set today still gets a day's width
    span = (end - start).total_seconds()

    plot_width = frame.width - frame.right - frame.left
    plot_height = frame.height - frame.bottom - frame.top

    def x_of(at: datetime) -> float:
        return round(frame.left + (at - start).total_seconds() / span * plot_width, 1)

    def y_of(progress: int) -> float:
        return round(frame.height - frame.bottom - progress / 100 * plot_height, 1)

    placed = [ChartPoint(at=set_at, progress=0, x=x_of(set_at), y=y_of(0), is_start=True)]
    placed += [ChartPoint(at=at, progress=p, x=x_of(at), y=y_of(p)) for at, p in points]
    return ProgressChart(
        frame=frame,
        points=placed,
        polyline=" ".join(f"{p.x},{p.y}" for p in placed),
        x_ticks=[(x_of(at), at.date()) for at in _day_ticks(start=start, end=end, tz=tz)],
        y_ticks=[(y_of(p), p) for p in (0, 25, 50, 75, 100)],
        target_x=x_of(target_at) if target_at else None,
        target_date=target_date,
    )


def goal_progress_chart(
    *,
    goal: "Goal",
    points: list[tuple[datetime, int]],
    now: datetime,
    tz: ZoneInfo,
    frame: Frame = FULL,
) -> ProgressChart:
    """The chart of one goal: its life runs to now while in progress, else to its last change."""
    return progress_chart(
        set_at=goal.created_at,
        points=points,
        until=now if goal.status == goal.Status.ACTIVE else goal.updated_at,
        target_date=goal.target_date,
        tz=tz,
        frame=frame,
    )


def _day_ticks(*, start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    """Local midnights between start and end, a whole number of days apart, at most
    MAX_X_TICKS of them."""
    first_day = start.astimezone(tz).date() + timedelta(days=1)
    last_day = end.astimezone(tz).date()
    days = (last_day - first_day).days + 1
    step = next((s for s in TICK_STEPS_DAYS if days / s <= MAX_X_TICKS), TICK_STEPS_DAYS[-1])
    ticks = []
    day = first_day
    while day <= last_day:
        at = datetime.combine(day, time.min, tzinfo=tz)
        if start <= at <= end:
            ticks.append(at)
        day += timedelta(days=step)
    return ticks
