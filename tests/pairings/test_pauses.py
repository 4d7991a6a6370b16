"""Planned pauses: either partner plans one; a long one waits for the cohort's admins; the
partner and the admins hear of it once; nobody outside the pairing or the cohort touches it."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from accounts.services import user_make_programme_admin
from home.export import export_data
from pairings.models import Pairing, PairingPause
from pairings.selectors.pauses import (
    agreed_pauses_by_pairing,
    pause_running,
    pauses_awaiting_for_admin,
    pauses_current_and_coming,
)
from pairings.services.pause_emails import pause_notify
from pairings.services.pauses import PauseRefused, pause_decide, pause_declare, pause_end
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    cohort_admin_add,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, noon in London (Alice), 07:00 in New York (Bob).
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def declare(pairing: Pairing, by, start: date, days: int, note: str = "", **kwargs):
    """A pause of `days` days from `start` (its last day is start + days - 1)."""
    return pause_declare(
        pairing=pairing,
        by=by,
        starts_on=start,
        ends_on=start + timedelta(days=days - 1),
        note=note,
        **kwargs,
    )


@pytest.fixture
def olga(db):
    """Olga: a programme admin (with her second factor) of another cohort only."""
    person = ProfileFactory(user__email="olga@example.org", user__display_name="Olga Else").user
    user_make_programme_admin(user=person)
    second_factor_add(person)
    CohortFactory(name="Autumn", admins=[person])
    return person


@pytest.fixture
def elsewhere(db):
    """A pairing of another cohort: Zoe mentors Yann."""
    cohort = CohortFactory(name="Elsewhere")
    zoe = ProfileFactory(mentor=True, user__email="zoe@example.org").user
    yann = ProfileFactory(mentee=True, user__email="yann@example.org").user
    EnrolmentFactory(cohort=cohort, user=zoe, role="mentor")
    EnrolmentFactory(cohort=cohort, user=yann, role="mentee")
    return PairingFactory(cohort=cohort, mentor=zoe, mentee=yann)


# --- declaring ------------------------------------------------------------------------------


def test_a_mentee_plans_two_weeks_off_which_count_as_agreed_at_once(pairing, mentee):
    pause = declare(pairing, mentee, TODAY + timedelta(days=7), 14, note="  Exams  ")

    pause.refresh_from_db()
    assert pause.status == PairingPause.Status.AGREED
    assert (pause.starts_on, pause.ends_on, pause.days) == (date(2026, 3, 9), date(2026, 3, 22), 14)
    assert (pause.note, pause.requested_by) == ("Exams", mentee)
    assert pause.decided_by is None


def test_the_mentor_may_plan_one_too(pairing, mentor):
    assert declare(pairing, mentor, TODAY, 3).status == PairingPause.Status.AGREED


@pytest.mark.parametrize(
    ("limit", "days", "status"),
    [
        (42, 42, PairingPause.Status.AGREED),
        (42, 43, PairingPause.Status.AWAITING),
        (10, 10, PairingPause.Status.AGREED),
        (10, 11, PairingPause.Status.AWAITING),
    ],
)
def test_up_to_the_cohorts_limit_a_pause_is_agreed_and_one_day_more_waits(
    pairing, mentee, limit, days, status
):
    pairing.cohort.pause_max_days = limit
    pairing.cohort.save(update_fields=["pause_max_days"])

    assert declare(pairing, mentee, TODAY, days).status == status


def test_a_pause_may_start_today_but_not_yesterday(pairing, mentee):
    with pytest.raises(PauseRefused) as refused:
        declare(pairing, mentee, TODAY - timedelta(days=1), 5)

    assert refused.value.field == "starts_on"
    assert "cannot start in the past" in str(refused.value.message)
    assert declare(pairing, mentee, TODAY, 5).starts_on == TODAY


def test_a_pause_of_one_day_is_fine_but_one_that_ends_before_it_starts_is_refused(pairing, mentee):
    with pytest.raises(PauseRefused) as refused:
        pause_declare(
            pairing=pairing,
            by=mentee,
            starts_on=TODAY + timedelta(days=3),
            ends_on=TODAY + timedelta(days=2),
            note="",
        )

    assert refused.value.field == "ends_on"
    assert declare(pairing, mentee, TODAY + timedelta(days=3), 1).days == 1


def test_a_pause_lasts_at_most_a_year(pairing, mentee):
    with pytest.raises(PauseRefused) as refused:
        declare(pairing, mentee, TODAY, 366)

    assert refused.value.field == "ends_on"
    assert "at most 365 days" in str(refused.value.message)
    assert declare(pairing, mentee, TODAY, 365).status == PairingPause.Status.AWAITING


def test_a_note_longer_than_500_characters_is_refused_beside_the_note(pairing, mentee):
    with pytest.raises(PauseRefused) as refused:
        declare(pairing, mentee, TODAY, 5, note="x" * 501)

    assert refused.value.field == "note"


@pytest.mark.parametrize("status", [PairingPause.Status.AGREED, PairingPause.Status.AWAITING])
def test_a_pause_that_overlaps_a_planned_one_by_a_single_day_is_refused(
    pairing, mentee, mentor, status
):
    PairingPause.objects.create(
        pairing=pairing,
        starts_on=date(2026, 3, 10),
        ends_on=date(2026, 3, 20),
        status=status,
        requested_by=mentee,
    )

    for start, end in [
        (date(2026, 3, 5), date(2026, 3, 10)),  # ends on its first day
        (date(2026, 3, 20), date(2026, 3, 25)),  # starts on its last day
        (date(2026, 3, 12), date(2026, 3, 14)),  # inside it
        (date(2026, 3, 3), date(2026, 3, 30)),  # around it
    ]:
        with pytest.raises(PauseRefused) as refused:
            pause_declare(pairing=pairing, by=mentor, starts_on=start, ends_on=end, note="")
        assert "overlaps the pause already planned from 10 March 2026 until 20 March 2026" in (
            str(refused.value.message)
        )

    # The days either side are free.
    assert declare(pairing, mentor, date(2026, 3, 3), 7).ends_on == date(2026, 3, 9)
    assert declare(pairing, mentor, date(2026, 3, 21), 7).starts_on == date(2026, 3, 21)


@pytest.mark.parametrize("status", [PairingPause.Status.WITHDRAWN, PairingPause.Status.DECLINED])
def test_a_withdrawn_or_declined_pause_leaves_its_days_free(pairing, mentee, status):
    PairingPause.objects.create(
        pairing=pairing,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=60),
        status=status,
        requested_by=mentee,
    )

    assert declare(pairing, mentee, TODAY + timedelta(days=1), 7).status == "agreed"


def test_another_pairings_pause_does_not_overlap_this_one(pairing, other_pairing, mentee):
    declare(other_pairing, other_pairing.mentee, TODAY, 30)

    assert declare(pairing, mentee, TODAY, 30).status == "agreed"


def test_nobody_outside_the_pair_may_plan_its_pause(
    pairing, other_pairing, other_mentee, programme_admin, olga
):
    # Charlie (another pairing's mentee), his mentor, the cohort's own admin and Olga.
    for person in (other_mentee, other_pairing.mentor, programme_admin, olga):
        with pytest.raises(PauseRefused) as refused:
            declare(pairing, person, TODAY, 7)
        assert "Only the two partners" in str(refused.value.message)

    assert not PairingPause.objects.exists()


@pytest.mark.parametrize("status", [Pairing.Status.PROPOSED, Pairing.Status.CLOSED])
def test_only_an_active_pairing_can_pause(pairing, mentee, status):
    Pairing.objects.filter(pk=pairing.pk).update(status=status)

    with pytest.raises(PauseRefused, match="Only an active pairing can pause"):
        declare(pairing, mentee, TODAY, 7)


def test_today_is_the_persons_own_today(pairing, mentee, mentor):
    """At 02:00 UTC on 2 March it is still 1 March in New York (Bob), not in London (Alice)."""
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        with pytest.raises(PauseRefused, match="cannot start in the past"):
            declare(pairing, mentee, date(2026, 3, 1), 3)
        pause = declare(pairing, mentor, date(2026, 3, 1), 3)

    assert pause.starts_on == date(2026, 3, 1)


def test_a_person_far_ahead_of_utc_may_start_on_their_own_today(pairing, mentee):
    """At 20:00 UTC on 2 March it is already 3 March in Tokyo; 2 March is past there."""
    mentee.timezone = "Asia/Tokyo"
    mentee.save(update_fields=["timezone"])

    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False):
        with pytest.raises(PauseRefused, match="cannot start in the past"):
            declare(pairing, mentee, date(2026, 3, 2), 3)
        assert declare(pairing, mentee, date(2026, 3, 3), 3).starts_on == date(2026, 3, 3)


# --- emails ---------------------------------------------------------------------------------


def test_the_partner_is_emailed_once_with_a_link_to_the_pairing_page(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pause = declare(pairing, mentee, date(2026, 3, 9), 14, note="Exams")

    [mail] = mailoutbox
    assert mail.to == [mentor.email]
    assert "Alice Mentee planned a pause from 9 March 2026 until 22 March 2026" in mail.subject
    assert "Exams" in mail.body
    assert "programme team" not in mail.body  # agreed: nobody has to agree to it
    link = f"http://testserver{reverse('home:pairing_detail', args=[pairing.pk])}"
    assert link in mail.body
    html = mail.alternatives[0][0]
    assert link in html
    # The link is real: Bob opens it and sees the pause.
    bob = Client()
    bob.force_login(mentor)
    page = bob.get(link.removeprefix("http://testserver"))
    assert "Pausing from 9 March until 22 March" in page.content.decode()

    # Run again (a retried task): nothing more goes out.
    assert pause_notify(pause_id=pause.pk, kind="declared", recipient_id=mentor.pk) is False
    assert len(mailoutbox) == 1


def test_a_long_pause_emails_the_cohorts_admins_once_with_the_decision_page(
    pairing, mentee, mentor, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pause = declare(pairing, mentee, date(2026, 3, 9), 90, note="Parental leave")

    to_partner = next(m for m in mailoutbox if m.to == [mentor.email])
    to_admin = next(m for m in mailoutbox if m.to == [programme_admin.email])
    assert len(mailoutbox) == 2
    assert "waits for the programme team's agreement" in to_partner.body
    assert "A pause of 90 days waits for your agreement (Spring cohort)" in to_admin.subject
    assert "\n" not in to_admin.subject
    assert "longer than the cohort's limit of 42 days" in to_admin.body
    assert "Parental leave" in to_admin.body
    link = f"http://testserver{reverse('pairings:pause_decide', args=[pause.pk])}"
    assert link in to_admin.body
    dana = Client()
    dana.force_login(programme_admin)
    assert "Parental leave" in dana.get(link.removeprefix("http://testserver")).content.decode()

    assert pause_notify(pause_id=pause.pk, kind="awaiting", recipient_id=programme_admin.pk) is (
        False
    )
    assert len(mailoutbox) == 2


def test_a_pause_withdrawn_before_its_email_went_out_sends_none(
    pairing, mentee, mentor, mailoutbox
):
    pause = declare(pairing, mentee, date(2026, 3, 9), 90)  # on-commit work never ran
    pause_end(pause=pause, by=mentee)

    assert pause_notify(pause_id=pause.pk, kind="declared", recipient_id=mentor.pk) is False
    assert mailoutbox == []


def test_a_subject_stays_on_one_line_whatever_the_name(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    mentee.display_name = "Alice\nBcc: x@example.org"
    mentee.save(update_fields=["display_name"])

    with django_capture_on_commit_callbacks(execute=True):
        declare(pairing, mentee, TODAY, 5)

    [mail] = mailoutbox
    assert "\n" not in mail.subject


# --- ending ---------------------------------------------------------------------------------


def test_a_pause_that_has_not_started_is_withdrawn(pairing, mentee, mentor):
    pause = declare(pairing, mentee, TODAY + timedelta(days=3), 10)

    ended = pause_end(pause=pause, by=mentor)

    assert ended.status == PairingPause.Status.WITHDRAWN
    assert ended.ends_on == TODAY + timedelta(days=12)  # its dates are kept as planned


def test_a_pause_that_started_today_is_withdrawn(pairing, mentee):
    pause = declare(pairing, mentee, TODAY, 10)

    assert pause_end(pause=pause, by=mentee).status == PairingPause.Status.WITHDRAWN


def test_a_running_pause_ends_yesterday(pairing, mentee):
    pause = PairingPause.objects.create(
        pairing=pairing, starts_on=TODAY - timedelta(days=5), ends_on=TODAY + timedelta(days=9)
    )

    ended = pause_end(pause=pause, by=mentee)

    ended.refresh_from_db()
    assert (ended.status, ended.ends_on) == (PairingPause.Status.AGREED, TODAY - timedelta(days=1))
    assert ended.days == 5


def test_a_running_pause_that_waited_needs_no_agreement_once_cut_within_the_limit(pairing, mentee):
    pause = PairingPause.objects.create(
        pairing=pairing,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=80),
        status=PairingPause.Status.AWAITING,
    )

    assert pause_end(pause=pause, by=mentee).status == PairingPause.Status.AGREED


def test_a_running_pause_still_over_the_limit_when_ended_keeps_waiting(pairing, mentee):
    pause = PairingPause.objects.create(
        pairing=pairing,
        starts_on=TODAY - timedelta(days=50),
        ends_on=TODAY + timedelta(days=80),
        status=PairingPause.Status.AWAITING,
    )

    ended = pause_end(pause=pause, by=mentee)

    assert (ended.status, ended.days) == (PairingPause.Status.AWAITING, 50)


def test_the_persons_own_today_decides_whether_a_pause_has_started(pairing, mentee, mentor):
    """At 02:00 UTC on 2 March: a pause from 2 March has started in London, not in New York."""
    pause = PairingPause.objects.create(pairing=pairing, starts_on=TODAY, ends_on=date(2026, 3, 9))
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        assert pause_end(pause=pause, by=mentor).status == PairingPause.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("status", "ends_on", "message"),
    [
        (PairingPause.Status.AGREED, TODAY - timedelta(days=1), "already over"),
        (PairingPause.Status.WITHDRAWN, TODAY + timedelta(days=5), "no longer planned"),
        (PairingPause.Status.DECLINED, TODAY + timedelta(days=5), "no longer planned"),
    ],
)
def test_a_pause_that_is_over_withdrawn_or_declined_cannot_end(
    pairing, mentee, status, ends_on, message
):
    pause = PairingPause.objects.create(
        pairing=pairing, starts_on=TODAY - timedelta(days=10), ends_on=ends_on, status=status
    )

    with pytest.raises(PauseRefused, match=message):
        pause_end(pause=pause, by=mentee)


def test_nobody_outside_the_pair_may_end_its_pause(pairing, mentee, other_mentee, programme_admin):
    pause = declare(pairing, mentee, TODAY + timedelta(days=3), 10)

    for person in (other_mentee, programme_admin):
        with pytest.raises(PauseRefused, match="Only the two partners"):
            pause_end(pause=pause, by=person)

    pause.refresh_from_db()
    assert pause.status == PairingPause.Status.AGREED


# --- deciding -------------------------------------------------------------------------------


@pytest.fixture
def long_pause(pairing, mentee) -> PairingPause:
    """Alice plans 90 days of parental leave from next Monday: it waits for Dana."""
    return declare(pairing, mentee, date(2026, 3, 9), 90, note="Parental leave")


def test_the_cohorts_admin_agrees_and_both_partners_are_told_once(
    long_pause, programme_admin, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pause = pause_decide(
            pause=long_pause, by=programme_admin, agree=True, note="Enjoy the time."
        )

    pause.refresh_from_db()
    assert (pause.status, pause.decided_by) == (PairingPause.Status.AGREED, programme_admin)
    assert pause.decided_at == NOW
    assert sorted(m.to[0] for m in mailoutbox) == [mentee.email, mentor.email]
    for mail in mailoutbox:
        assert "The programme team agreed to your pause from 9 March 2026" in mail.subject
        assert "Enjoy the time." in mail.body
        assert f"/programmes/pairings/{pause.pairing_id}/" in mail.body
    assert pause_notify(pause_id=pause.pk, kind="decided", recipient_id=mentee.pk) is False
    assert len(mailoutbox) == 2


def test_the_cohorts_admin_declines_and_both_partners_are_told(
    long_pause, programme_admin, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pause = pause_decide(pause=long_pause, by=programme_admin, agree=False)

    assert pause.status == PairingPause.Status.DECLINED
    assert sorted(m.to[0] for m in mailoutbox) == [mentee.email, mentor.email]
    assert all("did not agree" in m.subject for m in mailoutbox)


def test_a_pause_is_decided_once(long_pause, programme_admin):
    pause_decide(pause=long_pause, by=programme_admin, agree=True)

    with pytest.raises(PauseRefused, match="no longer waiting for a decision"):
        pause_decide(pause=long_pause, by=programme_admin, agree=False)

    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.AGREED


def test_an_agreed_short_pause_has_nothing_to_decide(pairing, mentee, programme_admin):
    pause = declare(pairing, mentee, TODAY, 7)

    with pytest.raises(PauseRefused, match="no longer waiting"):
        pause_decide(pause=pause, by=programme_admin, agree=False)


def test_only_the_cohorts_admins_may_decide(long_pause, mentee, mentor, other_mentee, olga):
    for person in (mentee, mentor, other_mentee, olga):
        with pytest.raises(PauseRefused, match="Only the cohort's programme team"):
            pause_decide(pause=long_pause, by=person, agree=True)

    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.AWAITING


def test_a_closed_pairings_pause_is_not_decided(long_pause, programme_admin):
    Pairing.objects.filter(pk=long_pause.pairing_id).update(status=Pairing.Status.CLOSED)

    with pytest.raises(PauseRefused, match="no longer active"):
        pause_decide(pause=long_pause, by=programme_admin, agree=True)


# --- reading --------------------------------------------------------------------------------


def test_agreed_pauses_of_many_pairings_are_read_in_one_query(
    pairing, other_pairing, elsewhere, mentee, django_assert_num_queries
):
    first = declare(pairing, mentee, TODAY, 7)
    second = declare(pairing, mentee, TODAY + timedelta(days=20), 7)
    declare(pairing, mentee, TODAY + timedelta(days=40), 90)  # waiting: does not count
    withdrawn = declare(other_pairing, other_pairing.mentee, TODAY + timedelta(days=1), 5)
    pause_end(pause=withdrawn, by=other_pairing.mentee)
    past = PairingPause.objects.create(
        pairing=other_pairing, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 18)
    )
    ids = [pairing.pk, other_pairing.pk, elsewhere.pk]

    with django_assert_num_queries(1):
        found = agreed_pauses_by_pairing(pairing_ids=ids)

    assert found == {
        pairing.pk: [(first.starts_on, first.ends_on), (second.starts_on, second.ends_on)],
        other_pairing.pk: [(past.starts_on, past.ends_on)],
    }
    with django_assert_num_queries(1):
        assert agreed_pauses_by_pairing(pairing_ids=iter(ids)) == found


def test_a_pairings_current_and_coming_pauses_leave_out_the_past_and_the_withdrawn(
    pairing, mentee, programme_admin
):
    PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 1, 5), ends_on=TODAY - timedelta(days=1)
    )
    running = PairingPause.objects.create(
        pairing=pairing, starts_on=TODAY - timedelta(days=2), ends_on=TODAY
    )
    coming = declare(pairing, mentee, TODAY + timedelta(days=10), 90)
    pause_decide(pause=coming, by=programme_admin, agree=False)
    later = declare(pairing, mentee, TODAY + timedelta(days=10), 5)
    pause_end(pause=declare(pairing, mentee, TODAY + timedelta(days=30), 5), by=mentee)

    assert pauses_current_and_coming(pairing=pairing, today=TODAY) == [running, coming, later]
    assert pause_running(pairing=pairing, today=TODAY) == running
    assert pause_running(pairing=pairing, today=TODAY + timedelta(days=1)) is None


def test_admins_see_the_pauses_waiting_in_their_own_cohorts_only(
    long_pause, other_pairing, elsewhere, programme_admin, olga
):
    PairingPause.objects.create(
        pairing=elsewhere, starts_on=TODAY, ends_on=TODAY + timedelta(days=99), status="awaiting"
    )
    closed = PairingFactory(cohort=long_pause.pairing.cohort, status=Pairing.Status.CLOSED)
    PairingPause.objects.create(
        pairing=closed, starts_on=TODAY, ends_on=TODAY + timedelta(days=99), status="awaiting"
    )
    cohort_admin_add(elsewhere.cohort, olga)

    assert list(pauses_awaiting_for_admin(user=programme_admin)) == [long_pause]
    assert [p.pairing for p in pauses_awaiting_for_admin(user=olga)] == [elsewhere]


# --- the trail and a person's copy ----------------------------------------------------------


def test_a_pause_and_its_decision_show_on_the_cohorts_audit_trail(
    client, long_pause, programme_admin, pairing
):
    client.force_login(programme_admin)
    client.post(
        reverse("pairings:pause_decide", args=[long_pause.pk]),
        {"decision": "decline", "note": "Let us talk first."},
    )

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PairingPause), object_pk=str(long_pause.pk)
    )
    assert {e.additional_data["cohort_id"] for e in entries} == {pairing.cohort_id}
    assert all("note" not in e.changes_dict for e in entries)  # the partners' words stay out
    html = client.get(reverse("oversight:cohort_trail", args=[pairing.cohort_id])).content.decode()
    assert f"Pause of pairing {pairing.pk}" in html
    assert "awaiting → declined" in html
    assert "Let us talk first." in html
    assert html.count(programme_admin.name) >= 2


def test_a_persons_copy_holds_the_pauses_of_their_pairings(long_pause, mentor, other_mentee):
    mine = export_data(user=mentor)["sections"]["pairings.PairingPause"]
    theirs = export_data(user=other_mentee)["sections"]["pairings.PairingPause"]

    assert [row["note"] for row in mine["rows"]] == ["Parental leave"]
    assert mine["about"]
    assert theirs["rows"] == []
