"""The thread and inbox pages as people use them: with and without htmx, polling, the nav's
unread count, escaping, who gets 404, and query counts that do not grow with the thread."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange.models import MESSAGE_MAX_LENGTH, Message
from exchange.services.messages import message_edit, message_send
from notifications.models import Delivery, NotificationSettings
from pairings.models import Pairing
from tests.agreements import terms_state
from tests.factories import PairingFactory

HX = {"HX-Request": "true"}
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def thread_url(pairing: Pairing) -> str:
    return reverse("exchange:thread", args=[pairing.pk])


def poll_url(pairing: Pairing) -> str:
    return reverse("exchange:thread_poll", args=[pairing.pk])


def cursor_in(html: str) -> str:
    return re.search(r'id="thread-cursor" name="since" value="(\d+)"', html).group(1)


def nav_badge(html: str) -> str | None:
    """The unread count the navigation says to a screen reader, or None without a badge."""
    nav = html.split('class="nav-messages"', 1)[1].split("</a>", 1)[0]
    found = re.search(r'class="visually-hidden">\((\d+) unread\)', nav)
    return found.group(1) if found else None


@pytest.fixture
def alice(client, mentee):
    client.force_login(mentee)
    return client


# --- the page ------------------------------------------------------------------------------


def test_the_thread_shows_messages_oldest_first_with_sender_time_in_my_zone_and_markers(
    client, pairing, mentee, mentor
):
    with time_machine.travel(T0, tick=False) as traveller:
        first = message_send(pairing=pairing, sender=mentor, body="How did it go?")
        traveller.shift(timedelta(minutes=1))
        second = message_send(pairing=pairing, sender=mentee, body="Presenting soon!", urgent=True)
        traveller.shift(timedelta(minutes=1))
        message_edit(message=second, by=mentee, body="Presenting in an hour!")
        client.force_login(mentor)  # Bob reads in New York: 09:01 UTC is 05:01 there
        html = client.get(thread_url(pairing)).content.decode()

    assert html.index(f'id="message-{first.pk}"') < html.index(f'id="message-{second.pk}"')
    second_html = html.split(f'id="message-{second.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Alice Mentee" in second_html
    assert "Mon 2 Jun, 05:01" in second_html
    assert "Urgent" in second_html
    assert "(edited)" in second_html
    assert "Presenting in an hour!" in second_html
    first_html = html.split(f'id="message-{first.pk}"', 1)[1].split("</li>", 1)[0]
    assert "You" in first_html
    assert "Edit" in first_html  # still inside Bob's 5 minutes
    assert "5 minutes after sending" in html


def test_an_empty_thread_says_how_it_starts(alice, pairing):
    html = alice.get(thread_url(pairing)).content.decode()
    assert "No messages yet" in html
    assert 'id="thread-form"' in html
    assert 'hx-trigger="every 3s, thread-visible"' in html  # thread.js skips hidden tabs


def test_text_is_escaped_links_are_safe_and_line_breaks_kept(alice, pairing, mentor):
    message_send(
        pairing=pairing,
        sender=mentor,
        body='<script>alert("x")</script>\nTry javascript:alert(1) or https://example.org/a?b=1&c=2\nBye',
    )
    html = alice.get(thread_url(pairing)).content.decode()
    body = html.split('class="message-body">', 1)[1].split("</p>", 1)[0]

    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "javascript:alert(1)" in body
    assert 'href="javascript' not in body.lower()
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">' in body
    assert body.count("<br>") == 2


def test_the_urgent_help_tells_when_the_partner_is_reached_in_my_zone(alice, pairing, mentor):
    terms_state(pairing, mentor, timezone="America/New_York")  # weekdays 09:00-17:00
    # Monday 19:00 in New York (summer time since the 9th); London is still on GMT.
    with time_machine.travel(datetime(2025, 3, 10, 23, 0, tzinfo=UTC), tick=False):
        html = alice.get(thread_url(pairing)).content.decode()

    help_text = html.split('id="id_urgent_helptext"', 1)[1].split("</small>", 1)[0]
    assert "Bob Mentor is outside their contact hours" in help_text
    assert "Tue 13:00 your time" in help_text  # 09:00 in New York
    assert "does not let them through" in help_text


@pytest.mark.parametrize("with_terms", [True, False])
def test_the_urgent_help_follows_the_partners_email_choice_with_or_without_terms(
    alice, pairing, mentor, with_terms
):
    if with_terms:
        terms_state(pairing, mentor, timezone="America/New_York")

    def help_text() -> str:
        with time_machine.travel(datetime(2025, 3, 10, 23, 0, tzinfo=UTC), tick=False):
            html = alice.get(thread_url(pairing)).content.decode()
        return html.split('id="id_urgent_helptext"', 1)[1].split("</small>", 1)[0]

    assert "digest" not in help_text()  # no choice stated: at once
    settings = NotificationSettings.objects.create(user=mentor, messages=Delivery.DIGEST)
    assert "digest" in help_text()
    settings.messages = Delivery.NEVER
    settings.save(update_fields=["messages"])
    assert "has asked not to be emailed about them" in help_text()


def test_the_partners_name_in_the_help_text_is_escaped(alice, pairing, mentor):
    mentor.display_name = "<i>Bob</i>"
    mentor.save(update_fields=["display_name"])
    html = alice.get(thread_url(pairing)).content.decode()
    help_text = html.split('id="id_urgent_helptext"', 1)[1].split("</small>", 1)[0]
    assert "&lt;i&gt;Bob&lt;/i&gt; has set no contact hours" in help_text


# --- sending -------------------------------------------------------------------------------


def test_sending_without_javascript_redirects_back_to_the_message(alice, pairing, mentee):
    response = alice.post(thread_url(pairing), {"body": "Can we talk?", "urgent": "on"})

    message = Message.objects.get()
    assert message.sender == mentee
    assert message.urgent
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(pairing)}#message-{message.pk}"
    page = alice.get(response["Location"]).content.decode()
    assert "Can we talk?" in page
    assert "in pairing" not in page  # the thread's messages are not the page's flash messages


def test_sending_with_htmx_answers_a_fresh_form_and_the_new_message(alice, pairing):
    response = alice.post(thread_url(pairing), {"body": "Quick one"}, headers=HX)

    html = response.content.decode()
    message = Message.objects.get()
    assert response.status_code == 200
    form = html.split('id="thread-form"', 1)[1].split("</form>", 1)[0]
    assert re.search(r"<textarea[^>]*>\s*</textarea>", form)  # cleared
    incoming = html.split('<div hx-swap-oob="beforeend:#thread-incoming">', 1)[1]
    assert f'id="message-{message.pk}"' in incoming
    assert "Quick one" in incoming


def test_a_refused_send_keeps_the_text_and_shows_the_error_by_the_field(alice, pairing):
    too_long = "é" * (MESSAGE_MAX_LENGTH + 1)
    response = alice.post(thread_url(pairing), {"body": too_long})

    html = response.content.decode()
    assert response.status_code == 200
    assert too_long in html
    field = html.split('id="id_body"', 1)[1]
    assert "errorlist" in field.split("</textarea>", 1)[1][:300]
    assert not Message.objects.exists()


def test_a_refused_htmx_send_replaces_the_form_with_the_text_and_the_error(alice, pairing):
    response = alice.post(thread_url(pairing), {"body": "   ", "urgent": "on"}, headers=HX)

    html = response.content.decode()
    assert response.status_code == 200  # htmx 2 swaps 2xx only
    assert response["HX-Retarget"] == "#thread-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<form id="thread-form"')
    assert "Write a message first." in html
    assert re.search(r'<input type="checkbox" name="urgent"[^>]*checked', html)
    assert not Message.objects.exists()


def test_a_closed_pairings_thread_is_read_only(alice, pairing, mentor):
    message_send(pairing=pairing, sender=mentor, body="Good luck!")
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)

    html = alice.get(thread_url(pairing)).content.decode()
    assert "Good luck!" in html
    assert 'id="thread-form"' not in html
    assert "thread-poll" not in html
    assert "can be read, not answered" in html

    response = alice.post(thread_url(pairing), {"body": "One more thing"})
    assert "can be read, not changed" in response.content.decode()
    assert Message.objects.count() == 1


# --- older pages ---------------------------------------------------------------------------


def _bulk(pairing: Pairing, count: int, *, start: datetime | None = None) -> list[Message]:
    start = start or timezone.now() - timedelta(days=1)
    return Message.objects.bulk_create(
        Message(
            pairing=pairing,
            sender=pairing.mentor if n % 2 else pairing.mentee,
            body=f"Message number {n}.",
            created_at=start + timedelta(seconds=n),
        )
        for n in range(count)
    )


def test_show_older_messages_brings_the_previous_page(alice, pairing):
    rows = _bulk(pairing, 45)
    html = alice.get(thread_url(pairing)).content.decode()
    assert html.count('<li id="message-') == 30
    assert "Message number 14." not in html
    assert "Show older messages" in html
    older_url = f"{reverse('exchange:thread_older', args=[pairing.pk])}?before={rows[15].pk}"
    assert older_url.replace("&", "&amp;") in html

    older = alice.get(older_url, headers=HX).content.decode()
    assert older.count('<li id="message-') == 15
    assert "Message number 0." in older
    assert "Message number 14." in older
    assert "Message number 15." not in older
    control = older.split('id="thread-older"', 1)[1]
    assert 'hx-swap-oob="true"' in control.split(">", 1)[0]
    assert "Show older messages" not in control

    without_js = alice.get(older_url)
    assert without_js["Location"] == f"{thread_url(pairing)}?before={rows[15].pk}"
    assert "Message number 0." in alice.get(without_js["Location"]).content.decode()


# --- polling and reading -------------------------------------------------------------------


def test_a_poll_brings_a_message_sent_after_the_last_poll_and_then_an_edit(
    alice, pairing, mentee, mentor
):
    with time_machine.travel(T0, tick=False) as traveller:
        mine = message_send(pairing=pairing, sender=mentee, body="Is Thursday fine?")
        traveller.shift(timedelta(seconds=30))
        cursor = alice.get(thread_url(pairing)).context["cursor"]
        traveller.shift(timedelta(seconds=30))
        reply = message_send(pairing=pairing, sender=mentor, body="Yes, 10:00?")
        traveller.shift(timedelta(seconds=30))

        first = alice.get(poll_url(pairing), {"since": cursor}, headers=HX).content.decode()
        assert f'id="message-{reply.pk}"' in first
        assert f'id="message-{mine.pk}"' not in first  # unchanged since before the cursor
        reply.refresh_from_db()
        assert reply.read_at == T0 + timedelta(seconds=90)  # delivered to an open page: read

        traveller.shift(timedelta(seconds=30))
        message_edit(message=mine, by=mentee, body="Is Friday fine?")
        traveller.shift(timedelta(seconds=30))
        second = alice.get(poll_url(pairing), {"since": cursor_in(first)}, headers=HX)

    html = second.content.decode()
    assert f'id="message-{mine.pk}"' in html
    assert "Is Friday fine?" in html
    assert "(edited)" in html
    assert f'id="message-{reply.pk}"' not in html
    assert cursor_in(html) != cursor_in(first)


def test_a_poll_without_a_cursor_of_ours_is_a_bad_request(alice, pairing):
    assert alice.get(poll_url(pairing), {"since": "now"}, headers=HX).status_code == 400


def test_polling_a_closed_pairing_tells_htmx_to_stop(alice, pairing):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    since = alice.get(thread_url(pairing)).context["cursor"]
    assert alice.get(poll_url(pairing), {"since": since}, headers=HX).status_code == 286


def test_opening_the_thread_marks_the_partners_messages_read_and_the_nav_count_drops(
    alice, pairing, mentor, other_pairing
):
    message_send(pairing=pairing, sender=mentor, body="One")
    message_send(pairing=pairing, sender=mentor, body="Two")
    inbox = reverse("exchange:inbox")
    assert nav_badge(alice.get(inbox).content.decode()) == "2"

    page = alice.get(thread_url(pairing)).content.decode()

    assert nav_badge(page) is None  # read before the nav counted
    assert not Message.objects.filter(read_at__isnull=True).exists()
    assert nav_badge(alice.get(inbox).content.decode()) is None


# --- editing and deleting ------------------------------------------------------------------


def test_editing_with_htmx_answers_the_message_changed_in_place(alice, pairing, mentee):
    message = message_send(pairing=pairing, sender=mentee, body="Tursday?")
    url = reverse("exchange:message_edit", args=[message.pk])

    html = alice.post(url, {"body": "Thursday?"}, headers=HX).content.decode()

    assert html.lstrip().startswith(f'<li id="message-{message.pk}"')
    assert "Thursday?" in html
    assert "(edited)" in html
    message.refresh_from_db()
    assert message.body == "Thursday?"


def test_an_edit_after_the_window_keeps_the_text_and_says_why(alice, pairing, mentee):
    with time_machine.travel(T0, tick=False) as traveller:
        message = message_send(pairing=pairing, sender=mentee, body="Tursday?")
        traveller.shift(timedelta(minutes=6))
        url = reverse("exchange:message_edit", args=[message.pk])
        htmx = alice.post(url, {"body": "Thursday, sorry"}, headers=HX).content.decode()
        plain = alice.post(url, {"body": "Thursday, sorry"}).content.decode()

    for html in (htmx, plain):
        assert "that time has passed" in html
        assert "Thursday, sorry" in html
        assert "<details open>" in html
    message.refresh_from_db()
    assert message.body == "Tursday?"


def test_deleting_shows_message_deleted_with_and_without_htmx(alice, pairing, mentee):
    one = message_send(pairing=pairing, sender=mentee, body="Oops, wrong thread")
    two = message_send(pairing=pairing, sender=mentee, body="Also wrong")

    html = alice.post(
        reverse("exchange:message_delete", args=[one.pk]), headers=HX
    ).content.decode()
    assert "Message deleted" in html
    assert "wrong thread" not in html

    response = alice.post(reverse("exchange:message_delete", args=[two.pk]))
    assert response.status_code == 302
    page = alice.get(response["Location"]).content.decode()
    assert page.count("Message deleted") >= 2
    assert "Also wrong" not in page


def test_bob_cannot_edit_or_delete_alices_message(client, pairing, mentee, mentor):
    message = message_send(pairing=pairing, sender=mentee, body="Mine")
    client.force_login(mentor)

    edit = client.post(reverse("exchange:message_edit", args=[message.pk]), {"body": "Bob's"})
    delete = client.post(reverse("exchange:message_delete", args=[message.pk]))

    assert edit.status_code == delete.status_code == 403
    message.refresh_from_db()
    assert message.body == "Mine"
    assert message.deleted_at is None


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["other_mentee", "programme_admin"])
def test_people_outside_the_pairing_get_404_on_every_thread_url(
    request, client, pairing, mentee, persona
):
    message = message_send(pairing=pairing, sender=mentee, body="Private")
    client.force_login(request.getfixturevalue(persona))
    since = "0"

    assert client.get(thread_url(pairing)).status_code == 404
    assert client.post(thread_url(pairing), {"body": "Hi"}).status_code == 404
    assert client.get(poll_url(pairing), {"since": since}, headers=HX).status_code == 404
    older = reverse("exchange:thread_older", args=[pairing.pk])
    assert client.get(older, {"before": message.pk}, headers=HX).status_code == 404
    edit = reverse("exchange:message_edit", args=[message.pk])
    assert client.post(edit, {"body": "Changed"}).status_code == 404
    assert client.post(reverse("exchange:message_delete", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.body == "Private"
    assert Message.objects.count() == 1


def test_someone_signed_out_is_sent_to_sign_in(client, pairing):
    response = client.get(thread_url(pairing))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- the inbox -----------------------------------------------------------------------------


@pytest.mark.sqlite_too  # the embedded mode's inbox
def test_the_inbox_lists_my_threads_latest_first_with_unread_counts(
    client, pairing, mentor, mentee, cohort
):
    second_mentee_pairing = PairingFactory(cohort=cohort, mentor=mentor)
    with time_machine.travel(T0, tick=False) as traveller:
        message_send(pairing=second_mentee_pairing, sender=second_mentee_pairing.mentee, body="Hi")
        traveller.shift(timedelta(minutes=1))
        message_send(pairing=pairing, sender=mentee, body="First from Alice")
        message_send(pairing=pairing, sender=mentee, body="Second from Alice")
    quiet = PairingFactory(cohort=cohort, mentor=mentor)
    client.force_login(mentor)

    html = client.get(reverse("exchange:inbox")).content.decode()

    order = [html.index(thread_url(p)) for p in (pairing, second_mentee_pairing, quiet)]
    assert order == sorted(order)
    alice_item = html.split(thread_url(pairing), 1)[1].split("</li>", 1)[0]
    assert "2 unread" in alice_item
    assert "Second from Alice" in alice_item
    assert "No messages yet." in html.split(thread_url(quiet), 1)[1]


@pytest.mark.sqlite_too  # the embedded mode's inbox
def test_the_inbox_pages_twenty_threads_a_page_quiet_ones_last_newest_first(
    client, pairing, mentor, mentee, cohort
):
    with time_machine.travel(T0, tick=False) as traveller:
        quiet = []
        for _ in range(21):
            traveller.shift(timedelta(minutes=1))
            quiet.append(PairingFactory(cohort=cohort, mentor=mentor))
        message_send(pairing=pairing, sender=mentee, body="Only message")
        message_edit(message=Message.objects.get(pairing=pairing), by=mentee, body="Edited")
    ended = PairingFactory(cohort=cohort, mentor=mentor, status=Pairing.Status.CLOSED)
    PairingFactory(cohort=cohort, mentor=mentor, status=Pairing.Status.PROPOSED)
    client.force_login(mentor)

    first = client.get(reverse("exchange:inbox")).content.decode()
    second = client.get(reverse("exchange:inbox") + "?page=2").content.decode()

    shown = [pairing, ended, *reversed(quiet)]  # the thread with a message, then newest first
    assert first.count('class="inbox-item') == 20
    assert second.count('class="inbox-item') == 3
    order = [first.index(thread_url(p)) for p in shown[:20]]
    assert order == sorted(order)
    assert [second.index(thread_url(p)) for p in shown[20:]] == sorted(
        second.index(thread_url(p)) for p in shown[20:]
    )
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert "Edited" in first.split(thread_url(pairing), 1)[1].split("</li>", 1)[0]


@pytest.mark.sqlite_too  # the embedded mode's inbox
def test_a_long_inboxs_last_page_shows_the_quietest_threads_for_the_queries_of_the_first(
    client, pairing, mentor, cohort
):
    pairings = [pairing, *(PairingFactory(cohort=cohort, mentor=mentor) for _ in range(44))]
    start = timezone.now() - timedelta(days=2)
    for n, each in enumerate(pairings):  # the first pairing's thread is the quietest
        _bulk(each, 2, start=start + timedelta(minutes=n))
    client.force_login(mentor)
    url = reverse("exchange:inbox")
    client.get(url)
    with CaptureQueriesContext(connection) as first_page:
        client.get(url)
    with CaptureQueriesContext(connection) as last_page:
        html = client.get(url + "?page=3").content.decode()

    assert "Page 3 of 3" in html
    assert html.count('class="inbox-item') == 5
    order = [html.index(thread_url(each)) for each in reversed(pairings[:5])]
    assert order == sorted(order)  # the latest conversation first
    assert len(last_page) == len(first_page)


def test_the_inbox_without_pairings_says_so(client, programme_admin):
    client.force_login(programme_admin)
    assert "No conversations yet" in client.get(reverse("exchange:inbox")).content.decode()


# --- queries -------------------------------------------------------------------------------


def test_the_thread_page_makes_as_many_queries_for_500_messages_as_for_10(
    alice, pairing, django_assert_num_queries
):
    url = thread_url(pairing)
    _bulk(pairing, 10)
    alice.get(url)  # the session's first load is not the page's
    with CaptureQueriesContext(connection) as ten:
        alice.get(url)
    _bulk(pairing, 490, start=timezone.now() - timedelta(hours=2))

    with django_assert_num_queries(len(ten)):
        html = alice.get(url).content.decode()
    assert html.count('<li id="message-') == 30


def test_the_inbox_makes_as_many_queries_for_5_threads_as_for_1(
    client, pairing, mentor, cohort, django_assert_num_queries
):
    url = reverse("exchange:inbox")
    _bulk(pairing, 3)
    client.force_login(mentor)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        _bulk(PairingFactory(cohort=cohort, mentor=mentor), 3)

    with django_assert_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert html.count('class="inbox-item') == 5
