"""Admin-run matching: run, review, lock / forbid / swap, re-run around the locks, publish."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching import engine as matching
from matching.models import MatchRun, PairConstraint, ProposedPair
from matching.services.participants import (
    constraints_for_cohort,
    participants_for_cohort,
    weights_for_cohort,
)
from mentoring.errors import DomainError
from outbox.services import task_enqueue_many_on_commit
from pairings.events import pairing_event_publish
from pairings.models import Pairing
from programmes.models import Cohort
from webhooks.models import EventKind
from webhooks.services.publish import event_wanted


class MatchingRefused(DomainError):
    pass


@transaction.atomic
def match_run_create(*, cohort: Cohort, by: User | None) -> MatchRun:
    """Run matching for the cohort and save the proposal as a draft (older drafts superseded).

    Locked pairs (an admin's, or already live) are kept; forbidden, declined and earlier pairs
    are never proposed. Raises MatchingRefused when there is nobody to match.
    """
    mentees, mentors = participants_for_cohort(cohort=cohort)
    if not mentees or not mentors:
        raise MatchingRefused(_("Enrol at least one mentee and one mentor before matching."))
    excluded, locked = constraints_for_cohort(cohort=cohort)
    weights = weights_for_cohort(cohort=cohort)
    try:
        result = matching.match(
            mentees,
            mentors,
            weights,
            excluded=excluded,
            locked=locked,
            reference=cohort.starts_on,
        )
    except matching.MatchingError as exc:  # e.g. more locked pairs than a mentor has places
        raise MatchingRefused(
            _("Matching cannot run as things stand: %(problem)s") % {"problem": exc}
        ) from None
    MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.DRAFT).update(
        status=MatchRun.Status.SUPERSEDED
    )
    run = MatchRun.objects.create(
        cohort=cohort,
        created_by=by,
        weights=dict(weights.items()),  # with the "same answer" criteria ("q12": 2.0)
        total_score=result.total_score,
        mentee_count=len(mentees),
        matched_count=len(result.pairs),
        unmatched=[
            {"person_id": u.person_id, "role": u.role, "reason": u.reason} for u in result.unmatched
        ],
    )
    ProposedPair.objects.bulk_create(
        (
            ProposedPair(
                run=run,
                mentee_id=pair.mentee_id,
                mentor_id=pair.mentor_id,
                score=pair.score,
                criteria=pair.criteria,
                locked=pair.locked,
            )
            for pair in result.pairs
        ),
        batch_size=1000,
    )
    return run


@transaction.atomic
def pair_constraint_set(
    *, cohort: Cohort, mentee: User, mentor: User, kind: str, by: User
) -> PairConstraint:
    """Lock a pair in (replacing the mentee's other lock) or forbid it. Safe to repeat."""
    if kind == PairConstraint.Kind.LOCK:
        PairConstraint.objects.filter(
            cohort=cohort, mentee=mentee, kind=PairConstraint.Kind.LOCK
        ).exclude(mentor=mentor).delete()
    constraint, _created = PairConstraint.objects.update_or_create(
        cohort=cohort, mentee=mentee, mentor=mentor, defaults={"kind": kind, "created_by": by}
    )
    return constraint


def pair_constraint_remove(*, cohort: Cohort, mentee: User, mentor: User) -> None:
    PairConstraint.objects.filter(cohort=cohort, mentee=mentee, mentor=mentor).delete()


@transaction.atomic
def match_run_publish(*, run: MatchRun) -> list[Pairing]:
    """Turn the draft's pairs into proposed pairings and email each mentor; returns the new
    proposed pairings (a mentor with two places may have two).

    Pairs already live (kept from earlier) are left as they are. Raises MatchingRefused for a
    run that is not the current draft.
    """
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.status != MatchRun.Status.DRAFT:
        raise MatchingRefused(_("Only the latest draft can be published; run matching again."))
    live = set(
        Pairing.objects.filter(cohort=run.cohort, status__in=Pairing.LIVE).values_list(
            "mentee_id", "mentor_id"
        )
    )
    new = Pairing.objects.bulk_create(
        Pairing(
            cohort=run.cohort,
            mentee_id=pair.mentee_id,
            mentor_id=pair.mentor_id,
            status=Pairing.Status.PROPOSED,
            source=Pairing.Source.MATCHING,
            score=pair.score,
            criteria=pair.criteria,
        )
        for pair in run.pairs.all()
        if (pair.mentee_id, pair.mentor_id) not in live
    )
    if new and event_wanted(
        organisation=run.cohort.organisation_id, kind=EventKind.PAIRING_PROPOSED
    ):
        for pairing in Pairing.objects.filter(pk__in=[p.pk for p in new]).select_related(
            "cohort__organisation", "mentor", "mentee"
        ):
            pairing_event_publish(pairing=pairing, kind=EventKind.PAIRING_PROPOSED)
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    from pairings.tasks.pairings import pairing_notify_task

    task_enqueue_many_on_commit(pairing_notify_task, ([p.pk, "proposed", p.mentor_id] for p in new))
    return new
