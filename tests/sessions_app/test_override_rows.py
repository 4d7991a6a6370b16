"""The availability page's rows of days off and extra hours, written in Python by the
override_rows tag, must read as the template's loop wrote them (override_rows_before.html)."""

from datetime import date, time
from pathlib import Path

import pytest
from django.template import Context, engines
from django.utils import translation

from sessions_app.models import DateOverride

BEFORE = (Path(__file__).parent / "override_rows_before.html").read_text()


def _overrides() -> list[DateOverride]:
    return [
        DateOverride(pk=7, date=date(2026, 3, 29), day_off=True),  # the clocks go forward
        DateOverride(pk=8, date=date(2026, 3, 30), day_off=False, starts=time(9), ends=time(12)),
        DateOverride(
            pk=1234, date=date(2026, 12, 31), day_off=False, starts=time(18, 15), ends=time(23, 45)
        ),
    ]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("token", ["a-token", "NOTPROVIDED", None])
def test_the_override_rows_read_as_the_template_wrote_them(language, token):
    engine = engines["django"]
    context = {"overrides": _overrides(), "csrf_token": token}
    with translation.override(language):
        wanted = engine.from_string(BEFORE).template.render(Context(context))
        written = engine.from_string("{% load override_rows %}{% override_rows overrides %}")
        assert written.template.render(Context(context)) == wanted
    assert "/sessions/availability/overrides/1234/remove/" in wanted
