"""Demo data for a second organisation: Riverside Council, with its own admin and a small
cohort whose pairings have started, and a mentor who also volunteers at Northwind Health."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from matching.services.match_runs import match_run_create, match_run_publish
from organisations.models import Organisation, Role
from organisations.services import membership_ensure
from pairings.models import Pairing
from pairings.services.pairings import pairing_accept
from programmes.models import Cohort
from programmes.services.enrolments import enrolment_answer, enrolment_join

SECOND_ORGANISATION = {"slug": "riverside", "name": "Riverside Council"}
SECOND_COHORT = "Riverside volunteers 2027"


def demo_second_organisation_load(
    *, admin: User, mentors: list[User], mentees: list[User]
) -> Cohort:
    """Create Riverside Council (owned by `admin`) and its cohort once: every mentee gets one of
    `mentors` (the first one volunteers at Northwind too), all accepted. Safe to repeat."""
    organisation, _ = Organisation.objects.get_or_create(
        slug=SECOND_ORGANISATION["slug"], defaults={"name": SECOND_ORGANISATION["name"]}
    )
    membership_ensure(organisation=organisation, user=admin, role=Role.OWNER)
    today = timezone.localdate()
    cohort, created = Cohort.objects.get_or_create(
        name=SECOND_COHORT,
        organisation=organisation,
        defaults={
            "description": "Council staff mentoring new starters across its services.",
            "starts_on": today - timedelta(days=14),
            "ends_on": today + timedelta(days=120),
            "enrolment_deadline": today - timedelta(days=16),
            "cadence_days": 21,
        },
    )
    if not created:
        return cohort
    cohort.admins.add(admin)
    hours = [[day, 9 * 60, 17 * 60] for day in range(5)]
    for user in mentors:
        enrolment_answer(
            enrolment=enrolment_join(cohort=cohort, user=user, role="mentor"),
            channels=["video", "in_person", "email"],
            contact_hours=hours,
            capacity=user.profile.capacity,
        )
    for index, user in enumerate(mentees):
        enrolment_answer(
            enrolment=enrolment_join(cohort=cohort, user=user, role="mentee"),
            goals=user.profile.goals,
            channels=["video", "in_person", "email"],
            contact_hours=hours,
            preferred_mentors=[mentors[index % len(mentors)]],
        )
    match_run_publish(run=match_run_create(cohort=cohort, by=admin))
    for pairing in cohort.pairings.filter(status=Pairing.Status.PROPOSED).select_related("mentor"):
        pairing_accept(pairing=pairing, by=pairing.mentor)
    return cohort
