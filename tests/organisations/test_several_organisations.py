"""A person in several organisations: joining a cohort makes them a member of its organisation,
and they see each one's cohorts on their dashboard and, as an admin, in their cohort list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership, Role
from organisations.services import membership_ensure
from programmes.models import Invite
from programmes.services.enrolments import enrolment_join
from tests.factories import (
    PASSWORD,
    CohortFactory,
    OrganisationFactory,
    ProfileFactory,
    cohort_admin_add,
    second_factor_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind(db):
    return OrganisationFactory(slug="northwind", name="Northwind Health")


@pytest.fixture
def riverside(db):
    return OrganisationFactory(slug="riverside", name="Riverside Council")


def _roles(user) -> dict[str, str]:
    return dict(Membership.objects.filter(user=user).values_list("organisation__slug", "role"))


def test_joining_a_cohort_makes_the_person_a_member_of_its_organisation(northwind, riverside):
    mentor = ProfileFactory(mentor=True).user

    enrolment_join(cohort=CohortFactory(organisation=northwind), user=mentor, role="mentor")
    enrolment_join(cohort=CohortFactory(organisation=riverside), user=mentor, role="mentor")

    assert _roles(mentor) == {"northwind": Role.MEMBER, "riverside": Role.MEMBER}
    assert Membership.objects.get(user=mentor, organisation=northwind).source == "added"


def test_joining_again_or_as_an_admin_keeps_one_membership_and_the_higher_role(northwind):
    admin = ProfileFactory().user
    membership_ensure(organisation=northwind, user=admin, role=Role.ADMIN)
    cohort = CohortFactory(organisation=northwind)

    enrolment_join(cohort=cohort, user=admin, role="mentor")
    enrolment_join(cohort=cohort, user=admin, role="mentor")

    assert _roles(admin) == {"northwind": Role.ADMIN}


def test_accepting_an_invitation_makes_the_person_a_member(client, riverside):
    cohort = CohortFactory(organisation=riverside, name="Riverside mentors")
    invite = Invite.objects.create(
        cohort=cohort, role="mentee", expires_at=timezone.now() + timedelta(days=7)
    )
    person = ProfileFactory(mentee=True).user
    client.force_login(person)

    response = client.post(reverse("programmes:join", args=[invite.token]))

    assert response.status_code == 302
    assert _roles(person) == {"riverside": Role.MEMBER}


def test_a_mentor_in_two_organisations_sees_both_cohorts_on_her_dashboard(
    client, northwind, riverside
):
    mentor = ProfileFactory(mentor=True).user
    enrolment_join(
        cohort=CohortFactory(organisation=northwind, name="Spring leaders"),
        user=mentor,
        role="mentor",
    )
    enrolment_join(
        cohort=CohortFactory(organisation=riverside, name="Riverside mentors"),
        user=mentor,
        role="mentor",
    )
    client.force_login(mentor)

    body = client.get(reverse("home:dashboard")).content.decode()

    assert "Spring leaders · Northwind Health" in body
    assert "Riverside mentors · Riverside Council" in body


def test_an_admin_in_two_organisations_lists_each_ones_cohorts_with_its_name(
    client, northwind, riverside
):
    admin = ProfileFactory().user
    second_factor_add(admin)
    cohort_admin_add(CohortFactory(organisation=northwind, name="Spring leaders"), admin)
    cohort_admin_add(CohortFactory(organisation=riverside, name="Riverside mentors"), admin)
    # A cohort of a third organisation, which she does not run, stays out.
    CohortFactory(name="Autumn elsewhere")
    client.force_login(admin)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    body = client.get(reverse("oversight:cohort_list")).content.decode()

    assert "Spring leaders" in body
    assert "Riverside mentors" in body
    assert body.index("Northwind Health") < body.index("Riverside Council")
    assert "Autumn elsewhere" not in body
