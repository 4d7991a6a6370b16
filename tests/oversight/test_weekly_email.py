"""The weekly health email to each programme admin: what it lists, when it goes (Monday within
their contact hours, on their own clock, DST included), once a week, only to the admins of
each cohort, only when there is something to say, and in a fixed number of queries."""

import re
import socket
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import EmailLog, User
from accounts.services import user_make_programme_admin
from notifications.models import NotificationSettings
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from oversight.selectors.weekly import health_week_for_admin
from oversight.services.weekly import health_weekly_dispatch, health_weekly_send
from oversight.tasks.weekly import health_weekly_dispatch_task
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

ON_TRACK, ATTENTION, AT_RISK = HealthStatus.values
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)  # Monday, 10:00 in London (GMT)
TODAY = NOW.date()
WEEK_AGO = TODAY - timedelta(days=7)
SILENT = {"code": "silent", "text": "No contact for 35 days"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cohort(programme_admin) -> Cohort:
    """Spring cohort, run by Dana (in London), all through 2026."""
    return CohortFactory(
        name="Spring cohort",
        admins=[programme_admin],
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 18),
    )


@pytest.fixture
def olga(db) -> User:
    """Another programme admin, who runs only the other cohort."""
    user = UserFactory(email="olga@example.org", display_name="Olga Admin")
    user_make_programme_admin(user=user)
    second_factor_add(user)
    return user


@pytest.fixture
def other_cohort(olga) -> Cohort:
    return CohortFactory(
        name="Autumn cohort", admins=[olga], starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18)
    )


def pair(cohort: Cohort, mentee: str, mentor: str, **fields: object) -> Pairing:
    return PairingFactory(
        cohort=cohort,
        mentee=UserFactory(display_name=mentee),
        mentor=UserFactory(display_name=mentor),
        **fields,
    )


def health(
    pairing: Pairing,
    now: str,
    *,
    before: str | None = None,
    week_ago: date = WEEK_AGO,
    reasons: list[dict] | None = None,
    snoozed_until: date | None = None,
) -> Pairing:
    """The pairing's latest assessment (`now`) and its snapshot a week earlier (`before`)."""
    PairingHealth.objects.update_or_create(
        pairing=pairing,
        defaults={
            "status": now,
            "reasons": reasons if reasons is not None else ([] if now == ON_TRACK else [SILENT]),
            "computed_at": timezone.now(),
            "snoozed_until": snoozed_until,
            "snooze_note": "On leave" if snoozed_until else "",
        },
    )
    if before is not None:
        HealthSnapshot.objects.create(pairing=pairing, day=week_ago, status=before)
    return pairing


def emails_to(user: User) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def text_of(message) -> str:
    return message.body


def html_of(message) -> str:
    return message.alternatives[0][0]


