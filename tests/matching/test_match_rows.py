"""The matching page's proposed pairs, written in Python (matching.templatetags.match_rows),
must be what the page's template loop wrote (match_rows_before.html beside this file), byte
for byte: draft and published runs, a declined pairing, locks (the run's and the admin's),
forbidden pairs and none at all, in every language."""

from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from matching.models import MatchRun, ProposedPair
from matching.templatetags.match_rows import match_rows_html
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BEFORE = (Path(__file__).parent / "match_rows_before.html").read_text()


def _pairs() -> list[ProposedPair]:
    people = [UserFactory(display_name=name) for name in ("Ann <b>&", "", 'Cé "Q"', "Dev")]
    shapes = [
        # (mentee, mentor, score, locked, constraint, pairing_status, percents)
        (0, 1, 0.456, False, None, "declined", [12, 100, 0]),
        (2, 3, 1234.5, True, None, "active", [50]),
        (3, 0, 0.0, False, "lock", None, []),
        (1, 2, 2 / 3, False, "forbid", "declined", [1, 2, 3, 4, 5, 6]),
    ]
    pairs = []
    for mentee, mentor, score, locked, constraint, status, percents in shapes:
        pair = ProposedPair(
            mentee=people[mentee], mentor=people[mentor], score=score, locked=locked
        )
        pair.constraint, pair.pairing_status, pair.percents = constraint, status, percents
        pairs.append(pair)
    return pairs


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("status", [MatchRun.Status.DRAFT, MatchRun.Status.PUBLISHED])
@pytest.mark.parametrize("token", ["tok<en>", None])
def test_the_rows_are_what_the_template_wrote(cohort, language, status, token):
    run = MatchRun(cohort=cohort, status=status)
    written_pages = []
    for rows in (_pairs(), []):
        with translation.override(language):
            context = {"page": {"object_list": rows}, "run": run, "cohort": cohort}
            if token:
                context["csrf_token"] = token
            wanted = engines["django"].from_string(BEFORE).render(context)
            written = match_rows_html(rows, run=run, cohort=cohort, csrf_token=token)
        assert written + "\n" == wanted
        written_pages.append(written)
    assert "Ann &lt;b&gt;&amp;" in written_pages[0]
    assert "No pairs" in written_pages[1] or language != "en"
