"""Goals: the mentee sets them, splits them into milestones and posts progress; the mentor reads
and comments; the programme team reads only what the mentee shared; one click puts a goal on an
upcoming session's agenda; the goal page draws progress over time with a text alternative."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.services import user_make_programme_admin
from goals.charts import FULL, progress_chart
from goals.models import Goal, GoalUpdate, Milestone
from goals.selectors import goal_timeline, goal_updates_first_page, goal_updates_for
from goals.services import (
    GoalRefused,
    goal_comment_add,
    goal_create,
    goal_edit,
    goal_progress_post,
    goal_status_set,
    milestone_add,
    milestone_move,
    milestone_remove,
    milestone_tick,
)
from organisations.models import Membership, Role
from pairings.models import Pairing
from sessions_app.models import AgendaItem, Appointment
from sessions_app.services.goal_agenda import agenda_goal_add
from tests.factories import AppointmentFactory, CohortFactory, UserFactory, second_factor_add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday: 12:00 in London, 07:00 in New York


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def goal(pairing, mentee, frozen):
    """Alice's private goal, set today."""
    return goal_create(
        pairing=pairing,
        by=mentee,
        title="Lead my first team meeting",
        why="I take over the team in May.",
        measure="I ran one and asked for feedback.",
        target_date=date(2026, 5, 1),
    )


@pytest.fixture
def shared_goal(pairing, mentee, frozen):
    """Alice's goal she shared with the programme team."""
    return goal_create(
        pairing=pairing, by=mentee, title="Speak at the all-hands", shared_with_programme=True
    )


@pytest.fixture
def other_admin(db):
    """Pat: a programme admin, but of another cohort only."""
    user = UserFactory(email="pat@example.org", display_name="Pat Admin")
    user_make_programme_admin(user=user)
    second_factor_add(user)
    CohortFactory(name="Autumn cohort", admins=[user])
    return user


def detail(goal: Goal) -> str:
    return reverse("goals:goal_detail", args=[goal.pk])


def updates_url(goal: Goal) -> str:
    return reverse("goals:goal_updates", args=[goal.pk])


def milestones_url(goal: Goal) -> str:
    return reverse("goals:goal_milestones", args=[goal.pk])


def text_of(response) -> str:
    """The page's text with whitespace collapsed, for assertions on what a person reads."""
    return re.sub(r"\s+", " ", response.content.decode())


# --- services ------------------------------------------------------------------------------


def test_a_progress_update_moves_the_goal_even_backwards(goal, mentee, frozen):
    goal_progress_post(goal=goal, by=mentee, progress=40, text="Ran a stand-up.")
    frozen.shift(timedelta(days=3))
    goal_progress_post(goal=goal, by=mentee, progress=30, text="Lost a week to illness.")

    goal.refresh_from_db()
    assert goal.progress == 30
    assert list(goal.updates.values_list("progress", flat=True)) == [40, 30]


def test_marking_a_goal_achieved_sets_100_percent_and_records_it(goal, mentee):
    goal_progress_post(goal=goal, by=mentee, progress=70)

    goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACHIEVED)
    goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACHIEVED)  # a second click

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ACHIEVED, 100)
    assert list(goal.updates.values_list("progress", flat=True)) == [70, 100]


def test_a_dropped_goal_takes_no_progress_until_taken_up_again(goal, mentee):
    goal_status_set(goal=goal, by=mentee, status=Goal.Status.DROPPED)
    with pytest.raises(GoalRefused, match="take it up again"):
        goal_progress_post(goal=goal, by=mentee, progress=10)

    goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACTIVE)
    goal_progress_post(goal=goal, by=mentee, progress=10)
    goal.refresh_from_db()
    assert goal.progress == 10


def test_the_mentor_cannot_set_edit_or_progress_a_goal_but_can_comment(pairing, goal, mentor):
    with pytest.raises(GoalRefused, match="Only the mentee"):
        goal_create(pairing=pairing, by=mentor, title="Bob's idea for Alice")
    with pytest.raises(GoalRefused, match="Only the mentee"):
        goal_edit(
            goal=goal,
            by=mentor,
            title="Changed",
            why="",
            measure="",
            target_date=None,
            shared_with_programme=True,
        )
    with pytest.raises(GoalRefused, match="Only the mentee"):
        goal_progress_post(goal=goal, by=mentor, progress=90)
    with pytest.raises(GoalRefused, match="Only the mentee"):
        milestone_add(goal=goal, by=mentor, title="A step")

    goal_comment_add(goal=goal, by=mentor, text="Try a shorter agenda.")

    goal.refresh_from_db()
    assert (goal.title, goal.progress, goal.shared_with_programme) == (
        "Lead my first team meeting",
        0,
        False,
    )
    assert list(goal.updates.values_list("kind", "author")) == [("comment", mentor.pk)]


