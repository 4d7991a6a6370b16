"""Goals and milestones through the API, with the goal pages' rules: the mentee sets and
changes them, the mentor reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from goals.models import Goal, Milestone
from goals.services import goal_create, milestone_add
from tests.api.participants import bearer, people_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


def test_the_mentee_sets_a_goal_and_the_mentor_reads_it(people):
    url = f"/api/v1/pairings/{people.pairing.pk}/goals/"
    created = bearer(people.alice).post(url, {"title": "Speak up in meetings", "why": "Be heard"})

    assert created.status_code == 201, created.json()
    assert created.json()["progress"] == 0
    rows = bearer(people.bob).get(url).json()["results"]
    assert [row["title"] for row in rows] == ["Speak up in meetings"]


def test_the_mentor_cannot_set_a_goal(people):
    response = bearer(people.bob).post(
        f"/api/v1/pairings/{people.pairing.pk}/goals/", {"title": "Mine"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Only the mentee sets and changes their goals.",
        "code": "goal_refused",
    }


def test_a_goal_needs_a_title_and_a_real_date(people):
    response = bearer(people.alice).post(
        f"/api/v1/pairings/{people.pairing.pk}/goals/", {"target_date": "soon"}
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "target_date"}


def test_editing_a_goal_changes_only_the_fields_given_and_sets_its_status(people):
    goal = goal_create(pairing=people.pairing, by=people.alice, title="Speak up", why="Be heard")
    later = (timezone.now() + timedelta(days=30)).date().isoformat()

    edited = bearer(people.alice).patch(
        f"/api/v1/goals/{goal.pk}/", {"target_date": later, "status": "achieved"}
    )

    assert edited.status_code == 200, edited.json()
    body = edited.json()
    assert body["why"] == "Be heard"
    assert body["target_date"] == later
    assert body["status"] == "achieved"
    assert body["progress"] == 100


def test_milestones_added_and_ticked_move_the_goals_progress(people):
    goal = goal_create(pairing=people.pairing, by=people.alice, title="Speak up")
    url = f"/api/v1/goals/{goal.pk}/milestones/"
    alice = bearer(people.alice)

    first = alice.post(url, {"title": "Ask one question"}).json()
    alice.post(url, {"title": "Present an update"})
    ticked = alice.patch(f"{url}{first['id']}/", {"done": True})

    assert ticked.status_code == 200
    assert ticked.json()["done"] is True
    assert [row["done"] for row in alice.get(url).json()["results"]] == [True, False]
    detail = alice.get(f"/api/v1/goals/{goal.pk}/").json()
    assert detail["progress"] == 50
    assert (detail["milestones_done"], detail["milestones_total"]) == (1, 2)


def test_another_pairings_goals_and_milestones_answer_404(people):
    goal = goal_create(pairing=people.pairing, by=people.alice, title="Speak up")
    step = milestone_add(goal=goal, by=people.alice, title="Ask one question")
    charlie = bearer(people.charlie)

    assert charlie.get(f"/api/v1/pairings/{people.pairing.pk}/goals/").status_code == 404
    assert (
        charlie.post(f"/api/v1/pairings/{people.pairing.pk}/goals/", {"title": "x"}).status_code
        == 404
    )
    assert charlie.get(f"/api/v1/goals/{goal.pk}/").status_code == 404
    assert charlie.patch(f"/api/v1/goals/{goal.pk}/", {"title": "x"}).status_code == 404
    assert charlie.get(f"/api/v1/goals/{goal.pk}/milestones/").status_code == 404
    assert charlie.post(f"/api/v1/goals/{goal.pk}/milestones/", {"title": "x"}).status_code == 404
    assert (
        charlie.patch(f"/api/v1/goals/{goal.pk}/milestones/{step.pk}/", {"done": True}).status_code
        == 404
    )
    assert Goal.objects.get().title == "Speak up"
    assert Milestone.objects.get().done_at is None
