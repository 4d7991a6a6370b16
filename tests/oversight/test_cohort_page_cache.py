"""The cohort page's queue, waiting list, pauses, latest matching and pairings table come from the
shared cache with its figures (oversight/live.py): the same characters as computed afresh, each
viewer's own CSRF token in its forms, what an admin does shown at once, the partners' activity
within COHORT_FIGURES_CACHE_SECONDS, and only the session, permission and cohort queries.
Needs Redis (LIVE_VERSIONS_CACHED), so not run on SQLite."""

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.models import Message
from matching.models import MatchRun, MentorRequest
from matching.services.requests import request_decline
from organisations.models import Role
from organisations.services import membership_ensure
from oversight.live import cohort_figures_changed
from oversight.models.health import HealthStatus, PairingHealth
from pairings.models import Pairing
from programmes.models import Cohort
from tests.caches import REFUSING_CACHES
from tests.factories import (
    EnrolmentFactory,
    UserFactory,
    default_organisation,
    second_factor_add,
)
from tests.oversight.test_cohort_page import (
    NOW,
    assess,
    build_pairings,
    cohort_ten_weeks_in,
    pause,
    text_of,
    waiting_mentee,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)"')
AS_OF = re.compile(r'<p class="muted figures-as-of">.*?</p>')
FROM = re.compile(r'FROM "(\w+)"')
# What the page asks the database once its cohort-wide parts are cached: the session, the user,
# their permission and second factor, the cohort, and the menu's unread-messages badge.
ASKED = {
    "django_session",
    "accounts_user",
    "mfa_authenticator",
    "programmes_cohort",
    "exchange_message",
}
STAND_IN = re.compile(r"(csrf|path)[0-9a-f]{32}")  # oversight.views.cohort_page._stand_ins


@pytest.fixture(autouse=True)
def _page_cached(settings) -> None:
    settings.LIVE_VERSIONS_CACHED = True  # Redis, as in production
    settings.COHORT_FIGURES_CACHE_SECONDS = 300


@pytest.fixture
def traveller():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cohort(programme_admin, traveller) -> Cohort:
    return cohort_ten_weeks_in(programme_admin, "Spring cohort")


def url(cohort) -> str:
    return reverse("oversight:cohort_detail", args=[cohort.pk])


def get(client, cohort, params=None, **headers):
    response = client.get(url(cohort), params or {}, headers=headers)
    assert response.status_code == 200
    return response


def tokens(response) -> set[str]:
    return {m.group(2) for m in TOKEN.finditer(response.content.decode())}


def form_token(response, action: str) -> str:
    """The CSRF token of the form that posts to `action`."""
    html = response.content.decode()
    form = html[html.index(f'action="{action}"') :]
    return TOKEN.search(form[: form.index("</form>")]).group(2)


def normalised(response) -> str:
    """The page as a person sees it, but for the CSRF tokens (a new mask on every request) and
    the "as of" line (only said of cached content)."""
    return AS_OF.sub("", TOKEN.sub(r"\1…\"", response.content.decode()))


def queue(response) -> str:
    html = text_of(response)
    return html[html.index('id="queue-title"') : html.index('id="charts-title"')]


def table(response) -> str:
    return re.search(r'<section id="pairings".*?</section>', text_of(response)).group(0)


def an_admin(email: str, name: str, cohort) -> object:
    admin = UserFactory(email=email, display_name=name)
    second_factor_add(admin)
    membership_ensure(organisation=default_organisation(), user=admin, role=Role.ADMIN)
    cohort.admins.add(admin)
    return admin


def varied(cohort, admin) -> None:
    """Rows in every state the page shows: flagged, snoozed, paused, waiting, closed, names
    that need escaping, a latest matching."""
    pairings = build_pairings(cohort, 30)
    odd = pairings[4]
    odd.mentee.display_name = 'Zoë "Q" <O\'Neil> & co'
    odd.mentee.save(update_fields=["display_name"])
    PairingHealth.objects.filter(pairing=pairings[5]).update(
        status=HealthStatus.AT_RISK,
        snoozed_until=NOW.date() + timedelta(days=5),
        snooze_note="On leave <until> May & June",
        snoozed_by=admin,
    )
    Pairing.objects.filter(pk=pairings[6].pk).update(status=Pairing.Status.CLOSED)
    waiting_mentee(cohort, "Ann & <Bo>", days_ago=4)
    waiting_mentee(cohort, "Zara Ahmed", mentor_name="Olu Mentor", days_ago=2)
    MatchRun.objects.create(cohort=cohort, created_by=admin)


