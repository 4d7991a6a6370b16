"""The owner's pages: her organisations, their cohorts, people and domains; she manages the
admins (never losing the last owner) and adds domains staff verify. Admins may look; members
get 404; everyone needs a second factor first."""

import threading

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_make_programme_admin
from organisations.models import Membership, OrganisationDomain, Role
from organisations.services import (
    MembershipRefused,
    membership_ensure,
    membership_role_change,
)
from programmes.selectors import cohorts_for_admin
from tests.factories import (
    PASSWORD,
    CohortFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    cohort_admin_add,
    second_factor_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind(db):
    return OrganisationFactory(slug="northwind", name="Northwind Health")


@pytest.fixture
def owner(northwind):
    """Dana: Northwind's owner, with her second factor."""
    dana = ProfileFactory(
        user__email="dana@northwind.example", user__display_name="Dana Owner"
    ).user
    membership_ensure(organisation=northwind, user=dana, role=Role.OWNER)
    second_factor_add(dana)
    return dana


@pytest.fixture
def admin(northwind):
    """Olga: one of Northwind's programme admins, running its Spring cohort."""
    olga = ProfileFactory(
        user__email="olga@northwind.example", user__display_name="Olga Admin"
    ).user
    second_factor_add(olga)
    cohort_admin_add(CohortFactory(organisation=northwind, name="Northwind Spring"), olga)
    return olga


@pytest.fixture
def member(northwind):
    """Max: a mentor in Northwind, no more."""
    max_ = ProfileFactory(user__email="max@northwind.example", user__display_name="Max Mentor").user
    membership_ensure(organisation=northwind, user=max_)
    return max_


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def detail(organisation) -> str:
    return reverse("organisations:detail", args=[organisation.slug])


def role_of(user, organisation) -> str | None:
    found = Membership.objects.filter(user=user, organisation=organisation).first()
    return found.role if found else None


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- what the pages show -------------------------------------------------------------------


def test_the_owner_sees_her_organisations_and_each_ones_cohorts_people_and_domains(
    northwind, owner, admin, member
):
    other = OrganisationFactory(slug="riverside", name="Riverside Council")
    membership_ensure(organisation=other, user=owner, role=Role.ADMIN)
    CohortFactory(organisation=other, name="Riverside mentors")
    northwind.domains.create(domain="northwind.example")
    northwind.domains.create(domain="nw-health.example", verified_at="2026-01-05T10:00Z")
    client = signed_in(owner)

    listing = client.get(reverse("organisations:list")).content.decode()
    page = client.get(detail(northwind)).content.decode()

    assert "Northwind Health" in listing
    assert "Riverside Council" in listing
    assert "Northwind Spring" in page
    assert "Riverside mentors" not in page
    for person in ("Dana Owner", "Olga Admin", "Max Mentor"):
        assert person in page
    assert page.index("Dana Owner") < page.index("Olga Admin") < page.index("Max Mentor")
    assert "northwind.example · <strong>awaiting verification by staff</strong>" in page
    assert "nw-health.example · verified on" in page
    assert 'href="/organisations/"' in client.get(reverse("home:dashboard")).content.decode()


def people_section(response) -> str:
    page = response.content.decode()
    return page[page.index('id="people-title"') : page.index('id="domains-title"')]


def test_people_are_filtered_by_role_and_paginated(northwind, owner):
    for number in range(30):
        membership_ensure(
            organisation=northwind, user=UserFactory(display_name=f"Member {number:02d}")
        )
    client = signed_in(owner)

    first = people_section(client.get(detail(northwind)))
    second = people_section(client.get(detail(northwind), {"page": 2}))
    owners = people_section(client.get(detail(northwind), {"role": "owner"}))

    assert "Page 1 of 2" in first
    assert "Member 23" in first
    assert "Member 24" not in first
    assert "Member 24" in second
    assert "Member 29" in second
    assert "Dana Owner" in owners
    assert "Member 00" not in owners


def test_the_people_table_takes_the_same_queries_for_3_people_or_25(northwind, owner):
    client = signed_in(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail(northwind)).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(24):
        membership_ensure(organisation=northwind, user=UserFactory())

    assert queries() == few


def test_an_admin_may_look_but_not_manage(northwind, owner, admin, member):
    client = signed_in(admin)

    page = client.get(detail(northwind))
    refused = client.post(
        reverse("organisations:admin_add", args=[northwind.slug]),
        {"email": member.email, "role": "admin"},
    )

    assert page.status_code == 200
    assert "Max Mentor" in page.content.decode()
    assert "Add an admin" not in page.content.decode()
    assert "Save role" not in page.content.decode()
    assert refused.status_code == 403
    assert role_of(member, northwind) == Role.MEMBER


def test_a_member_and_an_owner_of_another_organisation_get_404(northwind, owner, member):
    oscar = ProfileFactory().user
    membership_ensure(
        organisation=OrganisationFactory(slug="riverside"), user=oscar, role=Role.OWNER
    )
    second_factor_add(oscar)

    assert signed_in(member).get(detail(northwind)).status_code == 404
    assert signed_in(member).get(reverse("organisations:list")).status_code == 403
    assert signed_in(oscar).get(detail(northwind)).status_code == 404


def test_an_owner_without_a_second_factor_is_sent_to_set_one_up(northwind):
    dana = ProfileFactory().user
    membership_ensure(organisation=northwind, user=dana, role=Role.OWNER)
    client = Client()
    client.force_login(dana)

    response = client.get(detail(northwind))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


# --- managing the admins -------------------------------------------------------------------


def test_the_owner_makes_a_member_an_admin_by_address_and_it_is_in_the_trail(
    northwind, owner, member
):
    client = signed_in(owner)

    response = client.post(
        reverse("organisations:admin_add", args=[northwind.slug]),
        {"email": "MAX@northwind.example", "role": "admin"},
    )

    assert response.status_code == 302
    assert role_of(member, northwind) == Role.ADMIN
    assert texts(response) == ["Max Mentor now has the role “Programme admin” in Northwind Health."]
    entry = LogEntry.objects.filter(additional_data__organisation_id=northwind.pk).latest("pk")
    assert entry.actor == owner
    assert entry.changes_dict["role"] == ["member", "admin"]
    assert "Max Mentor" in client.get(detail(northwind)).content.decode().split("Recent changes")[1]


def test_someone_with_an_account_but_no_membership_becomes_an_admin(northwind, owner):
    newcomer = ProfileFactory(user__email="nina@elsewhere.example").user

    signed_in(owner).post(
        reverse("organisations:admin_add", args=[northwind.slug]),
        {"email": "nina@elsewhere.example", "role": "admin"},
    )

    assert role_of(newcomer, northwind) == Role.ADMIN
    assert newcomer.is_programme_admin


def test_an_address_without_an_account_is_refused_with_a_message_and_kept(northwind, owner):
    response = signed_in(owner).post(
        reverse("organisations:admin_add", args=[northwind.slug]),
        {"email": "nobody@northwind.example", "role": "admin"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nobody has an account with nobody@northwind.example yet" in page
    assert 'value="nobody@northwind.example"' in page
    assert not Membership.objects.filter(user__email="nobody@northwind.example").exists()


def test_an_admin_made_member_again_no_longer_runs_the_organisations_cohorts(
    northwind, owner, admin
):
    other = OrganisationFactory(slug="riverside")
    elsewhere = CohortFactory(organisation=other)
    cohort_admin_add(elsewhere, admin)
    membership = Membership.objects.get(organisation=northwind, user=admin)

    response = signed_in(owner).post(
        reverse("organisations:membership_role", args=[northwind.slug, membership.pk]),
        {"role": "member"},
    )

    assert texts(response) == ["Olga Admin now has the role “Member”."]
    assert role_of(admin, northwind) == Role.MEMBER
    assert list(admin.administered_cohorts.all()) == [elsewhere]
    assert list(cohorts_for_admin(user=admin)) == [elsewhere]


def test_removing_an_admin_takes_them_out_and_off_the_cohorts(northwind, owner, admin):
    membership = Membership.objects.get(organisation=northwind, user=admin)

    response = signed_in(owner).post(
        reverse("organisations:membership_remove", args=[northwind.slug, membership.pk])
    )

    assert texts(response) == [
        "Olga Admin is no longer in Northwind Health. Their enrolments in its cohorts stay."
    ]
    assert role_of(admin, northwind) is None
    assert not admin.administered_cohorts.exists()
    assert LogEntry.objects.filter(
        additional_data__organisation_id=northwind.pk, action=LogEntry.Action.DELETE
    ).exists()


def test_the_last_owner_can_be_neither_demoted_nor_removed(northwind, owner):
    mine = Membership.objects.get(organisation=northwind, user=owner)
    client = signed_in(owner)

    demoted = texts(
        client.post(
            reverse("organisations:membership_role", args=[northwind.slug, mine.pk]),
            {"role": "admin"},
        )
    )
    removed = texts(
        client.post(reverse("organisations:membership_remove", args=[northwind.slug, mine.pk]))
    )

    message = (
        "Dana Owner is the organisation's only owner. Make someone else an owner first: an "
        "organisation always keeps one."
    )
    assert demoted == [message]
    assert set(removed) == {message}  # the first refusal, not yet shown, is still there too
    assert role_of(owner, northwind) == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(northwind, owner, admin):
    client = signed_in(owner)
    olga = Membership.objects.get(organisation=northwind, user=admin)
    mine = Membership.objects.get(organisation=northwind, user=owner)

    client.post(
        reverse("organisations:membership_role", args=[northwind.slug, olga.pk]), {"role": "owner"}
    )
    client.post(
        reverse("organisations:membership_role", args=[northwind.slug, mine.pk]), {"role": "admin"}
    )

    assert role_of(admin, northwind) == Role.OWNER
    assert role_of(owner, northwind) == Role.ADMIN


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    """The organisation's row is locked: the second change waits, then sees one owner left."""
    organisation = OrganisationFactory(slug="race")
    first, second = UserFactory(), UserFactory()
    memberships = [
        membership_ensure(organisation=organisation, user=user, role=Role.OWNER)
        for user in (first, second)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(by, membership) -> None:
        barrier.wait()
        try:
            membership_role_change(
                organisation=organisation, membership=membership, role=Role.MEMBER, by=by
            )
            outcomes.append("done")
        except (MembershipRefused, PermissionDenied):  # the last owner, or no longer one
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, memberships[1])),
        threading.Thread(target=demote, args=(second, memberships[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Membership.objects.filter(organisation=organisation, role=Role.OWNER).count() == 1
    assert sorted(outcomes) == ["done", "refused"]


# --- email domains -------------------------------------------------------------------------


def test_the_owner_adds_a_domain_which_awaits_verification(northwind, owner):
    response = signed_in(owner).post(
        reverse("organisations:domain_add", args=[northwind.slug]),
        {"domain": " @NorthWind.Example "},
    )

    assert texts(response) == [
        "northwind.example added. It awaits verification by the staff of this installation."
    ]
    domain = OrganisationDomain.objects.get(organisation=northwind)
    assert (domain.domain, domain.verified_at) == ("northwind.example", None)


@pytest.mark.parametrize("typed", ["not a domain", "https://northwind.example", "a@b"])
def test_a_malformed_domain_is_refused_and_kept(northwind, owner, typed):
    response = signed_in(owner).post(
        reverse("organisations:domain_add", args=[northwind.slug]), {"domain": typed}
    )

    assert response.status_code == 200
    assert "Give a domain name such as example.org" in response.content.decode()
    assert not OrganisationDomain.objects.exists()


def test_a_domain_of_another_organisation_is_refused_with_a_clear_error(northwind, owner):
    OrganisationFactory(slug="riverside").domains.create(domain="shared.example")

    response = signed_in(owner).post(
        reverse("organisations:domain_add", args=[northwind.slug]), {"domain": "Shared.example"}
    )

    assert "Another organisation has shared.example already" in response.content.decode()
    assert not northwind.domains.exists()


def test_an_admin_of_no_organisation_sees_whom_to_ask_not_an_empty_table(client):
    lone = UserFactory(email="lone@example.org")
    user_make_programme_admin(user=lone)
    second_factor_add(lone)
    client.force_login(lone)

    html = client.get(reverse("organisations:list")).content.decode()

    assert "You run no organisation yet" in html
    assert "<table>" not in html


def test_the_first_page_of_people_compiled_once_is_the_paginators_page(db):
    """organisation_people_page (mentoring.prepared) gives the page Paginator gives, whether
    the first page holds everyone or not, for every role asked, and later pages as before."""
    from django.core.paginator import Paginator

    from organisations.selectors import organisation_people, organisation_people_page

    organisation = OrganisationFactory(name="Paged")
    for n, role in enumerate(["owner", "admin", "member", "member", "member"]):
        Membership.objects.create(
            organisation=organisation, user=UserFactory(display_name=f"P{n}"), role=role
        )
    for role in ("", "owner", "member"):
        rows = list(organisation_people(organisation=organisation, role=role))
        for per_page, number in ((25, None), (2, None), (2, "1"), (2, "2")):
            page = organisation_people_page(
                organisation=organisation, role=role, per_page=per_page, number=number
            )
            expected = Paginator(rows, per_page).get_page(number)
            assert list(page) == list(expected)
            assert (page.number, page.paginator.count) == (expected.number, len(rows))
