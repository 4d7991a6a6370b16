"""oversight's part when someone leaves the platform (accounts.events.user_leaving), and the
writes that make the cohort page's cached figures, queue and table out of date
(oversight/live.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from matching.models import MatchRun, MentorRequest
from oversight.live import cohort_figures_changed
from oversight.models import AnnouncementDelivery
from oversight.models.health import PairingHealth
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort, Enrolment


@receiver(user_leaving, dispatch_uid="oversight_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """Announcements not yet delivered to them are not sent, and their name leaves the pages
    of their cohorts at once (their enrolments and pairings change without signals)."""
    AnnouncementDelivery.objects.filter(person=user).exclude(
        status=AnnouncementDelivery.Status.SENT
    ).delete()
    cohort_figures_changed(
        cohort_ids=Enrolment.objects.filter(user=user).values_list("cohort_id", flat=True)
    )


# --- the cohort page's cached figures, queue and table (oversight/live.py) --------------------
# The writes an admin makes or sees as structural bump their cohort's page at once; the
# partners' activity (sessions, messages, feedback) waits for COHORT_FIGURES_CACHE_SECONDS.
# Deletes are watched only for enrolments (removed from a cohort); pairings, pauses and health
# go only with their cohort or a leaver, and a receiver would slow those cascades row by row.


def _cohort_of(pairing_id: int | None) -> int | None:
    return Pairing.objects.filter(pk=pairing_id).values_list("cohort_id", flat=True).first()


@receiver(post_save, sender=Cohort, dispatch_uid="oversight_figures_cohort")
def _cohort_written(sender: type, *, instance: Cohort, **kwargs: object) -> None:
    """Its dates decide the charts' weeks; its matching mode and pause limit, the queue's words."""
    cohort_figures_changed(cohort_ids=[instance.pk])


@receiver(post_save, sender=Pairing, dispatch_uid="oversight_figures_pairing")
@receiver([post_save, post_delete], sender=Enrolment, dispatch_uid="oversight_figures_enrolment")
def _cohort_member_written(
    sender: type, *, instance: Pairing | Enrolment, **kwargs: object
) -> None:
    """A pairing created, accepted, declined or ended; someone enrolled or removed."""
    cohort_figures_changed(cohort_ids=[instance.cohort_id])


@receiver(post_save, sender=PairingPause, dispatch_uid="oversight_figures_pause")
@receiver(post_save, sender=PairingHealth, dispatch_uid="oversight_figures_health")
def _pairing_state_written(
    sender: type, *, instance: PairingPause | PairingHealth, **kwargs: object
) -> None:
    """A pause asked for, agreed or ended; a health status or its snooze set or ended."""
    field = sender._meta.get_field("pairing")
    if field.is_cached(instance):
        cohort_id = instance.pairing.cohort_id
    else:
        cohort_id = _cohort_of(instance.pairing_id)
    cohort_figures_changed(cohort_ids=[cohort_id])


@receiver(post_save, sender=MatchRun, dispatch_uid="oversight_figures_match_run")
def _match_run_written(sender: type, *, instance: MatchRun, **kwargs: object) -> None:
    """The page's "Latest matching"; publishing a run creates its proposed pairings in bulk
    (no signal of their own)."""
    cohort_figures_changed(cohort_ids=[instance.cohort_id])


@receiver(post_save, sender=MentorRequest, dispatch_uid="oversight_figures_mentor_request")
def _mentor_request_written(sender: type, *, instance: MentorRequest, **kwargs: object) -> None:
    """A request asked, declined or run out: its mentee joins or leaves the waiting list."""
    cohort_figures_changed(cohort_ids=[instance.cohort_id])