@pytest.mark.parametrize(
    ("language", "zone", "mode", "params"),
    [
        ("en", "UTC", "admin", {}),
        ("es", "America/New_York", "requests", {"status": "active", "sort": "-mentee"}),
        ("de", "Asia/Kolkata", "admin", {"health": "at_risk", "q": "p1", "page": "1"}),
        ("en", "Europe/Berlin", "admin", {"sort": "sessions", "page": "2", "x": "a&b=<c>"}),
        ("es", "Australia/Sydney", "admin", {"q": 'Zoë "Q" <O\'Neil> & co', "page": "x"}),
    ],
)
def test_the_cached_page_and_table_are_the_computed_ones_character_for_character(
    client, cohort, programme_admin, settings, language, zone, mode, params
):
    programme_admin.language, programme_admin.timezone = language, zone
    programme_admin.save(update_fields=["language", "timezone"])
    Cohort.objects.filter(pk=cohort.pk).update(matching_mode=mode)
    varied(cohort, programme_admin)
    client.force_login(programme_admin)
    htmx = {"HX-Request": "true", "HX-Target": "pairings"}

    with override_settings(COHORT_FIGURES_CACHE_SECONDS=0):
        computed = get(client, cohort, params)
        computed_table = get(client, cohort, params, **htmx)
    stored = get(client, cohort, params)  # computed and kept
    kept = get(client, cohort, params)  # from the cache
    kept_table = get(client, cohort, params, **htmx)

    assert "?next=" in computed.content.decode()  # the queue's "Snooze" links come back here
    assert "csrfmiddlewaretoken" in queue(computed)
    assert f'<html lang="{language}"' in computed.content.decode()
    assert normalised(stored) == normalised(computed)
    assert normalised(kept) == normalised(computed)
    assert kept_table.content == computed_table.content
    assert kept_table.content.decode() in kept.content.decode()
    assert "HX-Request" in kept_table["Vary"]
    assert AS_OF.search(kept.content.decode())
    assert not STAND_IN.search(stored.content.decode() + kept.content.decode())
    assert not AS_OF.search(computed.content.decode())


def test_a_table_page_asked_alone_is_kept_and_shows_the_filters_rows(
    client, cohort, programme_admin
):
    build_pairings(cohort, 30)
    client.force_login(programme_admin)
    htmx = {"HX-Request": "true", "HX-Target": "pairings"}

    first = get(client, cohort, {"sort": "mentee", "page": "2"}, **htmx)
    again = get(client, cohort, {"sort": "mentee", "page": "2"}, **htmx)
    other = get(client, cohort, {"sort": "-mentee", "page": "2"}, **htmx)

    assert first.content == again.content
    assert "Page 2 of 2" in first.content.decode()
    assert "Mentee p9" in first.content.decode()  # p0, p1, p10 … p29 on page 1: p9 is last
    assert "Mentee p0" in other.content.decode()
    assert "<svg" not in first.content.decode()


def test_each_admin_gets_their_own_csrf_token_and_their_forms_post(
    cohort, programme_admin, traveller
):
    zara = waiting_mentee(cohort, "Zara Ahmed")
    nia = an_admin("nia@example.org", "Nia Admin", cohort)
    dana_client, nia_client = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    dana_client.force_login(programme_admin)
    nia_client.force_login(nia)
    dana_page = get(dana_client, cohort)  # computes the page and keeps it
    traveller.shift(timedelta(minutes=1))

    nia_page = get(nia_client, cohort)

    assert "Figures, queue and table as of 12:00" in text_of(nia_page)  # Dana's, from the cache
    assert not tokens(dana_page) & tokens(nia_page)
    assert all(token not in nia_page.content.decode() for token in tokens(dana_page))
    close_wait = reverse("oversight:mentee_wait_close", args=[cohort.pk, zara.pk])
    run_again = reverse("matching:match_run", args=[cohort.pk])
    # Dana's token is no good to Nia: the check is real.
    refused = nia_client.post(
        close_wait, {"csrfmiddlewaretoken": form_token(dana_page, close_wait)}
    )
    assert refused.status_code == 403

    closed = nia_client.post(close_wait, {"csrfmiddlewaretoken": form_token(nia_page, close_wait)})
    ran = nia_client.post(run_again, {"csrfmiddlewaretoken": form_token(nia_page, run_again)})

    assert closed.status_code == 302
    assert ran.status_code == 302
    assert MatchRun.objects.filter(cohort=cohort, created_by=nia).exists()
    after = get(nia_client, cohort)
    assert "No mentee is waiting for a mentor." in queue(after)
    assert "Latest matching: 15 Mar 2027 12:01" in text_of(after)


