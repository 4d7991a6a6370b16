"""CSV exports of a cohort: what they hold, how spreadsheets open them, and who gets them."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Feedback
from oversight.models.health import HealthStatus
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, UserFactory
from tests.oversight.test_cohort_page import (
    NOW,
    assess,
    build_pairings,
    cohort_ten_weeks_in,
    rate,
    session,
)

# Also run on SQLite by `make test` (the embedded mode must compute the same).
pytestmark = pytest.mark.sqlite_too


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cohort(programme_admin):
    """A name that needs care in a file name, ten weeks in on NOW."""
    return cohort_ten_weeks_in(programme_admin, 'Spring/Autumn: "Leaders" été')


def export(client, cohort, kind: str):
    return client.get(reverse("oversight:cohort_export", args=[cohort.pk, kind]))


def rows_of(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark first"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def tricky(cohort):
    """A pairing whose people's names a spreadsheet would run as formulas."""
    mentor = UserFactory(display_name='=HYPERLINK("http://evil.example","click")')
    mentee = UserFactory(display_name="+1 (555) 0100", email="plus@example.org")
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor")
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    return PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)


@pytest.mark.parametrize("kind", ["pairings", "sessions", "ratings"])
def test_each_export_is_a_streamed_utf8_csv_with_a_safe_filename(
    client, cohort, programme_admin, tricky, kind
):
    rate(session(tricky, ends_at=NOW - timedelta(days=1)), 4)
    client.force_login(programme_admin)

    response = export(client, cohort, kind)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="springautumn-leaders-ete-{kind}-2027-03-15.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    assert len(rows_of(response)) == 1


def test_cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(
    client, cohort, programme_admin, tricky
):
    rate(session(tricky, ends_at=NOW - timedelta(days=1)), 4)
    assess(tricky, HealthStatus.AT_RISK, "-3 sessions behind", snooze_note="@admin\tcheck")
    client.force_login(programme_admin)

    pairing = rows_of(export(client, cohort, "pairings"))[0]
    sessions = rows_of(export(client, cohort, "sessions"))[0]
    rating = rows_of(export(client, cohort, "ratings"))[0]

    assert pairing["mentor"] == '\'=HYPERLINK("http://evil.example","click")'
    assert pairing["mentee"] == "'+1 (555) 0100"
    assert pairing["health reasons"] == "'-3 sessions behind"
    assert pairing["mentee email"] == "plus@example.org"
    assert sessions["mentor"].startswith("'=")
    assert sessions["mentee"].startswith("'+")
    assert rating["answered by"] == "'+1 (555) 0100"
    assert rating["rating"] == "4"  # numbers stay numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1 (555)", "'+1 (555)"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Plain = fine", "Plain = fine"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width forms
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d2", "'\uff0d2"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("  =1+1", "'  =1+1"),  # spaces before a formula
        ("\nLF", "'\nLF"),
        (3, 3),
        ("", ""),
    ],
)
def test_cell_safe_neutralises_formula_starts_only(value, expected):
    from oversight.exports import cell_safe

    assert cell_safe(value) == expected


def test_the_pairings_export_holds_health_and_live_figures(
    client, cohort, programme_admin, pairing
):
    held = session(pairing, ends_at=datetime(2027, 3, 10, 23, 30, tzinfo=UTC))
    rate(held, 3)
    rate(held, 4, person_id=pairing.mentor_id)
    assess(
        pairing,
        HealthStatus.NEEDS_ATTENTION,
        "Fewer sessions than planned",
        "Contact agreement not acknowledged",
        sessions_expected=5,
        snoozed_until=date(2027, 3, 20),
        snooze_note="Waiting for the mentor",
    )
    programme_admin.timezone = "Australia/Sydney"
    programme_admin.save()
    client.force_login(programme_admin)

    row = rows_of(export(client, cohort, "pairings"))[0]

    assert row["mentor"] == "Bob Mentor"
    assert row["status"] == "Active"
    assert row["health"] == "Needs attention"
    assert row["health reasons"] == (
        "Fewer sessions than planned; Contact agreement not acknowledged"
    )
    assert (row["snoozed until"], row["snooze note"]) == ("2027-03-20", "Waiting for the mentor")
    assert (row["sessions held"], row["sessions expected"]) == ("1", "5")
    assert row["last contact (UTC)"] == "2027-03-10T23:30:00+00:00"
    assert row["last contact (Australia/Sydney)"] == "2027-03-11 10:30"
    assert row["mean rating"] == "3.50"


