"""Invite links and joining: creating and revoking links, and every way into a cohort."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_make_programme_admin
from programmes.models import Enrolment, Invite, PendingJoin
from programmes.services.invites import invite_send
from tests.factories import (
    PASSWORD,
    EnrolmentFactory,
    UserFactory,
    cohort_admin_add,
    second_factor_add,
)

pytestmark = pytest.mark.django_db
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^\s]+/)")


def _link(cohort, *, role="mentee", days=14, **fields) -> Invite:
    return Invite.objects.create(
        cohort=cohort, role=role, expires_at=timezone.now() + timedelta(days=days), **fields
    )


def _join_url(invite: Invite) -> str:
    return reverse("programmes:join", args=[invite.token])


def _enrolment_url(invite: Invite) -> str:
    return reverse("programmes:enrolment", args=[invite.cohort_id, invite.role])


def _sign_up(client, capture, email: str):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def _confirm(client, capture, mailoutbox, email: str):
    """Open the verification link mailed to `email` and confirm it (allauth logs them in)."""
    message = next(m for m in reversed(mailoutbox) if m.to == [email] and "confirm" in m.body)
    url = CONFIRM_LINK.search(message.body).group(1)
    with capture(execute=True):
        return client.post(url)


def _texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def dana(client, programme_admin):
    client.force_login(programme_admin)
    return client


# The admin's page: links with their expiry, revoking them.


def test_an_admin_creates_a_link_that_expires_in_14_days_by_default_and_sees_its_full_url(
    dana, cohort
):
    page = dana.get(reverse("programmes:invites", args=[cohort.pk]))
    assert page.context["link_form"]["valid_days"].value() == 14

    with time_machine.travel("2026-03-02 10:00Z", tick=False):
        response = dana.post(
            reverse("programmes:invites", args=[cohort.pk]), {"role": "mentor", "valid_days": 14}
        )
        html = dana.get(response.url).content.decode()

    invite = Invite.objects.get()
    assert (invite.role, invite.email, invite.cohort) == ("mentor", "", cohort)
    assert invite.expires_at == datetime(2026, 3, 16, 10, tzinfo=UTC)
    assert f'value="http://testserver/programmes/join/{invite.token}/"' in html
    assert "16 Mar 2026, 10:00" in html  # Dana's zone is Europe/London: GMT in March


def test_a_link_form_with_a_bad_length_is_refused_and_keeps_what_was_typed(dana, cohort):
    response = dana.post(
        reverse("programmes:invites", args=[cohort.pk]), {"role": "mentee", "valid_days": 120}
    )

    assert response.status_code == 200
    assert "less than or equal to 90" in str(response.context["link_form"].errors["valid_days"])
    assert 'value="120"' in response.content.decode()
    assert 'value="mentee" required id="id_role_0" checked' in response.content.decode()
    assert not Invite.objects.exists()


def test_the_page_lists_only_open_links_soonest_to_expire_first(dana, cohort, other_cohort):
    later = _link(cohort, days=20)
    sooner = _link(cohort, role="mentor", days=3)
    _link(cohort, days=-1)  # expired
    _link(cohort, email="ada@example.org")  # a personal invite, not a link
    _link(other_cohort)

    response = dana.get(reverse("programmes:invites", args=[cohort.pk]))

    assert list(response.context["links"].object_list) == [sooner, later]


def test_the_page_counts_the_people_who_joined_with_each_link(
    client, cohort, programme_admin, mentee, other_mentee
):
    used = _link(cohort)
    _link(cohort, days=20)
    for person in (mentee, other_mentee):
        client.force_login(person)
        client.post(_join_url(used))
    client.force_login(programme_admin)

    links = client.get(reverse("programmes:invites", args=[cohort.pk])).context["links"]

    assert [link.joined_count for link in links.object_list] == [2, 0]


def test_an_empty_page_says_there_are_no_links_and_no_uploads(dana, cohort):
    html = dana.get(reverse("programmes:invites", args=[cohort.pk])).content.decode()

    assert "No open links. Create one below." in html
    assert "No uploads yet." in html


def test_revoking_a_link_closes_it_at_once_and_those_who_joined_stay(dana, cohort, mentee, client):
    invite = _link(cohort)
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")

    response = dana.post(reverse("programmes:invite_revoke", args=[cohort.pk, invite.pk]))

    assert response.url == reverse("programmes:invites", args=[cohort.pk])
    invite.refresh_from_db()
    assert invite.expires_at <= timezone.now()
    assert not dana.get(response.url).context["links"].object_list
    assert Enrolment.objects.filter(cohort=cohort, user=mentee).exists()
    dana.logout()
    assert client.get(_join_url(invite)).status_code == 410


def test_revoking_needs_a_post(dana, cohort):
    invite = _link(cohort)

    response = dana.get(reverse("programmes:invite_revoke", args=[cohort.pk, invite.pk]))

    assert response.status_code == 405
    invite.refresh_from_db()
    assert invite.expires_at > timezone.now()


def test_the_invites_page_makes_as_many_queries_for_20_links_as_for_2(
    dana, cohort, django_assert_num_queries
):
    url = reverse("programmes:invites", args=[cohort.pk])
    for _ in range(2):
        _link(cohort)
    dana.get(url)  # warm the session

    # session, user, admin right, second factor, cohort, personal invite counts, links count and
    # page, uploads, the menu's unread-message count
    with django_assert_num_queries(10):
        two = dana.get(url)
    for _ in range(18):
        _link(cohort)
    with django_assert_num_queries(10):
        twenty = dana.get(url)

    assert len(two.context["links"].object_list) == 2
    assert len(twenty.context["links"].object_list) == 20


# Who may open the admin's pages.


@pytest.fixture
def olga(other_cohort):
    """The other cohort's admin, a programme admin too: must get 404 for anything of Dana's."""
    user = other_cohort.admins.get()
    user_make_programme_admin(user=user)
    second_factor_add(user)
    return user


def test_another_cohorts_admin_gets_404_for_the_invites_page_and_revoking(
    client, cohort, other_cohort, olga
):
    invite = _link(cohort)
    client.force_login(olga)

    assert client.get(reverse("programmes:invites", args=[cohort.pk])).status_code == 404
    assert (
        client.post(reverse("programmes:invites", args=[cohort.pk]), {"role": "mentee"})
    ).status_code == 404
    for cohort_id in (cohort.pk, other_cohort.pk):
        url = reverse("programmes:invite_revoke", args=[cohort_id, invite.pk])
        assert client.post(url).status_code == 404, url
    invite.refresh_from_db()
    assert invite.expires_at > timezone.now()
    assert Invite.objects.count() == 1


def test_a_non_admin_gets_403_for_the_invites_page_and_revoking(client, cohort, mentee):
    invite = _link(cohort)
    client.force_login(mentee)

    assert client.get(reverse("programmes:invites", args=[cohort.pk])).status_code == 403
    url = reverse("programmes:invite_revoke", args=[cohort.pk, invite.pk])
    assert client.post(url).status_code == 403


def test_a_visitor_is_sent_to_login_from_the_invites_page(client, cohort):
    invite = _link(cohort)

    for url in (
        reverse("programmes:invites", args=[cohort.pk]),
        reverse("programmes:invite_revoke", args=[cohort.pk, invite.pk]),
    ):
        response = client.post(url)
        assert response.url.startswith(reverse("account_login")), url


# Joining with a link.


def test_a_visitor_with_a_link_signs_up_verifies_and_lands_in_the_cohort(
    client, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    invite = _link(cohort, role="mentor")

    opened = client.get(_join_url(invite))
    assert opened.status_code == 200
    assert "You are invited to join as a mentor." in opened.content.decode()
    _sign_up(client, django_capture_on_commit_callbacks, "newcomer@example.org")
    assert not Enrolment.objects.exists()  # not before the address is verified
    response = _confirm(
        client, django_capture_on_commit_callbacks, mailoutbox, "newcomer@example.org"
    )

    enrolment = Enrolment.objects.get()
    assert (enrolment.user.email, enrolment.cohort, enrolment.role) == (
        "newcomer@example.org",
        cohort,
        "mentor",
    )
    assert response.url == _enrolment_url(invite)
    assert "You joined Spring cohort as a mentor." in " ".join(_texts(response))
    assert "programmes_pending_invite" not in client.session


def test_someone_with_an_account_opens_a_link_signs_in_and_lands_in_the_cohort(
    client, cohort, mentee
):
    invite = _link(cohort)

    client.get(_join_url(invite))
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
    )

    assert Enrolment.objects.filter(cohort=cohort, user=mentee, role="mentee").exists()
    assert response.url == _enrolment_url(invite)


def test_a_signed_in_person_sees_the_cohort_then_joins_with_a_post(client, cohort, mentor):
    invite = _link(cohort, role="mentor")
    client.force_login(mentor)

    page = client.get(_join_url(invite))
    assert page.status_code == 200
    assert "Join as a mentor" in page.content.decode()
    assert not Enrolment.objects.exists()
    response = client.post(_join_url(invite))

    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.role, enrolment.capacity) == (mentor, "mentor", 3)
    assert response.url == _enrolment_url(invite)
    assert client.get(_join_url(invite)).url == _enrolment_url(invite)  # joined: straight on


def test_joining_twice_keeps_one_enrolment(client, cohort, mentee):
    invite = _link(cohort)
    client.force_login(mentee)

    client.post(_join_url(invite))
    client.post(_join_url(invite))

    assert Enrolment.objects.filter(cohort=cohort, user=mentee).count() == 1


def test_an_expired_link_gets_a_friendly_410_page_and_joins_nobody(client, cohort, mentee):
    invite = _link(cohort, days=-1)

    anonymous = client.get(_join_url(invite))
    client.force_login(mentee)
    signed_in = client.post(_join_url(invite))

    for response in (anonymous, signed_in):
        assert response.status_code == 410
        assert "This invitation to Spring cohort has expired or was withdrawn." in (
            response.content.decode()
        )
    assert not Enrolment.objects.exists()
    assert "programmes_pending_invite" not in client.session


def test_an_expired_link_still_takes_someone_who_joined_with_it_to_their_enrolment(
    client, cohort, mentee
):
    invite = _link(cohort)
    client.force_login(mentee)
    client.post(_join_url(invite))

    invite.expires_at = timezone.now() - timedelta(days=1)
    invite.save()
    response = client.get(_join_url(invite))

    assert response.url == _enrolment_url(invite)


def test_a_link_that_expires_between_opening_and_signing_up_says_so_after_sign_in(
    client, cohort, mentee
):
    invite = _link(cohort)
    client.get(_join_url(invite))
    invite.expires_at = timezone.now() - timedelta(minutes=1)
    invite.save()

    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
    )

    assert response.url == reverse("home:dashboard")
    assert any("has expired or was withdrawn" in text for text in _texts(response))
    assert not Enrolment.objects.exists()


def test_an_unknown_token_is_a_404_page_that_says_what_to_do(client):
    response = client.get(reverse("programmes:join", args=["no-such-token"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "This invitation link does not work" in html
    assert "ask your programme admin for a new one" in html


# The invitation, for someone not signed in.


def test_a_visitor_sees_the_cohort_its_dates_the_role_and_who_runs_it(client, cohort):
    cohort.description = "Six months of fortnightly sessions for new team leads."
    cohort.save()
    cohort_admin_add(cohort, UserFactory(email="omar@example.org", display_name="Omar Haddad"))
    cohort_admin_add(cohort, UserFactory(email="no-name@example.org", display_name=""))
    invite = _link(cohort, role="mentee")

    response = client.get(_join_url(invite))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Spring cohort" in html
    assert "Six months of fortnightly sessions for new team leads." in html
    assert cohort.starts_on.strftime("%-d %b %Y") in html
    assert "You are invited to join as a mentee." in html
    assert "Run by Dana Admin, Omar Haddad, the programme admins." in html
    assert "no-name" not in html  # an admin without a chosen name is not shown by address
    assert f'href="{reverse("account_signup")}"' in html
    assert "Create your account" in html
    assert f'href="{reverse("account_login")}"' in html
    assert "I already have an account" in html
    assert client.session["programmes_pending_invite"] == invite.token
    assert not Enrolment.objects.exists()


def test_a_personal_invitation_prefills_the_sign_up_form_with_its_address(client, cohort):
    invite = _link(cohort, email="ada@example.org", name="Ada")

    page = client.get(_join_url(invite))
    signup_url = page.context["signup_url"]
    assert signup_url == reverse("account_signup") + "?email=ada%40example.org"
    assert "This invitation was sent to ada@example.org." in page.content.decode()
    form = client.get(signup_url).context["form"]

    assert form["email"].value() == "ada@example.org"


def test_signing_up_with_the_invited_address_needs_no_email_and_lands_on_the_questions(
    client, cohort, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    invite = _link(cohort, email="ada@example.org", role="mentor", department="Sales")
    client.get(_join_url(invite))

    response = _sign_up(client, django_capture_on_commit_callbacks, "ada@example.org")

    ada = django_user_model.objects.get(email="ada@example.org")
    assert ada.emailaddress_set.get().verified  # the invitation reached this address
    assert not [m for m in mailoutbox if "confirm" in m.body]
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.role, enrolment.invite) == (ada, "mentor", invite)
    assert enrolment.department == "Sales"
    assert response.url == _enrolment_url(invite)
    assert client.get(response.url).status_code == 200
    invite.refresh_from_db()
    assert invite.accepted_by == ada
    assert not PendingJoin.objects.exists()


def test_a_visitor_confirming_on_another_device_is_in_the_cohort_and_led_to_its_questions(
    client, cohort, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    invite = _link(cohort, role="mentor")
    client.get(_join_url(invite))
    _sign_up(client, django_capture_on_commit_callbacks, "kim@example.org")
    kim = django_user_model.objects.get(email="kim@example.org")
    assert PendingJoin.objects.filter(user=kim, invite=invite).exists()
    assert not Enrolment.objects.exists()  # not before the address is verified

    phone = Client()  # no session from the sign-up
    confirmed = _confirm(phone, django_capture_on_commit_callbacks, mailoutbox, "kim@example.org")

    enrolment = Enrolment.objects.get()  # the admin counts her now
    assert (enrolment.user, enrolment.role, enrolment.invite) == (kim, "mentor", invite)
    assert confirmed.url.startswith(reverse("account_login"))
    signed_in = phone.post(
        reverse("account_login"), {"login": "kim@example.org", "password": PASSWORD}
    )
    assert signed_in.url == _enrolment_url(invite)
    assert "You joined Spring cohort as a mentor." in " ".join(_texts(signed_in))
    assert not PendingJoin.objects.exists()
    assert Enrolment.objects.count() == 1


def test_a_personal_invitation_never_enrols_an_account_with_another_address(
    client, cohort, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    invite = _link(cohort, email="ada@example.org")
    client.get(_join_url(invite))
    _sign_up(client, django_capture_on_commit_callbacks, "mallory@example.org")

    mallory = django_user_model.objects.get(email="mallory@example.org")
    assert list(mallory.emailaddress_set.values_list("email", "verified")) == [
        ("mallory@example.org", False)  # the invited address is not slipped into her account
    ]
    assert [m.to for m in mailoutbox if "confirm" in m.body] == [["mallory@example.org"]]
    phone = Client()
    _confirm(phone, django_capture_on_commit_callbacks, mailoutbox, "mallory@example.org")
    assert not Enrolment.objects.exists()
    signed_in = phone.post(
        reverse("account_login"), {"login": "mallory@example.org", "password": PASSWORD}
    )

    assert not Enrolment.objects.exists()
    assert signed_in.url == reverse("home:dashboard")
    assert any("sent to another email address" in text for text in _texts(signed_in))
    invite.refresh_from_db()
    assert invite.accepted_by is None


def test_a_link_revoked_before_the_address_is_confirmed_enrols_nobody(
    client, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    invite = _link(cohort)
    client.get(_join_url(invite))
    _sign_up(client, django_capture_on_commit_callbacks, "kim@example.org")
    invite.expires_at = timezone.now() - timedelta(minutes=1)
    invite.save()

    _confirm(Client(), django_capture_on_commit_callbacks, mailoutbox, "kim@example.org")

    assert not Enrolment.objects.exists()


def test_a_used_personal_invitation_asks_the_visitor_to_sign_in(client, cohort, mentee):
    invite = _link(cohort, email="alice@example.org")
    client.force_login(mentee)
    client.post(_join_url(invite))
    client.logout()

    response = Client().get(_join_url(invite))

    html = response.content.decode()
    assert "This invitation has been accepted already. Sign in to reach the cohort." in html
    assert "Create your account" not in html


# Personal invites (from a CSV upload).


def test_a_personal_invite_is_for_its_person_only(client, cohort, mentor):
    invite = _link(cohort, email="ada@example.org", name="Ada")
    client.force_login(mentor)

    response = client.post(_join_url(invite))

    assert response.status_code == 403
    assert "This invitation was sent to another email address than yours (bob@example.org)." in (
        response.content.decode()
    )
    assert not Enrolment.objects.exists()


def test_the_invited_person_signed_in_joins_with_their_department_and_manager(
    client, cohort, mentee
):
    invite = _link(
        cohort,
        email="alice@example.org",
        department="Sales",
        manager_email="boss@example.org",
    )
    client.force_login(mentee)

    client.post(_join_url(invite))

    enrolment = Enrolment.objects.get()
    assert (enrolment.department, enrolment.manager_email) == ("Sales", "boss@example.org")
    invite.refresh_from_db()
    assert invite.accepted_by == mentee


def test_verifying_an_invited_address_joins_its_cohorts_even_in_another_browser(
    client, cohort, other_cohort, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    _link(cohort, email="ada@example.org", role="mentor")
    _link(other_cohort, email="ada@example.org", role="mentee")
    _link(cohort, email="ada@example.org", role="mentee", days=-1)  # expired: not this one
    _sign_up(client, django_capture_on_commit_callbacks, "Ada@Example.org")

    phone = Client()  # no session from the sign-up: no pending link either
    _confirm(phone, django_capture_on_commit_callbacks, mailoutbox, "ada@example.org")

    ada = django_user_model.objects.get(email="ada@example.org")
    assert sorted(Enrolment.objects.filter(user=ada).values_list("cohort__name", "role")) == [
        ("Other cohort", "mentee"),
        ("Spring cohort", "mentor"),
    ]
    assert Invite.objects.filter(accepted_by=ada).count() == 2


def test_a_pending_personal_invite_for_another_address_is_not_accepted_at_sign_in(
    client, cohort, mentee
):
    invite = _link(cohort, email="ada@example.org")
    client.get(_join_url(invite))

    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
    )

    assert any("sent to another email address" in text for text in _texts(response))
    assert not Enrolment.objects.exists()


# The invitation email.


def test_an_invitation_is_emailed_once_however_often_the_task_runs(cohort, mailoutbox):
    invite = _link(cohort, email="ada@example.org", name="Ada")

    assert invite_send(invite_id=invite.pk) is True
    assert invite_send(invite_id=invite.pk) is False

    assert len(mailoutbox) == 1


def test_no_invitation_goes_out_once_the_invite_is_accepted_or_closed(cohort, mailoutbox, mentee):
    accepted = _link(cohort, email="alice@example.org", accepted_by=mentee)
    accepted.accepted_at = timezone.now()
    accepted.save()
    closed = _link(cohort, email="ada@example.org", days=-1)
    link = _link(cohort)

    assert not any(invite_send(invite_id=i.pk) for i in (accepted, closed, link))
    assert mailoutbox == []