def new_at_risk_section(text: str) -> str:
    """The text between "New at risk" and the next heading."""
    found = re.search(r"New at risk \(\d+\):\n(.*?)\n\n", text, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def busy_week(cohort) -> dict[str, Pairing]:
    """One pairing of each kind the email tells apart."""
    return {
        "new": health(
            pair(cohort, "Alice Newrisk", "Bob Mentor"),
            AT_RISK,
            before=ON_TRACK,
            reasons=[SILENT, {"code": "behind", "text": "1 of 4 sessions"}],
        ),
        "new_unassessed_before": health(
            pair(cohort, "Nina Fresh", "Ned Mentor"),
            AT_RISK,
            reasons=[{"code": "far_behind", "text": "0 of 2 sessions"}],
        ),
        "from_attention": health(
            pair(cohort, "Fay Slipping", "Finn Mentor"), AT_RISK, before=ATTENTION
        ),
        "recovered": health(
            pair(cohort, "Rita Recovered", "Rob Mentor"), ON_TRACK, before=ATTENTION
        ),
        "recovered_from_risk": health(
            pair(cohort, "Rosa Recovered", "Ray Mentor"), ON_TRACK, before=AT_RISK
        ),
        "still": health(pair(cohort, "Sam Still", "Sid Mentor"), AT_RISK, before=AT_RISK),
        "attention": health(pair(cohort, "Ann Attention", "Al Mentor"), ATTENTION, before=ON_TRACK),
        "snoozed": health(
            pair(cohort, "Zoe Snoozed", "Zed Mentor"),
            AT_RISK,
            before=ON_TRACK,
            snoozed_until=TODAY + timedelta(days=5),
        ),
        "snooze_over": health(
            pair(cohort, "Olly Overdue", "Oz Mentor"),
            AT_RISK,
            before=ON_TRACK,
            snoozed_until=TODAY - timedelta(days=1),
        ),
        "fine": health(pair(cohort, "Tess Fine", "Tim Mentor"), ON_TRACK, before=ON_TRACK),
        "closed": health(
            pair(cohort, "Cleo Closed", "Carl Mentor", status=Pairing.Status.CLOSED),
            AT_RISK,
            before=ON_TRACK,
        ),
    }


def pause(pairing: Pairing, status: str, *, ends_on: date) -> PairingPause:
    return PairingPause.objects.create(
        pairing=pairing,
        starts_on=min(TODAY, ends_on) - timedelta(days=50),
        ends_on=ends_on,
        status=status,
        note="Exams",
    )


# --- what it lists ------------------------------------------------------------------------


def test_the_week_lists_new_at_risk_and_recovered_counts_the_rest_and_keeps_snoozed_apart(
    programme_admin, busy_week
):
    pause(busy_week["fine"], PairingPause.Status.AWAITING, ends_on=TODAY + timedelta(days=60))
    pause(busy_week["still"], PairingPause.Status.AWAITING, ends_on=TODAY - timedelta(days=1))
    pause(busy_week["new"], PairingPause.Status.AGREED, ends_on=TODAY + timedelta(days=60))

    week = health_week_for_admin(user=programme_admin, today=TODAY)

    [spring] = week.cohorts
    assert [p.mentee for p in spring.new_at_risk] == [
        "Alice Newrisk",
        "Fay Slipping",
        "Nina Fresh",
        "Olly Overdue",  # a snooze that ended yesterday quiets nothing
    ]
    assert spring.new_at_risk[0].reason == "No contact for 35 days"  # the most serious first
    assert spring.new_at_risk[2].reason == "0 of 2 sessions"
    assert [p.mentee for p in spring.recovered] == ["Rita Recovered", "Rosa Recovered"]
    assert [(p.mentee, p.snoozed_until) for p in spring.snoozed] == [
        ("Zoe Snoozed", TODAY + timedelta(days=5))
    ]
    assert spring.still_at_risk == 1
    assert spring.attention == 1
    assert spring.pauses_awaiting == 1  # not the agreed one, nor the one that ended unanswered
    assert (week.new_at_risk, week.recovered) == (4, 2)


def test_the_email_says_it_in_words_with_names_reasons_and_counts(programme_admin, busy_week):
    pause(busy_week["fine"], PairingPause.Status.AWAITING, ends_on=TODAY + timedelta(days=60))

    health_weekly_dispatch_task()

    [email] = emails_to(programme_admin)
    assert email.subject.endswith(
        "Cohort health this week: 4 new at risk, 2 recovered, 1 pause waiting for you"
    )
    assert "\n" not in email.subject
    text = text_of(email)
    new = new_at_risk_section(text)
    assert "Alice Newrisk (mentee) and Bob Mentor (mentor): No contact for 35 days" in new
    assert "Nina Fresh (mentee) and Ned Mentor (mentor): 0 of 2 sessions" in new
    assert "Zoe Snoozed" not in new
    assert (
        "Zoe Snoozed (mentee) and Zed Mentor (mentor): at risk since this week, "
        "snoozed until 21 March" in text
    )
    assert "Recovered, now on track (2):\n- Rita Recovered (mentee) and Rob Mentor (mentor)" in text
    assert "Still at risk: 1\nNeeding attention: 1\nPauses waiting for your agreement: 1" in text
    assert "from Monday 9 March to Monday 16 March 2026" in text
    for absent in ("Tess Fine", "Cleo Closed"):
        assert absent not in text
        assert absent not in html_of(email)
    html = html_of(email)
    assert "Alice Newrisk (mentee) and Bob Mentor (mentor): No contact for 35 days" in html
    assert "Zoe Snoozed" in html


def test_every_link_in_the_email_is_absolute_and_opens_for_the_admin(
    client, programme_admin, busy_week
):
    health_weekly_dispatch_task()

    [email] = emails_to(programme_admin)
    links = set(re.findall(r"https?://[^\s\"<>]+", text_of(email))) | set(
        re.findall(r'href="([^"]+)"', html_of(email))
    )
    assert len(links) >= 3  # the cohort page, a nudge per new at-risk pairing, the settings
    client.force_login(programme_admin)
    for link in links:
        assert link.startswith("http://testserver/"), link
        path = urlsplit(link).path
        resolve(path)
        assert client.get(path).status_code == 200, link
    assert (
        f"http://testserver{reverse('oversight:cohort_detail', args=[busy_week['new'].cohort_id])}"
        in links
    )


def test_a_week_of_no_change_with_nothing_at_risk_or_waiting_sends_nothing(programme_admin, cohort):
    health(pair(cohort, "Tess Fine", "Tim Mentor"), ON_TRACK, before=ON_TRACK)
    health(pair(cohort, "Ann Attention", "Al Mentor"), ATTENTION, before=ATTENTION)
    health(pair(cohort, "Zoe Snoozed", "Zed Mentor"), AT_RISK, before=AT_RISK, snoozed_until=TODAY)
    pause(
        Pairing.objects.filter(cohort=cohort).first(),
        PairingPause.Status.DECLINED,
        ends_on=TODAY + timedelta(days=60),
    )

    health_weekly_dispatch_task()

    assert emails_to(programme_admin) == []
    assert not EmailLog.objects.filter(recipient=programme_admin, sent_at__isnull=False).exists()


def test_still_at_risk_alone_or_a_pause_waiting_alone_is_worth_an_email(
    programme_admin, cohort, olga, other_cohort
):
    health(pair(cohort, "Sam Still", "Sid Mentor"), AT_RISK, before=AT_RISK)
    waiting = health(pair(other_cohort, "Tess Fine", "Tim Mentor"), ON_TRACK, before=ON_TRACK)
    pause(waiting, PairingPause.Status.AWAITING, ends_on=TODAY + timedelta(days=50))

    health_weekly_dispatch_task()

    assert emails_to(programme_admin)[0].subject.endswith(
        "Cohort health this week: 1 still at risk"
    )
    assert emails_to(olga)[0].subject.endswith("Cohort health this week: 1 pause waiting for you")


def test_cohorts_that_ended_more_than_a_week_ago_are_left_out(programme_admin, cohort):
    ended = CohortFactory(
        name="Winter cohort",
        admins=[programme_admin],
        starts_on=date(2025, 9, 1),
        ends_on=TODAY - timedelta(days=8),
    )
    just_ended = CohortFactory(
        name="Late winter cohort",
        admins=[programme_admin],
        starts_on=date(2025, 9, 1),
        ends_on=TODAY - timedelta(days=7),
    )
    health(pair(ended, "Old Pair", "Old Mentor"), AT_RISK, before=ON_TRACK)
    health(pair(just_ended, "Last Pair", "Last Mentor"), AT_RISK, before=ON_TRACK)

    week = health_week_for_admin(user=programme_admin, today=TODAY)

    assert [w.cohort.name for w in week.cohorts] == ["Late winter cohort"]
    assert week.quiet_cohorts == 1  # the spring cohort, with nothing to say


# --- who gets what ------------------------------------------------------------------------


def test_an_admin_of_one_cohort_never_sees_another_cohorts_pairings(
    programme_admin, cohort, olga, other_cohort
):
    health(pair(cohort, "Alice Spring", "Bob Spring"), AT_RISK, before=ON_TRACK)
    health(pair(other_cohort, "Carla Autumn", "Dave Autumn"), AT_RISK, before=ON_TRACK)
    health(pair(other_cohort, "Erin Autumn", "Finn Autumn"), ON_TRACK, before=AT_RISK)

    health_weekly_dispatch_task()

    [dana_email] = emails_to(programme_admin)
    [olga_email] = emails_to(olga)
    for email, mine, theirs in (
        (dana_email, ["Alice Spring", "Spring cohort"], ["Autumn"]),
        (olga_email, ["Carla Autumn", "Erin Autumn", "Autumn cohort"], ["Spring"]),
    ):
        for body in (text_of(email), html_of(email)):
            assert all(name in body for name in mine)
            assert all(name not in body for name in theirs)
    assert dana_email.subject.endswith("1 new at risk")
    assert olga_email.subject.endswith("1 new at risk, 1 recovered")


def test_someone_in_cohort_admins_without_the_programme_admin_role_gets_nothing(cohort):
    not_admin = UserFactory(email="former-admin@example.org")
    cohort.admins.add(not_admin)  # left in the cohort, no longer an admin of its organisation
    health(pair(cohort, "Alice Spring", "Bob Spring"), AT_RISK, before=ON_TRACK)

    health_weekly_dispatch_task()

    assert emails_to(not_admin) == []


def test_a_deactivated_admin_gets_nothing(programme_admin, busy_week):
    programme_admin.is_active = False
    programme_admin.save(update_fields=["is_active"])

    health_weekly_dispatch_task()
    assert not health_weekly_send(user_id=programme_admin.pk, at=NOW)

    assert emails_to(programme_admin) == []


def test_an_admin_who_turned_it_off_gets_nothing(programme_admin, busy_week):
    NotificationSettings.objects.create(user=programme_admin, health_weekly=False)

    health_weekly_dispatch_task()
    assert not health_weekly_send(user_id=programme_admin.pk, at=NOW)

    assert emails_to(programme_admin) == []


# --- once a week --------------------------------------------------------------------------


def test_the_week_goes_once_however_often_the_task_runs(programme_admin, busy_week, clock):
    health_weekly_dispatch_task()
    health_weekly_dispatch_task()  # beat repeated, or a second beat
    assert not health_weekly_send(user_id=programme_admin.pk, at=timezone.now())  # a late retry
    clock.move_to(NOW + timedelta(hours=3))
    health_weekly_dispatch_task()

    assert len(emails_to(programme_admin)) == 1
    [log] = EmailLog.objects.filter(kind="health_weekly", recipient=programme_admin)
    assert log.key == f"health-weekly:{programme_admin.pk}:2026-W12"

    clock.move_to(NOW + timedelta(days=7))  # the next Monday: a new week
    health_weekly_dispatch_task()

    assert len(emails_to(programme_admin)) == 2


def test_a_send_the_mail_server_refused_is_sent_by_the_next_run(
    programme_admin, busy_week, clock, settings
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(ConnectionRefusedError):
        health_weekly_send(user_id=programme_admin.pk, at=NOW)
    assert EmailLog.objects.get(recipient=programme_admin).sent_at is None
    settings.EMAIL_BACKEND = backend
    clock.move_to(NOW + timedelta(hours=1))

    health_weekly_dispatch_task()

    assert len(emails_to(programme_admin)) == 1


# --- within the admin's contact hours -----------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "sends"),
    [
        (datetime(2026, 3, 16, 8, 59, tzinfo=UTC), False),  # 08:59 GMT
        (datetime(2026, 3, 16, 9, 0, tzinfo=UTC), True),
        (datetime(2026, 3, 16, 16, 59, tzinfo=UTC), True),
        (datetime(2026, 3, 16, 17, 0, tzinfo=UTC), False),  # the hours end at 17:00
        (datetime(2026, 3, 17, 10, 0, tzinfo=UTC), False),  # Tuesday: the week's moment passed
        (datetime(2026, 3, 15, 10, 0, tzinfo=UTC), False),  # Sunday
    ],
)
def test_without_stated_hours_it_goes_on_monday_between_nine_and_five_their_time(
    programme_admin, busy_week, clock, moment, sends
):
    clock.move_to(moment)

    health_weekly_dispatch_task()

    assert len(emails_to(programme_admin)) == int(sends)


@pytest.mark.parametrize(
    ("moment", "sends"),
    [
        # The week before clocks go forward (Sunday 29 March): CET, UTC+1.
        (datetime(2026, 3, 23, 7, 0, tzinfo=UTC), False),  # 08:00 in Berlin
        (datetime(2026, 3, 23, 8, 0, tzinfo=UTC), True),  # 09:00
        (datetime(2026, 3, 23, 16, 0, tzinfo=UTC), False),  # 17:00
        # The week after: CEST, UTC+2.
        (datetime(2026, 3, 30, 6, 0, tzinfo=UTC), False),  # 08:00 in Berlin
        (datetime(2026, 3, 30, 7, 0, tzinfo=UTC), True),  # 09:00
        (datetime(2026, 3, 30, 15, 0, tzinfo=UTC), False),  # 17:00
        # Clocks go back on Sunday 25 October: CET again.
        (datetime(2026, 10, 26, 7, 0, tzinfo=UTC), False),  # 08:00 in Berlin
        (datetime(2026, 10, 26, 8, 0, tzinfo=UTC), True),  # 09:00
        (datetime(2026, 10, 26, 15, 30, tzinfo=UTC), True),  # 16:30
    ],
)
def test_an_admin_in_berlin_gets_it_within_her_hours_on_both_sides_of_a_dst_change(
    cohort, programme_admin, clock, moment, sends
):
    programme_admin.timezone = "Europe/Berlin"
    programme_admin.save(update_fields=["timezone"])
    clock.move_to(moment)
    today = moment.date()
    health(
        pair(cohort, "Alice Spring", "Bob Spring"),
        AT_RISK,
        before=ON_TRACK,
        week_ago=today - timedelta(days=7),
    )

    health_weekly_dispatch_task()

    emails = emails_to(programme_admin)
    assert len(emails) == int(sends)
    if sends:
        assert f"to {today:%A} {today.day} {today:%B %Y}" in text_of(emails[0])


def test_dates_are_the_admins_own_even_when_utc_is_still_on_sunday(cohort, programme_admin, clock):
    programme_admin.timezone = "Pacific/Auckland"
    programme_admin.save(update_fields=["timezone"])
    monday_nine_in_auckland = datetime(2026, 3, 29, 20, 0, tzinfo=UTC)  # NZDT, UTC+13
    clock.move_to(monday_nine_in_auckland)
    # The snapshot of their Monday a week ago, not of UTC's Sunday.
    health(
        pair(cohort, "Alice Spring", "Bob Spring"),
        AT_RISK,
        before=ON_TRACK,
        week_ago=date(2026, 3, 23),
    )
    health(
        pair(cohort, "Sam Still", "Sid Mentor"),
        AT_RISK,
        before=ON_TRACK,
        week_ago=date(2026, 3, 22),
    )
    HealthSnapshot.objects.create(
        pairing=Pairing.objects.get(mentee__display_name="Sam Still"),
        day=date(2026, 3, 23),
        status=AT_RISK,
    )

    health_weekly_dispatch_task()

    [email] = emails_to(programme_admin)
    assert "from Monday 23 March to Monday 30 March 2026" in text_of(email)
    assert email.subject.endswith("1 new at risk")  # Sam was at risk on their Monday already
    assert EmailLog.objects.get(recipient=programme_admin).key.endswith(":2026-W14")


def test_an_admin_who_stated_hours_in_an_enrolment_gets_it_within_those(
    cohort, programme_admin, busy_week, clock
):
    # Wednesdays 18:00-20:00 as a mentor in another cohort: the week's first day with hours.
    EnrolmentFactory(
        user=programme_admin, role="mentor", contact_hours=[[2, 18 * 60, 20 * 60], [4, 600, 660]]
    )

    health_weekly_dispatch_task()  # Monday 10:00
    clock.move_to(datetime(2026, 3, 18, 17, 0, tzinfo=UTC))  # Wednesday 17:00
    health_weekly_dispatch_task()
    assert emails_to(programme_admin) == []

    clock.move_to(datetime(2026, 3, 18, 18, 0, tzinfo=UTC))  # Wednesday 18:00
    health_weekly_dispatch_task()

    [email] = emails_to(programme_admin)
    assert "from Wednesday 11 March to Wednesday 18 March 2026" in text_of(email)
    assert "weekdays 09:00 to 17:00" not in text_of(email)


# --- queries ------------------------------------------------------------------------------


def _week_queries(admin: User) -> int:
    admin = User.objects.get(pk=admin.pk)  # no cached permission
    with CaptureQueriesContext(connection) as queries:
        week = health_week_for_admin(user=admin, today=TODAY)
    assert week.worth_sending
    return len(queries.captured_queries)


def test_the_week_takes_the_same_queries_for_one_pairing_or_many_in_many_cohorts(
    programme_admin, cohort
):
    health(pair(cohort, "Alice Spring", "Bob Spring"), AT_RISK, before=ON_TRACK)
    one = _week_queries(programme_admin)

    for number in range(3):
        more = CohortFactory(
            admins=[programme_admin], starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18)
        )
        for status, before in (
            (AT_RISK, ON_TRACK),
            (ON_TRACK, AT_RISK),
            (AT_RISK, AT_RISK),
            (ATTENTION, None),
        ):
            pairing = health(
                pair(more, f"Mentee {number}{status}", "Mentor"), status, before=before
            )
            pause(pairing, PairingPause.Status.AWAITING, ends_on=TODAY + timedelta(days=50))

    assert _week_queries(programme_admin) == one == 4


