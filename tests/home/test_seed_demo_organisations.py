"""seed_demo builds two organisations: Northwind Health (the demo cohort, owned by the demo
admin) and Riverside Council (its own admin and a small cohort), with a mentor in both."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from home.demo.organisations import SECOND_COHORT
from home.demo.programmes import DEMO_COHORT
from home.management.commands.seed_demo import DEMO_PASSWORD
from organisations.models import Membership, Organisation, Role
from pairings.models import Pairing
from programmes.models import Cohort
from programmes.selectors import cohorts_for_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> str:
    call_command("seed_demo", force=True, stdout=io.StringIO())  # tests run with DEBUG off
    output = io.StringIO()
    call_command("seed_demo", force=True, stdout=output)  # safe to run twice
    return output.getvalue()


def test_two_organisations_each_with_its_own_owner_and_cohort(seeded):
    northwind = Organisation.objects.get(name="Northwind Health")
    riverside = Organisation.objects.get(name="Riverside Council")
    priya = User.objects.get(email__startswith="admin@")
    tomasz = User.objects.get(email__startswith="riverside-admin@")

    assert Organisation.objects.count() == 2
    assert Cohort.objects.get(name=DEMO_COHORT).organisation == northwind
    assert Cohort.objects.get(name=SECOND_COHORT).organisation == riverside
    assert Membership.objects.get(organisation=northwind, user=priya).role == Role.OWNER
    assert Membership.objects.get(organisation=riverside, user=tomasz).role == Role.OWNER
    assert list(cohorts_for_admin(user=priya)) == [Cohort.objects.get(name=DEMO_COHORT)]
    assert list(cohorts_for_admin(user=tomasz)) == [Cohort.objects.get(name=SECOND_COHORT)]
    assert not tomasz.is_staff
    assert tomasz.email in seeded
    assert "Riverside Council" in seeded


def test_the_second_cohort_is_small_with_every_mentee_paired(seeded):
    cohort = Cohort.objects.get(name=SECOND_COHORT)

    assert cohort.enrolments.filter(role="mentee").count() == 2
    assert cohort.enrolments.filter(role="mentor").count() == 2
    assert sorted(cohort.pairings.values_list("status", flat=True)) == ["active", "active"]


def test_one_mentor_volunteers_in_both_and_sees_both_cohorts(seeded):
    carlos = User.objects.get(email__startswith="carlos@")
    client = Client()
    assert client.login(email=carlos.email, password=DEMO_PASSWORD)

    dashboard = client.get(reverse("home:dashboard")).content.decode()

    assert set(
        Membership.objects.filter(user=carlos).values_list("organisation__name", flat=True)
    ) == {"Northwind Health", "Riverside Council"}
    assert f"{DEMO_COHORT} · Northwind Health" in dashboard
    assert f"{SECOND_COHORT} · Riverside Council" in dashboard
    assert Pairing.objects.filter(mentor=carlos, cohort__name=SECOND_COHORT).exists()
