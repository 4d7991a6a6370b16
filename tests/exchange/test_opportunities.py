"""Opportunities: a mentor passes an event, a job or a course on to one or several of their
active mentees in one action; each mentee sees it (in their own zone), answers interested / not
for me, and adds an event to their calendar; the mentor sees every answer. Nobody else sees it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.models import Opportunity, OpportunityRecipient
from exchange.services.opportunities import opportunity_respond, opportunity_share
from mentoring.errors import DomainError
from notifications.models import Notification
from pairings.models import Pairing
from tests.factories import EnrolmentFactory, PairingFactory, ProfileFactory
from tests.sessions_app.two_parsers import parse_both

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# Wednesday 10 June 2026, 18:00-20:00 in New York (EDT): 22:00-00:00 UTC, 23:00-01:00 in London.
MEETUP_START = datetime(2026, 6, 10, 22, 0, tzinfo=UTC)
MEETUP_END = MEETUP_START + timedelta(hours=2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def frank(db):
    """Frank: Bob's second mentee; among the recipients only when a test says so."""
    return ProfileFactory(
        mentee=True, user__email="frank@example.org", user__display_name="Frank Second"
    ).user


@pytest.fixture
def second_pairing(pairing, frank):
    """Bob also mentors Frank, in the same cohort."""
    EnrolmentFactory(cohort=pairing.cohort, user=frank, role="mentee")
    return PairingFactory(cohort=pairing.cohort, mentor=pairing.mentor, mentee=frank)


def share(pairings: list[Pairing], **fields) -> Opportunity:
    values = {
        "mentor": fields.pop("mentor", None) or pairings[0].mentor,
        "kind": Opportunity.Kind.EVENT,
        "title": "Women in Tech meetup",
        "starts_at": MEETUP_START,
        "ends_at": MEETUP_END,
        "location": "Shoreditch Works, London",
        "url": "https://example.org/meetup",
        "note": "Ask for Priya, she runs the mentoring circle.",
        "pairings": pairings,
    }
    values.update(fields)
    return opportunity_share(**values)


def row_of(opportunity: Opportunity, mentee) -> OpportunityRecipient:
    return OpportunityRecipient.objects.get(opportunity=opportunity, mentee=mentee)


def detail_url(opportunity: Opportunity) -> str:
    return reverse("exchange:opportunity_detail", args=[opportunity.pk])


def respond_url(opportunity: Opportunity) -> str:
    return reverse("exchange:opportunity_respond", args=[opportunity.pk])


def ics_url(opportunity: Opportunity) -> str:
    return reverse("exchange:opportunity_ics", args=[opportunity.pk])


def form_data(chosen: list[Pairing], **fields) -> dict:
    data = {
        "kind": "event",
        "title": "Women in Tech meetup",
        "starts_at": "2026-06-10T18:00",  # Bob's zone: New York
        "ends_at": "2026-06-10T20:00",
        "location": "Shoreditch Works, London",
        "url": "https://example.org/meetup",
        "note": "Ask for Priya.",
        "pairings": [str(p.pk) for p in chosen],
    }
    data.update(fields)
    return data


# --- services ------------------------------------------------------------------------------


def test_sharing_with_two_mentees_gives_each_one_row_and_one_notification(
    pairing, second_pairing, mentee, frank
):
    opportunity = share([pairing, second_pairing])

    rows = OpportunityRecipient.objects.filter(opportunity=opportunity)
    assert {(r.mentee_id, r.pairing_id, r.response) for r in rows} == {
        (mentee.pk, pairing.pk, ""),
        (frank.pk, second_pairing.pk, ""),
    }
    notes = Notification.objects.filter(kind=Notification.Kind.OPPORTUNITY)
    assert sorted((n.recipient_id, n.opportunity.opportunity_id) for n in notes) == sorted(
        [(mentee.pk, opportunity.pk), (frank.pk, opportunity.pk)]
    )


