"""The printable cohort report's rows: every pairing of the cohort with what the report shows
of it, read as values in one query compiled once per process (mentoring.prepared), as rows
that oversight.templatetags.report_rows writes as it writes Pairings."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet, TextChoices

from accounts.models import User
from mentoring.prepared import PreparedQuery
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import SORTS, _rated, _with_contact
from pairings.models import Pairing
from programmes.models import Cohort

# What the printable report shows of a pairing, its people and its health (and nothing else:
# the report lists every pairing of the cohort).
REPORT_VALUES = (
    "status",
    "created_at",
    *(
        f"{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("display_name", "email")
    ),
    "health__status",  # never empty: None says there is no assessment
    "health__reasons",
    "health__sessions_expected",
    "health__snoozed_until",
    "health__snooze_note",
    "health__snoozed_by",
    "health__snoozed_by__display_name",
    "health__snoozed_by__email",
    "sessions_held",
    "last_contact",
    "mean_rating",
)


@dataclass(frozen=True)
class Person:
    """A person as a row shows them: their name, as User.name says it."""

    display_name: str
    email: str

    name = User.name


def _label(choices: type[TextChoices], value: str) -> str:
    """get_<field>_display's words for the value (the value itself when it is no choice)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class ReportHealth:
    status: str
    reasons: list
    sessions_expected: int
    snoozed_until: date | None
    snooze_note: str
    snoozed_by: Person | None

    def get_status_display(self) -> str:
        return _label(HealthStatus, self.status)


@dataclass(frozen=True)
class ReportRow:
    """A pairing as the printable report shows it: what report_rows reads of a Pairing."""

    status: str
    created_at: datetime
    mentor: Person
    mentee: Person
    health: ReportHealth | None
    sessions_held: int
    last_contact: datetime | None
    mean_rating: float | None

    def get_status_display(self) -> str:
        return _label(Pairing.Status, self.status)


def _report_rows_query(*, cohort_id: int, now: datetime) -> QuerySet[Pairing]:
    rows = _rated(_with_contact(Pairing.objects.filter(cohort=cohort_id), now=now))
    return rows.order_by(*SORTS["mentor"]).values(*REPORT_VALUES)


_REPORT_ROWS = PreparedQuery(_report_rows_query, "cohort_id", "now")


def _report_row(row: dict) -> ReportRow:
    health = None
    if row["health__status"] is not None:
        snoozed_by = None
        if row["health__snoozed_by"] is not None:
            snoozed_by = Person(
                row["health__snoozed_by__display_name"], row["health__snoozed_by__email"]
            )
        health = ReportHealth(
            status=row["health__status"],
            reasons=row["health__reasons"],
            sessions_expected=row["health__sessions_expected"],
            snoozed_until=row["health__snoozed_until"],
            snooze_note=row["health__snooze_note"],
            snoozed_by=snoozed_by,
        )
    return ReportRow(
        status=row["status"],
        created_at=row["created_at"],
        mentor=Person(row["mentor__display_name"], row["mentor__email"]),
        mentee=Person(row["mentee__display_name"], row["mentee__email"]),
        health=health,
        sessions_held=row["sessions_held"],
        last_contact=row["last_contact"],
        mean_rating=row["mean_rating"],
    )


def pairing_report_rows_for_cohort(*, cohort: Cohort, now: datetime) -> list[ReportRow]:
    """The printable report's rows, by mentor: what pairing_rows_for_cohort gives but its
    health_rank (the report neither sorts nor filters by health), only what the report shows,
    in one query compiled once (mentoring.prepared)."""
    return [_report_row(row) for row in _REPORT_ROWS(cohort_id=cohort.pk, now=now)]
