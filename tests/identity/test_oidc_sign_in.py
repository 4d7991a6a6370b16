"""Signing in through an organisation's OpenID Connect provider: a real provider (the test
suite's django-oauth-toolkit, tests/oidc_provider) on 127.0.0.1, authorization code with PKCE,
the ID token's signature checked against the provider's published keys."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from accounts.mfa import SSO_SESSION_KEY
from accounts.models import User
from organisations.models import Membership, Role
from programmes.models import Invite
from tests.factories import PASSWORD, CohortFactory, UserFactory, second_factor_add
from tests.identity.conftest import (
    organisation_with_provider,
    path_of,
    provider_url_of,
    sign_in_at_provider,
)

pytestmark = pytest.mark.django_db


def start_at_sign_in_page(client, email: str, **extra: str) -> str:
    """Type the address on the sign-in page; returns where it sends the browser."""
    response = client.post(reverse("account_login"), {"login": email, **extra})
    return provider_url_of(response)


def sso_sign_in(client, email: str, username: str, **extra: str):
    authorize = start_at_sign_in_page(client, email, **extra)
    callback = sign_in_at_provider(authorize, username)
    assert callback.startswith("http://testserver/accounts/oidc/org-acme/login/callback/")
    return client.get(path_of(callback))


def signed_in_as(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def test_an_address_at_the_organisations_domain_is_sent_to_its_provider_with_pkce(
    client, acme, oidc_provider
):
    location = start_at_sign_in_page(client, "Ada@Acme.test")

    assert location.startswith(f"{oidc_provider.issuer}/authorize/")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [oidc_provider.client_id]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/org-acme/login/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}


def test_first_sign_in_creates_the_account_from_the_claims_and_a_member_of_the_organisation(
    client, acme
):
    response = sso_sign_in(client, "ada@acme.test", "ada")

    ada = signed_in_as(client)
    assert ada is not None
    assert ada.email == "ada@acme.test"
    assert ada.display_name == "Ada Lovelace"
    assert EmailAddress.objects.get(user=ada).verified
    assert not ada.has_usable_password()
    membership = Membership.objects.get(user=ada, organisation=acme)
    assert (membership.role, membership.source) == (Role.MEMBER, Membership.Source.SSO)
    assert SocialAccount.objects.get(user=ada).provider == "org-acme"
    assert client.session[SSO_SESSION_KEY] is True
    # No cohort open for enrolment: the dashboard (which starts the newcomer's onboarding).
    assert response.status_code == 302
    assert response["Location"] == reverse("home:dashboard")


def test_with_the_provider_required_she_still_signs_up_through_it(client, db, oidc_provider):
    organisation_with_provider(oidc_provider, require_sso=True)

    sso_sign_in(client, "ada@acme.test", "ada")

    assert signed_in_as(client).email == "ada@acme.test"


def test_she_lands_on_the_join_page_of_her_organisations_one_open_cohort(client, acme):
    cohort = CohortFactory(organisation=acme, name="Acme mentoring 2027")
    CohortFactory(  # closed for enrolment: not a choice
        organisation=acme,
        starts_on=timezone.localdate() - timedelta(days=30),
        enrolment_deadline=timezone.localdate() - timedelta(days=35),
    )
    link = Invite.objects.create(
        cohort=cohort, role="mentee", expires_at=timezone.now() + timedelta(days=14)
    )

    response = sso_sign_in(client, "ada@acme.test", "ada")

    assert response["Location"] == reverse("programmes:join", args=[link.token])
    page = client.get(response["Location"]).content.decode()
    assert "Acme mentoring 2027" in page


def test_with_two_cohorts_open_she_lands_on_the_dashboard(client, acme):
    for name in ("Engineering 2027", "Sales 2027"):
        Invite.objects.create(
            cohort=CohortFactory(organisation=acme, name=name),
            role="mentee",
            expires_at=timezone.now() + timedelta(days=14),
        )

    response = sso_sign_in(client, "ada@acme.test", "ada")

    assert response["Location"] == reverse("home:dashboard")


def test_the_page_she_asked_for_comes_first(client, acme):
    CohortFactory(organisation=acme)

    response = sso_sign_in(client, "ada@acme.test", "ada", next="/profile/")

    assert response["Location"] == "/profile/"


def test_the_second_sign_in_opens_the_same_account(client, acme):
    sso_sign_in(client, "ada@acme.test", "ada")
    first = signed_in_as(client)
    client.post(reverse("account_logout"))

    sso_sign_in(client, "ada@acme.test", "ada")

    assert signed_in_as(client) == first
    assert User.objects.filter(email__iexact="ada@acme.test").count() == 1


def test_an_address_the_provider_does_not_vouch_for_must_be_confirmed(client, acme, mailoutbox):
    response = sso_sign_in(client, "grace@acme.test", "grace")  # email_verified: false

    grace = User.objects.get(email="grace@acme.test")
    assert not EmailAddress.objects.get(user=grace).verified
    assert signed_in_as(client) is None
    assert response["Location"] == reverse("account_email_verification_sent")


def test_an_address_outside_the_organisations_domains_is_not_verified_by_its_provider(client, acme):
    """Acme's provider says kim@elsewhere.test is verified, but Acme does not own that domain."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "org-acme"}), {})
    callback = sign_in_at_provider(response["Location"], "kim")
    client.get(path_of(callback))

    kim = User.objects.get(email="kim@elsewhere.test")
    assert not EmailAddress.objects.get(user=kim).verified
    assert signed_in_as(client) is None


