"""Reads for mentee-requests mode: the mentors who suit a mentee and why, choices, inboxes."""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Field, User
from matching import engine as matching
from matching.models import MentorRequest
from matching.services.participants import (
    answer_labels_for_cohort,
    constraints_for_cohort,
    pair_for_cohort,
    participants_for_cohort,
    weights_for_cohort,
)
from pairings.models import Pairing
from pairings.services.pairings import mentor_load
from programmes.models import Channel, Cohort, Enrolment, MentorPreference, ParticipantRole

TOP_MENTORS = 5
MAX_CHOICES = 3  # a mentee queues up to three mentors (MentorPreference ranks 1-3)
_FIELDS = dict(Field.choices)
_CHANNELS = dict(Channel.choices)


def _hours(minutes: int) -> str:
    """Minutes as hours: "4", or "4.5" when they do not make whole hours."""
    return number_format(minutes / 60, decimal_pos=0 if minutes % 60 == 0 else 1)


def pair_reasons(
    *,
    mentee: matching.Mentee,
    mentor: matching.Mentor,
    criteria: Mapping[str, float],
    questions: Mapping[str, str] | None = None,
) -> list[str]:
    """Why the pair fits, one phrase per criterion that counts for it, in the engine's order.

    Works from the matching records and the criteria the engine gave the pair, so the same words
    serve the mentee's choices, the mentor's inbox and the admins' review of a match run.
    """
    reasons = []
    if criteria.get("field"):
        field = _FIELDS.get(mentee.field, mentee.field)
        reasons.append(_("same field (%(field)s)") % {"field": field})
    shared = sorted(mentee.terms & mentor.terms)
    if criteria.get("goals") and shared:
        reasons.append(
            ngettext(
                "shares %(count)d of the goals (%(words)s)",
                "shares %(count)d of the goals (%(words)s)",
                len(shared),
            )
            % {"count": len(shared), "words": ", ".join(shared)}
        )
    # The engine caps this criterion at FULL_OVERLAP_MINUTES, so beyond it only "or more" is known.
    overlap = criteria.get("timezone", 0.0)
    hours = _hours(round(min(overlap, 1.0) * matching.FULL_OVERLAP_MINUTES))
    if overlap >= 1:
        reasons.append(
            _("%(hours)s h a week or more of overlapping contact hours") % {"hours": hours}
        )
    elif overlap > 0:
        reasons.append(_("%(hours)s h a week of overlapping contact hours") % {"hours": hours})
    if criteria.get("seniority"):
        gap = mentor.years - mentee.years
        reasons.append(
            ngettext("%(years)d more year of experience", "%(years)d more years of experience", gap)
            % {"years": gap}
        )
    # The engine counts "in person" as shared only in the same city; say it the same way.
    city = mentee.city.strip().casefold()
    same_city = bool(city) and city == mentor.city.strip().casefold()
    channels = [
        _CHANNELS.get(name, name).lower()
        for name in matching.CHANNELS
        if name in mentee.channels & mentor.channels and (name != matching.IN_PERSON or same_city)
    ]
    if criteria.get("channels") and channels:
        reasons.append(_("both use %(channels)s") % {"channels": ", ".join(channels)})
    if criteria.get("preference") and mentor.id in mentee.preferences:
        rank = mentee.preferences.index(mentor.id) + 1
        reasons.append(_("the mentee's choice no. %(rank)d") % {"rank": rank})
    for key, question in (questions or {}).items():  # the cohort's own choice questions
        same = sorted(mentee.answer(key) & mentor.answer(key))
        if criteria.get(key) and same:
            reasons.append(
                _("same answer to “%(question)s” (%(answer)s)")
                % {"question": question, "answer": ", ".join(same)}
            )
    return reasons


@dataclass(frozen=True)
class Fit:
    """How well a mentor suits a mentee: the engine's numbers and the same in words."""

    score: float
    criteria: dict[str, float]
    reasons: list[str]


