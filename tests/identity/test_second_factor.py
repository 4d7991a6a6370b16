"""Staff signed in through their organisation's provider open the Django admin without a second
factor of ours (the provider enforces its own); with a password they still need one."""

import pytest
from django.urls import reverse

from accounts.mfa import SSO_SESSION_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_staff(client, *, through_provider: bool):
    staff = UserFactory(email="staff@acme.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    session = client.session
    session[SSO_SESSION_KEY] = through_provider  # as identity.receivers sets it at sign-in
    session.save()


def test_staff_signed_in_through_the_provider_open_the_admin(client):
    _signed_in_staff(client, through_provider=True)

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_signed_in_with_a_password_are_sent_to_set_up_a_second_factor(client):
    _signed_in_staff(client, through_provider=False)

    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")
