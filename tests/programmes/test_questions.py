"""A cohort's own enrolment questions: its admins manage them, participants answer them, and
the answers reach the review, the CSV export and the person's own data export."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.services import user_make_programme_admin
from home.export import export_data
from programmes.models import EnrolmentQuestion
from programmes.services.questions import question_create
from tests.factories import EnrolmentFactory, second_factor_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(cohort) -> dict[str, EnrolmentQuestion]:
    """One question of each kind in Dana's spring cohort."""
    return {
        "short": question_create(cohort=cohort, label="Your team", kind="short", required=True),
        "long": question_create(cohort=cohort, label="Anything else?", kind="long"),
        "single": question_create(
            cohort=cohort,
            label="Your site",
            kind="single",
            choices=["Leeds", "Lyon"],
            required=True,
            match_weight=2,
        ),
        "multiple": question_create(
            cohort=cohort, label="Topics", kind="multiple", choices=["Python", "Go", "Rust"]
        ),
    }


def _field(question: EnrolmentQuestion) -> str:
    return f"question_{question.pk}"


def test_an_admin_adds_a_choice_question_and_the_audit_trail_records_it(
    client, cohort, programme_admin
):
    client.force_login(programme_admin)

    response = client.post(
        reverse("programmes:questions", args=[cohort.pk]),
        {
            "label": "Which site?",
            "kind": "single",
            "choices_text": "Leeds\n  Lyon \nLeeds\n",
            "required": "on",
            "match_weight": "1.5",
        },
    )

    assert response.status_code == 302
    question = cohort.questions.get()
    assert (question.choices, question.required, question.match_weight) == (
        ["Leeds", "Lyon"],
        True,
        1.5,
    )
    assert LogEntry.objects.get_for_object(question).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "single", "choices_text": "Only one"}, "choices_text", "at least two"),
        ({"kind": "short", "match_weight": "2"}, "match_weight", "Only choice questions"),
        ({"kind": "multiple", "choices_text": "a\nb", "match_weight": "9"}, "match_weight", "5"),
        ({"kind": "short", "label": ""}, "label", "required"),
    ],
)
def test_a_wrong_question_is_refused_with_its_reason(
    client, cohort, programme_admin, data, field, message
):
    client.force_login(programme_admin)

    response = client.post(
        reverse("programmes:questions", args=[cohort.pk]),
        {"label": "Q?", "match_weight": "0", **data},
    )

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not cohort.questions.exists()


def test_an_admin_edits_moves_and_removes_questions(client, cohort, programme_admin, questions):
    client.force_login(programme_admin)
    single = questions["single"]
    listing = client.get(reverse("programmes:questions", args=[cohort.pk])).content.decode()
    assert "Leeds / Lyon" in listing
    assert "counts in matching (weight 2.0)" in listing
    edit = client.get(reverse("programmes:question_edit", args=[cohort.pk, single.pk]))
    assert edit.context["form"].initial["choices_text"] == "Leeds\nLyon"
    enrolment = EnrolmentFactory(
        cohort=cohort, role="mentee", answers={str(single.pk): "Lyon", "999": "x"}
    )

    client.post(
        reverse("programmes:question_edit", args=[cohort.pk, single.pk]),
        {"label": "Site", "kind": "single", "choices_text": "Leeds\nParis", "match_weight": "1"},
    )
    client.post(
        reverse("programmes:question_move", args=[cohort.pk, single.pk]), {"direction": "up"}
    )

    single.refresh_from_db()
    assert (single.label, single.choices) == ("Site", ["Leeds", "Paris"])
    enrolment.refresh_from_db()
    assert str(single.pk) not in enrolment.answers  # "Lyon" is no choice any more
    order = list(cohort.questions.values_list("label", flat=True))
    assert order == ["Your team", "Site", "Anything else?", "Topics"]

    client.post(reverse("programmes:question_delete", args=[cohort.pk, questions["short"].pk]))

    assert not cohort.questions.filter(pk=questions["short"].pk).exists()