def test_a_target_date_in_the_past_is_refused_but_an_old_one_may_stay(pairing, goal, mentee):
    with pytest.raises(GoalRefused, match="in the past"):
        goal_create(pairing=pairing, by=mentee, title="Too late", target_date=date(2026, 3, 1))

    with time_machine.travel(datetime(2026, 6, 1, tzinfo=UTC)):  # the target has passed
        goal_edit(
            goal=goal,
            by=mentee,
            title="Lead my first team meeting",
            why="Still want it.",
            measure="",
            target_date=date(2026, 5, 1),
            shared_with_programme=False,
        )
    goal.refresh_from_db()
    assert goal.why == "Still want it."


def test_a_closed_pairings_goals_refuse_every_change(pairing, goal, mentee, mentor):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)

    for change in (
        lambda: goal_progress_post(goal=goal, by=mentee, progress=50),
        lambda: goal_comment_add(goal=goal, by=mentor, text="Well done"),
        lambda: milestone_add(goal=goal, by=mentee, title="Step"),
        lambda: goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACHIEVED),
    ):
        with pytest.raises(GoalRefused, match="not active"):
            change()
    assert not goal.updates.exists()


def test_milestones_are_added_ticked_moved_and_deleted(goal, mentee, frozen):
    first = milestone_add(goal=goal, by=mentee, title="Draft an agenda")
    second = milestone_add(goal=goal, by=mentee, title="Book the room")
    third = milestone_add(goal=goal, by=mentee, title="Run it")

    milestone_tick(milestone=first, by=mentee, done=True)
    done_at = Milestone.objects.get(pk=first.pk).done_at
    frozen.shift(timedelta(hours=1))
    milestone_tick(milestone=first, by=mentee, done=True)  # a second click keeps the first time
    milestone_move(milestone=third, by=mentee, up=True)
    milestone_remove(milestone=second, by=mentee)

    assert list(goal.milestones.values_list("title", "done_at")) == [
        ("Draft an agenda", done_at),
        ("Run it", None),
    ]
    assert done_at == NOW


def test_a_goal_with_milestones_takes_its_progress_from_the_share_done(goal, mentee):
    goal_progress_post(goal=goal, by=mentee, progress=20, text="Started")
    steps = [milestone_add(goal=goal, by=mentee, title=t) for t in ("Draft", "Book", "Run")]
    goal.refresh_from_db()
    assert goal.progress == 0  # three steps, none done: the typed 20% no longer holds

    milestone_tick(milestone=steps[0], by=mentee, done=True)
    goal.refresh_from_db()
    assert goal.progress == 33
    milestone_tick(milestone=steps[1], by=mentee, done=True)
    milestone_remove(milestone=steps[2], by=mentee)
    goal.refresh_from_db()
    assert goal.progress == 100
    milestone_tick(milestone=steps[1], by=mentee, done=False)
    goal.refresh_from_db()
    assert goal.progress == 50

    # Each change of the share is a point of the chart, with what moved it.
    assert list(
        goal.updates.filter(kind=GoalUpdate.Kind.PROGRESS).values_list("progress", "text")
    ) == [
        (20, "Started"),
        (0, "Milestone added: Draft"),
        (33, "Milestone done: Draft"),
        (67, "Milestone done: Book"),
        (100, "Milestone deleted: Run"),
        (50, "Milestone not done yet: Book"),
    ]


def test_a_progress_update_on_a_goal_with_milestones_keeps_their_share(goal, mentee):
    step = milestone_add(goal=goal, by=mentee, title="Draft")
    milestone_add(goal=goal, by=mentee, title="Run")
    milestone_tick(milestone=step, by=mentee, done=True)

    update = goal_progress_post(goal=goal, by=mentee, progress=90, text="Agenda is out")

    goal.refresh_from_db()
    assert (update.progress, goal.progress) == (50, 50)


def test_an_achieved_goal_stays_at_100_and_taken_up_again_follows_its_milestones(goal, mentee):
    step = milestone_add(goal=goal, by=mentee, title="Draft")
    milestone_add(goal=goal, by=mentee, title="Run")
    goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACHIEVED)
    milestone_tick(milestone=step, by=mentee, done=True)
    goal.refresh_from_db()
    assert goal.progress == 100

    goal_status_set(goal=goal, by=mentee, status=Goal.Status.ACTIVE)
    goal.refresh_from_db()
    assert goal.progress == 50


