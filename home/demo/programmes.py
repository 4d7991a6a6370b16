"""Demo data for programmes: a cohort with answers, published pairings and agreements, and
a history that shows every pairing health status."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from exchange.models import Message
from feedback.models import Feedback
from goals.models import Goal, GoalUpdate
from goals.services import (
    goal_comment_add,
    goal_create,
    goal_progress_post,
    milestone_add,
    milestone_tick,
)
from matching.models import MatchRun
from matching.services.match_runs import match_run_create, match_run_publish
from organisations.models import Organisation, Role
from organisations.services import membership_ensure
from oversight.models import PairingHealth
from oversight.services.health import pairing_health_refresh, pairing_health_snooze
from pairings.models import ContactTerms, Pairing
from pairings.selectors.agreements import agreement_holds
from pairings.services.agreements import agreement_acknowledge, agreement_terms_save
from pairings.services.pairings import pairing_accept
from programmes.models import Cohort
from programmes.services.enrolments import enrolment_answer, enrolment_join
from sessions_app.models import Appointment

DEMO_COHORT = "Spring leaders 2027"
CHANNELS = (["video", "email"], ["video", "phone", "chat"], ["video", "in_person", "email"])


DEMO_ORGANISATION = {"slug": "northwind", "name": "Northwind Health"}


def demo_organisation_load() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_ORGANISATION["slug"], defaults={"name": DEMO_ORGANISATION["name"]}
    )
    return organisation


def demo_cohort_load(*, admin: User, mentors: list[User], mentees: list[User]) -> Cohort:
    """Create the demo cohort once; later calls leave it as it is (safe to repeat)."""
    today = timezone.localdate()
    organisation = demo_organisation_load()
    membership_ensure(organisation=organisation, user=admin, role=Role.OWNER)
    cohort, created = Cohort.objects.get_or_create(
        name=DEMO_COHORT,
        defaults={
            "organisation": organisation,
            "description": "First-time leads and the people who grew them, across time zones.",
            "starts_on": today - timedelta(days=7),
            "ends_on": today + timedelta(days=180),
            "enrolment_deadline": today - timedelta(days=10),
            "cadence_days": 14,
            "weight_preference": 2,
        },
    )
    if not created:
        return cohort
    cohort.admins.add(admin)
    for index, user in enumerate(mentors):
        enrolment = enrolment_join(cohort=cohort, user=user, role="mentor")
        enrolment_answer(
            enrolment=enrolment,
            channels=CHANNELS[index % 3],
            contact_hours=[[day, 8 * 60, 18 * 60] for day in range(5)],
            capacity=user.profile.capacity,
        )
    for index, user in enumerate(mentees):
        enrolment = enrolment_join(cohort=cohort, user=user, role="mentee")
        enrolment_answer(
            enrolment=enrolment,
            goals=user.profile.goals,
            channels=CHANNELS[(index + 1) % 3],
            contact_hours=[[day, 7 * 60, 20 * 60] for day in range(6)],
            preferred_mentors=[mentors[index % len(mentors)]],
        )
    match_run_publish(run=match_run_create(cohort=cohort, by=admin))
    proposed = cohort.pairings.filter(status=Pairing.Status.PROPOSED).select_related("mentor")
    accepted = list(proposed)[:6]  # the rest stay proposed, for mentors to answer
    for pairing in accepted:
        pairing_accept(pairing=pairing, by=pairing.mentor)
    # Agreements in every state: holding, waiting for the mentee, not started.
    for index, pairing in enumerate(accepted[:4]):
        people = [pairing.mentor] if index == 3 else [pairing.mentor, pairing.mentee]
        for person in people:
            agreement_terms_save(
                pairing=pairing,
                person=person,
                channels=["video", "email", "chat"],
                phone="work" if person.profile.work_phone else "none",
                contact_hours=[[day, 9 * 60, 18 * 60] for day in range(5)],
                timezone=person.timezone,
                urgent_breaks_through=person == pairing.mentee,
                reply_time="day",
            )
        if index < 3:
            pairing.agreement.refresh_from_db()
            for person in (pairing.mentee, pairing.mentor):
                agreement_acknowledge(
                    pairing=pairing, person=person, seen_version=pairing.agreement.version
                )
    return cohort


def demo_health_load(*, cohort: Cohort) -> None:
    """Give the demo cohort a history that shows every health status, then assess it.

    Run last, after the sessions, exchange and feedback demos. The cohort and its matching move
    70 days into the past (it started 70 days ago), then:
    - at risk: the first active pairing with a held session becomes the issue's scenario:
      paired 63 days ago, met in person 49 days ago and by video 35 days ago, silent since (its
      messages move to before that session, the sessions it had booked are cancelled): "No
      contact for 35 days";
    - the other pairings with a held session were paired the day before their first one (over
      a cadence period ago, so they need attention for not having met in person yet);
    - needs attention, snoozed: the first pairing whose agreement waits for the mentee was
      paired 10 days ago; the admin snoozed its flag for a week with a note;
    - on track: the pairings that started today (no agreement yet, messages this week).
    Once per demo cohort; later calls change nothing.
    """
    if PairingHealth.objects.filter(pairing__cohort=cohort).exists():
        return
    now = timezone.now()
    today = timezone.localdate()
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=today - timedelta(days=70), enrolment_deadline=today - timedelta(days=73)
    )
    runs = MatchRun.objects.filter(cohort=cohort)
    runs.update(created_at=now - timedelta(days=70))
    runs.filter(published_at__isnull=False).update(published_at=now - timedelta(days=70))
    cohort.pairings.update(created_at=now - timedelta(days=70))

    active = list(cohort.pairings.filter(status=Pairing.Status.ACTIVE).order_by("pk"))
    first_held = {}
    for appointment in Appointment.objects.filter(
        pairing__in=active, status=Appointment.Status.BOOKED, ends_at__lte=now
    ).order_by("-starts_at"):
        first_held[appointment.pairing_id] = appointment  # the earliest is written last
    with_sessions = [pairing for pairing in active if pairing.pk in first_held]

    if with_sessions:
        silent, *others = with_sessions
        last = first_held[silent.pk]
        _shift_session(last, by=now - timedelta(days=35) - last.ends_at)
        starts = last.starts_at - timedelta(days=14)
        Appointment.objects.create(
            pairing=silent,
            mentor=silent.mentor,
            mentee=silent.mentee,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=60),
            blocked_from=starts,
            blocked_until=starts + timedelta(minutes=70),
            mode=Appointment.Mode.IN_PERSON,
            place="Café near the office",
            booked_by=silent.mentee,
        )
        Pairing.objects.filter(pk=silent.pk).update(accepted_at=now - timedelta(days=63))
        Message.objects.filter(pairing=silent).update(
            created_at=F("created_at") - timedelta(days=38)
        )
        # Their next session was called off, and nothing else is booked.
        Appointment.objects.filter(
            pairing=silent, status=Appointment.Status.BOOKED, ends_at__gt=now
        ).update(
            status=Appointment.Status.CANCELLED,
            cancelled_by=silent.mentee,
            cancelled_at=now - timedelta(days=30),
        )
        for pairing in others:
            Pairing.objects.filter(pk=pairing.pk).update(
                accepted_at=first_held[pairing.pk].starts_at - timedelta(days=1)
            )

    waiting = next(
        (
            pairing
            for pairing in active
            if pairing.pk not in first_held
            and ContactTerms.objects.filter(agreement__pairing=pairing).exists()
            and not agreement_holds(pairing=pairing)
        ),
        None,
    )
    if waiting is not None:
        Pairing.objects.filter(pk=waiting.pk).update(accepted_at=now - timedelta(days=10))

    pairing_health_refresh(pairings=active)

    if waiting is not None:
        pairing_health_snooze(
            pairing=waiting,
            by=cohort.admins.first(),
            until=today + timedelta(days=7),
            note="Travelling this week; will acknowledge the terms when back.",
            today=today,
        )


def _shift_session(appointment: Appointment, *, by: timedelta) -> None:
    """Move a session (and the feedback on it) in time, keeping its length and buffers."""
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=F("starts_at") + by,
        ends_at=F("ends_at") + by,
        blocked_from=F("blocked_from") + by,
        blocked_until=F("blocked_until") + by,
    )
    Feedback.objects.filter(appointment=appointment).update(
        asked_at=F("asked_at") + by, answered_at=F("answered_at") + by
    )
    appointment.refresh_from_db()


GOALS = [
    # (title, why, how they will know, shared with the programme)
    (
        "Lead my team's quarterly planning",
        "I want to move from doing the work to shaping it.",
        "I run the next planning session end to end and the team commits to the plan.",
        True,
    ),
    (
        "Give difficult feedback with confidence",
        "I avoid hard conversations and problems grow.",
        "I have three feedback conversations this quarter and ask each person how it landed.",
        False,
    ),
]
PROGRESS = [(42, 20, "Drafted the agenda and the goals for planning."), (18, 55, "Ran a dry run.")]


def demo_goals_load(*, cohort: Cohort) -> None:
    """Each active demo pairing's mentee sets two goals (one shared with the programme), with
    progress: typed twice over six weeks on the first, set by its milestones on the second, and a
    comment from the mentor on each.
    Once per demo cohort; later calls change nothing."""
    if Goal.objects.filter(pairing__cohort=cohort).exists():
        return
    now = timezone.now()
    for pairing in cohort.pairings.filter(status=Pairing.Status.ACTIVE).select_related(
        "mentor", "mentee"
    ):
        for index, (title, why, measure, shared) in enumerate(GOALS):
            goal = goal_create(
                pairing=pairing,
                by=pairing.mentee,
                title=title,
                why=why,
                measure=measure,
                target_date=cohort.ends_on if cohort.ends_on > now.date() else None,
                shared_with_programme=shared,
            )
            Goal.objects.filter(pk=goal.pk).update(created_at=now - timedelta(days=49))
            if index == 0:
                # Progress typed by the mentee: a goal without milestones.
                for days_ago, progress, text in PROGRESS:
                    update = goal_progress_post(
                        goal=goal, by=pairing.mentee, progress=progress, text=text
                    )
                    GoalUpdate.objects.filter(pk=update.pk).update(
                        created_at=now - timedelta(days=days_ago)
                    )
            else:
                # Progress set by the milestones: one of two done, three weeks ago.
                first = milestone_add(
                    goal=goal, by=pairing.mentee, title="Talk it through with my mentor"
                )
                milestone_add(goal=goal, by=pairing.mentee, title="Try it once and reflect")
                milestone_tick(milestone=first, by=pairing.mentee, done=True)
                goal.updates.filter(kind=GoalUpdate.Kind.PROGRESS).update(
                    created_at=now - timedelta(days=21)
                )
            goal_comment_add(
                goal=goal, by=pairing.mentor, text="Good progress. Let's look at the risks next."
            )
