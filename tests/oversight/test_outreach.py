"""The admins' outreach: nudging a pairing, rematching its mentee, announcing to a cohort."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailLog, User
from accounts.services import user_make_programme_admin
from matching.models import MatchRun, PairConstraint
from matching.selectors.requests import request_pair_fit
from matching.services.match_runs import match_run_create
from organisations.models import Membership, Role
from oversight.models import Announcement, AnnouncementDelivery, Nudge
from oversight.selectors.outreach import pairing_get_for_nudge_page
from oversight.services.announcements import (
    announcement_claim,
    announcement_dispatch,
    announcement_send,
    announcements_resume,
)
from oversight.services.outreach import OutreachRefused, nudge_email_send
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment
from tests.factories import (
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    cohort_admin_add,
    second_factor_add,
)


@pytest.fixture
def olga(other_cohort):
    """The other cohort's admin, a programme admin too: must get 404 for anything of Dana's."""
    user = other_cohort.admins.get()
    user_make_programme_admin(user=user)
    second_factor_add(user)
    return user


def enrol(cohort: Cohort, role: str, count: int) -> list[User]:
    people = [UserFactory() for _ in range(count)]
    for person in people:
        EnrolmentFactory(cohort=cohort, user=person, role=role)
    return people


def addressees() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- nudges -------------------------------------------------------------------------------


def nudge_url(pairing: Pairing) -> str:
    return reverse("oversight:pairing_nudge", args=[pairing.pk])


def nudge_data(**changes: str) -> dict[str, str]:
    return {
        "template": "book_session",
        "text": "Time for your next session, you two.",
        "recipients": "both",
        **changes,
    }


def test_the_nudge_form_starts_from_the_template_with_the_pairings_names(
    client, programme_admin, pairing
):
    client.force_login(programme_admin)

    check_in = client.get(nudge_url(pairing))
    agreement = client.get(nudge_url(pairing), {"template": "agreement"})

    text = check_in.context["form"].initial["text"]
    assert "Bob Mentor" in text
    assert "Alice Mentee" in text
    assert "How is it going?" in text
    assert "contact agreement" in agreement.context["form"].initial["text"]
    assert agreement.context["form"].initial["template"] == "agreement"
    assert "No nudges yet." in check_in.content.decode()
    # Choosing another template fetches its text into the text box (htmx).
    assert 'hx-select="#id_text"' in check_in.content.decode()


def test_a_nudge_to_both_partners_emails_each_once_with_replies_to_the_admin(
    client, programme_admin, pairing, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(pairing), nudge_data())

    assert response.status_code == 302
    nudge = Nudge.objects.get()
    assert (nudge.template, nudge.to_mentor, nudge.to_mentee) == ("book_session", True, True)
    assert addressees() == ["alice@example.org", "bob@example.org"]
    assert all("Time for your next session, you two." in m.body for m in mail.outbox)
    assert all(m.reply_to == ["dana@example.org"] for m in mail.outbox)
    assert "Hello Alice Mentee," in next(
        m.body for m in mail.outbox if m.to == [pairing.mentee.email]
    )
    # Run again (a redelivered task): nothing more goes out.
    assert nudge_email_send(nudge_id=nudge.pk, recipient_id=pairing.mentee_id) is False
    assert len(mail.outbox) == 2
    assert EmailLog.objects.filter(kind="nudge", key=str(nudge.pk)).count() == 2


def test_a_nudge_to_the_mentee_only_reaches_only_her(
    client, programme_admin, pairing, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(nudge_url(pairing), nudge_data(recipients="mentee"))

    assert addressees() == ["alice@example.org"]
    nudge = Nudge.objects.get()
    assert nudge_email_send(nudge_id=nudge.pk, recipient_id=pairing.mentor_id) is False
    assert addressees() == ["alice@example.org"]


def test_a_double_click_on_send_records_one_nudge_and_emails_each_once(
    client, programme_admin, pairing, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(nudge_url(pairing), nudge_data())
        client.post(nudge_url(pairing), nudge_data())

    assert Nudge.objects.count() == 1
    assert addressees() == ["alice@example.org", "bob@example.org"]


def test_the_nudge_history_shows_who_sent_what_to_whom(
    client, programme_admin, pairing, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(nudge_url(pairing), nudge_data(recipients="mentor", template="check_in"))

    page = client.get(nudge_url(pairing)).content.decode()

    assert "Nudges sent" in page
    assert "How is it going?" in page
    assert "Dana Admin" in page
    assert "Time for your next session, you two." in page


def test_a_refused_nudge_keeps_the_text_and_says_what_is_missing(client, programme_admin, pairing):
    client.force_login(programme_admin)

    response = client.post(nudge_url(pairing), {"template": "check_in", "text": "My own words."})

    assert response.status_code == 200
    assert response.context["form"].errors["recipients"]
    assert "My own words." in response.content.decode()
    assert not Nudge.objects.exists()


def test_a_closed_pairing_cannot_be_nudged(client, programme_admin, pairing):
    pairing.status = Pairing.Status.CLOSED
    pairing.save()
    client.force_login(programme_admin)

    response = client.post(nudge_url(pairing), nudge_data())

    assert response.status_code == 200
    assert "nobody to nudge" in response.content.decode()
    assert not Nudge.objects.exists()
    assert not mail.outbox


def test_the_nudge_page_keeps_its_query_count_as_nudges_grow(client, programme_admin, pairing):
    def add(count: int) -> None:
        for _ in range(count):
            Nudge.objects.create(
                pairing=pairing, sent_by=programme_admin, template="check_in", text="Hi."
            )

    add(1)
    client.force_login(programme_admin)
    with CaptureQueriesContext(connection) as one:
        client.get(nudge_url(pairing))
    add(9)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(nudge_url(pairing))

    assert len(response.context["history"].object_list) == 10
    assert len(ten) == len(one)


# --- rematch ------------------------------------------------------------------------------


def rematch_url(pairing: Pairing) -> str:
    return reverse("oversight:pairing_rematch", args=[pairing.pk])


def test_the_rematch_page_asks_first_and_changes_nothing(client, programme_admin, pairing):
    client.force_login(programme_admin)

    response = client.get(rematch_url(pairing))

    assert response.status_code == 200
    assert "will not be matched with Bob Mentor again" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


def test_a_rematch_closes_the_pairing_and_matching_proposes_another_mentor(
    client, programme_admin, pairing, other_pairing, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rematch_url(pairing), {"note": "Their hours never overlap."})

    assert response.url == reverse("matching:match", args=[pairing.cohort_id])
    followed = client.get(response.url).content.decode()
    assert "Next: run matching" in followed
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CLOSED
    assert pairing.close_reason == Pairing.CloseReason.REMATCH
    assert pairing.close_note == "Their hours never overlap."
    assert pairing.closed_by == programme_admin
    assert addressees() == ["alice@example.org", "bob@example.org"]  # both told it closed

    run = match_run_create(cohort=pairing.cohort, by=programme_admin)

    proposed = {pair.mentee_id: pair.mentor_id for pair in run.pairs.all()}
    assert proposed[pairing.mentee_id] == other_pairing.mentor_id
    assert run.status == MatchRun.Status.DRAFT


def test_without_another_mentor_the_mentee_waits_and_is_not_proposed_to_the_same_one(
    client, programme_admin, pairing
):
    client.force_login(programme_admin)
    client.post(rematch_url(pairing), {"note": ""})

    run = match_run_create(cohort=pairing.cohort, by=programme_admin)

    assert not run.pairs.filter(mentee=pairing.mentee).exists()
    assert pairing.mentee_id in {row["person_id"] for row in run.unmatched}
    assert PairConstraint.objects.filter(
        mentee=pairing.mentee, mentor=pairing.mentor, kind=PairConstraint.Kind.FORBID
    ).exists()


def test_in_a_requests_cohort_the_mentee_may_ask_again_but_not_the_same_mentor(
    client, programme_admin, pairing
):
    Cohort.objects.filter(pk=pairing.cohort_id).update(matching_mode=Cohort.MatchingMode.REQUESTS)
    client.force_login(programme_admin)

    response = client.post(rematch_url(pairing), {"note": ""})

    assert response.url == reverse("oversight:cohort_pairings", args=[pairing.cohort_id])
    assert (
        request_pair_fit(
            cohort=pairing.cohort, mentee_id=pairing.mentee_id, mentor_id=pairing.mentor_id
        )
        is None
    )


def test_rematching_a_closed_pairing_is_refused(client, programme_admin, pairing):
    pairing.status = Pairing.Status.CLOSED
    pairing.save()
    client.force_login(programme_admin)

    response = client.post(rematch_url(pairing), {"note": ""})

    assert response.status_code == 200
    assert "already closed" in response.content.decode()


# --- announcements ------------------------------------------------------------------------


def announce_data(key: uuid.UUID, **changes: str) -> dict[str, str]:
    return {
        "audience": "everyone",
        "subject": "Closing event on 3 June",
        "body": "Join us for the closing event.",
        "key": str(key),
        "confirm": "on",
        **changes,
    }


@pytest.fixture
def people(cohort):
    """Three mentors and four mentees; one person is both (enrolled twice)."""
    mentors = enrol(cohort, "mentor", 3)
    mentees = enrol(cohort, "mentee", 4)
    EnrolmentFactory(cohort=cohort, user=mentors[0], role="mentee")
    return {"mentors": mentors, "mentees": mentees, "both": mentors[0]}


def test_the_form_carries_a_fresh_one_time_key_each_time_it_is_shown(
    client, programme_admin, cohort, people
):
    client.force_login(programme_admin)
    url = reverse("oversight:announcement_new", args=[cohort.pk])

    first = client.get(url).context["form"]
    second = client.get(url).context["form"]

    assert first.initial["key"] != second.initial["key"]
    # The audience choices say how many each reaches (the person enrolled twice counts once).
    labels = dict(first.fields["audience"].choices)
    assert labels["everyone"].endswith("(7)")
    assert labels["mentors"].endswith("(3)")
    assert labels["mentees"].endswith("(5)")


def test_posting_the_same_form_twice_sends_one_announcement_once_per_person(
    client, programme_admin, cohort, people, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    url = reverse("oversight:announcement_new", args=[cohort.pk])
    key = uuid.uuid4()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, announce_data(key))
        second = client.post(url, announce_data(key, subject="Edited after sending"))

    announcement = Announcement.objects.get()
    assert (
        first.url == second.url == reverse("oversight:announcement_detail", args=[announcement.pk])
    )
    assert announcement.subject == "Closing event on 3 June"
    assert announcement.recipients_total == 7
    assert announcement.deliveries.count() == 7
    everyone = sorted(u.email for u in people["mentors"] + people["mentees"])
    assert addressees() == everyone  # the mentor who is also a mentee got one, not two
    assert set(announcement.deliveries.values_list("status", flat=True)) == {"sent"}
    message = mail.outbox[0]
    assert message.subject.endswith("Closing event on 3 June")
    assert "Join us for the closing event." in message.body
    assert message.extra_headers["X-Announcement-Id"] == str(announcement.pk)


@pytest.mark.parametrize(("audience", "group"), [("mentors", "mentors"), ("mentees", "mentees")])
def test_an_announcement_to_one_role_reaches_only_that_role(
    programme_admin, cohort, people, audience, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(
            cohort=cohort,
            by=programme_admin,
            audience=audience,
            subject="For you",
            body="Only you.",
            key=uuid.uuid4(),
        )

    expected = {u.email for u in people[group]} | {people["both"].email}
    assert addressees() == sorted(expected)


def test_people_of_other_cohorts_and_inactive_people_get_nothing(
    programme_admin, cohort, other_cohort, people, django_capture_on_commit_callbacks
):
    enrol(other_cohort, "mentee", 2)
    gone = people["mentees"][0]
    gone.is_active = False
    gone.save()

    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_send(
            cohort=cohort,
            by=programme_admin,
            audience="everyone",
            subject="Hi",
            body="Hello.",
            key=uuid.uuid4(),
        )

    assert announcement.recipients_total == 6
    assert gone.email not in addressees()
    assert len(addressees()) == 6


def test_an_announcement_nobody_would_receive_is_refused_keeping_the_text(
    client, programme_admin, cohort
):
    client.force_login(programme_admin)
    url = reverse("oversight:announcement_new", args=[cohort.pk])

    response = client.post(url, announce_data(uuid.uuid4()))

    assert response.status_code == 200
    assert "enrol people first" in response.content.decode()
    assert "Join us for the closing event." in response.content.decode()
    assert not Announcement.objects.exists()


def test_a_refused_form_shows_the_error_beside_the_field_and_keeps_its_key(
    client, programme_admin, cohort, people
):
    client.force_login(programme_admin)
    key = uuid.uuid4()

    response = client.post(
        reverse("oversight:announcement_new", args=[cohort.pk]), announce_data(key, subject="")
    )

    assert response.context["form"].errors["subject"]
    assert str(key) in response.content.decode()
    assert not Announcement.objects.exists()


def test_a_form_with_a_spoilt_key_says_so_and_sends_nothing(
    client, programme_admin, cohort, people
):
    client.force_login(programme_admin)

    response = client.post(
        reverse("oversight:announcement_new", args=[cohort.pk]),
        {**announce_data(uuid.uuid4()), "key": "not-a-key"},
    )

    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    assert not Announcement.objects.exists()


def test_a_key_used_in_another_cohort_is_refused(programme_admin, cohort, other_cohort, people):
    enrol(other_cohort, "mentee", 1)
    cohort_admin_add(other_cohort, programme_admin)
    key = uuid.uuid4()
    announcement_send(
        cohort=other_cohort, by=programme_admin, audience="everyone", subject="A", body="B", key=key
    )

    with pytest.raises(OutreachRefused):
        announcement_send(
            cohort=cohort, by=programme_admin, audience="everyone", subject="A", body="B", key=key
        )
    assert Announcement.objects.filter(cohort=cohort).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_key_at_the_same_moment_make_one_announcement(programme_admin, cohort):
    enrol(cohort, "mentee", 5)
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    made: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            made.append(
                announcement_send(
                    cohort=cohort,
                    by=programme_admin,
                    audience="everyone",
                    subject="Once",
                    body="Only once.",
                    key=key,
                ).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(made) == 2
    assert len(set(made)) == 1
    assert AnnouncementDelivery.objects.count() == 5
    assert sorted(addressees()) == sorted(set(addressees()))  # one email per person
    assert len(addressees()) == 5


def _announcement_waiting(programme_admin: User, cohort: Cohort) -> Announcement:
    """An announcement written with its rows, its dispatch not run (the commit is the test's)."""
    return announcement_send(
        cohort=cohort,
        by=programme_admin,
        audience="everyone",
        subject="Waiting",
        body="Sent later.",
        key=uuid.uuid4(),
    )


def test_a_stale_claim_is_sent_once_and_a_fresh_claim_is_left_to_its_worker(
    programme_admin, cohort, people
):
    announcement = _announcement_waiting(programme_admin, cohort)
    now = timezone.now()
    [busy] = announcement_claim(announcement_id=announcement.pk, now=now, limit=1)
    [dead] = announcement_claim(
        announcement_id=announcement.pk, now=now - timedelta(minutes=10), limit=1
    )

    sent = announcement_dispatch(announcement_id=announcement.pk)

    assert sent == 6
    statuses = dict(announcement.deliveries.values_list("pk", "status"))
    assert statuses[dead] == "sent"
    assert statuses[busy] == "claimed"
    assert announcement_dispatch(announcement_id=announcement.pk) == 0
    assert len(mail.outbox) == 6


def test_the_minute_scan_restarts_an_announcement_whose_worker_died(
    programme_admin, cohort, people, settings
):
    announcement = _announcement_waiting(programme_admin, cohort)
    announcement_claim(
        announcement_id=announcement.pk, now=timezone.now() - timedelta(minutes=10), limit=3
    )

    # Tasks run in-process here: the dispatch the scan queues runs at once.
    assert announcements_resume(now=timezone.now()) == 1

    assert addressees() == sorted(u.email for u in people["mentors"] + people["mentees"])
    assert announcements_resume(now=timezone.now()) == 0


def test_the_progress_reads_the_rows_and_stops_polling_when_done(
    client, programme_admin, cohort, people, django_capture_on_commit_callbacks
):
    announcement = _announcement_waiting(programme_admin, cohort)
    client.force_login(programme_admin)
    detail = reverse("oversight:announcement_detail", args=[announcement.pk])
    progress = reverse("oversight:announcement_progress", args=[announcement.pk])

    waiting = client.get(detail).content.decode()
    assert "Sent 0 of 7" in waiting
    assert 'hx-trigger="every 2s"' in waiting
    assert f'hx-get="{progress}"' in waiting

    announcement_dispatch(announcement_id=announcement.pk)
    done = client.get(progress).content.decode()
    assert "Sent 7 of 7" in done
    assert "hx-trigger" not in done
    assert '<progress value="7" max="7"' in done


def test_the_progress_counts_in_thousands(client, programme_admin, cohort):
    people = User.objects.bulk_create(
        User(email=f"bulk{n}@example.org", display_name=f"Bulk {n}") for n in range(2000)
    )
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, user=person, role="mentee") for person in people
    )
    announcement = _announcement_waiting(programme_admin, cohort)
    sent = list(announcement.deliveries.order_by("pk").values_list("pk", flat=True)[:1234])
    AnnouncementDelivery.objects.filter(pk__in=sent).update(status="sent", sent_at=timezone.now())
    client.force_login(programme_admin)

    page = client.get(reverse("oversight:announcement_detail", args=[announcement.pk]))

    assert "Sent 1,234 of 2,000" in page.content.decode()


