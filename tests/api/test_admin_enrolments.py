"""GET /api/v1/admin/cohorts/{id}/enrolments/: everyone enrolled, with their answers."""

import pytest

from programmes.models import EnrolmentQuestion
from tests.api.test_admin_access import (
    ADMIN,
    organisation_client,
    personal_client,
    queries_constant,
)
from tests.factories import EnrolmentFactory, default_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(cohort) -> list[EnrolmentQuestion]:
    return [
        EnrolmentQuestion.objects.create(cohort=cohort, label="Team?", kind="short", order=1),
        EnrolmentQuestion.objects.create(
            cohort=cohort, label="Languages", kind="multiple", choices=["Go", "Python"], order=2
        ),
    ]


def test_each_enrolment_comes_with_its_role_state_and_answers(
    programme_admin, cohort, mentee, mentor, questions
):
    team, languages = questions
    EnrolmentFactory(
        cohort=cohort,
        user=mentee,
        role="mentee",
        answers={str(team.pk): "Platform", str(languages.pk): ["Go", "Python"]},
    )
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2, answered_at=None)

    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/enrolments/")

    assert response.status_code == 200
    rows = {row["person"]["email"]: row for row in response.json()["results"]}
    alice = rows["alice@example.org"]
    assert (alice["role"], alice["state"]) == ("mentee", "answered")
    assert alice["answers"] == [
        {"question_id": team.pk, "question": "Team?", "answer": "Platform"},
        {"question_id": languages.pk, "question": "Languages", "answer": "Go; Python"},
    ]
    bob = rows["bob@example.org"]
    assert (bob["role"], bob["state"], bob["capacity"]) == ("mentor", "not_answered", 2)
    assert [a["answer"] for a in bob["answers"]] == ["", ""]


def test_the_list_filters_by_role_and_names_a_wrong_one(programme_admin, pairing, cohort):
    client = personal_client(programme_admin)
    url = f"{ADMIN}/cohorts/{cohort.pk}/enrolments/"

    mentors = client.get(url, {"role": "mentor"}).json()["results"]
    wrong = client.get(url, {"role": "boss"})

    assert [row["person"]["email"] for row in mentors] == ["bob@example.org"]
    assert wrong.status_code == 400
    assert list(wrong.json()["errors"]) == ["role"]


def test_an_organisation_token_reads_the_enrolments_of_its_cohorts(pairing, cohort):
    client = organisation_client(default_organisation())

    response = client.get(f"{ADMIN}/cohorts/{cohort.pk}/enrolments/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_the_list_reads_as_many_queries_for_30_enrolments_as_for_3(
    programme_admin, cohort, questions
):
    EnrolmentFactory.create_batch(3, cohort=cohort)
    queries_constant(
        personal_client(programme_admin),
        f"{ADMIN}/cohorts/{cohort.pk}/enrolments/?page_size=100",
        lambda: EnrolmentFactory.create_batch(27, cohort=cohort, role="mentor"),
    )
