"""The owner's webhook pages: add an endpoint (secret shown once), refuse internal addresses in
words, rotate, test, switch off and on, the delivery log and "Send again". Owners only."""

import re

import pytest
from django.urls import reverse

from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import UserFactory, second_factor_add
from webhooks.models import EventKind, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_owner(client, owner):
    second_factor_add(owner)
    client.force_login(owner)
    return client


def url(organisation, name: str = "webhooks:list", **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": organisation.slug, **kwargs})


def test_the_organisation_page_links_to_its_webhooks(signed_in_owner, organisation):
    page = signed_in_owner.get(reverse("organisations:detail", args=[organisation.slug]))

    assert url(organisation) in page.content.decode()


def test_an_endpoint_is_added_with_its_secret_shown_once(signed_in_owner, organisation, receiver):
    created = signed_in_owner.post(
        url(organisation, "webhooks:create"),
        {
            "url": receiver.url,
            "description": "HR reports",
            "event_kinds": [EventKind.SESSION_BOOKED, EventKind.PAIRING_CLOSED],
        },
    )

    assert created.status_code == 200
    secret = created.context["new_secret"]
    assert secret.startswith("whsec_")
    assert secret in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_kinds == [EventKind.PAIRING_CLOSED, EventKind.SESSION_BOOKED]
    assert secret not in endpoint.secret_encrypted
    later = signed_in_owner.get(url(organisation)).content.decode()
    assert secret not in later
    assert receiver.url in later
    detail = signed_in_owner.get(url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk))
    assert secret not in detail.content.decode()


@pytest.mark.parametrize(
    "address", ["https://10.0.0.1/hooks", "https://169.254.169.254/", "http://127.0.0.1:9/"]
)
def test_an_internal_address_is_refused_in_words_and_the_form_keeps_what_was_typed(
    signed_in_owner, organisation, settings, address
):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    response = signed_in_owner.post(
        url(organisation, "webhooks:create"),
        {"url": address, "description": "Intranet", "event_kinds": [EventKind.SESSION_HELD]},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "private network, which may not be reached from here" in page
    assert 'value="Intranet"' in page
    assert re.search(rf'value="{EventKind.SESSION_HELD}"[^>]*checked', page)
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_without_events_is_refused_in_words(signed_in_owner, organisation, receiver):
    response = signed_in_owner.post(
        url(organisation, "webhooks:create"), {"url": receiver.url, "description": ""}
    )

    assert response.status_code == 400
    assert "Choose at least one event" in response.content.decode()


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_a_day(
    signed_in_owner, organisation, receiver, subscribe
):
    endpoint = subscribe(receiver)

    response = signed_in_owner.post(url(organisation, "webhooks:rotate", endpoint_id=endpoint.pk))

    secret = response.context["new_secret"]
    assert secret in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.previous_secret_encrypted
    assert "two signatures" in response.content.decode()


def test_a_test_event_is_sent_and_appears_in_the_log(
    signed_in_owner, organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    endpoint = subscribe(receiver)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in_owner.post(url(organisation, "webhooks:test", endpoint_id=endpoint.pk))
    page = signed_in_owner.get(url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk))

    [got] = receiver.accepted()
    assert got.verified["type"] == "webhook.test"
    text = page.content.decode()
    assert "webhook.test" in text
    assert "Delivered" in text
    assert "200" in text


def test_switching_off_and_on(signed_in_owner, organisation, receiver, subscribe):
    endpoint = subscribe(receiver)

    signed_in_owner.post(url(organisation, "webhooks:disable", endpoint_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    page = signed_in_owner.get(url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk))
    assert "Switched off by an owner." in page.content.decode()

    signed_in_owner.post(url(organisation, "webhooks:enable", endpoint_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_the_log_is_paginated_newest_first_and_send_again_replays(
    signed_in_owner, organisation, receiver, subscribe, django_capture_on_commit_callbacks
):
    from webhooks.services.publish import endpoint_test_send

    endpoint = subscribe(receiver)
    for _ in range(23):
        endpoint_test_send(endpoint=endpoint)  # not committed: they wait
    newest = WebhookDelivery.objects.order_by("-pk").first()

    first = signed_in_owner.get(url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk))
    second = signed_in_owner.get(
        url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk) + "?page=2"
    )
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].object_list[0] == newest
    assert len(second.context["page"].object_list) == 3
    with django_capture_on_commit_callbacks(execute=True):
        signed_in_owner.post(
            url(organisation, "webhooks:replay", endpoint_id=endpoint.pk, delivery_id=newest.pk)
        )
    newest.refresh_from_db()
    assert newest.status == WebhookDelivery.Status.SUCCEEDED
    assert newest.attempt_rows.get().by_hand


def test_the_log_makes_the_same_queries_for_2_or_20_deliveries(
    signed_in_owner, organisation, receiver, subscribe, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webhooks.services.publish import endpoint_test_send

    endpoint = subscribe(receiver)
    page = url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk)
    for _ in range(2):
        endpoint_test_send(endpoint=endpoint)
    signed_in_owner.get(page)
    with CaptureQueriesContext(connection) as few:
        signed_in_owner.get(page)
    for _ in range(18):
        endpoint_test_send(endpoint=endpoint)
    with django_assert_num_queries(len(few)):
        signed_in_owner.get(page)


def test_admins_and_other_owners_get_404(
    client, organisation, other_organisation, receiver, subscribe
):
    endpoint = subscribe(receiver)
    admin = UserFactory(email="adele@example.org")
    membership_ensure(organisation=organisation, user=admin, role=Role.ADMIN)
    stranger = UserFactory(email="oscar@riverside.example")
    membership_ensure(organisation=other_organisation, user=stranger, role=Role.OWNER)

    for person in (admin, stranger):
        second_factor_add(person)
        client.force_login(person)
        assert client.get(url(organisation)).status_code == 404
        assert (
            client.get(url(organisation, "webhooks:endpoint", endpoint_id=endpoint.pk)).status_code
            == 404
        )
    # Their own organisation's page does not open someone else's endpoint either.
    assert (
        client.get(
            url(other_organisation, "webhooks:endpoint", endpoint_id=endpoint.pk)
        ).status_code
        == 404
    )