def snooze_link(response, pairing) -> str:
    snooze = reverse("oversight:pairing_health_snooze", args=[pairing.pk])
    return re.search(rf'href="{re.escape(snooze)}([^"]*)"', response.content.decode()).group(1)


def test_the_snooze_link_brings_each_viewer_back_to_their_own_address(
    client, cohort, programme_admin
):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    assess(pairing, HealthStatus.AT_RISK, "No contact for 35 days")
    client.force_login(programme_admin)
    first = get(client, cohort, {"sort": "mentee"})

    kept = get(client, cohort, {"sort": "mentee", "utm": "a&b"})  # the same queue, kept
    with override_settings(COHORT_FIGURES_CACHE_SECONDS=0):
        computed = get(client, cohort, {"sort": "mentee", "utm": "a&b"})

    assert "utm" not in snooze_link(first, pairing)
    assert "utm%3Da%2526b" in snooze_link(kept, pairing)
    assert snooze_link(kept, pairing) == snooze_link(computed, pairing)
    # Followed, it names this very address: its query is not escaped twice (`&amp;` would
    # lose the sort on the way back).
    query = urlsplit(html.unescape(snooze_link(kept, pairing))).query
    assert parse_qs(query)["next"] == [f"{url(cohort)}?sort=mentee&utm=a%26b"]


# --- what an admin does shows at once ---------------------------------------------------------


def flagged(cohort, *, snoozed: bool = False) -> Pairing:
    (pairing,) = build_pairings(cohort, 1, prefix="f", with_activity=False)
    extra = {"snoozed_until": date(2027, 3, 20), "snooze_note": "On leave"} if snoozed else {}
    assess(pairing, HealthStatus.AT_RISK, "No contact for 35 days", **extra)
    return pairing


def at_risk(response) -> str:
    return queue(response).split('id="queue-attention-title"')[0]


def test_a_snooze_and_its_end_show_at_once(client, cohort, programme_admin):
    pairing = flagged(cohort)
    client.force_login(programme_admin)
    assert "Mentee f0" in at_risk(get(client, cohort))

    client.post(
        reverse("oversight:pairing_health_snooze", args=[pairing.pk]),
        {"until": "2027-03-22", "note": "Mentor on leave"},
    )
    response = get(client, cohort)
    assert "Mentee f0" not in at_risk(response)
    assert "1 snoozed flag is left out until its date" in queue(response)
    assert "Mentor on leave" in table(response)

    client.post(reverse("oversight:pairing_health_unsnooze", args=[pairing.pk]))
    response = get(client, cohort)
    assert "Mentee f0" in at_risk(response)
    assert "Mentor on leave" not in table(response)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("pairings:pairing_admin_close", {"reason": Pairing.CloseReason.COMPLETED}),
        ("oversight:pairing_rematch", {"note": "Not a fit"}),
    ],
)
def test_a_close_or_a_rematch_shows_at_once(client, cohort, programme_admin, action, data):
    pairing = flagged(cohort)
    client.force_login(programme_admin)
    assert "<td>Active</td>" in table(get(client, cohort))

    response = client.post(reverse(action, args=[pairing.pk]), data)
    assert response.status_code == 302

    response = get(client, cohort)
    assert "<td>Closed</td>" in table(response)
    assert "<td>Active</td>" not in table(response)
    assert "Mentee f0" not in at_risk(response)


def test_a_pause_agreed_shows_at_once(client, cohort, programme_admin):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    waiting = pause(pairing, date(2027, 3, 10), date(2027, 5, 30), "awaiting")
    client.force_login(programme_admin)
    response = get(client, cohort)
    assert 'Pauses waiting for your agreement <small class="muted">(1)</small>' in queue(response)
    assert "Paused until" not in table(response)

    client.post(reverse("pairings:pause_decide", args=[waiting.pk]), {"decision": "agree"})

    response = get(client, cohort)
    assert "No pause is waiting for your agreement." in queue(response)
    assert "Paused until 30 May 2027" in table(response)


