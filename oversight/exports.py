"""CSV exports of a cohort for its admins: pairings (with health), sessions, feedback ratings.

The files open right in spreadsheet software: UTF-8 with a byte-order mark (Excel otherwise
guesses the legacy code page and mangles accents), one header row, times both in UTC (ISO 8601)
and in the admin's own zone. Any text cell that a spreadsheet would read as a formula (it starts
with = + - @, a tab or a carriage return) gets a leading apostrophe, so a participant named
"=HYPERLINK(...)" stays text. Rows are streamed from a server-side cursor, so a large cohort
never sits in memory. Feedback exports carry ratings and check-in answers only, never free text.
"""

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from feedback.models import Feedback
from oversight.selectors.cohort_dashboard import pairing_rows_for_cohort
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment
from sessions_app.models import Appointment

BOM = "\ufeff"
# OWASP's CSV injection advice: a cell that starts (after any spaces) with one of these, or
# their full-width forms, is prefixed with an apostrophe; every cell is quoted, so a separator
# inside a value (a ";" where a spreadsheet splits on it) never starts a new cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CHUNK = 2000
_Row = TypeVar("_Row", bound=Model)


def cell_safe(value: object) -> object:
    """A value as a spreadsheet should show it: text that would start a formula is prefixed
    with an apostrophe; numbers and empty values pass through."""
    if not isinstance(value, str):
        return value
    # NFKC turns the full-width forms (U+FF1D and the like) into =+-@; spaces before a
    # formula do not disarm it.
    if unicodedata.normalize("NFKC", value).lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[bytes]:
    """The encoded CSV, a line at a time, starting with the byte-order mark."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield (BOM + writer.writerow([cell_safe(v) for v in header])).encode()
    for row in rows:
        yield writer.writerow([cell_safe(v) for v in row]).encode()


def _csv_of(
    header: list[str], rows: QuerySet[_Row], line: Callable[[_Row], list[object]]
) -> Iterator[bytes]:
    """The CSV of `rows`, `line` making each one's cells, read from a server-side cursor a
    chunk at a time."""
    return csv_lines(header, (line(row) for row in rows.iterator(chunk_size=CHUNK)))


def export_filename(*, cohort: Cohort, kind: str, today: date) -> str:
    """e.g. spring-cohort-pairings-2027-03-01.csv: ASCII only, nothing a header could break on."""
    name = slugify(cohort.name)[:60].strip("-") or f"cohort-{cohort.pk}"
    return f"{name}-{kind}-{today.isoformat()}.csv"


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment else ""


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def _names(*people: str) -> list[str]:
    """The columns User.name reads, for each related person (e.g. "pairing__mentor"): for
    .only(), so a file's rows read no more of the users than their names."""
    return [f"{person}__{field}" for person in people for field in ("display_name", "email")]


def pairing_export(*, cohort: Cohort, tz: ZoneInfo, now: datetime) -> Iterator[bytes]:
    """One row per pairing of the cohort, with its live figures and its latest health."""
    zone = str(tz)
    header = [
        _("pairing id"),
        _("mentor"),
        _("mentor email"),
        _("mentee"),
        _("mentee email"),
        _("status"),
        _("created (UTC)"),
        _("accepted (UTC)"),
        _("closed (UTC)"),
        _("close reason"),
        _("health"),
        _("health reasons"),
        _("snoozed until"),
        _("snooze note"),
        _("sessions held"),
        _("sessions expected"),
        _("last contact (UTC)"),
        _("last contact (%(zone)s)") % {"zone": zone},
        _("mean rating"),
    ]
    today = timezone.localdate(now, tz)
    rows = pairing_rows_for_cohort(cohort=cohort, now=now, today=today).order_by("created_at", "pk")

    def line(pairing: Pairing) -> list[object]:
        health = getattr(pairing, "health", None) if pairing.status == "active" else None
        return [
            pairing.pk,
            pairing.mentor.name,
            pairing.mentor.email,
            pairing.mentee.name,
            pairing.mentee.email,
            pairing.get_status_display(),
            _utc(pairing.created_at),
            _utc(pairing.accepted_at),
            _utc(pairing.closed_at),
            pairing.get_close_reason_display(),
            health.get_status_display() if health else "",
            "; ".join(r.get("text", "") for r in health.reasons) if health else "",
            health.snoozed_until.isoformat() if health and health.snoozed_until else "",
            health.snooze_note if health else "",
            pairing.sessions_held,
            health.sessions_expected if health else "",
            _utc(pairing.last_contact),
            _local(pairing.last_contact, tz),
            f"{pairing.mean_rating:.2f}" if pairing.mean_rating is not None else "",
        ]

    return _csv_of(header, rows, line)