def test_a_mentor_cannot_pass_an_opportunity_to_someone_elses_mentee(pairing, other_pairing):
    with pytest.raises(DomainError, match="your own active mentees"):
        share([pairing, other_pairing], mentor=pairing.mentor)

    assert not Opportunity.objects.exists()
    assert not OpportunityRecipient.objects.exists()
    assert not Notification.objects.exists()


def test_a_mentor_cannot_pass_an_opportunity_through_a_closed_pairing(pairing):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)

    # The pairing object in hand still says active: the service reads the database.
    with pytest.raises(DomainError, match="your own active mentees"):
        share([pairing])

    assert not Opportunity.objects.exists()


def test_sharing_needs_a_mentee_a_start_for_an_event_and_an_end_after_the_start(pairing):
    with pytest.raises(DomainError, match="at least one mentee"):
        share([], mentor=pairing.mentor)
    with pytest.raises(DomainError, match="needs a start time"):
        share([pairing], starts_at=None, ends_at=None)
    with pytest.raises(DomainError, match="end must come after"):
        share([pairing], ends_at=MEETUP_START)

    job = share([pairing], kind=Opportunity.Kind.JOB, starts_at=None, ends_at=None, location="")
    assert job.starts_at is None
    assert not Opportunity.objects.exclude(pk=job.pk).exists()


def test_the_mentee_answers_and_can_change_their_answer(pairing, mentee):
    row = row_of(share([pairing]), mentee)

    opportunity_respond(recipient_row=row, by=mentee, response="interested")
    row.refresh_from_db()
    assert (row.response, row.responded_at) == ("interested", NOW)

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        opportunity_respond(recipient_row=row, by=mentee, response="not_for_me")
    row.refresh_from_db()
    assert (row.response, row.responded_at) == ("not_for_me", NOW + timedelta(hours=1))


def test_nobody_answers_for_the_mentee(pairing, second_pairing, mentee, frank, mentor):
    row = row_of(share([pairing, second_pairing]), mentee)

    for someone in (frank, mentor):
        with pytest.raises(DomainError, match="Only the mentee"):
            opportunity_respond(recipient_row=row, by=someone, response="interested")
    with pytest.raises(DomainError):
        opportunity_respond(recipient_row=row, by=mentee, response="maybe")

    row.refresh_from_db()
    assert row.response == ""


def test_answers_close_with_the_pairing(pairing, mentee):
    row = row_of(share([pairing]), mentee)
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    row = OpportunityRecipient.objects.select_related("pairing").get(pk=row.pk)

    with pytest.raises(DomainError, match="ended"):
        opportunity_respond(recipient_row=row, by=mentee, response="interested")


# --- passing one on: the form --------------------------------------------------------------


def test_a_mentor_passes_an_opportunity_to_two_mentees_in_one_action(
    client, pairing, second_pairing, mentor, mentee, frank
):
    client.force_login(mentor)

    page = client.get(reverse("exchange:opportunity_new"))
    assert 'type="datetime-local"' in page.content.decode()
    assert "America/New_York" in page.content.decode()
    response = client.post(
        reverse("exchange:opportunity_new"), form_data([pairing, second_pairing]), follow=True
    )

    opportunity = Opportunity.objects.get()
    assert response.redirect_chain == [(detail_url(opportunity), 302)]
    assert "Passed on to Alice Mentee and Frank Second." in response.content.decode()
    # 18:00-20:00 typed in New York, stored in UTC.
    assert (opportunity.starts_at, opportunity.ends_at) == (MEETUP_START, MEETUP_END)
    assert opportunity.mentor == mentor
    assert set(opportunity.recipients.values_list("mentee", flat=True)) == {mentee.pk, frank.pk}
    assert Notification.objects.filter(kind="opportunity").count() == 2


