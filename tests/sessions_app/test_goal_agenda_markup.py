"""The goal agenda picker and the one-click agenda button, written in Python by the goal_agenda
tags, must read as their templates wrote them (goal_picker_before.html, goal_next_button_before
.html): with and without a next session, on its agenda or not, with a title to escape, in each
language."""

from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.template import Context, engines
from django.utils import timezone, translation

from goals.models import Goal
from sessions_app.models import Appointment
from sessions_app.selectors.goal_agenda import NextSessionAgenda
from sessions_app.templatetags import goal_agenda

HERE = Path(__file__).parent
BUTTON = (HERE / "goal_next_button_before.html").read_text()
PICKER = (HERE / "goal_picker_before.html").read_text()


def _session(pk: int, starts_at: datetime, has_goal: bool = False) -> Appointment:
    session = Appointment(pk=pk, starts_at=starts_at)
    session.has_goal = has_goal
    return session


GOAL = Goal(pk=41, pairing_id=9, title='Speak up in <meetings> & "reviews"')
SESSION = _session(1234, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # the clocks go forward


def _render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).template.render(Context(context))


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("token", ["a-token", "NOTPROVIDED", None])
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles"])
@pytest.mark.parametrize("back", ["", "pairing", "list"])
@pytest.mark.parametrize("on_agenda", [False, True, None])  # None: no next session
def test_the_agenda_button_reads_as_its_template_wrote_it(language, token, zone, back, on_agenda):
    next_agenda = (
        None
        if on_agenda is None
        else NextSessionAgenda(session=SESSION, goal_ids=frozenset({GOAL.pk} if on_agenda else {3}))
    )
    wanted_context = {
        "goal": GOAL,
        "next_session": next_agenda.session if next_agenda else None,
        "on_agenda": bool(on_agenda),
        "back": back,
        "csrf_token": token,
    }
    context = {"goal": GOAL, "next_agenda": next_agenda, "back": back, "csrf_token": token}
    with translation.override(language), timezone.override(zone):
        wanted = _render(BUTTON, wanted_context)
        written = _render(
            "{% load goal_agenda %}{% goal_next_agenda_button goal next_agenda back %}", context
        )
    assert written == wanted


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("token", ["a-token", "NOTPROVIDED", None])
@pytest.mark.parametrize(
    "sessions",
    [
        [],
        [SESSION],
        [_session(5, datetime(2026, 12, 31, 23, 15, tzinfo=UTC), has_goal=True)],
        [
            _session(5, datetime(2026, 5, 4, 8, 0, tzinfo=UTC)),
            _session(6, datetime(2026, 5, 11, 8, 0, tzinfo=UTC), has_goal=True),
            _session(77, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ],
    ],
)
def test_the_agenda_picker_reads_as_its_template_wrote_it(language, token, sessions):
    wanted_context = {
        "goal": GOAL,
        "pairing": mock.Mock(pk=GOAL.pairing_id),
        "agenda_sessions": sessions,
        "csrf_token": token,
    }
    with (
        translation.override(language),
        timezone.override("Europe/Madrid"),
        mock.patch.object(goal_agenda, "goal_agenda_sessions", return_value=sessions),
    ):
        wanted = _render(PICKER, wanted_context)
        written = _render(
            "{% load goal_agenda %}{% goal_agenda_picker goal %}",
            {"goal": GOAL, "csrf_token": token},
        )
    assert written == wanted
