"""The admins' cohort page for a cohort of 1,000 pairings, 90 days in.

Target (issue 6): the page renders in under a second (median through Django's test Client,
so templates, middleware and every query count) and issues the same number of queries for a
cohort of 10 pairings as for 1,000. Each pairing has its sessions every two weeks (a few
cancelled), messages, feedback on the sessions and a check-in, a health assessment and 90 days
of health snapshots. The page is timed with everything computed afresh (the cohort's version
bumped before each request, as after a structural write) and with its cohort-wide content from
the shared cache (oversight/live.py: figures, charts, the queue, the waiting list, the pauses
waiting, the latest matching and the pairings table; target, issue 16: <= 15 ms), and so is
the table alone as htmx asks for it (a filter, a sort, a page). Also timed, not targeted: the
printable report (all 1,000 rows) and the pairings CSV export, which are never cached.
"""

import os
import random
from datetime import UTC, datetime, time, timedelta
from time import process_time

# Its own database: benchmarks that other people run at the same time drop theirs.
os.environ.setdefault("BENCH_DATABASE", "mentoring_bench_cohort_page")

from bench.harness import count_queries, p50, report, setup_django, timed

PAIRINGS = int(os.environ.get("BENCH_PAIRINGS", 1000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 20))
DAYS = 90
SEED = 2027
TARGET_MS = 1000
CACHED_TARGET_MS = 15


