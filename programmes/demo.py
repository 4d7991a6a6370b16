"""Demo data for programmes: a cohort with answers, published pairings and agreements."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User

from .models import Cohort, Pairing
from .services.agreements import agreement_acknowledge, agreement_terms_save
from .services.enrolments import enrolment_answer, enrolment_join
from .services.match_runs import match_run_create, match_run_publish
from .services.pairings import pairing_accept

DEMO_COHORT = "Spring leaders 2027"
CHANNELS = (["video", "email"], ["video", "phone", "chat"], ["video", "in_person", "email"])


def demo_cohort_load(*, admin: User, mentors: list[User], mentees: list[User]) -> Cohort:
    """Create the demo cohort once; later calls leave it as it is (safe to repeat)."""
    today = timezone.localdate()
    cohort, created = Cohort.objects.get_or_create(
        name=DEMO_COHORT,
        defaults={
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