def test_the_announcement_list_keeps_its_query_count(client, programme_admin, cohort, people):
    client.force_login(programme_admin)
    url = reverse("oversight:announcement_list", args=[cohort.pk])
    _announcement_waiting(programme_admin, cohort)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        _announcement_waiting(programme_admin, cohort)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)

    assert len(ten) == len(one)
    rows = response.context["page"].object_list
    assert len(rows) == 10
    assert all((a.sent_count, a.total_count) == (0, 7) for a in rows)


def test_the_announcement_list_says_when_there_are_none(client, programme_admin, cohort):
    client.force_login(programme_admin)

    page = client.get(reverse("oversight:announcement_list", args=[cohort.pk]))

    assert "No announcements yet." in page.content.decode()


# --- who may do what ----------------------------------------------------------------------


def test_the_cohort_pages_partials_link_to_the_actions(cohort, pairing):
    actions = render_to_string("oversight/cohorts/_pairing_actions.html", {"pairing": pairing})
    cohort_actions = render_to_string("oversight/cohorts/_cohort_actions.html", {"cohort": cohort})

    assert nudge_url(pairing) in actions
    assert rematch_url(pairing) in actions
    assert reverse("oversight:announcement_new", args=[cohort.pk]) in cohort_actions
    assert reverse("oversight:announcement_list", args=[cohort.pk]) in cohort_actions