def _fit(
    mentee: matching.Mentee,
    mentor: matching.Mentor,
    cohort: Cohort,
    excluded: Mapping[tuple[int, int], str] | None = None,
) -> tuple[matching.PairScore, Fit]:
    # In requests mode the mentee's choices are their own act, not a reason to suggest a mentor:
    # scored with them, a queued mentor would climb the list because it was queued.
    mentee = dataclasses.replace(mentee, preferences=())
    weights = weights_for_cohort(cohort=cohort)
    score = matching.score_pair(
        mentee, mentor, weights, excluded=excluded or {}, reference=cohort.starts_on
    )
    # A criterion the cohort weighs at 0 is no reason to pick this mentor.
    weight_of = dict(weights.items())
    counted = {name: v for name, v in score.criteria.items() if weight_of.get(name, 0) > 0}
    return score, Fit(
        score=score.total,
        criteria=score.criteria,
        reasons=pair_reasons(
            mentee=mentee,
            mentor=mentor,
            criteria=counted,
            questions=answer_labels_for_cohort(cohort=cohort),
        ),
    )


def request_pair_fit(*, cohort: Cohort, mentee_id: int, mentor_id: int) -> Fit | None:
    """The fit of one pair in the cohort; None when either is not enrolled or it is excluded."""
    pair = pair_for_cohort(cohort=cohort, mentee_id=mentee_id, mentor_id=mentor_id)
    if pair is None:
        return None
    excluded, _locked = constraints_for_cohort(cohort=cohort)
    score, fit = _fit(*pair, cohort, excluded)
    return None if score.excluded else fit


def request_enrolment_get_for_mentee(*, user: User, cohort_id: int) -> Enrolment:
    """The user's mentee enrolment in a cohort that takes requests; 404 otherwise."""
    return get_object_or_404(
        Enrolment.objects.select_related("cohort", "user"),
        user=user,
        cohort_id=cohort_id,
        role=ParticipantRole.MENTEE,
        cohort__matching_mode=Cohort.MatchingMode.REQUESTS,
    )


def request_choice_get_for_mentee(*, enrolment: Enrolment, mentor_id: int) -> MentorPreference:
    """One of the mentee's queued choices in the cohort; 404 otherwise."""
    return get_object_or_404(
        MentorPreference.objects.select_related("mentor"), enrolment=enrolment, mentor_id=mentor_id
    )


def _requests_for_mentor(*, user: User) -> QuerySet[MentorRequest]:
    """Requests addressed to this mentor, each with the mentee's profile and their goals for the
    cohort (`mentee_goals`)."""
    goals = Enrolment.objects.filter(
        cohort=OuterRef("cohort"), user=OuterRef("mentee"), role=ParticipantRole.MENTEE
    ).values("goals")[:1]
    return (
        MentorRequest.objects.filter(mentor=user)
        .select_related("cohort", "mentee__profile", "mentor")
        .annotate(mentee_goals=Subquery(goals))
    )


def request_get_for_mentor(*, user: User, request_id: int) -> MentorRequest:
    """A request addressed to this mentor; 404 for anyone else's."""
    return get_object_or_404(_requests_for_mentor(user=user), pk=request_id)


def mentor_places_left(*, cohort: Cohort, mentor_id: int) -> int:
    """Places the mentor has left in the cohort now (0 when not a mentor in it). Not a lock:
    accepting re-checks under the mentor's row lock (pairing_create_active)."""
    enrolment = Enrolment.objects.filter(
        cohort=cohort, user_id=mentor_id, role=ParticipantRole.MENTOR
    ).first()
    if enrolment is None:
        return 0
    capacity = enrolment.capacity or cohort.default_mentor_capacity
    return capacity - mentor_load(cohort=cohort).get(mentor_id, 0)


def live_pairing_for_mentee(*, cohort: Cohort, mentee: User) -> Pairing | None:
    return (
        Pairing.objects.filter(cohort=cohort, mentee=mentee, status__in=Pairing.LIVE)
        .select_related("mentor")
        .first()
    )


@dataclass(frozen=True)
class MentorOption:
    """A mentor suggested to a mentee, why, and where they stand in the mentee's choices."""

    mentor: User
    fit: Fit
    choice_rank: int | None  # the mentor's place among the mentee's choices
    pending: MentorRequest | None  # the request waiting for this mentor's answer