def _cohort_with(n: int, *, name: str, admin, now: datetime, rng: random.Random):
    """A cohort `DAYS` days in with n active pairings and their history, inserted in bulk."""
    from accounts.models import User
    from bench.harness import bench_organisation
    from exchange.models import Message
    from feedback.models import Feedback
    from organisations.models import Role
    from organisations.services import membership_ensure
    from oversight.models.health import HealthSnapshot, HealthStatus, PairingHealth
    from pairings.models import Pairing
    from programmes.models import Cohort, Enrolment
    from sessions_app.models import Appointment

    today = now.date()
    organisation = bench_organisation()
    membership_ensure(organisation=organisation, user=admin, role=Role.ADMIN)
    cohort = Cohort.objects.create(
        organisation=organisation,
        name=name,
        starts_on=today - timedelta(days=DAYS),
        ends_on=today + timedelta(days=DAYS),
        enrolment_deadline=today - timedelta(days=DAYS + 7),
        cadence_days=14,
    )
    cohort.admins.add(admin)
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    people = User.objects.bulk_create(
        User(
            email=f"{name[:1].lower()}{i}-{role}@bench.example",
            display_name=f"{role.title()} {name[:1]}{i}",
            timezone=rng.choice(zones),
        )
        for i in range(n)
        for role in ("mentor", "mentee")
    )
    mentors, mentees = people[0::2], people[1::2]
    Enrolment.objects.bulk_create(
        [Enrolment(cohort=cohort, user=u, role="mentor") for u in mentors]
        + [Enrolment(cohort=cohort, user=u, role="mentee") for u in mentees]
    )
    started = datetime.combine(cohort.starts_on, time(), tzinfo=UTC)
    pairings = Pairing.objects.bulk_create(
        Pairing(
            cohort=cohort,
            mentor=m,
            mentee=e,
            status="active" if i % 20 else "closed",
            accepted_at=started + timedelta(days=rng.randrange(7)),
        )
        for i, (m, e) in enumerate(zip(mentors, mentees, strict=True))
    )
    sessions, messages = [], []
    for pairing in pairings:
        # Every two weeks, drifting; some pairings stop meeting half way.
        stop = DAYS if rng.random() > 0.2 else rng.randrange(20, 60)
        day = rng.randrange(3, 10)
        while day < min(stop, DAYS + 14):
            starts = started + timedelta(days=day, hours=rng.randrange(8, 18))
            sessions.append(
                Appointment(
                    pairing=pairing,
                    mentor_id=pairing.mentor_id,
                    mentee_id=pairing.mentee_id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    blocked_from=starts,
                    blocked_until=starts + timedelta(hours=1),
                    mode=rng.choice(["video", "phone", "in_person", "chat"]),
                    status="cancelled" if rng.random() < 0.1 else "booked",
                )
            )
            day += rng.randrange(10, 18)
        for _ in range(rng.randrange(0, 16)):
            messages.append(
                Message(
                    pairing=pairing,
                    sender_id=rng.choice([pairing.mentor_id, pairing.mentee_id]),
                    body="How did the presentation go?",
                    created_at=started + timedelta(minutes=rng.randrange(stop * 24 * 60)),
                )
            )
    Appointment.objects.bulk_create(sessions, batch_size=5000)
    Message.objects.bulk_create(messages, batch_size=5000)
    feedback = []
    for s in sessions:
        if s.status != "booked" or s.ends_at > now:
            continue
        for person in (s.mentor_id, s.mentee_id):
            answered = rng.random() < 0.7
            feedback.append(
                Feedback(
                    kind="session",
                    pairing_id=s.pairing_id,
                    person_id=person,
                    appointment=s,
                    asked_at=s.ends_at,
                    answered_at=s.ends_at + timedelta(hours=5) if answered else None,
                    took_place=True if answered else None,
                    rating=rng.choice([2, 3, 4, 4, 5, 5]) if answered else None,
                    went_well="Clear next steps." if answered else "",
                )
            )
    for pairing in pairings:
        for person in (pairing.mentor_id, pairing.mentee_id):
            feedback.append(
                Feedback(
                    kind="check_in",
                    pairing=pairing,
                    person_id=person,
                    round=1,
                    asked_at=started + timedelta(days=30),
                    answered_at=started + timedelta(days=32),
                    satisfaction=rng.randrange(1, 6),
                    contact_working=rng.choice(["yes", "partly", "no"]),
                    wants_help=rng.random() < 0.1,
                )
            )
    Feedback.objects.bulk_create(feedback, batch_size=5000)
    statuses = [HealthStatus.ON_TRACK] * 7 + [HealthStatus.NEEDS_ATTENTION] * 2
    statuses += [HealthStatus.AT_RISK]
    health, snapshots = [], []
    for pairing in pairings:
        status = rng.choice(statuses)
        snoozed = status != HealthStatus.ON_TRACK and rng.random() < 0.2
        health.append(
            PairingHealth(
                pairing=pairing,
                status=status,
                reasons=[]
                if status == HealthStatus.ON_TRACK
                else [
                    {"code": "silent", "text": f"No contact for {rng.randrange(20, 50)} days"},
                    {"code": "cadence", "text": "2 sessions held of 6 expected"},
                ],
                sessions_held=rng.randrange(7),
                sessions_expected=6,
                computed_at=now,
                snoozed_until=today + timedelta(days=7) if snoozed else None,
                snooze_note="On leave; back next week." if snoozed else "",
            )
        )
        for d in range(DAYS):
            day_status = status if d < 30 else rng.choice(statuses)
            snapshots.append(
                HealthSnapshot(pairing=pairing, day=today - timedelta(days=d), status=day_status)
            )
    PairingHealth.objects.bulk_create(health, batch_size=5000)
    HealthSnapshot.objects.bulk_create(snapshots, batch_size=10000)
    return cohort, len(sessions), len(messages), len(feedback), len(snapshots)


