"""Joining cohorts and answering their questions."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import profile_defaults_from_enrolment, profile_role_add
from mentoring.links import absolute
from organisations.services import membership_ensure
from programmes.models import Cohort, Enrolment, MentorPreference, ParticipantRole
from webhooks.models import EventKind
from webhooks.payloads import cohort_ref, organisation_ref, person_ref
from webhooks.services.publish import event_publish


def _enrolment_created_publish(enrolment: Enrolment) -> None:
    """The organisation's webhooks hear of the new enrolment, in its transaction."""
    cohort = enrolment.cohort
    event_publish(
        organisation=cohort.organisation_id,
        kind=EventKind.ENROLMENT_CREATED,
        data=lambda: {
            "enrolment_id": enrolment.pk,
            "role": enrolment.role,
            "person": person_ref(enrolment.user),
            "created_at": enrolment.created_at,
            "organisation": organisation_ref(cohort.organisation),
            "cohort": cohort_ref(cohort),
            "url": absolute("oversight:cohort_detail", cohort.pk),
        },
    )


def enrolment_join(
    *, cohort: Cohort, user: User, role: str, department: str = "", manager_email: str = ""
) -> Enrolment:
    """Put the user in the cohort in that role. Safe to repeat: returns the existing enrolment.

    A mentor starts with their profile's capacity (or the cohort's default), a mentee with the
    goals of their profile; both confirm or change them when they answer the enrolment form.
    The person becomes a member of the cohort's organisation (a higher role there stays).
    """
    membership_ensure(organisation=cohort.organisation, user=user)
    existing = Enrolment.objects.filter(cohort=cohort, user=user, role=role).first()
    if existing:
        return existing
    # The role comes from here and is never asked again; the profile is read fresh from it.
    profile = profile_role_add(user=user, role=role)
    enrolment = Enrolment(
        cohort=cohort,
        user=user,
        role=role,
        department=department,
        manager_email=manager_email.lower(),
        goals=profile.goals if role == ParticipantRole.MENTEE else "",
        capacity=(profile.capacity or cohort.default_mentor_capacity)
        if role == ParticipantRole.MENTOR
        else None,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent join may have won
            enrolment.save()
            _enrolment_created_publish(enrolment)
    except IntegrityError:
        return Enrolment.objects.get(cohort=cohort, user=user, role=role)
    return enrolment


@transaction.atomic
def enrolment_answer(
    *,
    enrolment: Enrolment,
    goals: str = "",
    channels: list[str],
    contact_hours: list[list[int]],
    capacity: int | None = None,
    preferred_mentors: list[User] | None = None,
    avoid: list[User] | None = None,
    tz: str | None = None,
    answers: dict | None = None,
) -> Enrolment:
    """Save the person's answers for this cohort (validated by EnrolmentForm). Safe to repeat.

    `tz` is the zone the hours were given in: it becomes the person's zone. The goals and the
    capacity become the profile's defaults, so the profile does not ask them again.
    """
    enrolment.channels = channels
    enrolment.contact_hours = contact_hours
    if enrolment.role == ParticipantRole.MENTEE:
        enrolment.goals = goals
        if preferred_mentors is not None:  # None: leave the choices alone (requests mode)
            enrolment.preferences.all().delete()
            MentorPreference.objects.bulk_create(
                MentorPreference(enrolment=enrolment, mentor=mentor, rank=rank)
                for rank, mentor in enumerate(preferred_mentors, start=1)
            )
        enrolment.avoid.set(avoid or [])
    else:
        enrolment.capacity = capacity
    if answers is not None:  # the cohort's own questions, keyed by question id
        enrolment.answers = answers
    enrolment.answered_at = timezone.now()
    enrolment.full_clean()
    enrolment.save()
    profile_defaults_from_enrolment(
        user=enrolment.user, goals=enrolment.goals or None, capacity=enrolment.capacity, tz=tz
    )
    return enrolment
