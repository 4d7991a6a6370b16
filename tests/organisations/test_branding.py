"""An organisation's own branding: its owner sets it on the owner page; the pages of people who
belong to that organisation alone show it; everyone else sees the installation's."""

import re

import pytest
from django.core.cache import cache
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from branding.models import Branding
from branding.selectors import CACHE_KEY, branding_for, branding_forget, branding_get
from organisations.models import Role
from organisations.services import membership_ensure, membership_remove
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    ProfileFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/branding\.css\?[^"]+)">')


@pytest.fixture(autouse=True)
def _read_the_branding_afresh():
    """The suite's conftest caches the default branding; these tests read the real rows."""
    cache.delete(CACHE_KEY)


@pytest.fixture
def riverside(db):
    return OrganisationFactory(slug="riverside", name="Riverside Council")


@pytest.fixture
def owner(riverside):
    tomasz = ProfileFactory(user__display_name="Tomasz Owner").user
    membership_ensure(organisation=riverside, user=tomasz, role=Role.OWNER)
    second_factor_add(tomasz)
    client = Client()
    client.force_login(tomasz)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.user = tomasz
    return client


def page_of(user) -> tuple[str, str]:
    """The person's dashboard: the header's name, and the brand colour its stylesheet gives."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("home:dashboard")).content.decode()
    name = re.search(r'class="brand">.*?<span>([^<]*)</span></a>', page, re.S).group(1)
    stylesheet = client.get(STYLESHEET.search(page).group(1).replace("&amp;", "&"))
    colour = re.search(r"--brand: (#\w+)", stylesheet.content.decode()).group(1)
    return name, colour


def test_the_owner_saves_a_name_colour_and_logo_and_her_people_see_them(
    owner, riverside, monkeypatch
):
    monkeypatch.setattr(Branding._meta.get_field("logo"), "storage", InMemoryStorage())
    Branding(name="Mentoring everywhere", main_colour="#1f6f5c").save()  # the installation's
    member = ProfileFactory(mentee=True).user
    membership_ensure(organisation=riverside, user=member)
    elsewhere = ProfileFactory(mentee=True).user

    response = owner.post(
        reverse("organisations:branding", args=[riverside.slug]),
        {
            "name": "Riverside mentoring",
            "main_colour": "#5b2a86",
            "logo": SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
        },
    )

    assert response.status_code == 302
    assert page_of(member) == ("Riverside mentoring", "#5b2a86")
    assert page_of(elsewhere) == ("Mentoring everywhere", "#1f6f5c")
    client = Client()
    client.force_login(member)
    page = client.get(reverse("home:dashboard")).content.decode()
    logo = re.search(r'<img src="(/branding/logo\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert client.get(logo)["Content-Type"] == "image/png"


def test_someone_in_two_organisations_sees_the_installations_branding(owner, riverside):
    Branding.objects.create(
        organisation=riverside, name="Riverside mentoring", main_colour="#5b2a86"
    )
    carlos = ProfileFactory(mentor=True).user
    membership_ensure(organisation=riverside, user=carlos)
    assert page_of(carlos) == ("Riverside mentoring", "#5b2a86")

    membership_ensure(organisation=OrganisationFactory(slug="northwind"), user=carlos)

    assert page_of(carlos) == ("Mentoring", "#1f6f5c")


def test_leaving_the_organisation_brings_back_the_installations_branding(owner, riverside):
    Branding.objects.create(
        organisation=riverside, name="Riverside mentoring", main_colour="#5b2a86"
    )
    member = ProfileFactory(mentee=True).user
    membership = membership_ensure(organisation=riverside, user=member)
    assert page_of(member)[0] == "Riverside mentoring"

    membership_remove(organisation=riverside, membership=membership, by=owner.user)

    assert page_of(member)[0] == "Mentoring"


def test_a_colour_too_light_is_refused_and_what_was_typed_stays(owner, riverside):
    response = owner.post(
        reverse("organisations:branding", args=[riverside.slug]),
        {"name": "Riverside mentoring", "main_colour": "#f5d76e"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "hard to read" in page
    assert 'value="#f5d76e"' in page
    assert not Branding.objects.filter(organisation=riverside).exists()


def test_an_admin_of_the_organisation_cannot_change_its_branding(owner, riverside):
    olga = ProfileFactory().user
    membership_ensure(organisation=riverside, user=olga, role=Role.ADMIN)
    second_factor_add(olga)
    client = Client()
    client.force_login(olga)

    response = client.post(
        reverse("organisations:branding", args=[riverside.slug]),
        {"name": "Mine now", "main_colour": "#5b2a86"},
    )

    assert response.status_code == 403
    assert not Branding.objects.filter(organisation=riverside).exists()


def test_memberships_are_read_only_once_some_organisation_has_branding_and_then_cached(
    riverside, django_assert_num_queries
):
    member = ProfileFactory(mentee=True).user
    membership_ensure(organisation=riverside, user=member)
    branding_get()  # cached, as after any page

    with django_assert_num_queries(0):
        assert branding_for(user=member)["name"] == "Mentoring"

    Branding.objects.create(organisation=riverside, name="Riverside mentoring")
    branding_forget()
    branding_get()
    with django_assert_num_queries(1):
        assert branding_for(user=member)["name"] == "Riverside mentoring"
    with django_assert_num_queries(0):
        assert branding_for(user=member)["name"] == "Riverside mentoring"
