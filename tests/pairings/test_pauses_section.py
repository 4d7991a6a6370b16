"""The "Pauses" section (pairings.templatetags.pairing_pauses) writes what its template wrote,
byte for byte, in every language, for both partners: agreed pauses running and coming, one
waiting for the programme team, a declined one, notes or none, planned by the viewer, by the
partner or by someone since gone; no pause; a closed pairing; a refused form."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.template import engines
from django.utils import timezone, translation

from pairings.forms.pauses import PauseForm
from pairings.models import Pairing, PairingPause
from pairings.selectors.pauses import pauses_current_and_coming
from pairings.templatetags.pairing_pauses import pairing_pauses_html, pause_rows

pytestmark = pytest.mark.django_db

# templates/pairings/pauses/_section.html as it was.
SECTION = (Path(__file__).parent / "pauses_section_before.html").read_text()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def _pause(pairing, starts, ends, status, by, note=""):
    return PairingPause.objects.create(
        pairing=pairing, starts_on=starts, ends_on=ends, status=status, requested_by=by, note=note
    )


def _same(pairing: Pairing, form_data: dict | None = None) -> list[str]:
    """The section for each partner in each language: asserts the writer wrote what the
    template wrote and returns the sections."""
    sections = []
    for viewer in (pairing.mentee, pairing.mentor):
        for language in ("en", "es", "de"):
            with (
                time_machine.travel(NOW, tick=False),
                translation.override(language),
                timezone.override("Europe/London"),
            ):
                rows = pause_rows(pairing=pairing, user=viewer, today=TODAY)
                form = None
                if pairing.status == Pairing.Status.ACTIVE:
                    form = PauseForm(form_data, today=TODAY, max_days=pairing.cohort.pause_max_days)
                    if form_data is not None:
                        form.is_valid()
                        if form_data.get("clash"):
                            form.add_error(None, "That clashes with another pause.")
                wanted = (
                    engines["django"]
                    .from_string(SECTION)
                    .render(
                        {
                            "pairing": pairing,
                            "rows": rows,
                            "form": form,
                            "max_days": pairing.cohort.pause_max_days,
                            "csrf_token": "token-123",
                        }
                    )
                )
                written = pairing_pauses_html(
                    pairing=pairing, rows=rows, form=form, csrf_token="token-123"
                )
                assert written == wanted
                if form is not None and form_data is None:  # the fresh form, written once
                    for _twice in range(2):
                        written = pairing_pauses_html(
                            pairing=pairing,
                            rows=rows,
                            form=None,
                            csrf_token="token-123",
                            fresh_form_on=TODAY,
                        )
                        assert written == wanted
                sections.append(wanted)
    return sections


def test_no_pause_planned(pairing):
    sections = _same(pairing)
    assert "No pause planned." in sections[0]
    assert "We are pausing" in sections[0]


def test_every_kind_of_pause(pairing, mentee, mentor, programme_admin):
    _pause(pairing, date(2026, 2, 20), date(2026, 3, 5), "agreed", mentee, note="Exams <3 & co")
    _pause(pairing, date(2026, 3, 2), date(2026, 3, 8), "agreed", mentor)
    _pause(pairing, date(2026, 4, 1), date(2026, 5, 30), "awaiting", mentor, note="Leave")
    _pause(pairing, date(2026, 12, 20), date(2027, 1, 10), "declined", mentee)
    _pause(pairing, date(2027, 2, 1), date(2027, 2, 3), "agreed", None)
    _pause(pairing, date(2027, 3, 1), date(2027, 3, 3), "agreed", programme_admin)
    _pause(pairing, date(2026, 1, 1), date(2026, 1, 5), "agreed", mentee)  # over: not shown
    _pause(pairing, date(2026, 3, 20), date(2026, 3, 25), "withdrawn", mentee)  # not shown
    sections = _same(pairing)
    assert sections[0].count("<article") == 6
    assert f"planned by {programme_admin.name}" in sections[0]
    assert [row.pause.pk for row in pause_rows(pairing=pairing, user=mentee, today=TODAY)] == [
        pause.pk for pause in pauses_current_and_coming(pairing=pairing, today=TODAY)
    ]
    assert "Exams &lt;3 &amp; co" in sections[0]
    assert "planned by you" in sections[0]


def test_a_refused_form_keeps_what_was_typed(pairing, mentee):
    _pause(pairing, date(2026, 3, 10), date(2026, 3, 12), "agreed", mentee)
    sections = _same(pairing, {"starts_on": "2026-03-20", "ends_on": "", "note": "a <b>"})
    assert " open>" in sections[0]
    _same(pairing, {"starts_on": "", "ends_on": "", "note": ""})
    _same(pairing, {"starts_on": "2026-03-20", "ends_on": "2026-03-22", "clash": "1"})
    _same(pairing, {"starts_on": "2026-03-20", "ends_on": "nope", "clash": "1"})


def test_a_closed_pairing_shows_its_pauses_without_the_form(pairing, mentee):
    _pause(pairing, date(2026, 3, 10), date(2026, 3, 12), "agreed", mentee)
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    pairing.refresh_from_db()
    sections = _same(pairing)
    assert "We are pausing" not in sections[0]
    assert "End the pause now" not in sections[0]
    assert "Withdraw the pause" not in sections[0]


def test_a_closed_pairing_without_pauses(pairing):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    pairing.refresh_from_db()
    assert "No pause planned." not in _same(pairing)[0]
