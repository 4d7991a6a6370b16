"""Words a newcomer reads: what the dashboard says of an admin, where the password is changed,
and one way of writing dates."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.formats import date_format

from accounts.services import user_make_programme_admin
from tests.factories import ProfileFactory, UserFactory, second_factor_add

pytestmark = pytest.mark.django_db


def test_an_admin_who_is_neither_mentor_nor_mentee_is_not_told_they_are_mentored(client):
    admin = ProfileFactory(user=UserFactory(display_name="Dana Admin")).user  # no role
    user_make_programme_admin(user=admin)
    second_factor_add(admin)
    client.force_login(admin)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert "You run programmes as a programme admin." in html
    assert "You are here to be mentored" not in html


def test_a_mentee_is_told_and_an_admin_who_mentors_is_told_both(client):
    mentee = ProfileFactory(mentee=True).user
    client.force_login(mentee)
    assert "You are here to be mentored." in client.get(reverse("home:dashboard")).content.decode()

    mentor = ProfileFactory(mentor=True).user
    user_make_programme_admin(user=mentor)
    second_factor_add(mentor)
    client.force_login(mentor)
    html = client.get(reverse("home:dashboard")).content.decode()
    assert "You also run programmes as a programme admin." in html
    assert "You are here to be mentored" not in html


def test_the_profile_page_links_to_the_password_email_and_second_factor_pages(client):
    person = ProfileFactory(mentee=True).user
    client.force_login(person)

    html = client.get(reverse("accounts:profile")).content.decode()

    for name in ("account_change_password", "account_email", "mfa_index"):
        assert f'href="{reverse(name)}"' in html


def test_dates_are_written_one_way_in_english():
    day = date(2026, 12, 20)
    rendered = Template('{{ day|date }} · {{ at|date:"DATETIME_FORMAT" }}').render(
        Context({"day": day, "at": datetime(2026, 12, 20, 13, 5, tzinfo=UTC)})
    )

    assert date_format(day) == "20 Dec 2026"
    assert rendered == "20 Dec 2026 · 20 Dec 2026, 13:05"