def test_ticking_a_milestone_with_htmx_also_swaps_the_progress_section(client, goal, mentee):
    steps = [milestone_add(goal=goal, by=mentee, title=t) for t in ("Draft", "Book", "Run")]
    client.force_login(mentee)

    response = client.post(milestones_url(goal), {"op": "tick", "milestone": steps[0].pk}, **HTMX)

    page = text_of(response)
    assert '<section id="milestones"' in page
    assert '<section id="progress" aria-labelledby="progress-title" hx-swap-oob="true">' in page
    assert '<progress value="33" max="100"' in page
    assert "<td>33%</td>" in page  # the chart's table has the new point
    assert 'name="progress-progress"' not in page  # no percentage to type any more


def test_the_goal_page_offers_a_percentage_only_to_a_goal_without_milestones(client, goal, mentee):
    client.force_login(mentee)
    assert 'name="progress-progress"' in text_of(client.get(detail(goal)))

    step = milestone_add(goal=goal, by=mentee, title="Draft")
    milestone_tick(milestone=step, by=mentee, done=True)
    page = text_of(client.get(detail(goal)))
    assert 'name="progress-progress"' not in page
    assert "Set by the milestones" in page
    assert '<progress value="100" max="100"' in page

    response = client.post(
        updates_url(goal), {"op": "progress", "progress-text": "Done with the draft"}
    )
    assert response.status_code == 302
    assert goal.updates.latest("pk").text == "Done with the draft"


# --- pages, forms and htmx ------------------------------------------------------------------


def test_the_mentee_sets_a_goal_through_the_form(client, pairing, mentee, frozen):
    client.force_login(mentee)
    response = client.post(
        reverse("goals:goal_create", args=[pairing.pk]),
        {
            "title": "Give a talk",
            "why": "Visibility",
            "measure": "One talk given",
            "target_date": "2026-06-30",
            "shared_with_programme": "on",
        },
    )

    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(goal)
    assert (goal.mentee, goal.target_date, goal.shared_with_programme) == (
        mentee,
        date(2026, 6, 30),
        True,
    )


