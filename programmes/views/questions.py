"""A cohort's own enrolment questions (its admins add, edit, move and remove them) and the
admins' review of everyone's answers."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_admin_required
from programmes.forms.questions import EnrolmentQuestionForm
from programmes.selectors import cohort_get_for_admin
from programmes.selectors.cohorts import enrolments_for_review, question_get_for_admin
from programmes.services.questions import (
    question_create,
    question_delete,
    question_move,
    question_update,
)


@programme_admin_required
@require_http_methods(["GET", "POST"])
def question_list_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's questions in their order, and the form that adds one."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = EnrolmentQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question_create(cohort=cohort, **form.cleaned_data)
        messages.success(request, _("Question added to the enrolment form."))
        return redirect("programmes:questions", cohort_id=cohort.pk)
    context = {"cohort": cohort, "questions": cohort.questions.all(), "form": form}
    return render(request, "programmes/cohorts/questions.html", context)


@programme_admin_required
@require_http_methods(["GET", "POST"])
def question_edit_view(request: HttpRequest, cohort_id: int, question_id: int) -> HttpResponse:
    question = question_get_for_admin(
        user=request.user, cohort_id=cohort_id, question_id=question_id
    )
    form = EnrolmentQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        question_update(question=question, **form.cleaned_data)
        messages.success(request, _("Question saved."))
        return redirect("programmes:questions", cohort_id=question.cohort_id)
    context = {"cohort": question.cohort, "question": question, "form": form}
    return render(request, "programmes/cohorts/question_edit.html", context)


@programme_admin_required
@require_POST
def question_delete_view(request: HttpRequest, cohort_id: int, question_id: int) -> HttpResponse:
    question = question_get_for_admin(
        user=request.user, cohort_id=cohort_id, question_id=question_id
    )
    question_delete(question=question)
    messages.success(request, _("Question removed, with everyone's answers to it."))
    return redirect("programmes:questions", cohort_id=cohort_id)


@programme_admin_required
@require_POST
def question_move_view(request: HttpRequest, cohort_id: int, question_id: int) -> HttpResponse:
    question = question_get_for_admin(
        user=request.user, cohort_id=cohort_id, question_id=question_id
    )
    question_move(question=question, up=request.POST.get("direction") == "up")
    return redirect("programmes:questions", cohort_id=cohort_id)


@programme_admin_required
def enrolment_review_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Everyone enrolled, with their answers to the cohort's own questions."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    questions = list(cohort.questions.all())
    rows = [
        (enrolment, [question.answer_text(enrolment.answers) for question in questions])
        for enrolment in enrolments_for_review(cohort=cohort)
    ]
    context = {"cohort": cohort, "questions": questions, "rows": rows}
    return render(request, "programmes/cohorts/enrolments.html", context)


urlpatterns = [
    path("cohorts/<int:cohort_id>/questions/", question_list_view, name="questions"),
    path(
        "cohorts/<int:cohort_id>/questions/<int:question_id>/edit/",
        question_edit_view,
        name="question_edit",
    ),
    path(
        "cohorts/<int:cohort_id>/questions/<int:question_id>/delete/",
        question_delete_view,
        name="question_delete",
    ),
    path(
        "cohorts/<int:cohort_id>/questions/<int:question_id>/move/",
        question_move_view,
        name="question_move",
    ),
    path("cohorts/<int:cohort_id>/enrolments/", enrolment_review_view, name="enrolments"),
]
