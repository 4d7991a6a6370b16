"""Announcements through the API: read by admins and organisation tokens, sent only by a
session or a read-and-write personal token, through the announcement page's own service."""

import uuid

import pytest
from rest_framework.test import APIClient

from oversight.models import Announcement, AnnouncementDelivery
from oversight.services.announcements import announcement_send
from tests.api.test_admin_access import (
    ADMIN,
    organisation_client,
    personal_client,
    queries_constant,
    riverside_cohort,
)
from tests.factories import EnrolmentFactory, UserFactory, default_organisation

pytestmark = pytest.mark.django_db
NEW = {"audience": "everyone", "subject": "Kick-off", "body": "See you on Monday."}


def _announce(cohort, by, subject: str = "Welcome") -> Announcement:
    return announcement_send(
        cohort=cohort, by=by, audience="everyone", subject=subject, body="Hi", key=uuid.uuid4()
    )


def test_an_admin_reads_the_list_and_one_with_its_progress(programme_admin, pairing, cohort):
    announcement = _announce(cohort, programme_admin)
    client = personal_client(programme_admin)

    listed = client.get(f"{ADMIN}/cohorts/{cohort.pk}/announcements/").json()["results"]
    detail = client.get(f"{ADMIN}/announcements/{announcement.pk}/")

    assert [(row["subject"], row["sent_count"], row["total_count"]) for row in listed] == [
        ("Welcome", 0, 2)
    ]
    assert detail.status_code == 200
    assert detail.json()["body"] == "Hi"
    assert detail.json()["created_by"] == "Dana Admin"
    assert detail.json()["progress"] == {"sent": 0, "total": 2, "refused": 0, "finished": False}


def test_a_read_write_token_sends_one_announcement_however_often_it_is_sent(
    programme_admin, pairing, cohort
):
    client = personal_client(programme_admin, scope="read-write")
    url = f"{ADMIN}/cohorts/{cohort.pk}/announcements/"
    body = {**NEW, "key": str(uuid.uuid4())}

    first = client.post(url, body)
    again = client.post(url, body)

    assert first.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["progress"]["total"] == 2
    assert Announcement.objects.get().created_by == programme_admin
    assert AnnouncementDelivery.objects.count() == 2


def test_a_signed_in_admin_sends_one_from_the_browser(programme_admin, pairing, cohort):
    client = APIClient()
    client.force_login(programme_admin)

    response = client.post(
        f"{ADMIN}/cohorts/{cohort.pk}/announcements/", {**NEW, "audience": "mentors"}
    )

    assert response.status_code == 201
    assert response.json()["recipients_total"] == 1


def test_a_read_only_or_organisation_token_cannot_send(programme_admin, pairing, cohort):
    url = f"{ADMIN}/cohorts/{cohort.pk}/announcements/"

    read_only = personal_client(programme_admin).post(url, NEW)
    organisation = organisation_client(default_organisation()).post(url, NEW)

    assert read_only.status_code == 403
    assert "read-only" in read_only.json()["detail"]
    assert organisation.status_code == 403
    assert not Announcement.objects.exists()


def test_a_refused_field_is_named_and_nothing_is_sent(programme_admin, pairing, cohort):
    client = personal_client(programme_admin, scope="read-write")
    url = f"{ADMIN}/cohorts/{cohort.pk}/announcements/"

    response = client.post(url, {"audience": "managers", "subject": "x" * 201, "body": "Hi"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"audience", "subject"}
    assert not Announcement.objects.exists()


def test_an_announcement_to_nobody_is_refused_in_words_with_a_code(programme_admin, cohort):
    EnrolmentFactory(cohort=cohort, role="mentee")
    client = personal_client(programme_admin, scope="read-write")

    response = client.post(
        f"{ADMIN}/cohorts/{cohort.pk}/announcements/", {**NEW, "audience": "mentors"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "announcement_refused"
    assert "Nobody" in response.json()["detail"]


def test_another_cohorts_announcement_is_404_for_an_admin_and_an_organisation_token(
    programme_admin, other_cohort
):
    EnrolmentFactory(cohort=other_cohort)
    theirs = _announce(other_cohort, UserFactory())
    riverside = riverside_cohort()
    EnrolmentFactory(cohort=riverside)
    elsewhere = _announce(riverside, UserFactory())
    admin = personal_client(programme_admin, scope="read-write")
    organisation = organisation_client(default_organisation())

    assert admin.get(f"{ADMIN}/announcements/{theirs.pk}/").status_code == 404
    assert admin.post(f"{ADMIN}/cohorts/{other_cohort.pk}/announcements/", NEW).status_code == 404
    assert organisation.get(f"{ADMIN}/announcements/{theirs.pk}/").status_code == 200
    assert organisation.get(f"{ADMIN}/announcements/{elsewhere.pk}/").status_code == 404
    assert Announcement.objects.count() == 2


def test_the_list_reads_as_many_queries_for_30_announcements_as_for_3(
    programme_admin, pairing, cohort
):
    for n in range(3):
        _announce(cohort, programme_admin, subject=f"News {n}")
    queries_constant(
        personal_client(programme_admin),
        f"{ADMIN}/cohorts/{cohort.pk}/announcements/?page_size=100",
        lambda: [_announce(cohort, programme_admin, subject=f"More {n}") for n in range(27)],
    )
