"""The bridge from the database to the pure matching engine: plain records, no ORM inside it."""

from collections.abc import Collection

from django.db.models import Q

from matching import engine as matching
from matching.models import PairConstraint
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment, EnrolmentQuestion, ParticipantRole

DEFAULT_HOURS = tuple((day, 9 * 60, 17 * 60) for day in range(5))  # weekdays 09-17, own zone


def _person(enrolment: Enrolment, terms: frozenset[str]) -> dict:
    user = enrolment.user
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "field": getattr(profile, "field", "") or "",
        "terms": terms,
        "languages": frozenset(getattr(profile, "languages", None) or ()),
        "tz": user.timezone,
        "contact_hours": tuple(tuple(w) for w in enrolment.contact_hours) or DEFAULT_HOURS,
        "years": getattr(profile, "years_experience", None) or 0,
        "channels": frozenset(enrolment.channels),
        "city": getattr(profile, "city", "") or "",
        "department": enrolment.department,
        "manager_email": enrolment.manager_email,
        "email": user.email,
        "answers": _answers(enrolment.answers),
    }


def _answers(answers: dict) -> tuple[tuple[str, frozenset[str]], ...]:
    """The enrolment's answers as matching records: the question's key ("q12") and the set of
    what was picked (a text answer is a set of one; only weighted questions are compared)."""
    return tuple(
        sorted(
            (f"q{question_id}", frozenset(value if isinstance(value, list) else [value]))
            for question_id, value in answers.items()
        )
    )


_MATCHING_QUESTIONS = PreparedQuery(
    lambda *, cohort_id: EnrolmentQuestion.objects.filter(
        cohort_id=cohort_id, match_weight__gt=0, kind__in=EnrolmentQuestion.CHOICE_KINDS
    ).order_by("pk"),
    "cohort_id",
)


def _answer_questions(cohort: Cohort) -> tuple[tuple[str, float, str], ...]:
    """(key, weight, label) of each choice question that counts in matching (its weight above
    0), read once per cohort object: scoring a mentee against every mentor must not read them
    per mentor."""
    cached = getattr(cohort, "_answer_questions", None)
    if cached is None:
        questions = _MATCHING_QUESTIONS(cohort_id=cohort.pk)
        cached = tuple((q.key, q.match_weight, q.label) for q in questions)
        cohort._answer_questions = cached
    return cached


def weights_for_cohort(*, cohort: Cohort) -> matching.Weights:
    """The cohort's weights, with a "same answer" criterion for each choice question that
    counts in matching."""
    answers = tuple((key, weight) for key, weight, _label in _answer_questions(cohort))
    return matching.Weights(**cohort.weights, answers=answers)


def answer_labels_for_cohort(*, cohort: Cohort) -> dict[str, str]:
    """The "same answer" criteria of the cohort: their key ("q12") and their question."""
    return {key: label for key, _weight, label in _answer_questions(cohort)}


def participants_for_cohort(
    *, cohort: Cohort, user_ids: Collection[int] | None = None, mentee_id: int | None = None
) -> tuple[list[matching.Mentee], list[matching.Mentor]]:
    """The cohort's enrolled mentees and mentors (or only `user_ids`) as matching records.

    With `mentee_id`, only that mentee and every mentor: what one mentee's suggestions need.
    Three queries, whatever the size of the cohort.
    """
    enrolments = Enrolment.objects.filter(cohort=cohort)
    if user_ids is not None:
        enrolments = enrolments.filter(user_id__in=user_ids)
    if mentee_id is not None:
        enrolments = enrolments.filter(Q(role=ParticipantRole.MENTOR) | Q(user_id=mentee_id))
    enrolments = (
        enrolments.select_related("user__profile")
        .prefetch_related("preferences", "avoid")
        .order_by("user_id")
    )
    mentees, mentors = [], []
    for enrolment in enrolments:
        profile = getattr(enrolment.user, "profile", None)
        if enrolment.role == ParticipantRole.MENTEE:
            goals = enrolment.goals or getattr(profile, "goals", "")
            mentees.append(
                matching.Mentee(
                    **_person(enrolment, matching.terms_from_text(goals)),
                    preferences=tuple(p.mentor_id for p in enrolment.preferences.all()),
                    must_not=frozenset(u.pk for u in enrolment.avoid.all()),
                )
            )
        else:
            expertise = " ".join(getattr(profile, "expertise", None) or ())
            mentors.append(
                matching.Mentor(
                    **_person(enrolment, matching.terms_from_text(expertise)),
                    capacity=enrolment.capacity or cohort.default_mentor_capacity,
                )
            )
    return mentees, mentors


def pair_for_cohort(
    *, cohort: Cohort, mentee_id: int, mentor_id: int
) -> tuple[matching.Mentee, matching.Mentor] | None:
    """The two as matching records; None unless one is a mentee and the other a mentor in it."""
    mentees, mentors = participants_for_cohort(cohort=cohort, user_ids=[mentee_id, mentor_id])
    # Picked by id: either person may also be enrolled in the other role.
    mentee = next((m for m in mentees if m.id == mentee_id), None)
    mentor = next((m for m in mentors if m.id == mentor_id), None)
    return None if mentee is None or mentor is None else (mentee, mentor)


def constraints_for_cohort(
    *, cohort: Cohort
) -> tuple[dict[tuple[int, int], str], list[tuple[int, int]]]:
    """(excluded pairs with their reason, locked pairs) for matching the cohort.

    Excluded: an admin forbade it, the mentor declined it, or the two were paired before in
    another cohort. Locked: an admin locked it, or the pair is already live in this cohort
    (re-running matching keeps proposed and accepted pairings).
    """
    excluded: dict[tuple[int, int], str] = {}
    locked: dict[int, int] = {}
    members = Enrolment.objects.filter(cohort=cohort).values("user_id")
    earlier = Pairing.objects.filter(mentee__in=members, mentor__in=members).filter(
        ~Q(cohort=cohort) | Q(status=Pairing.Status.DECLINED)
    )
    for mentee_id, mentor_id, status, cohort_id in earlier.values_list(
        "mentee_id", "mentor_id", "status", "cohort_id"
    ):
        same = cohort_id == cohort.pk and status == Pairing.Status.DECLINED
        excluded[(mentee_id, mentor_id)] = (
            "The mentor declined this pairing." if same else "Paired before."
        )
    for constraint in PairConstraint.objects.filter(cohort=cohort):
        key = (constraint.mentee_id, constraint.mentor_id)
        if constraint.kind == PairConstraint.Kind.FORBID:
            excluded[key] = "Forbidden by an admin."
        else:
            locked[constraint.mentee_id] = constraint.mentor_id
    live = Pairing.objects.filter(cohort=cohort, status__in=Pairing.LIVE)
    for mentee_id, mentor_id in live.values_list("mentee_id", "mentor_id"):
        locked[mentee_id] = mentor_id  # what is live wins over an admin's older lock
    return excluded, sorted(locked.items())