def cpu_timed(fn, *, repeat: int) -> list[float]:
    """Milliseconds of this process's CPU time for each of `repeat` calls (Django's side of a
    request: steadier than wall time on a shared machine; the database's and Redis's own time
    are not in it)."""
    fn()
    samples = []
    for _ in range(repeat):
        started = process_time()
        fn()
        samples.append((process_time() - started) * 1000)
    return samples


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import user_make_programme_admin

    now = timezone.now()
    rng = random.Random(SEED)
    admin = User.objects.create_user(
        email="dana@bench.example", display_name="Dana", timezone="Europe/Berlin"
    )
    user_make_programme_admin(user=admin)
    small, *_ = _cohort_with(10, name="Small", admin=admin, now=now, rng=rng)
    large, sessions, messages, feedback, snapshots = _cohort_with(
        PAIRINGS, name="Large", admin=admin, now=now, rng=rng
    )

    # Fresh bulk inserts have no planner statistics yet; a live database has them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from allauth.mfa.models import Authenticator

    # Admin pages open only with a second factor; a TOTP authenticator stands for it.
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    page = reverse("oversight:cohort_detail", args=[large.pk])
    page_small = reverse("oversight:cohort_detail", args=[small.pk])

    def get(url: str, **headers) -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.status_code
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    from oversight.live import cohort_figures_changed

    def cold(url: str, cohort, **headers) -> None:
        """Everything computed afresh (a structural write bumped the cohort)."""
        cohort_figures_changed(cohort_ids=[cohort.pk])
        get(url, **headers)

    htmx = {"HX-Request": "true", "HX-Target": "pairings"}
    table = f"{page}?sort=mentee&page=3"  # the table alone, as a sort and a page ask for it

    get(page_small)  # the session and the permission cache warm, as for a returning admin
    queries_10 = count_queries(lambda: cold(page_small, small))
    queries_1000 = count_queries(lambda: cold(page, large))
    queries_10_warm = count_queries(lambda: get(page_small))
    queries_1000_warm = count_queries(lambda: get(page))
    samples = timed(lambda: cold(page, large), repeat=REPEAT)
    ms = p50(samples)
    ms_warm = p50(timed(lambda: get(page), repeat=REPEAT))
    cpu_warm = p50(cpu_timed(lambda: get(page), repeat=REPEAT))
    table_ms = p50(timed(lambda: cold(table, large, **htmx), repeat=REPEAT))
    get(table, **htmx)
    table_ms_warm = p50(timed(lambda: get(table, **htmx), repeat=REPEAT))
    report_ms = p50(
        timed(lambda: get(reverse("oversight:cohort_report", args=[large.pk])), repeat=5)
    )
    export = reverse("oversight:cohort_export", args=[large.pk, "pairings"])
    export_ms = p50(timed(lambda: get(export), repeat=5))
    report(
        "cohort_page",
        [
            ("pairings", f"{PAIRINGS} (and 10 in the small cohort)"),
            ("history", f"{DAYS} days: {sessions} sessions, {messages} messages"),
            ("", f"{feedback} feedback rows, {snapshots} health snapshots"),
            ("queries, 10 pairings", f"{queries_10} (cached: {queries_10_warm})"),
            ("queries, 1,000 pairings", f"{queries_1000} (cached: {queries_1000_warm})"),
            ("cohort page, all computed, median", f"{ms} ms (target < {TARGET_MS} ms)"),
            (
                "  figures, charts, queue and table cached",
                f"{ms_warm} ms, CPU {cpu_warm} ms (target <= {CACHED_TARGET_MS} ms)",
            ),
            ("table alone (htmx), computed / cached", f"{table_ms} / {table_ms_warm} ms"),
            (
                "p90 / max",
                f"{sorted(samples)[int(0.9 * len(samples))]:.1f} / {max(samples):.1f} ms",
            ),
            ("printable report (all rows), median", f"{report_ms} ms"),
            ("pairings CSV export, median", f"{export_ms} ms"),
        ],
        {
            "ms_p50": ms,
            "queries_10": queries_10,
            "queries_1000": queries_1000,
            "queries_10_warm": queries_10_warm,
            "queries_1000_warm": queries_1000_warm,
            "ms_p50_warm": ms_warm,
            "cpu_ms_p50_warm": cpu_warm,
            "table_ms_p50": table_ms,
            "table_ms_p50_warm": table_ms_warm,
            "report_ms_p50": report_ms,
            "export_ms_p50": export_ms,
            "target_met": ms < TARGET_MS
            and ms_warm <= CACHED_TARGET_MS
            and queries_10 == queries_1000
            and queries_10_warm == queries_1000_warm,
        },
    )


if __name__ == "__main__":
    main()
