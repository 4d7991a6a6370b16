"""Staff create organisations in the Django admin, with domains and a first owner, and verify
domains."""

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import Membership, Organisation, OrganisationDomain, Role
from tests.factories import (
    CohortFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db) -> Client:
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    second_factor_add(staff)
    client = Client()
    client.force_login(staff)
    return client


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data |= {f"{prefix}-{number}-{field}": value for field, value in row.items()}
    return data


def test_staff_create_an_organisation_with_a_domain_and_its_first_owner(staff_client):
    dana = ProfileFactory(user__email="dana@riverside.example").user

    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Riverside Council",
            "slug": "riverside",
            **_inline("domains", [{"domain": "Riverside.example"}]),
            **_inline("memberships", [{"user": str(dana.pk), "role": "owner", "source": "added"}]),
        },
    )

    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    organisation = Organisation.objects.get(slug="riverside")
    assert organisation.name == "Riverside Council"
    assert list(organisation.domains.values_list("domain", "verified_at")) == [
        ("riverside.example", None)
    ]
    assert Membership.objects.get(organisation=organisation).role == Role.OWNER
    assert Membership.objects.get(organisation=organisation).user == dana
    assert dana.is_programme_admin


def test_a_domain_another_organisation_has_is_refused_in_the_admin(staff_client):
    OrganisationFactory(slug="northwind", name="Northwind Health").domains.create(
        domain="shared.example"
    )

    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Riverside Council",
            "slug": "riverside",
            **_inline("domains", [{"domain": "SHARED.example"}]),
            **_inline("memberships", []),
        },
    )

    assert response.status_code == 200
    assert "Northwind Health has this domain already." in response.content.decode()
    assert not Organisation.objects.filter(slug="riverside").exists()


def test_the_action_marks_the_chosen_organisations_domains_verified(staff_client):
    riverside = OrganisationFactory(slug="riverside")
    riverside.domains.create(domain="riverside.example")
    northwind = OrganisationFactory(slug="northwind")
    northwind.domains.create(domain="northwind.example")

    response = staff_client.post(
        reverse("admin:organisations_organisation_changelist"),
        {"action": "mark_domains_verified", "_selected_action": [riverside.pk]},
        follow=True,
    )

    assert "1 domain verified." in response.content.decode()
    assert OrganisationDomain.objects.get(domain="riverside.example").verified_at is not None
    assert OrganisationDomain.objects.get(domain="northwind.example").verified_at is None


def test_domains_are_verified_from_their_own_list_too_and_the_list_shows_which_wait(
    staff_client,
):
    riverside = OrganisationFactory(slug="riverside")
    waiting = riverside.domains.create(domain="riverside.example")
    url = reverse("admin:organisations_organisationdomain_changelist")

    listed = staff_client.get(url, {"verified_at__isnull": "True"})
    staff_client.post(url, {"action": "mark_verified", "_selected_action": [waiting.pk]})

    assert listed.context["cl"].result_count == 1
    waiting.refresh_from_db()
    assert waiting.verified_at is not None


def test_staff_cannot_leave_an_organisation_with_people_but_no_owner(staff_client):
    dana = ProfileFactory(user__email="dana@riverside.example").user

    response = staff_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Riverside Council",
            "slug": "riverside",
            **_inline("domains", []),
            **_inline("memberships", [{"user": str(dana.pk), "role": "admin", "source": "added"}]),
        },
    )

    assert response.status_code == 200
    assert "Keep at least one owner" in response.content.decode()
    assert not Organisation.objects.filter(slug="riverside").exists()


def test_an_admin_made_a_member_in_the_django_admin_stops_running_its_cohorts(staff_client):
    riverside = OrganisationFactory(slug="riverside", name="Riverside Council")
    olga = ProfileFactory().user
    owner = Membership.objects.create(organisation=riverside, user=olga, role=Role.OWNER)
    rita = ProfileFactory().user
    second_factor_add(rita)
    cohort = CohortFactory(organisation=riverside, admins=[rita])
    ritas = Membership.objects.get(organisation=riverside, user=rita)
    rows = [(owner, "owner"), (ritas, "member")]
    data = {
        "name": riverside.name,
        "slug": riverside.slug,
        **_inline("domains", []),
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "2",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for number, (membership, role) in enumerate(rows):
        data |= {
            f"memberships-{number}-id": str(membership.pk),
            f"memberships-{number}-organisation": str(riverside.pk),
            f"memberships-{number}-user": str(membership.user_id),
            f"memberships-{number}-role": role,
            f"memberships-{number}-source": "added",
        }

    response = staff_client.post(
        reverse("admin:organisations_organisation_change", args=[riverside.pk]), data
    )

    assert response.status_code == 302
    assert not cohort.admins.filter(pk=rita.pk).exists()
