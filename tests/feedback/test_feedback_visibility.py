"""Who sees what of a feedback answer, as the form tells the writer: the programme team (the
admins of the pairing's cohort) always sees ratings and check-in answers; the words go to the
partner only when shared with them, and to the programme team only when shared with it.

Alice (the mentee) writes one answer of each kind. Each is then looked at by each viewer, both
through the selector (feedback.selectors, what every page and export reads) and
through the pages a participant has (the Feedback page, the session page's feedback panel, the
form). The admins read on the cohort page, which takes feedback_ratings_for_cohort: tested
here as that page's data; on the participants' pages admins get 404 like anyone outside.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_make_programme_admin
from feedback.models import Feedback
from feedback.selectors import (
    feedback_rating_summary_for_cohort,
    feedback_ratings_for_cohort,
    feedback_view_for,
    feedback_views_for,
    feedback_visible_to,
)
from feedback.services import feedback_answer
from tests.factories import AppointmentFactory, UserFactory, cohort_admin_add, second_factor_add

pytestmark = pytest.mark.django_db

WORDS_FOR_PARTNER = "Words for my partner: thank you for the intros."
WORDS_FOR_PROGRAMME = "Words for the programme team: sessions keep moving."
WORDS_FOR_NOBODY = "Words for nobody: I felt out of my depth."

# Each kind of answer, and who sees it.
SHOWN = {
    "rating": {"writer", "admin_of_this_cohort"},
    "check_in_answers": {"writer", "admin_of_this_cohort"},
    "words_shared_with_partner": {"writer", "partner"},
    "words_shared_with_programme": {"writer", "admin_of_this_cohort"},
    "words_shared_with_nobody": {"writer"},
}
VIEWERS = [
    "writer",
    "partner",
    "admin_of_this_cohort",
    "admin_of_another_cohort",
    "another_participant",
]
MATRIX = [
    pytest.param(answer, viewer, viewer in SHOWN[answer], id=f"{answer}-{viewer}")
    for answer in SHOWN
    for viewer in VIEWERS
]
# How each answer reads on a page.
ON_PAGE = {
    "rating": "2 out of 5",
    "check_in_answers": "1 out of 5",
    "words_shared_with_partner": WORDS_FOR_PARTNER,
    "words_shared_with_programme": WORDS_FOR_PROGRAMME,
    "words_shared_with_nobody": WORDS_FOR_NOBODY,
}


def written(pairing, writer, kind: str, *, hours_ago: int = 0, **answers) -> Feedback:
    """A row asked of `writer` and answered as the form would."""
    appointment = None
    if kind == Feedback.Kind.SESSION:
        appointment = AppointmentFactory(
            pairing=pairing, starts_at=timezone.now() - timedelta(hours=hours_ago)
        )
    row = Feedback.objects.create(
        kind=kind,
        pairing=pairing,
        person=writer,
        appointment=appointment,
        round=1 if kind == Feedback.Kind.CHECK_IN else 0,
    )
    return feedback_answer(feedback=row, by=writer, **answers)


@pytest.fixture
def answers(pairing, mentee) -> dict[str, Feedback]:
    """Alice's answers, one of each kind; the sessions' ratings other than the one under
    test are 3, so no "2 out of 5" comes from them."""
    session = Feedback.Kind.SESSION
    return {
        "rating": written(pairing, mentee, session, hours_ago=30, took_place=True, rating=2),
        "check_in_answers": written(
            pairing,
            mentee,
            Feedback.Kind.CHECK_IN,
            satisfaction=1,
            contact_working="no",
            wants_help=True,
        ),
        "words_shared_with_partner": written(
            pairing,
            mentee,
            session,
            hours_ago=26,
            took_place=True,
            rating=3,
            went_well=WORDS_FOR_PARTNER,
            share_with_partner=True,
        ),
        "words_shared_with_programme": written(
            pairing,
            mentee,
            session,
            hours_ago=22,
            took_place=True,
            rating=3,
            could_be_better=WORDS_FOR_PROGRAMME,
            share_with_programme=True,
        ),
        "words_shared_with_nobody": written(
            pairing,
            mentee,
            session,
            hours_ago=18,
            took_place=True,
            rating=3,
            went_well=WORDS_FOR_NOBODY,
        ),
    }


@pytest.fixture
def viewers(mentee, mentor, programme_admin, other_cohort, other_pairing, other_mentee):
    other_admin = UserFactory(email="otto@example.org", display_name="Otto Admin")
    user_make_programme_admin(user=other_admin)
    second_factor_add(other_admin)
    cohort_admin_add(other_cohort, other_admin)
    return {
        "writer": mentee,
        "partner": mentor,
        "admin_of_this_cohort": programme_admin,
        "admin_of_another_cohort": other_admin,
        "another_participant": other_mentee,
    }


def shown_in(view, answer: str) -> bool:
    """Whether `view` (a FeedbackView or None) carries the answer."""
    if view is None:
        return False
    if answer == "rating":
        return view.rating == 2
    if answer == "check_in_answers":
        return (view.satisfaction, view.contact_working, view.wants_help) == (1, "no", True)
    words = (view.went_well, view.could_be_better, view.comments)
    return ON_PAGE[answer] in words


def nothing_of_it_in(view, answer: str) -> bool:
    """A view that does not carry the answer carries no trace of it either."""
    if view is None:
        return True
    if answer in ("rating", "check_in_answers"):
        return (view.rating, view.satisfaction, view.contact_working, view.wants_help) == (
            None,
            None,
            None,
            None,
        )
    return ON_PAGE[answer] not in (view.went_well, view.could_be_better, view.comments)


# --- through the selector --------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "viewer", "shown"), MATRIX)
def test_the_selector_shows_each_answer_only_to_whom_the_form_says(
    answers, viewers, answer, viewer, shown
):
    view = feedback_view_for(feedback=answers[answer], viewer=viewers[viewer])

    assert shown_in(view, answer) is shown
    if not shown:
        assert nothing_of_it_in(view, answer)


@pytest.mark.parametrize(("answer", "viewer", "shown"), MATRIX)
def test_the_visible_rows_agree_with_the_views(answers, viewers, answer, viewer, shown):
    user = viewers[viewer]
    row = answers[answer]

    visible = feedback_visible_to(viewer=user)
    views = feedback_views_for(viewer=user, rows=visible)

    assert (row in visible) is (feedback_view_for(feedback=row, viewer=user) is not None)
    assert any(shown_in(view, answer) for view in views) is shown


@pytest.mark.parametrize(
    ("answer", "shown"), [(answer, "admin_of_this_cohort" in SHOWN[answer]) for answer in SHOWN]
)
def test_the_cohort_page_and_export_get_ratings_always_and_words_only_when_shared(
    answers, cohort, other_cohort, answer, shown
):
    views = list(feedback_ratings_for_cohort(cohort=cohort))

    assert any(shown_in(view, answer) for view in views) is shown
    assert len(views) == len(answers)
    assert all(view.share_with_partner is None for view in views)  # the writer's choices
    assert list(feedback_ratings_for_cohort(cohort=other_cohort)) == []


def test_the_cohort_rating_summary_counts_every_answered_rating(answers, cohort):
    sessions = feedback_rating_summary_for_cohort(cohort=cohort)
    check_ins = feedback_rating_summary_for_cohort(cohort=cohort, kind=Feedback.Kind.CHECK_IN)

    assert (sessions.count, sessions.mean) == (4, 2.75)
    assert sessions.distribution == {1: 0, 2: 1, 3: 3, 4: 0, 5: 0}
    assert (check_ins.count, check_ins.distribution[1]) == (1, 1)


def test_a_partner_who_also_runs_the_cohort_reads_ratings_only_as_an_admin(
    client, answers, cohort, mentor
):
    user_make_programme_admin(user=mentor)
    second_factor_add(mentor)
    cohort_admin_add(cohort, mentor)
    row = answers["rating"]

    view = feedback_view_for(feedback=row, viewer=mentor)
    panel = client_get_as(client, mentor, "feedback:session_feedback", row.appointment_id)

    assert view.rating == 2
    assert "2 out of 5" not in panel.content.decode()


# --- through the pages -----------------------------------------------------------------------


def client_get_as(client, user, url_name: str, *args, **extra):
    client.force_login(user)
    return client.get(reverse(url_name, args=args), **extra)


def pages_seen_by(client, user, answers: dict[str, Feedback]) -> str:
    """Every participant page about these answers, as `user` gets it (404s give nothing)."""
    client.force_login(user)
    html = []
    for show in ("mine", "shared"):
        html.append(client.get(reverse("feedback:feedback_list"), {"show": show}))
    html.append(client.get(reverse("home:dashboard")))
    for row in answers.values():
        html.append(client.get(reverse("feedback:feedback_answer", args=[row.pk])))
        if row.appointment_id:
            panel = reverse("feedback:session_feedback", args=[row.appointment_id])
            html.append(client.get(panel))
            html.append(client.get(panel, HTTP_HX_REQUEST="true"))
            html.append(client.get(reverse("sessions_app:detail", args=[row.appointment_id])))
    return "".join(r.content.decode() for r in html if r.status_code == 200)


@pytest.mark.parametrize(("answer", "viewer", "shown"), MATRIX)
def test_the_pages_show_each_answer_only_to_whom_the_form_says(
    client, answers, viewers, answer, viewer, shown
):
    seen = pages_seen_by(client, viewers[viewer], answers)

    # Admins read on the cohort page: the participants' pages show them nothing.
    on_these_pages = shown and viewer in ("writer", "partner")
    assert (ON_PAGE[answer] in seen) is on_these_pages


def test_the_partner_sees_the_shared_words_on_the_session_and_feedback_pages_never_a_rating(
    client, answers, mentor
):
    shared = answers["words_shared_with_partner"]

    panel = client_get_as(
        client, mentor, "feedback:session_feedback", shared.appointment_id
    ).content.decode()
    feedback_page = client.get(reverse("feedback:feedback_list"), {"show": "shared"})

    assert "What Alice Mentee shared with you" in panel
    assert WORDS_FOR_PARTNER in panel
    assert WORDS_FOR_PARTNER in feedback_page.content.decode()
    assert "out of 5" not in panel + feedback_page.content.decode()


@pytest.mark.parametrize("viewer", ["partner", *VIEWERS[2:]])
def test_only_the_writer_opens_the_form_others_get_404(client, answers, viewers, viewer):
    client.force_login(viewers[viewer])

    for row in answers.values():
        response = client.get(reverse("feedback:feedback_answer", args=[row.pk]))
        assert response.status_code == 404
        posted = client.post(
            reverse("feedback:feedback_answer", args=[row.pk]),
            {"took_place": "yes", "rating": "1", "satisfaction": "1", "contact_working": "no"},
        )
        assert posted.status_code == 404
    assert {row.rating for row in Feedback.objects.filter(kind="session")} == {2, 3}


@pytest.mark.parametrize("viewer", VIEWERS[2:])
def test_anyone_outside_the_pairing_gets_404_on_the_session_feedback_panel(
    client, answers, viewers, viewer
):
    client.force_login(viewers[viewer])

    for row in answers.values():
        if row.appointment_id:
            url = reverse("feedback:session_feedback", args=[row.appointment_id])
            assert client.get(url).status_code == 404
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
