"""The report's rows, compiled once (mentoring.prepared), are what the ORM gives for each cohort and
time; the cohort's headline ratings are the feedback app's summary; the report's cohort is read
for its admins only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404
from django.urls import reverse

from feedback.models import Feedback
from feedback.selectors import feedback_rating_summary_for_cohort
from mentoring.prepared import PreparedQuery
from organisations.models import Membership, Role
from organisations.services import membership_ensure
from oversight.selectors.cohort_dashboard import cohort_figures
from oversight.selectors.cohorts import cohort_get_for_report
from oversight.selectors.report import _report_rows_query
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
    prepared = PreparedQuery(_report_rows_query, "cohort_id", "now")
    for cohort in two_cohorts:
        for now in (NOW, NOW - timedelta(days=10)):
            wanted = list(_report_rows_query(cohort_id=cohort.pk, now=now))
            assert prepared(cohort_id=cohort.pk, now=now) == wanted
    assert len(prepared._compiled) == 1  # compiled once
    assert next(iter(prepared._compiled.values())) is not None  # and not through the ORM


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