def test_closing_a_wait_and_a_mentor_declining_a_request_show_at_once(
    client, cohort, programme_admin
):
    zara = waiting_mentee(cohort, "Zara Ahmed")
    ben = EnrolmentFactory(cohort=cohort, role="mentee", user__display_name="Ben Mentee").user
    mentor = EnrolmentFactory(cohort=cohort, role="mentor").user
    request = MentorRequest.objects.create(
        cohort=cohort, mentee=ben, mentor=mentor, expires_at=NOW + timedelta(days=3)
    )
    client.force_login(programme_admin)
    assert "Zara Ahmed" in queue(get(client, cohort))

    client.post(reverse("oversight:mentee_wait_close", args=[cohort.pk, zara.pk]))
    response = get(client, cohort)
    assert "Zara Ahmed" not in queue(response)
    assert "No mentee is waiting for a mentor." in queue(response)

    request_decline(mentor_request=request, by=mentor)
    assert "Ben Mentee" in queue(get(client, cohort))


def test_a_new_match_run_shows_as_the_latest_matching_at_once(client, cohort, programme_admin):
    client.force_login(programme_admin)
    assert "Latest matching" not in text_of(get(client, cohort))

    MatchRun.objects.create(cohort=cohort, created_by=programme_admin)

    assert "Latest matching: 15 Mar 2027 12:00 (Draft)." in text_of(get(client, cohort))


# --- the partners' activity shows within the window --------------------------------------------


def test_a_message_shows_in_the_table_once_the_window_ends_and_the_page_says_so(
    client, cohort, programme_admin, traveller
):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    client.force_login(programme_admin)
    with override_settings(COHORT_FIGURES_CACHE_SECONDS=60):
        response = get(client, cohort)
        assert "No contact yet" in table(response)
        assert "Figures, queue and table as of 12:00 · updated every minute" in text_of(response)

        Message.objects.create(pairing=pairing, sender_id=pairing.mentee_id, body="Hello")
        assert "No contact yet" in table(get(client, cohort))  # a minute late at most

        traveller.shift(timedelta(seconds=61))
        response = get(client, cohort)
        assert "No contact yet" not in table(response)
        assert "1 minute ago" in table(response)
        assert "Figures, queue and table as of 12:01 · updated every minute" in text_of(response)


def test_a_table_kept_before_the_page_is_computed_again_so_the_as_of_line_holds_for_it(
    client, cohort, programme_admin, traveller
):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    client.force_login(programme_admin)
    alone = get(client, cohort, **{"HX-Request": "true", "HX-Target": "pairings"})  # 12:00
    assert "No contact yet" in alone.content.decode()
    traveller.shift(timedelta(minutes=2))  # the same five minutes
    Message.objects.create(pairing=pairing, sender_id=pairing.mentee_id, body="Hello")

    response = get(client, cohort)  # its figures and queue computed now, at 12:02

    assert "Figures, queue and table as of 12:02" in text_of(response)
    assert "No contact yet" not in table(response)


def test_the_printable_report_is_never_kept(client, cohort, programme_admin):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    client.force_login(programme_admin)
    report = reverse("oversight:cohort_report", args=[cohort.pk])
    today = "<td>15 Mar 2027</td>"  # the pairing's "Since", and then its last contact
    assert "No contact yet" in table(get(client, cohort))
    assert client.get(report).content.decode().count(today) == 1

    Message.objects.create(pairing=pairing, sender_id=pairing.mentee_id, body="Hello")

    assert "No contact yet" in table(get(client, cohort))
    assert client.get(report).content.decode().count(today) == 2


# --- queries -------------------------------------------------------------------------------------