def test_an_id_token_signed_with_another_key_is_refused(client, db, oidc_provider):
    """The issuer's discovery names a key set the token was not signed with: allauth would skip
    the signature of a token fetched from the token endpoint; ours checks it."""
    organisation_with_provider(oidc_provider, issuer=oidc_provider.rogue_issuer)

    response = sso_sign_in(client, "ada@acme.test", "ada")

    assert signed_in_as(client) is None
    assert not User.objects.filter(email="ada@acme.test").exists()
    assert response.status_code == 401
    assert "sign-in could not be checked" in response.content.decode()


def test_signing_out_ends_the_local_session(client, acme):
    sso_sign_in(client, "ada@acme.test", "ada")

    client.post(reverse("account_logout"))

    assert signed_in_as(client) is None
    assert SSO_SESSION_KEY not in client.session
    assert client.get(reverse("home:dashboard"))["Location"].startswith(reverse("account_login"))


# An existing account with the provider's address: linked only once the person proves it.


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@acme.test", display_name="Bob")


def test_an_existing_account_is_not_linked_on_the_address_alone(client, acme, bob):
    response = sso_sign_in(client, "bob@acme.test", "bob")

    assert response["Location"] == reverse("identity:link")
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    page = client.get(reverse("identity:link")).content.decode()
    assert "already exists" in page
    assert "bob@acme.test" in page


def test_the_accounts_password_links_it_and_a_wrong_one_does_not(client, acme, bob):
    sso_sign_in(client, "bob@acme.test", "bob")

    wrong = client.post(reverse("identity:link"), {"action": "password", "password": "nope"})
    assert "not the password of this account" in wrong.content.decode()
    assert not SocialAccount.objects.exists()
    right = client.post(reverse("identity:link"), {"action": "password", "password": PASSWORD})

    assert right.status_code == 302
    assert signed_in_as(client) == bob
    assert SocialAccount.objects.get().user == bob
    assert client.session[SSO_SESSION_KEY] is True
    assert Membership.objects.get(user=bob, organisation=acme).source == Membership.Source.SSO
    # From now on the provider opens it directly.
    client.post(reverse("account_logout"))
    sso_sign_in(client, "bob@acme.test", "bob")
    assert signed_in_as(client) == bob


def test_a_code_emailed_to_the_address_links_it(
    client, acme, bob, mailoutbox, django_capture_on_commit_callbacks
):
    sso_sign_in(client, "bob@acme.test", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("identity:link"), {"action": "send_code"})

    (message,) = mailoutbox
    assert message.to == ["bob@acme.test"]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(reverse("identity:link"), {"action": "code", "code": wrong})
    assert "wrong or has expired" in refused.content.decode()
    client.post(reverse("identity:link"), {"action": "code", "code": code})

    assert signed_in_as(client) == bob
    assert SocialAccount.objects.get().user == bob


def test_five_wrong_proofs_drop_the_waiting_link(client, acme, bob):
    sso_sign_in(client, "bob@acme.test", "bob")
    for _ in range(5):
        response = client.post(
            reverse("identity:link"), {"action": "password", "password": "guess"}
        )

    assert response["Location"] == reverse("account_login")
    late = client.post(reverse("identity:link"), {"action": "password", "password": PASSWORD})
    assert late["Location"] == reverse("account_login")
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


# The second factor: the provider enforces its own.


def test_an_owner_signing_in_through_the_provider_is_not_asked_for_a_second_factor(client, acme):
    olga = UserFactory(email="olga@acme.test")
    Membership.objects.create(organisation=acme, user=olga, role=Role.OWNER)
    second_factor_add(olga)
    sso_sign_in(client, "olga@acme.test", "olga")
    linked = client.post(reverse("identity:link"), {"action": "password", "password": PASSWORD})
    assert linked["Location"] != reverse("mfa_authenticate")
    client.post(reverse("account_logout"))

    response = sso_sign_in(client, "olga@acme.test", "olga")

    assert signed_in_as(client) == olga
    assert response["Location"] != reverse("mfa_authenticate")
    assert Membership.objects.get(user=olga, organisation=acme).role == Role.OWNER
    assert client.get(reverse("identity:settings", args=["acme"])).status_code == 200


def test_an_admin_signed_in_through_the_provider_opens_admin_pages_without_a_second_factor(
    client, acme
):
    sso_sign_in(client, "ada@acme.test", "ada")
    ada = signed_in_as(client)
    Membership.objects.filter(user=ada).update(role=Role.ADMIN)

    response = client.get(reverse("programmes:cohort_create"))

    assert response.status_code == 200


def test_the_same_admin_signing_in_with_a_password_is_sent_to_set_one_up(client, db):
    admin = UserFactory(email="dana@example.org")
    CohortFactory(admins=[admin])
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    response = client.get(reverse("programmes:cohort_create"))

    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.session[SSO_SESSION_KEY] is False


def test_an_admin_with_a_second_factor_signing_in_with_a_password_is_asked_for_it(client, db):
    admin = UserFactory(email="dana@example.org")
    CohortFactory(admins=[admin])
    second_factor_add(admin)

    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