def session_export(*, cohort: Cohort, tz: ZoneInfo, now: datetime) -> Iterator[bytes]:
    """One row per session of the cohort's pairings, oldest first; its status as the pages
    show it (booked, held, missed or cancelled), "held" as the health rules count it."""
    zone = str(tz)
    header = [
        _("session id"),
        _("pairing id"),
        _("mentor"),
        _("mentee"),
        _("starts (UTC)"),
        _("ends (UTC)"),
        _("starts (%(zone)s)") % {"zone": zone},
        _("ends (%(zone)s)") % {"zone": zone},
        _("mode"),
        _("status"),
        _("held"),
    ]
    rows = (
        Appointment.objects.filter(pairing__cohort=cohort)
        .select_related("mentor", "mentee")
        .only(
            "pairing_id",
            "starts_at",
            "ends_at",
            "mode",
            "status",
            "reported_not_held",
            *_names("mentor", "mentee"),
        )
        .order_by("starts_at", "pk")
    )

    def line(session: Appointment) -> list[object]:
        state = session.state_at(now=now)
        return [
            session.pk,
            session.pairing_id,
            session.mentor.name,
            session.mentee.name,
            _utc(session.starts_at),
            _utc(session.ends_at),
            _local(session.starts_at, tz),
            _local(session.ends_at, tz),
            session.get_mode_display(),
            Appointment.State(state).label,
            _yes_no(state == Appointment.State.HELD),
        ]

    return _csv_of(header, rows, line)


def rating_export(*, cohort: Cohort, tz: ZoneInfo, now: datetime) -> Iterator[bytes]:
    """One row per answered feedback: the ratings and check-in answers, never the words."""
    zone = str(tz)
    header = [
        _("feedback id"),
        _("kind"),
        _("pairing id"),
        _("mentor"),
        _("mentee"),
        _("answered by"),
        _("role"),
        _("session starts (UTC)"),
        _("check-in round"),
        _("took place"),
        _("rating"),
        _("satisfaction"),
        _("contact working"),
        _("wants help"),
        _("answered (UTC)"),
        _("answered (%(zone)s)") % {"zone": zone},
    ]
    # Only the columns the file holds: the free text is never even read.
    rows = (
        Feedback.objects.filter(pairing__cohort=cohort, answered_at__isnull=False)
        .select_related("pairing__mentor", "pairing__mentee", "person", "appointment")
        .only(
            "kind",
            "round",
            "took_place",
            "rating",
            "satisfaction",
            "contact_working",
            "wants_help",
            "answered_at",
            "appointment__starts_at",
            "pairing__mentor_id",
            *_names("person", "pairing__mentor", "pairing__mentee"),
        )
        .order_by("answered_at", "pk")
    )

    def line(feedback: Feedback) -> list[object]:
        pairing: Pairing = feedback.pairing
        role = _("mentor") if feedback.person_id == pairing.mentor_id else _("mentee")
        return [
            feedback.pk,
            feedback.get_kind_display(),
            pairing.pk,
            pairing.mentor.name,
            pairing.mentee.name,
            feedback.person.name,
            role,
            _utc(feedback.appointment.starts_at) if feedback.appointment else "",
            feedback.round or "",
            _yes_no(feedback.took_place),
            feedback.rating or "",
            feedback.satisfaction or "",
            feedback.get_contact_working_display(),
            _yes_no(feedback.wants_help) if feedback.kind == Feedback.Kind.CHECK_IN else "",
            _utc(feedback.answered_at),
            _local(feedback.answered_at, tz),
        ]

    return _csv_of(header, rows, line)


def enrolment_export(*, cohort: Cohort, tz: ZoneInfo, now: datetime) -> Iterator[bytes]:
    """One row per enrolment, with the answers to the cohort's own questions, a column each."""
    questions = list(cohort.questions.all())
    header = [
        _("enrolment id"),
        _("person"),
        _("email"),
        _("role"),
        _("time zone"),
        _("mentees in this cohort"),
        _("answered (UTC)"),
        *(question.label for question in questions),
    ]
    rows = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("user")
        .only("role", "capacity", "answers", "answered_at", "user__timezone", *_names("user"))
        .order_by("pk")
    )

    def line(enrolment: Enrolment) -> list[object]:
        return [
            enrolment.pk,
            enrolment.user.name,
            enrolment.user.email,
            enrolment.get_role_display(),
            enrolment.user.timezone,
            enrolment.capacity if enrolment.capacity is not None else "",
            _utc(enrolment.answered_at),
            *(question.answer_text(enrolment.answers) for question in questions),
        ]

    return _csv_of(header, rows, line)


EXPORTS = {
    "pairings": pairing_export,
    "sessions": session_export,
    "ratings": rating_export,
    "enrolments": enrolment_export,
}