def test_the_hourly_run_takes_the_same_queries_for_one_admin_or_many(
    cohort, programme_admin, clock
):
    clock.move_to(datetime(2026, 3, 15, 10, 0, tzinfo=UTC))  # Sunday: nobody's moment
    with CaptureQueriesContext(connection) as one:
        assert health_weekly_dispatch(now=timezone.now()) == 0
    for _number in range(4):
        admin = UserFactory()
        user_make_programme_admin(user=admin)
        CohortFactory(admins=[admin], starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18))
        EnrolmentFactory(user=admin, role="mentor")

    with CaptureQueriesContext(connection) as many:
        assert health_weekly_dispatch(now=timezone.now()) == 0

    assert len(many.captured_queries) == len(one.captured_queries) <= 3


# --- the opt-out on the notification settings page ----------------------------------------


def test_an_admin_turns_the_weekly_email_off_and_on_on_the_notification_settings_page(
    client, programme_admin
):
    url = reverse("notifications:notification_settings")
    client.force_login(programme_admin)
    choices = {"messages": "immediately", "materials": "digest", "opportunities": "never"}

    html = client.get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="health_weekly"[^>]*checked', html)

    client.post(url, choices)
    assert not NotificationSettings.objects.get(user=programme_admin).health_weekly
    html = client.get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="health_weekly"(?![^>]*checked)[^>]*>', html)

    client.post(url, {**choices, "health_weekly": "on"})
    assert NotificationSettings.objects.get(user=programme_admin).health_weekly


def test_a_mentee_is_not_offered_the_weekly_health_email_and_saving_keeps_it(client, mentee):
    url = reverse("notifications:notification_settings")
    client.force_login(mentee)

    assert 'name="health_weekly"' not in client.get(url).content.decode()
    client.post(url, {"messages": "digest", "materials": "digest", "opportunities": "digest"})

    assert NotificationSettings.objects.get(user=mentee).health_weekly