def test_a_refused_goal_form_keeps_what_was_typed_and_says_why(client, pairing, mentee, frozen):
    client.force_login(mentee)
    response = client.post(
        reverse("goals:goal_create", args=[pairing.pk]),
        {"title": "Give a talk", "why": "Visibility matters", "target_date": "2026-02-01"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "This date is in the past. Choose today or a later day." in page
    assert 'value="Give a talk"' in page
    assert "Visibility matters</textarea>" in page
    assert 'value="2026-02-01"' in page
    assert not Goal.objects.exists()


def test_the_mentor_reads_and_comments_but_gets_403_for_the_mentees_actions(
    client, pairing, goal, mentor
):
    client.force_login(mentor)
    step = Milestone.objects.create(goal=goal, title="Draft an agenda")
    refused = [
        client.get(reverse("goals:goal_create", args=[pairing.pk])),
        client.post(reverse("goals:goal_create", args=[pairing.pk]), {"title": "Mine"}),
        client.get(reverse("goals:goal_edit", args=[goal.pk])),
        client.post(reverse("goals:goal_edit", args=[goal.pk]), {"title": "Changed"}),
        client.post(reverse("goals:goal_status", args=[goal.pk]), {"status": "achieved"}),
        client.post(updates_url(goal), {"op": "progress", "progress-progress": "90"}),
        client.post(milestones_url(goal), {"op": "tick", "milestone": step.pk}),
        client.post(milestones_url(goal), {"op": "add", "milestone-title": "Mine"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)

    page = client.get(detail(goal))
    assert page.status_code == 200
    assert 'name="op" value="progress"' not in page.content.decode()
    assert "Edit goal" not in page.content.decode()

    response = client.post(updates_url(goal), {"op": "comment", "comment-text": "Nice start"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.progress, goal.status, goal.title) == (0, "active", "Lead my first team meeting")
    assert list(goal.updates.values_list("kind", "text")) == [("comment", "Nice start")]
    assert Milestone.objects.get(pk=step.pk).done_at is None


def every_goal_url(goal: Goal, cohort_id: int) -> list[tuple[str, str, dict]]:
    pairing_id = goal.pairing_id
    step = Milestone.objects.create(goal=goal, title="Step")
    session = AppointmentFactory(pairing=goal.pairing, starts_at=NOW + timedelta(days=2))
    return [
        ("get", reverse("goals:goal_list", args=[pairing_id]), {}),
        ("get", reverse("goals:goal_create", args=[pairing_id]), {}),
        ("post", reverse("goals:goal_create", args=[pairing_id]), {"title": "x"}),
        ("get", detail(goal), {}),
        ("get", reverse("goals:goal_edit", args=[goal.pk]), {}),
        ("post", reverse("goals:goal_edit", args=[goal.pk]), {"title": "x"}),
        ("post", reverse("goals:goal_status", args=[goal.pk]), {"status": "dropped"}),
        ("get", milestones_url(goal), {}),
        ("post", milestones_url(goal), {"op": "tick", "milestone": step.pk}),
        ("get", updates_url(goal), {}),
        ("post", updates_url(goal), {"op": "comment", "comment-text": "hi"}),
        ("post", reverse("sessions_app:goal_agenda", args=[goal.pk]), {"appointment": session.pk}),
        ("get", reverse("goals:cohort_goals", args=[cohort_id]), {}),
    ]


@pytest.mark.parametrize("outsider", ["other_mentee", "other_mentor", "other_admin"])
def test_outsiders_get_404_on_every_goal_url(request, client, shared_goal, cohort, outsider):
    """Even a shared goal: Charlie, another pairing's mentor and another cohort's admin."""
    person = (
        request.getfixturevalue("other_pairing").mentor
        if outsider == "other_mentor"
        else request.getfixturevalue(outsider)
    )
    client.force_login(person)
    for method, url, data in every_goal_url(shared_goal, cohort.pk):
        response = getattr(client, method)(url, data, **HTMX)
        assert response.status_code == 404, (method, url)
    shared_goal.refresh_from_db()
    assert shared_goal.status == Goal.Status.ACTIVE
    assert not shared_goal.updates.exists()
    assert not AgendaItem.objects.exists()


def test_the_cohort_admin_reads_a_shared_goal_and_never_an_unshared_one(
    client, cohort, goal, shared_goal, programme_admin, mentee
):
    goal_comment_add(goal=shared_goal, by=mentee, text="Booked a slot in April.")
    client.force_login(programme_admin)

    response = client.get(detail(shared_goal))
    page = text_of(response)
    assert response.status_code == 200
    assert "Booked a slot in April." in page
    assert "You can read it, not change it." in page
    assert 'name="op"' not in page  # no forms at all
    assert client.get(detail(goal)).status_code == 404
    assert client.get(milestones_url(goal), **HTMX).status_code == 404
    # Reading is all: writing to a shared goal is as unknown to the admin as an unshared goal.
    assert client.post(updates_url(shared_goal), {"op": "comment"}).status_code == 404

    listing = text_of(client.get(reverse("goals:cohort_goals", args=[cohort.pk])))
    assert "Speak at the all-hands" in listing
    assert "Lead my first team meeting" not in listing


def test_a_cohort_admin_whose_role_was_taken_away_no_longer_reads_a_shared_goal(
    client, shared_goal, programme_admin
):
    client.force_login(programme_admin)
    assert client.get(detail(shared_goal)).status_code == 200
    Membership.objects.filter(user=programme_admin).update(role=Role.MEMBER)

    assert client.get(detail(shared_goal)).status_code == 404
    assert client.get(updates_url(shared_goal), **HTMX).status_code == 404
    assert client.get(milestones_url(shared_goal), **HTMX).status_code == 404


def test_sharing_can_be_withdrawn_and_the_admin_loses_sight_of_it(
    client, shared_goal, programme_admin, mentee
):
    client.force_login(mentee)
    client.post(
        reverse("goals:goal_edit", args=[shared_goal.pk]),
        {"title": "Speak at the all-hands"},  # the box unticked
    )
    client.force_login(programme_admin)
    assert client.get(detail(shared_goal)).status_code == 404


def test_ticking_a_milestone_with_htmx_swaps_the_list_and_without_js_redirects(
    client, goal, mentee
):
    step = milestone_add(goal=goal, by=mentee, title="Draft an agenda")
    client.force_login(mentee)

    response = client.post(milestones_url(goal), {"op": "tick", "milestone": step.pk}, **HTMX)
    assert response.status_code == 200
    assert '<section id="milestones"' in text_of(response)
    assert "<html" not in text_of(response)
    assert "1 of 1 done" in text_of(response)
    assert "Not done yet" in text_of(response)

    response = client.post(milestones_url(goal), {"op": "untick", "milestone": step.pk})
    assert response.status_code == 302
    assert response["Location"] == detail(goal) + "#milestones"
    assert Milestone.objects.get(pk=step.pk).done_at is None


def test_a_gone_milestone_says_so_instead_of_failing(client, goal, mentee):
    client.force_login(mentee)
    response = client.post(milestones_url(goal), {"op": "tick", "milestone": 999999}, **HTMX)
    assert "That milestone is no longer there." in text_of(response)


def test_posting_progress_with_htmx_swaps_the_section_with_the_new_point(client, goal, mentee):
    client.force_login(mentee)
    response = client.post(
        updates_url(goal),
        {"op": "progress", "progress-progress": "35", "progress-text": "First stand-up ran."},
        **HTMX,
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert '<progress value="35" max="100"' in page
    assert "First stand-up ran." in page
    assert "<td>35%</td>" in page  # the chart's table has the new point
    goal.refresh_from_db()
    assert goal.progress == 35


def test_a_refused_progress_update_keeps_the_input_and_explains(client, goal, mentee):
    client.force_login(mentee)
    response = client.post(
        updates_url(goal), {"op": "progress", "progress-progress": "140", "progress-text": "Wow"}
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in page
    assert 'value="140"' in page
    assert "Wow</textarea>" in page
    assert not goal.updates.exists()


def test_updates_say_who_and_when_in_the_viewers_own_zone(client, goal, mentee, mentor):
    goal_progress_post(goal=goal, by=mentee, progress=20, text="Started.")
    goal_comment_add(goal=goal, by=mentor, text="Good.")

    client.force_login(mentor)  # Bob, in New York
    page = text_of(client.get(detail(goal)))
    assert "Alice Mentee" in page
    assert "2 Mar 2026, 07:00" in page  # no zone abbreviation beside the viewer's own zone
    assert "12:00" not in page

    client.force_login(mentee)  # Alice, in London
    page = text_of(client.get(detail(goal)))
    assert "Bob Mentor" in page
    assert "2 Mar 2026, 12:00" in page


def test_a_closed_pairings_goal_page_is_read_only(client, pairing, goal, mentee):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentee)

    page = text_of(client.get(detail(goal)))
    assert "its goals can be read, not changed" in page
    assert 'name="op"' not in page
    response = client.post(updates_url(goal), {"op": "comment", "comment-text": "Late"})
    assert "its goals can be read, not changed" in text_of(response)
    assert not goal.updates.exists()


def test_the_goal_list_has_an_empty_state_for_each_partner(client, pairing, mentee, mentor):
    client.force_login(mentee)
    page = text_of(client.get(reverse("goals:goal_list", args=[pairing.pk])))
    assert "No goals yet." in page
    assert "Set a goal" in page
    client.force_login(mentor)
    page = text_of(client.get(reverse("goals:goal_list", args=[pairing.pk])))
    assert "Alice Mentee has not set any goals yet." in page
    assert "Set a goal" not in page


# --- one click onto an agenda -----------------------------------------------------------------


def test_a_goal_goes_on_an_upcoming_sessions_agenda_once(client, goal, pairing, mentor):
    upcoming = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=2))
    client.force_login(mentor)  # either partner may
    url = reverse("sessions_app:goal_agenda", args=[goal.pk])

    first = client.post(url, {"appointment": upcoming.pk}, follow=True)
    second = client.post(url, {"appointment": upcoming.pk}, follow=True)

    item = AgendaItem.objects.get()
    assert (item.appointment, item.goal, item.kind, item.text, item.author) == (
        upcoming,
        goal,
        AgendaItem.Kind.GOAL,
        "Lead my first team meeting",
        mentor,
    )
    assert "On the agenda of the session on" in text_of(first)
    assert "Already on the agenda of the session on Wed 4 Mar, 07:00." in text_of(second)
    assert "On the agenda of Wed 4 Mar, 07:00" in text_of(second)  # Bob's zone


def test_only_this_pairings_upcoming_booked_sessions_take_a_goal(
    goal, pairing, other_pairing, mentee
):
    past = AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=1))
    cancelled = AppointmentFactory(
        pairing=pairing, starts_at=NOW + timedelta(days=1), status=Appointment.Status.CANCELLED
    )
    theirs = AppointmentFactory(pairing=other_pairing, starts_at=NOW + timedelta(days=3))

    for session, why in ((past, "over"), (cancelled, "cancelled"), (theirs, "not one of")):
        with pytest.raises(GoalRefused, match=why):
            agenda_goal_add(goal=goal, by=mentee, appointment=session)
    assert not AgendaItem.objects.exists()


def test_the_agenda_button_refuses_another_pairings_session(client, goal, other_pairing, mentee):
    theirs = AppointmentFactory(pairing=other_pairing, starts_at=NOW + timedelta(days=3))
    client.force_login(mentee)
    response = client.post(
        reverse("sessions_app:goal_agenda", args=[goal.pk]), {"appointment": theirs.pk}, follow=True
    )
    assert "That session is no longer upcoming." in text_of(response)
    assert not AgendaItem.objects.exists()


def test_the_pairing_page_puts_a_goal_on_the_next_session_in_one_click(
    client, goal, pairing, mentee
):
    later = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=9))
    upcoming = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=2))
    client.force_login(mentee)

    page = text_of(client.get(reverse("home:pairing_detail", args=[pairing.pk])))
    assert "Put on the agenda of Wed 4 Mar, 12:00" in page
    response = client.post(
        reverse("sessions_app:goal_agenda", args=[goal.pk]),
        {"appointment": upcoming.pk, "next": "pairing"},
    )

    assert response["Location"] == reverse("home:pairing_detail", args=[pairing.pk])
    assert AgendaItem.objects.get().appointment == upcoming
    assert not later.agenda.exists()
    page = text_of(client.get(reverse("home:pairing_detail", args=[pairing.pk])))
    assert "On the agenda of Wed 4 Mar, 12:00" in page