def test_from_the_cache_the_page_asks_only_for_the_session_the_admin_and_the_cohort(
    client, cohort, programme_admin
):
    small = cohort_ten_weeks_in(programme_admin, "Small cohort")
    build_pairings(small, 10, prefix="s")
    build_pairings(cohort, 300, prefix="b")
    for n in range(12):
        waiting_mentee(cohort, f"Waiting {n}", mentor_name=f"Mentor {n}", days_ago=n + 1)
    client.force_login(programme_admin)
    htmx = {"HX-Request": "true", "HX-Target": "pairings"}
    for one in (small, cohort):
        get(client, one)
        get(client, one, {"sort": "mentee", "page": "2"}, **htmx)

    counts = []
    for one in (small, cohort):
        with CaptureQueriesContext(connection) as page_queries:
            response = get(client, one)
        with CaptureQueriesContext(connection) as table_queries:
            get(client, one, {"sort": "mentee", "page": "2"}, **htmx)
        counts.append((len(page_queries), len(table_queries)))
        for query in [*page_queries, *table_queries]:
            assert FROM.search(query["sql"]).group(1) in ASKED, query["sql"]
    assert "Waiting 11" in queue(response)
    # session, user, permission, second factor, cohort; the whole page also the menu's badge
    assert counts == [(6, 5), (6, 5)]


def test_a_redis_that_refuses_connections_still_renders_the_page_and_the_table(
    client, cohort, programme_admin
):
    build_pairings(cohort, 2)
    client.force_login(programme_admin)
    with override_settings(CACHES=REFUSING_CACHES):
        response = get(client, cohort)
        alone = get(
            client, cohort, {"sort": "mentee"}, **{"HX-Request": "true", "HX-Target": "pairings"}
        )
    assert "Mentee p1" in table(response)
    assert "Mentee p1" in alone.content.decode()
    assert not STAND_IN.search(response.content.decode() + alone.content.decode())


# --- the cohort's pairings page: the same table, kept under the same version and window ----------


def pairings_page(client, cohort, params=None, **headers):
    response = client.get(
        reverse("oversight:cohort_pairings", args=[cohort.pk]), params or {}, headers=headers
    )
    assert response.status_code == 200
    return response


def test_the_pairings_page_keeps_its_table_with_its_own_links_and_says_as_of_when(
    client, cohort, programme_admin, traveller, settings
):
    (pairing,) = build_pairings(cohort, 1, with_activity=False)
    client.force_login(programme_admin)
    settings.COHORT_FIGURES_CACHE_SECONDS = 0
    computed = pairings_page(client, cohort, {"sort": "mentee"})
    settings.COHORT_FIGURES_CACHE_SECONDS = 60
    kept = pairings_page(client, cohort, {"sort": "mentee"})
    assert table(kept) == table(computed)
    own = reverse("oversight:cohort_pairings", args=[cohort.pk])
    assert f'hx-get="{own}"' in table(kept)  # the filters ask this page, not the cohort page
    assert "Table as of 12:00 · updated every minute" in text_of(kept)
    assert not STAND_IN.search(kept.content.decode())
    alone = pairings_page(
        client, cohort, {"sort": "mentee"}, **{"HX-Request": "true", "HX-Target": "pairings"}
    )
    assert table(alone) == table(kept)

    # A message shows within the window; closing the pairing shows at once.
    assert "No contact yet" in table(pairings_page(client, cohort))
    Message.objects.create(pairing=pairing, sender_id=pairing.mentee_id, body="Hello")
    assert "No contact yet" in table(pairings_page(client, cohort))
    traveller.shift(timedelta(seconds=61))
    response = pairings_page(client, cohort)
    assert "No contact yet" not in table(response)
    assert "Table as of 12:01 · updated every minute" in text_of(response)
    response = client.post(
        reverse("pairings:pairing_admin_close", args=[pairing.pk]),
        {"reason": Pairing.CloseReason.COMPLETED},
    )
    assert response.status_code == 302
    assert "<td>Closed</td>" in table(pairings_page(client, cohort))


def test_the_pairings_page_asks_no_more_of_the_database_for_more_pairings(
    client, cohort, programme_admin
):
    build_pairings(cohort, 2)
    client.force_login(programme_admin)
    pairings_page(client, cohort)
    with CaptureQueriesContext(connection) as few:
        pairings_page(client, cohort)
    build_pairings(cohort, 30, prefix="q")
    cohort_figures_changed(cohort_ids=[cohort.pk])
    pairings_page(client, cohort)
    with CaptureQueriesContext(connection) as many:
        pairings_page(client, cohort)
    assert len(many.captured_queries) == len(few.captured_queries)
    for query in many.captured_queries:
        assert FROM.search(query["sql"]).group(1) in ASKED, query["sql"]
