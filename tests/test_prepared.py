"""Reads compiled once (mentoring/prepared.py) give what the ORM gives for any values they are
sent with; a read whose parameters are worked out from its values, or whose values go into its
SQL text, is built and sent through the ORM each time, never with another call's values."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from tests.factories import CohortFactory, PairingFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_too]
# SQLite's backend sends times as text: reads with a changing time are built each time there.
KEEPS_TIMES = connection.vendor == "postgresql"

NOW = datetime(2027, 3, 15, 12, tzinfo=UTC)


class Counted:
    """A build that counts how often the ORM is asked to build it."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **values):
        self.calls += 1
        return self.build(**values)


@pytest.fixture
def people():
    found = []
    for days in range(6):
        user = UserFactory(display_name=f"Person {days}")
        User.objects.filter(pk=user.pk).update(date_joined=NOW - timedelta(days=days))
        found.append(user)
    return found


def test_a_prepared_read_gives_the_orms_rows_for_each_value_and_is_compiled_once(people):
    def rows(*, ids, since):
        return (
            User.objects.filter(Q(pk__in=ids) | Q(display_name="Person 5"), date_joined__gte=since)
            .order_by("pk")
            .values("display_name", "date_joined")
        )

    build = Counted(rows)
    prepared = PreparedQuery(build, "ids", "since")
    for ids in ([people[0].pk, people[3].pk], [people[1].pk, people[2].pk], [people[4].pk, 0]):
        for since in (NOW - timedelta(days=10), NOW - timedelta(days=2), NOW):
            wanted = list(rows(ids=ids, since=since))
            with CaptureQueriesContext(connection) as sent:
                assert prepared(ids=ids, since=since) == wanted
            assert len(sent) == 1
    if KEEPS_TIMES:
        assert build.calls == 2  # the two sets of stand-ins, compiled once and compared
        # Another length of the list is another query, compiled on its own.
        assert prepared(ids=[people[0].pk], since=NOW - timedelta(days=10)) == list(
            rows(ids=[people[0].pk], since=NOW - timedelta(days=10))
        )
        assert build.calls == 4


def test_tuples_flat_lists_annotations_and_none_come_back_as_the_orm_gives_them(people):
    cohort, other = CohortFactory(), CohortFactory()
    for mentor in people[:3]:
        PairingFactory(cohort=cohort, mentor=mentor)
    PairingFactory(cohort=other, mentor=people[3])

    def per_mentor(*, cohort_id, exclude):
        found = Pairing.objects.filter(cohort=cohort_id)
        if exclude is not None:
            found = found.exclude(mentor_id=exclude)
        return found.values_list("mentor__display_name", "created_at").order_by("mentor_id")

    prepared = PreparedQuery(per_mentor, "cohort_id", "exclude")
    for cohort_id in (cohort.pk, other.pk):
        for exclude in (None, people[1].pk, people[3].pk):
            got = prepared(cohort_id=cohort_id, exclude=exclude)
            assert got == list(per_mentor(cohort_id=cohort_id, exclude=exclude))
            assert all(type(row) is tuple for row in got)

    def counts(*, since):
        return (
            User.objects.filter(date_joined__gte=since)
            .values("display_name")
            .annotate(n=Count("pk"))
            .order_by("display_name")
            .values_list("n", flat=True)
        )

    flat = PreparedQuery(counts, "since")
    assert flat(since=NOW - timedelta(days=3)) == list(counts(since=NOW - timedelta(days=3)))
    assert flat(since=NOW - timedelta(days=1)) == [1, 1]


def test_a_parameter_worked_out_from_a_value_is_never_kept_with_the_first_calls_value(people):
    def recent(*, now):  # the parameter sent is now - 2 days, not now
        return User.objects.filter(date_joined__gte=now - timedelta(days=2)).values_list(
            "display_name", flat=True
        )

    prepared = PreparedQuery(recent, "now")
    assert sorted(prepared(now=NOW)) == ["Person 0", "Person 1", "Person 2"]
    assert sorted(prepared(now=NOW + timedelta(days=1))) == ["Person 0", "Person 1"]
    assert list(prepared._compiled.values()) == [None]  # built through the ORM each time


def test_a_value_in_the_sql_text_runs_through_the_orm(people):
    def first(*, n):  # a slice's LIMIT is written into the SQL, not sent as a parameter
        return User.objects.order_by("pk").values_list("pk", flat=True)[:n]

    prepared = PreparedQuery(first, "n")
    assert prepared(n=2) == [people[0].pk, people[1].pk]
    assert prepared(n=4) == [person.pk for person in people[:4]]


def test_a_read_that_asks_nothing_of_the_database_runs_through_the_orm(people):
    def build(*, ids, since):  # no ids: the ORM sends no query at all
        return User.objects.filter(pk__in=ids, date_joined__gte=since).values_list("pk", flat=True)

    prepared = PreparedQuery(build, "ids", "since")
    assert prepared(ids=[], since=NOW) == []
    assert prepared(ids=[people[0].pk], since=NOW - timedelta(days=1)) == [people[0].pk]
    assert prepared._compiled[(("ids", 0),)] is None


def test_other_values_are_compiled_each_on_their_own(people):
    def named(*, since, name):
        return User.objects.filter(date_joined__gte=since, display_name=name).values_list(
            "pk", flat=True
        )

    build = Counted(named)
    prepared = PreparedQuery(build, "since")
    for person in people:
        assert prepared(since=NOW - timedelta(days=9), name=person.display_name) == [person.pk]
    assert len(prepared._compiled) == len(people)
    if KEEPS_TIMES:
        assert build.calls == 2 * len(people)


def test_model_instances_come_with_their_select_related_ones_only_fields_and_annotations(
    people,
):
    cohort = CohortFactory()
    for mentor in people[:3]:
        PairingFactory(cohort=cohort, mentor=mentor)

    def pairings(*, cohort_id, since):
        return (
            Pairing.objects.filter(cohort=cohort_id, mentor__date_joined__gte=since)
            .select_related("cohort", "mentor")
            .only("status", "cohort__name", "mentor__display_name")
            .annotate(named=Count("mentor__display_name"))
            .order_by("pk")
        )

    prepared = PreparedQuery(pairings, "cohort_id", "since")
    for since in (NOW - timedelta(days=9), NOW - timedelta(days=1)):
        got, wanted = (
            prepared(cohort_id=cohort.pk, since=since),
            list(pairings(cohort_id=cohort.pk, since=since)),
        )
        assert got == wanted
        assert [(p.status, p.cohort.name, p.mentor.display_name, p.named) for p in got] == [
            (p.status, p.cohort.name, p.mentor.display_name, p.named) for p in wanted
        ]
        with CaptureQueriesContext(connection) as more:
            assert [p.mentor.display_name for p in got]
        assert len(more) == 0  # select_related's, not read again
        assert got[0].get_deferred_fields() == wanted[0].get_deferred_fields()


def test_prefetching_is_not_prepared(people):
    prepared = PreparedQuery(
        lambda *, pk: User.objects.filter(pk=pk).prefetch_related("groups"), "pk"
    )
    with pytest.raises(TypeError, match="prefetching"):
        prepared(pk=people[0].pk)