# --- the chart ------------------------------------------------------------------------------


def test_the_chart_places_the_start_and_each_update_across_the_goals_life():
    chart = progress_chart(
        set_at=NOW,
        points=[(NOW + timedelta(days=5), 40), (NOW + timedelta(days=10), 60)],
        until=NOW + timedelta(days=10),
        target_date=None,
        tz=UTC,
    )
    plot_right, plot_bottom = FULL.width - FULL.right, FULL.height - FULL.bottom
    assert [(p.x, p.y, p.progress) for p in chart.points] == [
        (FULL.left, plot_bottom, 0),
        ((FULL.left + plot_right) / 2, plot_bottom - 0.4 * (plot_bottom - FULL.top), 40),
        (plot_right, plot_bottom - 0.6 * (plot_bottom - FULL.top), 60),
    ]
    assert chart.polyline == "44.0,212.0 334.0,132.0 624.0,92.0"
    assert [day for _x, day in chart.x_ticks] == [
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 7),
        date(2026, 3, 9),
        date(2026, 3, 11),
    ]


def test_the_chart_stretches_to_a_later_target_date():
    midnight = datetime(2026, 3, 2, tzinfo=UTC)
    chart = progress_chart(
        set_at=midnight,
        points=[(midnight + timedelta(days=1), 10)],
        until=midnight + timedelta(days=1),
        target_date=date(2026, 3, 11),  # by the end of that day: 10 days after the goal was set
        tz=UTC,
    )
    assert chart.target_x == FULL.width - FULL.right
    assert chart.points[1].x == FULL.left + (FULL.width - FULL.right - FULL.left) / 10


