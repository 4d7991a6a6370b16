"""Staff find messages and materials by who and when, never by what was said."""

import pytest
from django.urls import reverse

from exchange.services.messages import message_send

pytestmark = pytest.mark.django_db

SECRET = "I am thinking of leaving my job"


def test_staff_see_a_messages_metadata_but_never_its_text(admin_client, pairing, mentee):
    message = message_send(pairing=pairing, sender=mentee, body=SECRET)

    listing = admin_client.get(reverse("admin:exchange_message_changelist"))
    page = admin_client.get(reverse("admin:exchange_message_change", args=[message.pk]))

    assert listing.status_code == page.status_code == 200
    assert str(mentee) in listing.content.decode()  # who wrote it, by name
    assert SECRET not in listing.content.decode()
    assert SECRET not in page.content.decode()


def test_staff_cannot_search_message_text(admin_client, pairing, mentee):
    message_send(pairing=pairing, sender=mentee, body=SECRET)

    found = admin_client.get(reverse("admin:exchange_message_changelist"), {"q": "leaving"})
    by_sender = admin_client.get(reverse("admin:exchange_message_changelist"), {"q": mentee.email})

    assert found.context["cl"].result_count == 0
    assert by_sender.context["cl"].result_count == 1


def test_staff_may_view_a_message_but_not_change_it(admin_client, pairing, mentee):
    message = message_send(pairing=pairing, sender=mentee, body=SECRET)
    url = reverse("admin:exchange_message_change", args=[message.pk])

    page = admin_client.get(url)
    refused = admin_client.post(url, {"body": "rewritten"})

    assert "| View message |" in page.content.decode()
    assert refused.status_code == 403
    message.refresh_from_db()
    assert message.body == SECRET
