"""/scim/v2/Groups, and a group mapped to a cohort enrolling its members."""

import pytest

from pairings.models import Pairing
from programmes.models import Enrolment
from provisioning.models import ScimGroup
from provisioning.services.groups import group_map
from tests.factories import CohortFactory, OrganisationFactory, PairingFactory
from tests.provisioning.conftest import GROUP_SCHEMA, PATCH_SCHEMA

pytestmark = pytest.mark.django_db


def _members(scim, group_id: str) -> set[str]:
    return {m["value"] for m in scim.get(f"Groups/{group_id}").json().get("members", [])}


def _patch_members(scim, group_id: str, op: str, user_id: str):
    if op == "remove":
        operation = {"op": "remove", "path": f'members[value eq "{user_id}"]'}
    else:
        operation = {"op": "add", "path": "members", "value": [{"value": user_id}]}
    return scim.patch(f"Groups/{group_id}", {"schemas": [PATCH_SCHEMA], "Operations": [operation]})


@pytest.fixture
def spring(organisation):
    return CohortFactory(organisation=organisation, name="Spring 2027")


def test_groups_are_created_listed_and_filtered(scim):
    nina = scim.create_user("nina@example.org")
    group = scim.create_group("Mentors 2027", [nina["id"]])

    listed = scim.get("Groups", filter='displayName eq "mentors 2027"').json()
    by_member = scim.get("Groups", filter=f'members.value eq "{nina["id"]}"').json()

    assert listed["totalResults"] == 1
    assert by_member["Resources"][0]["id"] == group["id"]
    assert _members(scim, group["id"]) == {nina["id"]}
    assert scim.get(f"Users/{nina['id']}").json()["groups"][0]["value"] == group["id"]


def test_a_mapped_group_enrols_its_members_and_new_ones(scim, spring):
    nina = scim.create_user("nina@example.org")
    omar = scim.create_user("omar@example.org")
    group = scim.create_group("Mentors 2027", [nina["id"]])

    group_map(group=ScimGroup.objects.get(), cohort=spring, role="mentor")
    _patch_members(scim, group["id"], "add", omar["id"])

    enrolled = Enrolment.objects.filter(cohort=spring, role="mentor")
    assert set(enrolled.values_list("user__email", flat=True)) == {
        "nina@example.org",
        "omar@example.org",
    }


def test_leaving_the_group_leaves_the_cohort_unless_paired(scim, spring):
    nina = scim.create_user("nina@example.org")
    omar = scim.create_user("omar@example.org")
    group = scim.create_group("Mentors 2027", [nina["id"], omar["id"]])
    group_map(group=ScimGroup.objects.get(), cohort=spring, role="mentor")
    paired = PairingFactory(cohort=spring, mentor__email="x@example.org")
    paired.mentor = Enrolment.objects.get(user__email="omar@example.org").user
    paired.save()

    _patch_members(scim, group["id"], "remove", nina["id"])
    _patch_members(scim, group["id"], "remove", omar["id"])

    assert _members(scim, group["id"]) == set()
    assert not Enrolment.objects.filter(cohort=spring, user__email="nina@example.org").exists()
    # Omar mentors someone in it: his enrolment and the pairing stay.
    assert Enrolment.objects.filter(cohort=spring, user__email="omar@example.org").exists()
    assert Pairing.objects.get(pk=paired.pk).status == Pairing.Status.ACTIVE


def test_deleting_a_mapped_group_unenrols_its_members(scim, spring):
    nina = scim.create_user("nina@example.org")
    group = scim.create_group("Mentees 2027", [nina["id"]])
    group_map(group=ScimGroup.objects.get(), cohort=spring, role="mentee")
    assert Enrolment.objects.filter(cohort=spring, role="mentee").count() == 1

    assert scim.delete(f"Groups/{group['id']}").status_code == 204

    assert not Enrolment.objects.filter(cohort=spring).exists()
    assert scim.get(f"Groups/{group['id']}").status_code == 404


def test_put_replaces_name_and_members(scim):
    nina = scim.create_user("nina@example.org")
    omar = scim.create_user("omar@example.org")
    group = scim.create_group("Mentors", [nina["id"]])

    response = scim.put(
        f"Groups/{group['id']}",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Mentors 2027",
            "members": [{"value": omar["id"]}],
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Mentors 2027"
    assert _members(scim, group["id"]) == {omar["id"]}


def test_a_member_id_in_capitals_is_the_same_member(scim):
    nina = scim.create_user("nina@example.org")

    group = scim.create_group("Mentors", [nina["id"].upper()])

    assert _members(scim, group["id"]) == {nina["id"]}


def test_a_member_from_another_organisation_is_refused(scim, other_scim):
    stranger = other_scim.create_user("sam@globex.org")

    response = scim.post(
        "Groups",
        {"schemas": [GROUP_SCHEMA], "displayName": "X", "members": [{"value": stranger["id"]}]},
    )

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not ScimGroup.objects.exists()


def test_another_organisations_token_gets_404_for_a_group(scim, other_scim):
    group = scim.create_group("Mentors 2027")
    path = f"Groups/{group['id']}"

    assert other_scim.get(path).status_code == 404
    assert (
        other_scim.put(path, {"schemas": [GROUP_SCHEMA], "displayName": "Mine"}).status_code == 404
    )
    assert (
        other_scim.patch(
            path,
            {
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "replace", "path": "displayName", "value": "Mine"}],
            },
        ).status_code
        == 404
    )
    assert other_scim.delete(path).status_code == 404
    assert other_scim.get("Groups").json()["totalResults"] == 0
    assert scim.get(path).json()["displayName"] == "Mentors 2027"


def test_a_group_cannot_be_mapped_to_another_organisations_cohort(scim):
    scim.create_group("Mentors 2027")
    foreign = CohortFactory(organisation=OrganisationFactory(slug="globex"))

    with pytest.raises(ValueError, match="another organisation"):
        group_map(group=ScimGroup.objects.get(), cohort=foreign, role="mentor")