def test_the_goal_page_draws_the_chart_with_a_table_of_its_points(client, goal, mentee, frozen):
    frozen.shift(timedelta(days=5))
    goal_progress_post(goal=goal, by=mentee, progress=40)
    frozen.shift(timedelta(days=5))
    goal_progress_post(goal=goal, by=mentee, progress=60)
    client.force_login(mentee)

    page = text_of(client.get(detail(goal)))

    assert '<svg viewBox="0 0 640 240"' in page
    assert 'role="img"' in page
    assert "Set on 2 Mar 2026 at 0%; 2 progress updates, the latest on 12 Mar 2026 at 60%." in page
    # The target (1 May) is later than today, so the x axis runs to it.
    rows = re.findall(r"<tr> <td><time[^>]*>([^<]+)</time>([^<]*)</td> <td>(\d+)%</td>", page)
    assert rows == [
        ("2 Mar 2026, 12:00", " (goal set)", "0"),
        ("7 Mar 2026, 12:00", "", "40"),
        ("12 Mar 2026, 12:00", "", "60"),
    ]
    assert page.count('<circle class="chart-point"') == 3
    assert 'class="chart-target"' in page


# --- query counts -----------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_updates(goal: Goal, n: int) -> None:
    GoalUpdate.objects.bulk_create(
        GoalUpdate(
            goal=goal,
            author=goal.pairing.mentor if i % 2 else goal.mentee,
            kind=GoalUpdate.Kind.COMMENT if i % 2 else GoalUpdate.Kind.PROGRESS,
            progress=None if i % 2 else min(100, i * 5),
            text=f"Update {i}",
            created_at=NOW + timedelta(hours=i),
        )
        for i in range(n)
    )
    Milestone.objects.bulk_create(Milestone(goal=goal, title=f"Step {i}") for i in range(n))