def test_another_cohorts_admin_gets_404_and_a_participant_403(
    client, other_cohort, questions, mentee
):
    admin = other_cohort.admins.get()
    user_make_programme_admin(user=admin)
    second_factor_add(admin)
    question = questions["single"]
    urls = [
        reverse("programmes:questions", args=[question.cohort_id]),
        reverse("programmes:question_edit", args=[question.cohort_id, question.pk]),
        reverse("programmes:question_delete", args=[question.cohort_id, question.pk]),
        reverse("programmes:enrolments", args=[question.cohort_id]),
        # The right question under the admin's own cohort: still not hers.
        reverse("programmes:question_edit", args=[other_cohort.pk, question.pk]),
    ]
    for person, status in ((admin, 404), (mentee, 403)):
        client.force_login(person)
        for url in urls:
            assert client.post(url).status_code == status, (person, url)
    assert EnrolmentQuestion.objects.filter(pk=question.pk, label="Your site").exists()


def test_the_enrolment_form_asks_each_kind_and_checks_required_and_choices(
    client, cohort, mentee, questions
):
    enrolment = EnrolmentFactory(cohort=cohort, user=mentee, role="mentee", answered_at=None)
    client.force_login(mentee)
    url = reverse("programmes:enrolment", args=[cohort.pk, "mentee"])
    base = {
        "goals": "Grow.",
        "channels": ["video"],
        "weekday_from": "09:00",
        "weekday_to": "17:00",
    }

    page = client.get(url)
    html = page.content.decode()
    for question in questions.values():
        assert question.label in html
    refused = client.post(
        url, {**base, _field(questions["single"]): "Paris", _field(questions["multiple"]): ["C"]}
    )
    errors = refused.context["form"].errors
    assert "required" in str(errors[_field(questions["short"])])
    assert "valid choice" in str(errors[_field(questions["single"])])
    assert "valid choice" in str(errors[_field(questions["multiple"])])
    client.post(
        url,
        {
            **base,
            _field(questions["short"]): "Platform",
            _field(questions["long"]): "",
            _field(questions["single"]): "Lyon",
            _field(questions["multiple"]): ["Go", "Rust"],
        },
    )

    enrolment.refresh_from_db()
    assert enrolment.answers == {
        str(questions["short"].pk): "Platform",
        str(questions["single"].pk): "Lyon",
        str(questions["multiple"].pk): ["Go", "Rust"],
    }
    again = client.get(url).context["form"]
    assert again.initial[_field(questions["multiple"])] == ["Go", "Rust"]


def test_answers_are_in_the_review_the_csv_export_and_the_persons_data_export(
    client, cohort, programme_admin, mentee, questions
):
    short, multiple = questions["short"], questions["multiple"]
    EnrolmentFactory(
        cohort=cohort,
        user=mentee,
        role="mentee",
        answers={str(short.pk): "=cmd|' /C calc'!A0", str(multiple.pk): ["Go", "Rust"]},
    )
    client.force_login(programme_admin)

    review = client.get(reverse("programmes:enrolments", args=[cohort.pk])).content.decode()
    response = client.get(reverse("oversight:cohort_export", args=[cohort.pk, "enrolments"]))

    assert "Go; Rust" in review
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["Your team"] == "'=cmd|' /C calc'!A0"  # sanitised: no formula
    assert row["Topics"] == "Go; Rust"
    assert row["email"] == mentee.email
    data = export_data(user=mentee)["sections"]
    (mine,) = data["programmes.Enrolment"]["rows"]
    assert mine["answers"][str(multiple.pk)] == ["Go", "Rust"]
    labels = {row["label"] for row in data["programmes.EnrolmentQuestion"]["rows"]}
    assert labels == {"Your team", "Anything else?", "Your site", "Topics"}


def test_a_text_question_needs_no_weight(client, cohort, programme_admin):
    client.force_login(programme_admin)

    client.post(
        reverse("programmes:questions", args=[cohort.pk]),
        {"label": "Your team", "kind": "short", "match_weight": ""},
    )

    assert cohort.questions.get().match_weight == 0