def test_the_sessions_export_gives_times_in_utc_and_in_my_zone(
    client, cohort, programme_admin, pairing
):
    programme_admin.timezone = "America/New_York"
    programme_admin.save()
    session(pairing, ends_at=datetime(2027, 3, 1, 3, tzinfo=UTC), mode="phone")
    session(pairing, ends_at=NOW + timedelta(days=3), status="cancelled")
    missed = session(pairing, ends_at=NOW - timedelta(days=1))
    rate(missed, None, took_place=False)
    client.force_login(programme_admin)

    first, second, third = rows_of(export(client, cohort, "sessions"))

    assert first["starts (UTC)"] == "2027-03-01T02:00:00+00:00"
    assert first["starts (America/New_York)"] == "2027-02-28 21:00"
    assert (first["mode"], first["status"], first["held"]) == ("Phone", "Held", "yes")
    assert (first["mentor"], first["mentee"]) == ("Bob Mentor", "Alice Mentee")
    # After the DST change (14 March): New York is UTC-4 now.
    assert third["starts (America/New_York)"] == "2027-03-18 07:00"
    assert (third["status"], third["held"]) == ("Cancelled", "no")
    assert (second["status"], second["held"]) == ("Missed", "no")  # they said it did not happen


def test_the_ratings_export_holds_answers_but_never_free_text(
    client, cohort, programme_admin, pairing
):
    held = session(pairing, ends_at=NOW - timedelta(days=2))
    rate(
        held,
        5,
        took_place=True,
        went_well="SECRET the mentee trusted me with",
        could_be_better="PRIVATE too",
        share_with_programme=True,
    )
    Feedback.objects.create(
        kind="check_in",
        pairing=pairing,
        person=pairing.mentor,
        round=1,
        satisfaction=2,
        contact_working="partly",
        wants_help=True,
        comments="CONFIDENTIAL comment",
        answered_at=NOW - timedelta(days=1),
    )
    Feedback.objects.create(kind="check_in", pairing=pairing, person=pairing.mentee, round=1)
    client.force_login(programme_admin)

    response = export(client, cohort, "ratings")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    after_session, check_in = csv.DictReader(io.StringIO(body))

    for secret in ("SECRET", "PRIVATE", "CONFIDENTIAL"):
        assert secret not in body
    assert after_session["kind"] == "After a session"
    assert (after_session["answered by"], after_session["role"]) == ("Alice Mentee", "mentee")
    assert (after_session["rating"], after_session["took place"]) == ("5", "yes")
    assert check_in["answered by"] == "Bob Mentor"
    assert check_in["role"] == "mentor"
    assert check_in["satisfaction"] == "2"
    assert check_in["contact working"] == "Partly"
    assert check_in["wants help"] == "yes"
    assert check_in["check-in round"] == "1"


def test_an_unknown_export_is_404_and_other_cohorts_exports_are_404(
    client, cohort, other_cohort, programme_admin, mentor
):
    client.force_login(programme_admin)
    assert export(client, cohort, "messages").status_code == 404
    assert export(client, other_cohort, "pairings").status_code == 404
    client.force_login(mentor)
    assert export(client, cohort, "ratings").status_code == 403


def test_an_export_reads_the_same_queries_for_3_and_300_pairings(client, programme_admin):
    small, large = (
        CohortFactory(
            admins=[programme_admin],
            starts_on=date(2027, 1, 4),
            ends_on=date(2027, 6, 30),
            enrolment_deadline=date(2027, 1, 1),
        )
        for _ in range(2)
    )
    build_pairings(small, 3, prefix="s")
    build_pairings(large, 300, prefix="l")
    client.force_login(programme_admin)

    for kind in ("pairings", "sessions", "ratings"):
        counts = []
        for one in (small, large):
            with CaptureQueriesContext(connection) as captured:
                rows = rows_of(export(client, one, kind))
            counts.append(len(captured.captured_queries))
            assert len(rows) in (3, 300)
        assert counts[0] == counts[1], kind


def test_a_formula_after_a_semicolon_stays_inside_its_quoted_cell():
    from oversight.exports import csv_lines

    [_header, line] = list(csv_lines(["name"], [['Ada;=HYPERLINK("http://x")', 4]]))

    assert line.decode() == '"Ada;=HYPERLINK(""http://x"")","4"\r\n'