def test_the_goal_page_makes_as_many_queries_with_20_updates_as_with_2(
    client, goal, pairing, mentee
):
    AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=2))
    client.force_login(mentee)
    add_updates(goal, 2)
    few = count_queries(client, detail(goal))
    add_updates(goal, 18)
    many = count_queries(client, detail(goal))
    assert few == many
    assert many <= 9


def test_the_goal_page_shows_twenty_updates_a_page_newest_first(client, goal, mentee):
    add_updates(goal, 25)
    client.force_login(mentee)
    first = text_of(client.get(detail(goal)))
    second = text_of(client.get(detail(goal) + "?page=2"))
    shown = r'<div class="message-body">Update (\d+)</div>'
    assert "Page 1 of 2" in first
    assert re.findall(shown, first) == [str(n) for n in range(24, 4, -1)]
    assert "Page 2 of 2" in second
    assert re.findall(shown, second) == ["4", "3", "2", "1", "0"]


@pytest.mark.parametrize("n", [0, 3, 20, 21, 45])
def test_the_first_page_of_updates_brings_the_same_timeline_as_goal_timeline(goal, n):
    """Read from the page's rows while they are all there is, else asked for on its own."""
    add_updates(goal, n)
    GoalUpdate.objects.create(  # the same time as another: the id decides the order
        goal=goal, author=goal.mentee, kind="progress", progress=7, created_at=NOW
    )

    first, timeline = goal_updates_first_page(goal=goal, per_page=20)

    assert timeline == goal_timeline(goal=goal)
    assert [update.pk for update in first] == [
        update.pk for update in goal_updates_for(goal=goal)[:20]
    ]


def test_the_goal_page_pages_from_the_twenty_first_update(client, goal, mentee):
    add_updates(goal, 20)
    client.force_login(mentee)
    assert "Page 1 of" not in text_of(client.get(detail(goal)))
    add_updates(goal, 1)
    page = text_of(client.get(detail(goal)))
    assert "Page 1 of 2" in page
    assert page.count('class="message-body"') == 20


def test_the_pairing_page_makes_as_many_queries_with_6_goals_as_with_1(
    client, pairing, goal, mentee, mentor
):
    AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=2))
    add_updates(goal, 3)
    client.force_login(mentor)
    url = reverse("home:pairing_detail", args=[pairing.pk])
    one = count_queries(client, url)
    for i in range(5):
        more = goal_create(pairing=pairing, by=mentee, title=f"Goal {i}")
        add_updates(more, 4)
        agenda_goal_add(goal=more, by=mentee, appointment=pairing.appointments.get())
    six = count_queries(client, url)
    assert one == six
    page = text_of(client.get(url))
    assert page.count('class="goal-sparkline"') == 6
    assert "0 of 3 milestones done" in page


def test_the_goals_list_makes_as_many_queries_with_6_goals_as_with_1(client, pairing, goal, mentee):
    AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=2))
    add_updates(goal, 3)
    client.force_login(mentee)
    url = reverse("goals:goal_list", args=[pairing.pk])
    one = count_queries(client, url)
    for i in range(5):
        more = goal_create(pairing=pairing, by=mentee, title=f"Goal {i}")
        add_updates(more, 4)
    assert count_queries(client, url) == one
    page = text_of(client.get(url))
    assert page.count('class="goal-sparkline"') == 6
    assert "Update 3" in page  # each goal's latest update


def test_the_cohort_goals_list_makes_as_many_queries_with_more_goals(
    client, cohort, pairing, other_pairing, programme_admin, mentee, other_mentee, frozen
):
    goal_create(pairing=pairing, by=mentee, title="Shared one", shared_with_programme=True)
    client.force_login(programme_admin)
    url = reverse("goals:cohort_goals", args=[cohort.pk])
    one = count_queries(client, url)
    for i in range(4):
        shared = goal_create(
            pairing=other_pairing, by=other_mentee, title=f"G{i}", shared_with_programme=True
        )
        add_updates(shared, 3)
    assert count_queries(client, url) == one


