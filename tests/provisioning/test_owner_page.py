"""The owner's provisioning page: tokens shown once, listed and revoked; groups mapped."""

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import Role
from organisations.services import membership_ensure
from programmes.models import Enrolment
from provisioning.models import ProvisionedUser, ScimGroup, ScimToken
from tests.factories import CohortFactory, OrganisationFactory, UserFactory, second_factor_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(organisation):
    """Olivia owns the organisation, with her second factor."""
    user = UserFactory(email="olivia@example.org", display_name="Olivia Owner")
    membership_ensure(organisation=organisation, user=user, role=Role.OWNER)
    second_factor_add(user)
    return user


def _url(organisation, name: str = "provisioning:settings", **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": organisation.slug, **kwargs})


def test_a_token_is_shown_once_then_listed_by_its_prefix(client, owner, organisation):
    client.force_login(owner)

    created = client.post(_url(organisation, "provisioning:token_create"), {"name": "Entra ID"})
    token = created.context["new_token"]
    later = client.get(_url(organisation)).content.decode()

    assert token in created.content.decode()
    assert token not in later
    row = ScimToken.objects.get()
    assert row.prefix in later
    assert "Entra ID" in later
    assert "Never" in later
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/scim/v2/Users").status_code == 200
    assert "Cache-Control" in created
    assert "no-store" in created["Cache-Control"]


def test_a_token_without_a_name_is_refused_with_the_reason(client, owner, organisation):
    client.force_login(owner)

    response = client.post(_url(organisation, "provisioning:token_create"), {"name": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ScimToken.objects.exists()


def test_a_revoked_token_stops_working(client, owner, organisation):
    client.force_login(owner)
    token = client.post(_url(organisation, "provisioning:token_create"), {"name": "Okta"}).context[
        "new_token"
    ]
    row = ScimToken.objects.get()

    response = client.post(_url(organisation, "provisioning:token_revoke", token_id=row.pk))

    assert response.status_code == 302
    assert "Revoked on" in client.get(_url(organisation)).content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/scim/v2/Users").status_code == 401


def test_mapping_a_group_enrols_its_members(client, owner, organisation):
    cohort = CohortFactory(organisation=organisation, name="Spring 2027")
    member = ProvisionedUser.objects.create(
        organisation=organisation, user=UserFactory(email="nina@example.org"), user_name="nina"
    )
    group = ScimGroup.objects.create(organisation=organisation, display_name="Mentors 2027")
    group.members.add(member)
    client.force_login(owner)
    page = client.get(_url(organisation)).content.decode()
    assert "Mentors 2027" in page
    assert "Spring 2027" in page

    response = client.post(
        _url(organisation, "provisioning:group_map", group_id=group.pk),
        {f"group-{group.pk}-cohort": cohort.pk, f"group-{group.pk}-role": "mentor"},
    )

    assert response.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, user=member.user, role="mentor").exists()


def test_a_mapping_without_a_role_is_refused_and_keeps_the_choice(client, owner, organisation):
    cohort = CohortFactory(organisation=organisation, name="Spring 2027")
    group = ScimGroup.objects.create(organisation=organisation, display_name="Mentors 2027")
    client.force_login(owner)

    response = client.post(
        _url(organisation, "provisioning:group_map", group_id=group.pk),
        {f"group-{group.pk}-cohort": cohort.pk, f"group-{group.pk}-role": ""},
    )

    assert response.status_code == 400
    assert "mentors or mentees" in response.content.decode()
    assert f'value="{cohort.pk}" selected' in response.content.decode()
    assert ScimGroup.objects.get().cohort is None


def test_another_organisations_cohort_cannot_be_chosen(client, owner, organisation):
    foreign = CohortFactory(organisation=OrganisationFactory(slug="globex"), name="Globex cohort")
    group = ScimGroup.objects.create(organisation=organisation, display_name="Mentors 2027")
    client.force_login(owner)

    response = client.post(
        _url(organisation, "provisioning:group_map", group_id=group.pk),
        {f"group-{group.pk}-cohort": foreign.pk, f"group-{group.pk}-role": "mentor"},
    )

    assert response.status_code == 400
    assert "Globex cohort" not in response.content.decode()
    assert ScimGroup.objects.get().cohort is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_admins_and_members_who_do_not_own_it_get_404(client, organisation, role):
    user = UserFactory(email="someone@example.org")
    membership_ensure(organisation=organisation, user=user, role=role)
    second_factor_add(user)
    client.force_login(user)

    assert client.get(_url(organisation)).status_code == 404
    assert (
        client.post(_url(organisation, "provisioning:token_create"), {"name": "x"}).status_code
        == 404
    )
    assert not ScimToken.objects.exists()


def test_the_owner_of_another_organisation_gets_404(client, organisation):
    other = OrganisationFactory(slug="globex", name="Globex")
    user = UserFactory(email="gina@globex.org")
    membership_ensure(organisation=other, user=user, role=Role.OWNER)
    second_factor_add(user)
    client.force_login(user)

    assert client.get(_url(organisation)).status_code == 404
    assert client.get(_url(other)).status_code == 200


def test_an_owner_without_a_second_factor_is_sent_to_set_one_up(client, organisation):
    user = UserFactory(email="olivia@example.org")
    membership_ensure(organisation=organisation, user=user, role=Role.OWNER)
    client.force_login(user)

    response = client.get(_url(organisation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