@dataclass(frozen=True)
class Choice:
    """One of the mentee's queued choices: the first is sent (pending), the others wait."""

    rank: int
    mentor: User
    pending: MentorRequest | None


@dataclass(frozen=True)
class MenteeRequests:
    """Everything the mentee's page shows for one cohort."""

    enrolment: Enrolment
    pairing: Pairing | None
    options: list[MentorOption]
    choices: list[Choice]
    history: list[MentorRequest]  # answered, expired and withdrawn requests, newest first

    @property
    def can_choose(self) -> bool:
        return self.pairing is None and len(self.choices) < MAX_CHOICES


def request_page_for_mentee(*, enrolment: Enrolment) -> MenteeRequests:
    """The top mentors for the mentee with the why, their choices and past requests.

    The top mentors are the best-scoring ones who are not excluded for this mentee, have places
    left and were not asked before (a request goes to each mentor once). A constant number of
    queries, whatever the size of the cohort.
    """
    cohort, user = enrolment.cohort, enrolment.user
    requests = list(
        MentorRequest.objects.filter(cohort=cohort, mentee=user)
        .select_related("mentor")
        .order_by("-created_at")
    )
    pending = {r.mentor_id: r for r in requests if r.status == MentorRequest.Status.PENDING}
    asked_before = {r.mentor_id for r in requests if r.mentor_id not in pending}
    choices = list(enrolment.preferences.select_related("mentor").order_by("rank"))
    rank_of = {c.mentor_id: c.rank for c in choices}

    mentees, mentors = participants_for_cohort(cohort=cohort, mentee_id=user.pk)
    me = next(m for m in mentees if m.id == user.pk)
    excluded, _locked = constraints_for_cohort(cohort=cohort)
    load = mentor_load(cohort=cohort)
    scored = []
    for mentor in mentors:
        if mentor.id in asked_before or mentor.capacity - load.get(mentor.id, 0) <= 0:
            continue
        score, fit = _fit(me, mentor, cohort, excluded)
        if score.excluded is None:
            scored.append((fit, mentor.id))
    scored.sort(key=lambda item: (-item[0].score, item[1]))
    top = scored[:TOP_MENTORS]
    users = User.objects.select_related("profile").in_bulk([mentor_id for _fit, mentor_id in top])
    return MenteeRequests(
        enrolment=enrolment,
        pairing=live_pairing_for_mentee(cohort=cohort, mentee=user),
        options=[
            MentorOption(
                mentor=users[mentor_id],
                fit=fit,
                choice_rank=rank_of.get(mentor_id),
                pending=pending.get(mentor_id),
            )
            for fit, mentor_id in top
        ],
        choices=[Choice(c.rank, c.mentor, pending.get(c.mentor_id)) for c in choices],
        history=[r for r in requests if r.status != MentorRequest.Status.PENDING],
    )


def requests_pending_for_mentor(*, user: User) -> QuerySet[MentorRequest]:
    """Requests waiting for this mentor's answer in all their cohorts, the most urgent first."""
    return (
        _requests_for_mentor(user=user)
        .filter(status=MentorRequest.Status.PENDING)
        .order_by("expires_at", "pk")
    )


def request_reasons(*, requests: Iterable[MentorRequest]) -> dict[int, list[str]]:
    """Why each request's mentee and mentor fit, by request id (a few queries per cohort)."""
    by_cohort: dict[int, list[MentorRequest]] = {}
    for request in requests:
        by_cohort.setdefault(request.cohort_id, []).append(request)
    reasons: dict[int, list[str]] = {}
    for cohort_requests in by_cohort.values():
        cohort = cohort_requests[0].cohort
        people = {r.mentee_id for r in cohort_requests} | {r.mentor_id for r in cohort_requests}
        mentees, mentors = participants_for_cohort(cohort=cohort, user_ids=people)
        mentee_of = {m.id: m for m in mentees}
        mentor_of = {m.id: m for m in mentors}
        for request in cohort_requests:
            mentee = mentee_of.get(request.mentee_id)
            mentor = mentor_of.get(request.mentor_id)
            if mentee and mentor:
                reasons[request.pk] = _fit(mentee, mentor, cohort)[1].reasons
    return reasons
