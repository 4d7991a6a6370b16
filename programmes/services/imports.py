"""CSV imports of participants: the form checks the file, a worker imports its rows in batches.

Each valid row becomes a personal invite, emailed to its address; each invalid row is listed
with its line number and reason. Nobody is enrolled by an import: a person who already has an
account accepts the invitation (from the email or their dashboard) like anyone else, and only
then joins and has profile data copied. The results say nothing about who has an account.

A batch is one transaction, so a row is never half-imported and a run killed mid-way resumes
where it stopped.
"""

import csv
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.errors import DomainError
from mentoring.live import invites_committed
from outbox.services import task_enqueue_on_commit
from programmes.models import Cohort, ImportJob, Invite, ParticipantRole
from programmes.services.invites import INVITE_DAYS, invite_emails_schedule

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 50_000
IMPORT_BATCH = 500
# A run stops after this long and queues the rest as a new task, well inside Celery's soft
# time limit (60 s): no task of a 50,000-row file runs long enough to be killed.
IMPORT_RUN_SECONDS = 30
REQUIRED_COLUMNS = ("email", "name", "role")
OPTIONAL_COLUMNS = ("department", "manager_email")
EMAIL_MAX_LENGTH = 254
TEXT_MAX_LENGTH = 120  # Invite.name and Invite.department
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED)


class ImportRefused(DomainError):
    """The file as a whole cannot be imported (its header or its shape is wrong)."""


@dataclass(frozen=True)
class Row:
    """A valid row, normalised: emails lower-case, role one of ParticipantRole."""

    line: int
    email: str
    name: str
    role: str
    department: str
    manager_email: str


