"""Sign-up, email verification, login, logout, password reset and email change (allauth)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://testserver(/accounts/[^\s]+/)")
NEW_PASSWORD = "a-much-better-passphrase-42"


def _link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client, capture, email="newcomer@example.org", password=PASSWORD, again=None):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": password, "password2": again or password},
        )


def test_signup_sends_a_verification_link_and_does_not_log_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="newcomer@example.org").exists()
    assert [m.to for m in mailoutbox] == [["newcomer@example.org"]]
    assert "/accounts/confirm-email/" in _link_in(mailoutbox[0])
    # In our voice: no "user newcomer has given your email address ... on testserver".
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "[Mentoring] Confirm your email address"
    assert body.startswith("Hello,\n\nTo confirm this is your email address, open this link:")
    assert "has given your email address" not in body
    assert "testserver\n" not in body
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_a_taken_email_in_other_case_is_refused_and_the_typed_address_is_kept(
    client, mentee, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks, email="ALICE@example.org")

    assert response.status_code == 200
    assert "already" in response.context["form"].errors["email"][0]
    assert 'value="alice@example.org"' in response.content.decode().lower()
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1


@pytest.mark.parametrize(
    ("password", "again", "expected"),
    [
        ("password123", None, "too common"),
        ("short1", None, "at least 10 characters"),
        ("8675309123456", None, "entirely numeric"),
        (PASSWORD, "something-else-entirely", "same password"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_with_a_reason(
    client, django_capture_on_commit_callbacks, password, again, expected
):
    response = _sign_up(client, django_capture_on_commit_callbacks, password=password, again=again)

    assert response.status_code == 200
    assert expected in str(response.context["form"].errors)
    assert 'value="newcomer@example.org"' in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_an_unverified_person_cannot_log_in_and_is_sent_a_fresh_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="pending@example.org", verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "pending@example.org", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("home:dashboard")).status_code == 302
    assert mailoutbox[-1].to == ["pending@example.org"]


def test_confirming_the_email_logs_in_sends_the_welcome_and_starts_onboarding(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    confirm_url = _link_in(mailoutbox[0])

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(
        email="newcomer@example.org"
    ).verified  # GET confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url, follow=True)

    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    assert response.redirect_chain[-1][0] == reverse("accounts:onboarding")
    welcome = [m for m in mailoutbox if "Welcome" in m.subject]
    assert len(welcome) == 1
    assert welcome[0].to == ["newcomer@example.org"]
    assert "http://testserver/dashboard/" in welcome[0].body
    assert User.objects.get(email="newcomer@example.org").welcome_email_sent_at is not None


def test_login_with_the_right_password_opens_the_dashboard(client, mentee):
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home:dashboard")
    assert "Hello, Alice Mentee" in response.content.decode()


def test_a_wrong_password_is_refused_and_the_email_is_kept(client, mentee):
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": "not-it-at-all"}
    )

    assert response.status_code == 200
    assert "not correct" in str(response.context["form"].errors)
    assert 'value="alice@example.org"' in response.content.decode()


def test_failed_logins_are_rate_limited_even_when_the_right_password_follows(client, mentee):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "alice@example.org", "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client, mentee):
    client.force_login(mentee)

    client.get(reverse("account_logout"))
    assert client.get(reverse("home:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    reset_url = _link_in(mailoutbox[-1])

    form_page = client.get(reset_url, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    client.logout()
    assert not client.login(email="alice@example.org", password=PASSWORD)
    assert client.login(email="alice@example.org", password=NEW_PASSWORD)


def test_changing_the_email_takes_effect_once_the_new_address_is_verified(
    client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "alice.new@example.org", "action_add": ""})
    assert User.objects.get(pk=mentee.pk).email == "alice@example.org"  # not yet
    confirm_url = _link_in(next(m for m in mailoutbox if m.to == ["alice.new@example.org"]))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url)

    assert User.objects.get(pk=mentee.pk).email == "alice.new@example.org"
    assert list(EmailAddress.objects.filter(user=mentee).values_list("email", flat=True)) == [
        "alice.new@example.org"
    ]
    assert not [m for m in mailoutbox if "Welcome" in m.subject]  # welcomed once, long ago


def test_a_session_alone_cannot_change_the_email_or_download_the_data(client, mentee, mailoutbox):
    client.force_login(mentee)  # a stolen cookie: no password typed in this session

    changed = client.post(
        reverse("account_email"), {"email": "thief@example.org", "action_add": ""}
    )
    exported = client.get(reverse("home:export"))

    assert changed.status_code == exported.status_code == 302
    assert changed["Location"].startswith(reverse("account_reauthenticate"))
    assert exported["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
    assert mailoutbox == []

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("home:export")).status_code == 200


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_public_account_pages_use_the_project_layout(client, name):
    html = client.get(reverse(name)).content.decode()

    assert 'class="skip-link"' in html
    assert "pico-2.1.1.min.css" in html


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_account_management_pages_use_the_project_layout(client, mentee, name):
    client.force_login(mentee)
    html = client.get(reverse(name)).content.decode()

    assert 'class="skip-link"' in html
    assert "Sign out" in html


def test_behind_our_proxy_one_clients_wrong_passwords_do_not_lock_out_another(
    settings, mentee, other_mentee
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what BEHIND_TLS_PROXY=1 sets
    attacker, colleague = Client(), Client()  # both arrive through the load balancer

    for n in range(11):  # past the 10 a minute per address
        attacker.post(
            reverse("account_login"),
            {"login": f"guess{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    response = colleague.post(
        reverse("account_login"),
        {"login": other_mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    blocked = attacker.post(
        reverse("account_login"),
        {"login": mentee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert response.status_code == 302  # signed in
    assert "Too many failed login attempts" in blocked.content.decode()