@pytest.mark.parametrize("viewer", ["mentee", "mentor", "programme_admin"])
def test_the_goal_page_reads_the_goal_its_pairing_and_both_people_in_one_query(
    request, client, shared_goal, mentee, mentor, viewer
):
    """Only what the goal's pages show is read of the pairing and its people, and nothing is
    read later: a deferred field would be read on its own (SELECT "table"."id", "table"."field"
    ...). The authors of the updates come with them."""
    goal_comment_add(goal=shared_goal, by=mentor, text="Which all-hands?")
    goal_progress_post(goal=shared_goal, by=mentee, progress=30, text="Slides drafted")
    client.force_login(request.getfixturevalue(viewer))
    client.get(detail(shared_goal))
    with CaptureQueriesContext(connection) as asked:
        response = client.get(detail(shared_goal))

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    page = text_of(response)
    assert "Speak at the all-hands" in page
    assert "Which all-hands?" in page
    assert "Slides drafted" in page
    assert "In progress" in page
    assert "Bob Mentor" in page or viewer == "mentor"
    assert rows_read("goals_goal") == 1
    assert rows_read("goals_goalupdate") == 1  # the page of updates, with their authors
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("pairings_pairing") == 0
    assert rows_read("programmes_cohort") == 0


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_statuses_and_kinds_read_as_djangos_own_display_gave_them(language):
    """Goal.get_status_display and GoalUpdate.get_kind_display (cheaper than Django's) give
    the same label for each value, and the stored value for an unknown one."""
    status = Goal._meta.get_field("status")
    kind = GoalUpdate._meta.get_field("kind")
    with translation.override(language):
        for value in [*Goal.Status.values, "retired"]:
            goal = Goal(status=value)

            assert goal.get_status_display() == Model._get_FIELD_display(goal, status)
        for value in [*GoalUpdate.Kind.values, "retired"]:
            update = GoalUpdate(kind=value)

            assert update.get_kind_display() == Model._get_FIELD_display(update, kind)


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
def test_the_goals_list_reads_its_pairing_its_cohort_and_both_people_in_one_query(
    request, client, pairing, goal, viewer
):
    """Only the names and state the list shows are read (GOAL_LIST_FIELDS), and nothing
    later: a deferred field would be read on its own (SELECT "table"."id", "table"."field" ...).
    """
    goal_comment_add(goal=goal, by=pairing.mentor, text="Which meeting?")
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("goals:goal_list", args=[pairing.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    page = text_of(response)
    assert "Spring cohort" in page
    assert "Alice Mentee" in page
    assert "Bob Mentor" in page
    assert "Lead my first team meeting" in page
    assert rows_read("pairings_pairing") == 1
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("programmes_cohort") == 0


def test_the_pairing_pages_goals_are_read_once_compiled_as_the_orm_reads_them(
    pairing, mentee, mentor, frozen, django_assert_num_queries
):
    from goals import selectors
    from tests.factories import PairingFactory

    other = PairingFactory(cohort=pairing.cohort)
    for each, by in ((pairing, mentee), (other, other.mentee)):
        for title in ("Lead a meeting", "Write a plan"):
            goal = goal_create(pairing=each, by=by, title=f"{title} ({each.pk})")
            milestone_tick(
                milestone=milestone_add(goal=goal, by=by, title="Draft"), by=by, done=True
            )
            milestone_add(goal=goal, by=by, title="Review")
            goal_progress_post(goal=goal, by=by, progress=30, text="Started")
            frozen.shift(timedelta(hours=1))
            goal_comment_add(goal=goal, by=mentor if each == pairing else other.mentor, text="Go")
    for each in (pairing, other, pairing):
        with django_assert_num_queries(2):
            overview = selectors.goals_overview_for(pairing=each, now=NOW, tz=UTC)
        wanted = list(selectors.goals_for_pairing(pairing=each))
        assert [
            (g.pk, g.title, g.milestones_done, g.milestones_total, g.latest_update_text)
            for g in overview.goals
        ] == [
            (g.pk, g.title, g.milestones_done, g.milestones_total, g.latest_update_text)
            for g in wanted
        ]
        assert [(g.latest_update_kind, g.latest_update_at) for g in overview.goals] == [
            (g.latest_update_kind, g.latest_update_at) for g in wanted
        ]
    for read in (selectors._OVERVIEW_GOALS, selectors._OVERVIEW_UPDATES):
        assert list(read._compiled.values()) not in ([], [None])  # kept, not built each time
