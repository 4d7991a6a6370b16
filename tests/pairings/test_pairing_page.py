"""The pairing page's own parts (home.views.pairing's writers) write what its template wrote,
byte for byte, in every language, for both partners, while the pairing is proposed, active and
closed, with and without the reasons they were paired and the partner's optional details."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from goals.services import goal_create
from home.views.pairing import _why_paired
from pairings.models import Pairing
from pairings.services.pairings import pairing_close

pytestmark = pytest.mark.django_db

# templates/home/pairing_detail.html as it was before its parts were written in Python.
BEFORE = (Path(__file__).parent / "pairing_detail_before.html").read_text()
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _same_page(client, pairing: Pairing) -> list[str]:
    """The page for each partner in each language, compared with what the old template
    writes from the same context; returns the pages."""
    pages = []
    url = reverse("home:pairing_detail", args=[pairing.pk])
    for viewer in (pairing.mentee, pairing.mentor):
        for language in ("en", "es", "de"):
            viewer.language = language
            viewer.save(update_fields=["language"])
            client.force_login(viewer)
            response = client.get(url)
            context = response.context[0].flatten()  # the page's own, not its includes'
            context["why"] = _why_paired(context["pairing"])
            with translation.override(language), timezone.override(viewer.zoneinfo):
                wanted = (
                    engines["django"]
                    .from_string(BEFORE)
                    .render(context, request=response.wsgi_request)
                )
            page = response.content.decode()

            assert TOKEN.sub(r"\1X", page) == TOKEN.sub(r"\1X", wanted)
            pages.append(page)
    return pages


def test_an_active_pairing_reads_as_the_template_wrote_it(client, pairing, mentee, mentor):
    mentor.display_name = 'Bob <b>"B"</b> & co'
    mentor.save()
    mentor.profile.expertise = ["leadership", "<script>", "R&D"]
    mentor.profile.city = "Köln & <Bonn>"
    mentor.profile.save()
    mentee.profile.goals = "Lead <my> team & more"
    mentee.profile.city = ""
    mentee.profile.expertise = []
    mentee.profile.save()
    pairing.criteria = {"field": 0.4, "goals": 0.35, "timezone": 0.25, "channels": 0.0}
    pairing.save()
    goal_create(pairing=pairing, by=mentee, title="Lead a team")

    pages = _same_page(client, pairing)

    assert "Bob &lt;b&gt;&quot;B&quot;&lt;/b&gt; &amp; co" in pages[0]
    assert "leadership, &lt;script&gt;, R&amp;D" in pages[0]
    assert "Why you were paired" in pages[0]
    assert "Channels" not in pages[0]  # 0% did not count
    assert "Lead &lt;my&gt; team &amp; more" in pages[3]  # the mentor reads the mentee's goals
    assert "Set a goal" in pages[0]
    assert "Set a goal" not in pages[3]


def test_a_pairing_without_reasons_or_goals_reads_as_the_template_wrote_it(client, pairing):
    pairing.criteria = {}
    pairing.save()

    pages = _same_page(client, pairing)

    assert "Why you were paired" not in pages[0]
    assert "Book a session" in pages[0]


def test_a_proposed_pairing_reads_as_the_template_wrote_it(client, pairing):
    pairing.status = Pairing.Status.PROPOSED
    pairing.save()

    pages = _same_page(client, pairing)

    assert "Waiting for your mentor to accept." in pages[0]
    assert "Will you mentor them?" in pages[3]
    assert "Close this pairing" in pages[0]


def test_a_closed_pairing_reads_as_the_template_wrote_it(client, pairing, mentee, mentor):
    goal_create(pairing=pairing, by=mentee, title="Lead a team")
    pairing_close(pairing=pairing, by=mentor, reason="completed")
    pairing.refresh_from_db()

    pages = _same_page(client, pairing)

    assert "Messages (read-only)" in pages[0]
    assert "Closed on" in pages[0]
    assert "Close this pairing" not in pages[0]