def _column_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def import_columns(header: list[str]) -> dict[str, int]:
    """Each known column's position, from a header in any order and case.

    Raises ImportRefused naming missing, unknown, unnamed or repeated columns.
    """
    names = [_column_name(cell) for cell in header]
    if len(names) == 1 and ";" in header[0]:
        raise ImportRefused(
            _(
                "The columns are separated by semicolons. Save the file as "
                "“CSV UTF-8 (comma delimited)” and upload it again."
            )
        )
    for position, name in enumerate(names, start=1):
        if not name:
            raise ImportRefused(
                _("Column %(position)s of the header has no name: name it or remove it.")
                % {"position": position}
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ImportRefused(
            _("The header names these columns more than once: %(names)s.")
            % {"names": ", ".join(repeated)}
        )
    unknown = [name for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(unknown)s. Use only %(known)s.")
            % {
                "unknown": ", ".join(unknown),
                "known": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            }
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportRefused(
            _(
                "The header lacks these columns: %(missing)s. The first row must name the "
                "columns, e.g. email,name,role,department,manager_email."
            )
            % {"missing": ", ".join(missing)}
        )
    return {name: position for position, name in enumerate(names)}


def import_records(content: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each data row with the line it starts on (the header is line 1).

    Blank lines (and lines of empty cells, as spreadsheets export them) are skipped. Raises
    ImportRefused for text that is not CSV, naming the line.
    """
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    header: list[str] | None = None
    records = []
    last_line = 0
    try:
        for values in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = values
            else:
                records.append((start, values))
    except csv.Error:
        raise ImportRefused(
            _(
                "Line %(line)s is not valid CSV: a quoted value is not closed, or text follows "
                "its closing quote."
            )
            % {"line": reader.line_num}
        ) from None
    return header or [], records


def _email_problem(value: str, label: str) -> str | None:
    if not value:
        return _("%(label)s is missing.") % {"label": label}
    try:
        validate_email(value)
    except ValidationError:
        # The reason is kept after the file is dropped: it names no address, only the line.
        return _("%(label)s is not a valid email address.") % {"label": label}
    if len(value) > EMAIL_MAX_LENGTH:
        return _("%(label)s is longer than %(max)s characters.") % {
            "label": label,
            "max": EMAIL_MAX_LENGTH,
        }
    return None


def _row_check(line: int, values: list[str], columns: dict[str, int]) -> Row | list[str]:
    """The row, normalised, or the reasons it cannot be imported."""
    if len(values) != len(columns):
        return [
            _("This row has %(count)s values; the header has %(expected)s columns.")
            % {"count": len(values), "expected": len(columns)}
        ]
    cell = {name: values[position].strip() for name, position in columns.items()}
    email = cell["email"].lower()
    name = " ".join(cell["name"].split())
    role = cell["role"].lower()
    department = " ".join(cell.get("department", "").split())
    manager_email = cell.get("manager_email", "").lower()
    problems = []
    if problem := _email_problem(email, _("Email")):
        problems.append(problem)
    if not name:
        problems.append(_("Name is missing."))
    elif len(name) > TEXT_MAX_LENGTH:
        problems.append(_("Name is longer than %(max)s characters.") % {"max": TEXT_MAX_LENGTH})
    if not role:
        problems.append(_("Role is missing: write mentor or mentee."))
    elif role not in ParticipantRole.values:
        problems.append(
            _("Role “%(value)s” is neither mentor nor mentee.") % {"value": cell["role"]}
        )
    if len(department) > TEXT_MAX_LENGTH:
        problems.append(
            _("Department is longer than %(max)s characters.") % {"max": TEXT_MAX_LENGTH}
        )
    if manager_email:
        if problem := _email_problem(manager_email, _("Manager email")):
            problems.append(problem)
        elif manager_email == email:
            problems.append(_("Manager email is the person's own email."))
    if problems:
        return problems
    return Row(line, email, name, role, department, manager_email)


def import_rows_check(
    *, columns: dict[str, int], records: list[tuple[int, list[str]]]
) -> list[Row | dict]:
    """Each record as a Row, or as {"line", "reason"} when it cannot be imported.

    A row repeating the email and role of an earlier valid row is refused as a duplicate.
    Pure and deterministic, so a resumed run sees the same rows as the first.
    """
    first_line: dict[tuple[str, str], int] = {}
    checked: list[Row | dict] = []
    for line, values in records:
        row = _row_check(line, values, columns)
        if isinstance(row, Row):
            earlier = first_line.setdefault((row.email, row.role), line)
            if earlier != line:
                row = [
                    _("Same email and role as line %(line)s: each person once per role.")
                    % {"line": earlier}
                ]
        checked.append(row if isinstance(row, Row) else {"line": line, "reason": " ".join(row)})
    return checked


def _personal_invite_expiry(cohort: Cohort, now: datetime) -> datetime:
    """The end of the cohort's enrolment deadline, but never sooner than INVITE_DAYS away."""
    deadline_ends = datetime.combine(
        cohort.enrolment_deadline + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    return max(deadline_ends, now + timedelta(days=INVITE_DAYS))


@transaction.atomic
def import_job_create(
    *, cohort: Cohort, uploaded_by: User, filename: str, content: str, total_rows: int
) -> ImportJob:
    """Store a checked CSV (from ImportUploadForm) and queue its import once we commit."""
    from programmes.tasks.imports import import_run_task

    job = ImportJob.objects.create(
        cohort=cohort,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        content=content,
        total_rows=total_rows,
    )
    task_enqueue_on_commit(import_run_task, job.pk)
    return job


def _batch_import(job: ImportJob, batch: list[Row | dict], now: datetime) -> None:
    """Import one batch's valid rows and record its invalid ones, on `job` (not saved)."""
    rows = [row for row in batch if isinstance(row, Row)]
    job.errors = [*job.errors, *(row for row in batch if not isinstance(row, Row))]
    emails = {row.email for row in rows}
    existing = set(
        Invite.objects.filter(cohort_id=job.cohort_id, email__in=emails).values_list(
            "email", "role"
        )
    )
    new_rows = [row for row in rows if (row.email, row.role) not in existing]
    expires_at = _personal_invite_expiry(job.cohort, now)
    invites = Invite.objects.bulk_create(
        Invite(
            cohort_id=job.cohort_id,
            role=row.role,
            email=row.email,
            name=row.name,
            department=row.department,
            manager_email=row.manager_email,
            expires_at=expires_at,
            created_by_id=job.uploaded_by_id,
        )
        for row in new_rows
    )
    # One callback per batch: a 50,000-row file queues its emails as it goes, not all at once.
    invite_emails_schedule(invite_ids=[i.pk for i in invites])
    job.processed_rows += len(batch)
    job.created_count += len(invites)
    job.unchanged_count += len(rows) - len(invites)


def import_run(*, job_id: int) -> None:
    """Import the job's rows from where it stopped, one all-or-nothing batch at a time.

    Safe to run twice, at once or later: a second run waits for the batch in progress, then
    goes on from the rows done; a finished job is left alone. After IMPORT_RUN_SECONDS it
    queues the rest as a new task.
    """
    try:
        _import_run(job_id=job_id)
    finally:
        invites_committed()  # the last batch's invitations show on dashboards


def _import_run(*, job_id: int) -> None:
    from programmes.tasks.imports import import_run_task

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in FINISHED:  # gone with its cohort, or done already
        return
    try:
        header, records = import_records(job.content)
        rows = import_rows_check(columns=import_columns(header), records=records)
    except ImportRefused as exc:  # a file stored without going through ImportUploadForm
        ImportJob.objects.filter(pk=job_id).update(
            content="",
            status=ImportJob.Status.FAILED,
            errors=[{"line": 1, "reason": str(exc.message)}],
            finished_at=timezone.now(),
        )
        return
    stop_at = time.monotonic() + IMPORT_RUN_SECONDS
    while True:
        invites_committed()  # the batch before's (none the first time)
        with transaction.atomic():
            # Locks the job and its cohort: a second run of this job, or an import of another
            # file into the same cohort, waits for this batch.
            job = (
                ImportJob.objects.select_for_update()
                .select_related("cohort")
                .defer("content")
                .filter(pk=job_id)
                .first()
            )
            if job is None or job.status in FINISHED:
                return
            now = timezone.now()
            _batch_import(job, rows[job.processed_rows : job.processed_rows + IMPORT_BATCH], now)
            job.total_rows = len(rows)
            done = job.processed_rows >= len(rows)
            job.status = ImportJob.Status.DONE if done else ImportJob.Status.RUNNING
            job.finished_at = now if done else None
            if done:
                job.content = ""  # the names and addresses live on in the invites alone
            job.save(
                update_fields=[
                    *(["content"] if done else []),
                    "status",
                    "total_rows",
                    "processed_rows",
                    "created_count",
                    "unchanged_count",
                    "errors",
                    "finished_at",
                ]
            )
            if done:
                return
            if time.monotonic() > stop_at:
                task_enqueue_on_commit(import_run_task, job_id)
                return
