"""GET /api/v1/admin/cohorts/{id}/feedback/: ratings and check-in answers as admins see them,
never the words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Feedback
from tests.api.test_admin_access import (
    ADMIN,
    organisation_client,
    personal_client,
    queries_constant,
)
from tests.factories import AppointmentFactory, PairingFactory, default_organisation

pytestmark = pytest.mark.django_db
SECRET_WORDS = "My mentor keeps cancelling"


@pytest.fixture
def answers(pairing) -> dict[str, Feedback]:
    now = timezone.now()
    session = AppointmentFactory(pairing=pairing, starts_at=now - timedelta(days=3))
    return {
        "session": Feedback.objects.create(
            kind=Feedback.Kind.SESSION,
            pairing=pairing,
            person=pairing.mentee,
            appointment=session,
            answered_at=now - timedelta(hours=2),
            took_place=True,
            rating=4,
            went_well=SECRET_WORDS,
            share_with_programme=True,
        ),
        "check_in": Feedback.objects.create(
            kind=Feedback.Kind.CHECK_IN,
            pairing=pairing,
            person=pairing.mentor,
            round=1,
            answered_at=now - timedelta(hours=1),
            satisfaction=2,
            contact_working=Feedback.ContactWorking.PARTLY,
            wants_help=True,
            comments=SECRET_WORDS,
        ),
        "unanswered": Feedback.objects.create(
            kind=Feedback.Kind.CHECK_IN, pairing=pairing, person=pairing.mentee, round=1
        ),
    }


def test_admins_get_the_ratings_and_check_in_answers_never_the_words(
    programme_admin, cohort, answers
):
    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/feedback/")

    assert response.status_code == 200
    check_in, session = response.json()["results"]  # the latest answer first
    assert session["id"] == answers["session"].pk
    assert (session["kind"], session["role"], session["rating"]) == ("session", "mentee", 4)
    assert session["took_place"] is True
    assert session["wants_help"] is None
    assert session["session_starts_at"] is not None
    assert check_in["writer"]["email"] == "bob@example.org"
    assert (check_in["role"], check_in["satisfaction"]) == ("mentor", 2)
    assert (check_in["contact_working"], check_in["wants_help"]) == ("partly", True)
    assert SECRET_WORDS not in response.content.decode()
    assert not {"went_well", "comments", "share_with_programme"} & set(session)


def test_the_list_filters_by_kind_and_names_a_wrong_one(programme_admin, cohort, answers):
    client = personal_client(programme_admin)
    url = f"{ADMIN}/cohorts/{cohort.pk}/feedback/"

    rows = client.get(url, {"kind": "check_in"}).json()["results"]
    wrong = client.get(url, {"kind": "gossip"})

    assert [row["id"] for row in rows] == [answers["check_in"].pk]
    assert wrong.status_code == 400
    assert list(wrong.json()["errors"]) == ["kind"]


def test_an_organisation_token_reads_the_same_numbers(cohort, answers):
    response = organisation_client(default_organisation()).get(
        f"{ADMIN}/cohorts/{cohort.pk}/feedback/"
    )

    assert [row["id"] for row in response.json()["results"]] == [
        answers["check_in"].pk,
        answers["session"].pk,
    ]
    assert SECRET_WORDS not in response.content.decode()


def test_the_list_reads_as_many_queries_for_30_answers_as_for_3(programme_admin, cohort):
    def answers(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory(cohort=cohort)
            session = AppointmentFactory(
                pairing=pairing, starts_at=timezone.now() - timedelta(days=2)
            )
            Feedback.objects.create(
                kind=Feedback.Kind.SESSION,
                pairing=pairing,
                person=pairing.mentor,
                appointment=session,
                answered_at=timezone.now(),
                rating=5,
            )

    answers(3)
    queries_constant(
        personal_client(programme_admin),
        f"{ADMIN}/cohorts/{cohort.pk}/feedback/?page_size=100",
        lambda: answers(27),
    )