def _admin_urls(pairing: Pairing, announcement: Announcement) -> list[str]:
    return [
        nudge_url(pairing),
        rematch_url(pairing),
        reverse("oversight:announcement_new", args=[pairing.cohort_id]),
        reverse("oversight:announcement_list", args=[pairing.cohort_id]),
        reverse("oversight:announcement_detail", args=[announcement.pk]),
        reverse("oversight:announcement_progress", args=[announcement.pk]),
    ]


@pytest.mark.parametrize("who", ["olga", "mentee", "mentor", "other_mentee"])
def test_anyone_but_the_cohorts_admins_gets_404_by_changing_ids(
    client,
    request,
    programme_admin,
    pairing,
    other_pairing,
    who,
    django_capture_on_commit_callbacks,
):
    announcement = _announcement_waiting(programme_admin, pairing.cohort)
    client.force_login(request.getfixturevalue(who))

    for url in _admin_urls(pairing, announcement):
        assert client.get(url).status_code == 404, url
    with django_capture_on_commit_callbacks(execute=True):
        posts = [
            client.post(nudge_url(pairing), nudge_data()),
            client.post(rematch_url(pairing), {"note": ""}),
            client.post(
                reverse("oversight:announcement_new", args=[pairing.cohort_id]),
                announce_data(uuid.uuid4()),
            ),
        ]

    assert [p.status_code for p in posts] == [404, 404, 404]
    assert not Nudge.objects.exists()
    assert Announcement.objects.count() == 1
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
    assert not mail.outbox