def test_a_refused_form_keeps_everything_typed_and_says_why_beside_the_field(
    client, pairing, second_pairing, mentor
):
    client.force_login(mentor)

    response = client.post(
        reverse("exchange:opportunity_new"),
        form_data([second_pairing], ends_at="2026-06-10T17:00", note="Bring CVs."),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The end must come after the start." in html
    assert 'value="Women in Tech meetup"' in html
    assert 'value="2026-06-10T18:00"' in html
    assert 'value="2026-06-10T17:00"' in html
    assert "Bring CVs." in html
    checked = re.findall(r'<input type="checkbox" name="pairings" value="(\d+)"[^>]*checked', html)
    assert checked == [str(second_pairing.pk)]
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"starts_at": "", "ends_at": ""}, "An event needs a start time."),
        ({"starts_at": ""}, "Give the start too"),
        ({"location": "", "url": ""}, "Say where the event happens, or give its link."),
        ({"pairings": []}, "Choose at least one mentee."),
        # New York's clocks jump from 02:00 to 03:00 on 8 March 2026.
        ({"starts_at": "2026-03-08T02:30", "ends_at": ""}, "Clocks skip that time"),
        ({"title": ""}, "This field is required."),
    ],
)
def test_the_form_refuses_incomplete_opportunities(client, pairing, mentor, fields, error):
    client.force_login(mentor)

    response = client.post(reverse("exchange:opportunity_new"), form_data([pairing], **fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_job_needs_no_time_or_place(client, pairing, mentor):
    client.force_login(mentor)

    client.post(
        reverse("exchange:opportunity_new"),
        form_data([pairing], kind="job", starts_at="", ends_at="", location=""),
    )

    assert Opportunity.objects.get().kind == "job"


def test_posting_someone_elses_mentee_or_a_closed_pairing_is_refused(
    client, pairing, second_pairing, other_pairing, mentor
):
    Pairing.objects.filter(pk=second_pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentor)

    for foreign in (other_pairing, second_pairing):
        response = client.post(reverse("exchange:opportunity_new"), form_data([pairing, foreign]))
        assert response.status_code == 200
        assert "You can only choose your own active mentees." in response.content.decode()

    assert not Opportunity.objects.exists()
    assert not Notification.objects.exists()


def test_the_form_lists_only_the_mentors_active_mentees(
    client, pairing, second_pairing, other_pairing, mentor
):
    Pairing.objects.filter(pk=second_pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentor)

    html = client.get(reverse("exchange:opportunity_new")).content.decode()

    assert "Alice Mentee" in html
    assert "Frank Second" not in html
    assert "Charlie Other" not in html


def test_a_mentor_without_an_active_mentee_sees_why_instead_of_the_form(client, pairing, mentor):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentor)

    response = client.get(reverse("exchange:opportunity_new"))
    posted = client.post(reverse("exchange:opportunity_new"), form_data([pairing]))

    assert "You have no active mentee right now" in response.content.decode()
    assert '<form method="post">' not in response.content.decode()
    assert "You have no active mentee right now" in posted.content.decode()
    assert not Opportunity.objects.exists()


# --- what the mentee sees and answers --------------------------------------------------------


def test_the_mentee_sees_the_opportunity_in_their_own_zone(client, pairing, mentee):
    opportunity = share([pairing])
    client.force_login(mentee)

    html = client.get(detail_url(opportunity)).content.decode()

    # 18:00-20:00 in New York is 23:00-01:00 in London, on two dates.
    assert "Wed 10 Jun 2026, 23:00" in html
    assert "Thu 11 Jun 2026, 01:00" in html
    assert "Europe/London" in html
    assert "Shoreditch Works, London" in html
    assert 'href="https://example.org/meetup"' in html
    assert "Ask for Priya, she runs the mentoring circle." in html
    assert "Passed on by Bob Mentor" in html
    assert ics_url(opportunity) in html
    assert 'value="interested"' in html
    assert 'value="not_for_me"' in html


def test_answering_with_htmx_swaps_the_buttons_and_the_mentor_sees_it(
    client, pairing, second_pairing, mentee, mentor
):
    opportunity = share([pairing, second_pairing])
    client.force_login(mentee)

    response = client.post(
        respond_url(opportunity), {"response": "interested", "next": "/dashboard/"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="opportunity-answer-{opportunity.pk}"' in html
    assert "Your answer: <strong>Interested</strong>" in html
    assert re.search(r'value="interested" aria-pressed="true"', html)
    assert 'name="next" value="/dashboard/"' in html
    assert row_of(opportunity, mentee).response == "interested"

    client.force_login(mentor)
    answers = client.get(detail_url(opportunity)).content.decode()
    assert "Alice Mentee: <strong>interested</strong>" in answers
    assert re.search(r"Frank Second: <span[^>]*>no answer yet", answers)


def test_answering_without_javascript_goes_back_to_the_page(client, pairing, mentee):
    opportunity = share([pairing])
    client.force_login(mentee)

    back = client.post(respond_url(opportunity), {"response": "not_for_me", "next": "/dashboard/"})
    elsewhere = client.post(
        respond_url(opportunity), {"response": "interested", "next": "https://evil.example/"}
    )

    assert back.status_code == 302
    assert back.url == "/dashboard/"
    assert elsewhere.url == detail_url(opportunity)
    assert row_of(opportunity, mentee).response == "interested"


def test_a_mentee_answers_only_for_themselves(client, pairing, second_pairing, mentee, frank):
    opportunity = share([pairing, second_pairing])
    client.force_login(frank)

    client.post(respond_url(opportunity), {"response": "not_for_me"})

    assert row_of(opportunity, frank).response == "not_for_me"
    assert row_of(opportunity, mentee).response == ""


def test_after_the_pairing_closed_the_mentee_reads_but_cannot_answer(client, pairing, mentee):
    opportunity = share([pairing])
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentee)

    html = client.get(detail_url(opportunity)).content.decode()
    response = client.post(respond_url(opportunity), {"response": "interested"}, **HTMX)

    assert "answers are closed" in html
    assert 'value="interested"' not in html
    assert "answers are closed" in response.content.decode()
    assert row_of(opportunity, mentee).response == ""


# --- permissions, by changing ids ------------------------------------------------------------


@pytest.fixture
def outsiders(second_pairing, other_pairing, other_mentee, programme_admin):
    """Frank (Bob's mentee, not a recipient), Charlie, Charlie's mentor Oscar, and Dana."""
    return {
        "mentee of the same mentor": second_pairing.mentee,
        "other mentee": other_mentee,
        "other mentor": other_pairing.mentor,
        "programme admin": programme_admin,
    }


@pytest.mark.parametrize(
    "who", ["mentee of the same mentor", "other mentee", "other mentor", "programme admin"]
)
def test_outsiders_get_404_on_the_detail_the_calendar_file_and_the_answer(
    client, pairing, mentee, outsiders, who
):
    opportunity = share([pairing])
    client.force_login(outsiders[who])

    assert client.get(detail_url(opportunity)).status_code == 404
    assert client.get(ics_url(opportunity)).status_code == 404
    assert client.post(respond_url(opportunity), {"response": "interested"}).status_code == 404
    assert row_of(opportunity, mentee).response == ""


def test_the_mentor_cannot_answer_in_the_mentees_place(client, pairing, mentor, mentee):
    opportunity = share([pairing])
    client.force_login(mentor)

    assert client.post(respond_url(opportunity), {"response": "interested"}).status_code == 404
    assert row_of(opportunity, mentee).response == ""


# --- add to calendar -------------------------------------------------------------------------


def test_the_calendar_file_holds_the_event_in_utc_with_a_stable_uid(
    client, pairing, second_pairing, mentee, frank
):
    opportunity = share([pairing, second_pairing])
    client.force_login(mentee)

    response = client.get(ics_url(opportunity))

    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert "attachment" in response["Content-Disposition"]
    calendar = parse_both(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event.start == MEETUP_START
    assert event.start.utcoffset() == timedelta(0)
    assert event.end == MEETUP_END
    assert opportunity.created_at == event.DTSTAMP
    assert str(event["SUMMARY"]) == "Women in Tech meetup"
    assert str(event["LOCATION"]) == "Shoreditch Works, London"
    assert str(event["URL"]) == "https://example.org/meetup"
    assert "Ask for Priya" in str(event["DESCRIPTION"])
    assert "Bob Mentor" in str(event["DESCRIPTION"])
    raw = response.content.decode()
    assert "DTSTART:20260610T220000Z" in raw
    assert "DTEND:20260611T000000Z" in raw

    client.force_login(frank)
    again = parse_both(client.get(ics_url(opportunity)).content)
    assert str(again.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    assert str(event["UID"]) == f"opportunity-{opportunity.pk}@mentoring"


def test_only_an_opportunity_with_a_start_time_has_a_calendar_file(client, pairing, mentee):
    job = share(
        [pairing], kind=Opportunity.Kind.JOB, starts_at=None, ends_at=None, title="Junior PM"
    )
    client.force_login(mentee)

    assert client.get(ics_url(job)).status_code == 404
    assert ics_url(job) not in client.get(detail_url(job)).content.decode()


# --- lists -------------------------------------------------------------------------------------


def test_the_mentor_list_shows_each_mentees_answer(client, pairing, second_pairing, mentor, mentee):
    opportunity = share([pairing, second_pairing])
    opportunity_respond(recipient_row=row_of(opportunity, mentee), by=mentee, response="interested")
    client.force_login(mentor)

    html = client.get(reverse("exchange:opportunity_list")).content.decode()

    assert "Women in Tech meetup" in html
    assert "Alice Mentee: <strong>interested</strong>" in html
    assert re.search(r"Frank Second: <span[^>]*>no answer", html)
    assert reverse("exchange:opportunity_new") in html


def test_the_mentee_list_shows_only_what_reached_them(
    client, pairing, second_pairing, mentee, frank
):
    share([pairing], title="For Alice only")
    share([second_pairing], title="For Frank only")
    client.force_login(mentee)

    html = client.get(reverse("exchange:opportunity_list")).content.decode()

    assert "For Alice only" in html
    assert "For Frank only" not in html


def test_empty_lists_say_what_will_appear(client, mentor, mentee, pairing):
    client.force_login(mentor)
    sent = client.get(reverse("exchange:opportunity_list")).content.decode()
    client.force_login(mentee)
    received = client.get(reverse("exchange:opportunity_list")).content.decode()

    assert "You have not passed anything on yet." in sent
    assert "When your mentor passes on an event, a job or a course" in received


def many(pairings: list[Pairing], n: int) -> None:
    for i in range(n):
        share(pairings, title=f"Opportunity {i}")


def test_the_lists_are_paginated(client, pairing, mentee):
    many([pairing], 25)
    client.force_login(mentee)

    first = client.get(reverse("exchange:opportunity_list")).content.decode()
    second = client.get(reverse("exchange:opportunity_list"), {"page": 2}).content.decode()

    assert "Opportunity 24" in first
    assert "Opportunity 4<" not in first
    assert "Opportunity 4<" in second
    assert "Page 2 of 2" in second
    assert 'href="?show=received&amp;page=2"' in first


# session, user, profile, the page's rows, and the navigation's programme-admin check and
# unread messages; for the mentor one more: the recipients of the whole page. Beyond a page,
# one more: the count of pages.
@pytest.mark.parametrize(("role", "expected"), [("mentor", 7), ("mentee", 6)])
def test_the_list_query_count_does_not_grow_with_opportunities(
    client, pairing, second_pairing, mentor, mentee, django_assert_num_queries, role, expected
):
    client.force_login(mentor if role == "mentor" else mentee)
    many([pairing, second_pairing], 2)
    with django_assert_num_queries(expected):
        client.get(reverse("exchange:opportunity_list"))
    many([pairing, second_pairing], 18)
    with django_assert_num_queries(expected):
        response = client.get(reverse("exchange:opportunity_list"))
    assert response.content.decode().count('class="opportunity"') == 20
    many([pairing, second_pairing], 1)
    with django_assert_num_queries(expected + 1):
        response = client.get(reverse("exchange:opportunity_list"))
    assert response.content.decode().count('class="opportunity"') == 20


# --- dashboard -----------------------------------------------------------------------------------


def test_the_mentees_dashboard_shows_the_latest_opportunities_with_answers_and_calendar(
    client, pairing, mentee
):
    share([pairing], title="Older meetup")
    job = share([pairing], kind="job", title="Junior PM", starts_at=None, ends_at=None)
    event = share([pairing], title="Newest meetup")
    share([pairing], title="Between")
    OpportunityRecipient.objects.filter(opportunity__title="Between").update(response="interested")
    Opportunity.objects.filter(title="Between").update(created_at=NOW - timedelta(minutes=1))
    Opportunity.objects.filter(title="Older meetup").update(created_at=NOW - timedelta(days=1))
    client.force_login(mentee)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert "Opportunities from your mentor" in html
    assert "Older meetup" not in html  # three at most: the newest first
    assert html.index("Newest meetup") < html.index("Junior PM") < html.index("Between")
    assert ics_url(event) in html
    assert ics_url(job) not in html
    assert f'hx-post="{respond_url(event)}"' in html
    assert 'name="next" value="/dashboard/"' in html
    assert "Your answer: <strong>Interested</strong>" in html
    assert reverse("exchange:opportunity_list") in html


def test_the_mentors_dashboard_links_to_passing_on_and_counts_answers(
    client, pairing, second_pairing, mentor, mentee, frank
):
    opportunity = share([pairing, second_pairing])
    opportunity_respond(recipient_row=row_of(opportunity, mentee), by=mentee, response="interested")
    opportunity_respond(recipient_row=row_of(opportunity, frank), by=frank, response="not_for_me")
    client.force_login(mentor)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert reverse("exchange:opportunity_new") in html
    assert "2 answers to the opportunities you passed on" in html
    assert "Opportunities from your mentor" not in html


def test_a_mentor_without_active_mentees_has_no_pass_on_link_and_a_mentee_an_empty_state(
    client, pairing, mentor, mentee
):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.PROPOSED)
    client.force_login(mentor)
    mentor_html = client.get(reverse("home:dashboard")).content.decode()
    client.force_login(mentee)
    mentee_html = client.get(reverse("home:dashboard")).content.decode()

    assert reverse("exchange:opportunity_new") not in mentor_html
    assert "Nothing passed on yet." in mentee_html


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_dashboard_query_count_does_not_grow_with_opportunities(
    client, pairing, second_pairing, mentor, mentee, role
):
    """A mentee's opportunities are one query; a mentor's answer count rides on the pairings
    query. Compared, not counted, so other dashboard sections do not break this test."""
    client.force_login(mentor if role == "mentor" else mentee)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home:dashboard"))
        assert response.status_code == 200
        return len(queries)

    many([pairing, second_pairing], 1)
    with_one = count()
    many([pairing, second_pairing], 7)
    for row in OpportunityRecipient.objects.select_related("pairing"):
        opportunity_respond(recipient_row=row, by=row.mentee, response="interested")

    assert count() == with_one
    html = client.get(reverse("home:dashboard")).content.decode()
    if role == "mentor":
        assert "16 answers to the opportunities you passed on" in html
    else:
        assert html.count('class="opportunity"') == 3
