"""The "Contact agreement" section (pairings.templatetags.agreement_summary) writes what its
template wrote, byte for byte, in every language, for both partners and at every step of the
agreement: nothing stated, one side stated, waiting for an acknowledgement, holding, and
after the pairing closed or before it started."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.utils import timezone, translation

from pairings.models import ContactAgreement, Pairing
from pairings.selectors.agreements import agreement_summary_for
from pairings.services.agreements import agreement_acknowledge
from pairings.services.pairings import pairing_close
from pairings.templatetags.agreement_summary import agreement_summary_html
from tests.agreements import agreement_reach, terms_state

pytestmark = pytest.mark.django_db

# templates/pairings/agreements/_summary.html as it was, with _days.html in place of its
# includes.
SUMMARY = (Path(__file__).parent / "agreement_summary_before.html").read_text()
WEDNESDAY_MORNING_IN_NEW_YORK = datetime(
    2026, 3, 4, 15, 0, tzinfo=UTC
)  # inside Bob's hours, seen from London
SATURDAY = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # outside everyone's hours
# Bob's evening in New York runs past midnight in London.
BOB_HOURS = [[0, 9 * 60, 12 * 60], [2, 9 * 60, 17 * 60], [2, 18 * 60, 21 * 60]]


def _both_ways(pairing: Pairing, *, error: str = "") -> list[str]:
    """The section for each partner, at two moments, in each language: asserts the writer
    wrote what the template wrote and returns the pages."""
    pages = []
    for moment in (WEDNESDAY_MORNING_IN_NEW_YORK, SATURDAY):
        for viewer in (pairing.mentee, pairing.mentor):
            for language in ("en", "es", "de"):
                with (
                    time_machine.travel(moment, tick=False),
                    translation.override(language),
                    timezone.override(ZoneInfo(viewer.timezone)),
                ):
                    summary = agreement_summary_for(pairing=pairing, viewer=viewer)
                    if error:
                        summary["acknowledge_error"] = error
                    wanted = (
                        engines["django"]
                        .from_string(SUMMARY)
                        .render({"summary": summary, "csrf_token": "token-123"})
                    )

                    assert agreement_summary_html(summary=summary, csrf_token="token-123") == (
                        wanted
                    )
                pages.append(wanted)
    return pages


def test_each_step_of_the_agreement_reads_as_the_template_wrote_it(pairing, mentee, mentor):
    mentor.display_name = 'Bob <b>"B"</b> & co'
    mentor.save()
    mentee.profile.personal_phone = "+447700900123"
    mentee.profile.save()

    nothing_yet = _both_ways(pairing)
    terms_state(pairing, mentor, contact_hours=BOB_HOURS, urgent_breaks_through=True)
    bob_stated = _both_ways(pairing, error="The terms changed <meanwhile>.")
    terms_state(pairing, mentee, phone="personal", contact_hours=[[6, 600, 660]], reply_time="week")
    both_stated = _both_ways(pairing)
    version = ContactAgreement.objects.get(pairing=pairing).version
    agreement_acknowledge(pairing=pairing, person=mentor, seen_version=version)
    bob_acknowledged = _both_ways(pairing)
    agreement_acknowledge(pairing=pairing, person=mentee, seen_version=version)
    holds = _both_ways(pairing)

    assert "Start your contact agreement" in nothing_yet[0]
    assert "Bob &lt;b&gt;&quot;B&quot;&lt;/b&gt; &amp; co has said how" in bob_stated[0]
    assert 'name="csrfmiddlewaretoken" value="token-123"' in bob_stated[0]
    assert "&lt;meanwhile&gt;" in bob_stated[0]
    assert "Right now is inside their hours." in bob_stated[0]
    assert "Their hours next open" in bob_stated[6]
    assert 'href="tel:+447700900123"' in both_stated[3]  # Bob reads Alice's number
    assert "Bob &lt;b&gt;&quot;B&quot;&lt;/b&gt; &amp; co acknowledged them." in bob_acknowledged[0]
    assert "agreement holds" in holds[0]


def test_a_closed_or_proposed_pairing_reads_as_the_template_wrote_it(pairing, mentee, mentor):
    for person in (mentee, mentor):
        person.profile.personal_phone = "+447700900123"
        person.profile.save()
    agreement_reach(pairing, phone="personal")
    pairing_close(pairing=pairing, by=mentor, reason="completed")
    pairing.refresh_from_db()

    closed = _both_ways(pairing)
    pairing.status = Pairing.Status.PROPOSED
    proposed = _both_ways(pairing)

    assert "This pairing has ended" in closed[0]
    assert "Not shown: the pairing is not active." in closed[0]
    assert "opens once the pairing has started" in proposed[0]


def test_no_token_no_hidden_input(pairing, mentee, mentor):
    terms_state(pairing, mentor)
    summary = agreement_summary_for(pairing=pairing, viewer=mentee)

    assert "csrfmiddlewaretoken" not in agreement_summary_html(summary=summary, csrf_token=None)
