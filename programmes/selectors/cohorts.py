"""Reads about cohorts for the admin pages and for participants."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from programmes.models import Cohort, Enrolment, EnrolmentQuestion, ParticipantRole
from programmes.selectors import cohorts_for_admin


def enrolments_for_user(*, user: User) -> QuerySet[Enrolment]:
    """The person's enrolments, newest first, each with its cohort and organisation (a person
    may take part in several organisations' cohorts)."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("cohort__organisation")
        .order_by("-created_at")
    )


def cohort_get_for_member(*, user: User, cohort_id: int) -> Cohort:
    """A cohort the user is enrolled in or runs (as an admin of its organisation still: see
    cohorts_for_admin); 404 otherwise."""
    runs = Q(pk__in=cohorts_for_admin(user=user).values("pk"))
    return get_object_or_404(
        Cohort.objects.filter(Q(enrolments__user=user) | runs).distinct(), pk=cohort_id
    )


def mentor_directory(*, cohort: Cohort) -> QuerySet[User]:
    """The cohort's mentors with their public profile (never contact details)."""
    return (
        User.objects.filter(enrolments__cohort=cohort, enrolments__role=ParticipantRole.MENTOR)
        .select_related("profile")
        .only(
            "display_name",
            "email",
            "timezone",
            "profile__headline",
            "profile__field",
            "profile__expertise",
            "profile__languages",
            "profile__years_experience",
            "profile__city",
        )
        .order_by("display_name", "pk")
    )


def question_get_for_admin(*, user: User, cohort_id: int, question_id: int) -> EnrolmentQuestion:
    """A question of a cohort this programme admin runs; 404 otherwise."""
    return get_object_or_404(
        EnrolmentQuestion.objects.select_related("cohort").filter(
            cohort__in=cohorts_for_admin(user=user)
        ),
        cohort_id=cohort_id,
        pk=question_id,
    )


def enrolments_for_review(*, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's enrolments with their people, mentees first, for the admins' review."""
    return (
        cohort.enrolments.select_related("user")
        .only(
            "role",
            "answers",
            "answered_at",
            "capacity",
            "cohort_id",
            "user__email",
            "user__display_name",
            "user__timezone",
        )
        .order_by("-role", "user__display_name", "user__email", "pk")
    )