def test_the_cohorts_admin_opens_every_page(client, programme_admin, pairing):
    announcement = _announcement_waiting(programme_admin, pairing.cohort)
    client.force_login(programme_admin)

    for url in _admin_urls(pairing, announcement):
        assert client.get(url).status_code == 200, url


def test_a_visitor_is_sent_to_sign_in(client, pairing):
    response = client.get(nudge_url(pairing))

    assert response.status_code == 302
    assert "login" in response.url


def test_only_live_pairings_offer_nudge_and_rematch(cohort):
    closed = PairingFactory(
        cohort=cohort,
        status=Pairing.Status.CLOSED,
        mentor=ProfileFactory(mentor=True).user,
        mentee=ProfileFactory(mentee=True).user,
    )

    html = render_to_string("oversight/cohorts/_pairing_actions.html", {"pairing": closed})

    assert "Nudge" not in html
    assert "Rematch" not in html


def test_an_announcement_is_sent_only_once_the_admin_confirms(
    client, programme_admin, cohort, people, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    url = reverse("oversight:announcement_new", args=[cohort.pk])
    data = announce_data(uuid.uuid4())
    del data["confirm"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick this box to send: nothing has been sent yet." in html
    assert "Closing event on 3 June" in html  # what was typed is kept
    assert not Announcement.objects.exists()


def test_the_nudge_page_reads_its_pairing_in_one_query_and_nothing_after(
    programme_admin, pairing, django_assert_num_queries
):
    with django_assert_num_queries(1):
        shown = pairing_get_for_nudge_page(user=programme_admin, pairing_id=pairing.pk)
        names = (shown.mentor.name, shown.mentee.name, shown.cohort.name, shown.cohort_id)
        assert (shown.pk, shown.is_live) == (pairing.pk, True)
    assert names == (
        pairing.mentor.name,
        pairing.mentee.name,
        pairing.cohort.name,
        pairing.cohort_id,
    )


def test_an_admin_no_longer_running_the_organisation_gets_404_on_the_nudge_page(
    client, programme_admin, pairing
):
    client.force_login(programme_admin)
    assert client.get(nudge_url(pairing)).status_code == 200
    Membership.objects.filter(user=programme_admin).update(role=Role.MEMBER)
    assert client.get(nudge_url(pairing)).status_code == 404
    with pytest.raises(Http404):
        pairing_get_for_nudge_page(user=programme_admin, pairing_id=pairing.pk)
    programme_admin.is_active = False
    with pytest.raises(Http404):
        pairing_get_for_nudge_page(user=programme_admin, pairing_id=pairing.pk)
