"""Queries compiled once (oversight.prepared) give what the ORM gives, for any values run with
them; a query whose stand-ins the ORM changes on the way to the database runs through the ORM.
The cohort's headline ratings are the feedback app's summary; the report's cohort is read for
its admins only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from feedback.models import Feedback
from feedback.selectors import feedback_rating_summary_for_cohort
from organisations.models import Membership, Role
from organisations.services import membership_ensure
from oversight.prepared import STAND_IN_IDS, STAND_IN_TIMES, PreparedQuery
from oversight.selectors.cohort_dashboard import cohort_figures
from oversight.selectors.cohorts import cohort_get_for_report
from oversight.selectors.report import _report_rows_query
from pairings.models import Pairing
from tests.factories import (
    AppointmentFactory,
    CohortFactory,
    OrganisationFactory,
    PairingFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 15, 12, tzinfo=UTC)


@pytest.fixture
def two_cohorts(cohort, pairing):
    other = CohortFactory()
    for _ in range(3):
        PairingFactory(cohort=other)
    AppointmentFactory(
        pairing=pairing, starts_at=NOW - timedelta(days=3, hours=1), ends_at=NOW - timedelta(days=3)
    )
    return cohort, other


def test_a_prepared_query_gives_the_orms_rows_for_each_cohort_and_time(two_cohorts):
    prepared = PreparedQuery(_report_rows_query, cohort_id=STAND_IN_IDS[0], now=STAND_IN_TIMES[0])
    for cohort in two_cohorts:
        for now in (NOW, NOW - timedelta(days=10)):
            wanted = list(_report_rows_query(cohort_id=cohort.pk, now=now))
            assert prepared.rows(cohort_id=cohort.pk, now=now) == wanted
    assert len(prepared._compiled) == 1  # compiled once
    assert next(iter(prepared._compiled.values())) is not None  # and not through the ORM


def test_values_without_a_stand_in_are_compiled_each_on_their_own(two_cohorts):
    def build(*, cohort_id: int, status: str) -> QuerySet:
        return Pairing.objects.filter(cohort=cohort_id, status=status).values("pk").order_by("pk")

    prepared = PreparedQuery(build, cohort_id=STAND_IN_IDS[0])
    for cohort in two_cohorts:
        for status in Pairing.Status.values:
            wanted = list(build(cohort_id=cohort.pk, status=status))
            assert prepared.rows(cohort_id=cohort.pk, status=status) == wanted
    assert len(prepared._compiled) == len(Pairing.Status.values)


def test_a_stand_in_the_orm_changes_runs_the_query_through_the_orm(two_cohorts):
    def build(*, name: str) -> QuerySet:  # icontains sends '%name%', not the stand-in
        return Pairing.objects.filter(mentor__display_name__icontains=name).values("pk")

    prepared = PreparedQuery(build, name="standinname")
    mentor = Pairing.objects.filter(cohort=two_cohorts[0]).first().mentor
    wanted = list(build(name=mentor.display_name[1:4]))
    assert wanted
    assert prepared.rows(name=mentor.display_name[1:4]) == wanted
    assert list(prepared._compiled.values()) == [None]


def test_the_headline_ratings_are_the_feedback_apps_summary(cohort, pairing):
    for rating, answered in ((4, True), (4, True), (2, True), (5, False), (None, True)):
        Feedback.objects.create(
            kind=Feedback.Kind.SESSION,
            pairing=pairing,
            person_id=pairing.mentee_id,
            appointment=AppointmentFactory(
                pairing=pairing,
                starts_at=NOW - timedelta(days=9 + len(Feedback.objects.all())),
                ends_at=NOW - timedelta(days=9 + len(Feedback.objects.all()), minutes=-30),
            ),
            rating=rating,
            answered_at=NOW if answered else None,
        )
    figures = cohort_figures(cohort=cohort, now=NOW, tz=UTC)
    summary = feedback_rating_summary_for_cohort(cohort=cohort)
    assert figures.ratings == summary.distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 0}
    assert figures.rating_count == summary.count
    assert figures.mean_rating == pytest.approx(summary.mean)


def test_the_report_reads_its_cohort_in_one_query_with_what_it_shows(
    cohort, programme_admin, django_assert_num_queries
):
    programme_admin.is_programme_admin  # noqa: B018 (asked by the page's decorator first)
    with django_assert_num_queries(1):
        read = cohort_get_for_report(user=programme_admin, cohort_id=cohort.pk)
        shown = (read.pk, read.name, read.starts_on, read.ends_on)
    assert shown == (cohort.pk, cohort.name, cohort.starts_on, cohort.ends_on)


def test_an_admin_no_longer_running_the_cohorts_organisation_gets_404_on_its_report(
    client, cohort, programme_admin, other_cohort
):
    membership_ensure(organisation=OrganisationFactory(), user=programme_admin, role=Role.ADMIN)
    client.force_login(programme_admin)
    url = reverse("oversight:cohort_report", args=[cohort.pk])
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=programme_admin, organisation=cohort.organisation).update(
        role=Role.MEMBER
    )
    assert client.get(url).status_code == 404  # still a programme admin, elsewhere
    with pytest.raises(Http404):
        cohort_get_for_report(user=programme_admin, cohort_id=other_cohort.pk)


def test_a_query_that_asks_nothing_of_the_database_runs_through_the_orm(two_cohorts):
    def build(*, cohort_id: int) -> QuerySet:
        return Pairing.objects.filter(cohort=cohort_id, pk__in=[]).values("pk")

    prepared = PreparedQuery(build, cohort_id=STAND_IN_IDS[0])
    assert prepared.rows(cohort_id=two_cohorts[0].pk) == []
    assert list(prepared._compiled.values()) == [None]
