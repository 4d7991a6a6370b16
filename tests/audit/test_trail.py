"""The audit trail: a cohort's admins see who did what there, when and from where; each person
sees their own security events; the trail keeps AUDIT_RETENTION_DAYS days."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_entries_expire
from tests.factories import PASSWORD, cohort_admin_add

pytestmark = pytest.mark.django_db


def test_a_cohorts_admins_see_who_closed_a_pairing_and_who_exported_it(
    client, cohort, pairing, programme_admin
):
    client.force_login(programme_admin)
    client.post(reverse("pairings:pairing_admin_close", args=[pairing.pk]), {"reason": "rematch"})
    b"".join(client.get(reverse("oversight:cohort_export", args=[cohort.pk, "pairings"])))

    html = client.get(reverse("oversight:cohort_trail", args=[cohort.pk])).content.decode()

    assert "pairings exported" in html
    assert "active → closed" in html
    assert html.count(programme_admin.name) >= 2  # who did each
    assert "127.0.0.1" in html  # from where


def test_another_cohorts_trail_shows_none_of_this_cohorts_actions(
    client, cohort, other_cohort, pairing, programme_admin
):
    client.force_login(programme_admin)
    client.post(reverse("pairings:pairing_admin_close", args=[pairing.pk]), {"reason": "rematch"})
    cohort_admin_add(other_cohort, programme_admin)

    html = client.get(reverse("oversight:cohort_trail", args=[other_cohort.pk])).content.decode()

    assert "active → closed" not in html
    assert pairing.mentee.name not in html


def test_a_person_sees_their_own_sign_ins_and_failed_ones_and_nobody_elses(mentee, other_mentee):
    alice, charlie = Client(), Client()
    alice.post(reverse("account_login"), {"login": mentee.email, "password": "wrong"})
    alice.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})
    charlie.post(reverse("account_login"), {"login": other_mentee.email, "password": PASSWORD})
    alice.get(reverse("home:dashboard"))  # shows, and so drops, the "Signed in." flash

    html = alice.get(reverse("audit:security_events")).content.decode()

    assert "A sign-in with a wrong password" in html
    assert html.count("Signed in") == 1  # hers, not Charlie's
    assert "127.0.0.1" in html


def test_the_trail_keeps_its_retention_and_no_longer(settings, mentee):
    settings.AUDIT_RETENTION_DAYS = 30
    old = LogEntry.objects.log_create(mentee, force_log=True, action=LogEntry.Action.ACCESS)
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=31))
    recent = LogEntry.objects.log_create(mentee, force_log=True, action=LogEntry.Action.ACCESS)

    assert audit_entries_expire(now=timezone.now()) == 1

    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_staff_read_the_whole_trail_in_the_admin(admin_client, client, pairing, programme_admin):
    client.force_login(programme_admin)
    client.post(reverse("pairings:pairing_admin_close", args=[pairing.pk]), {"reason": "rematch"})

    response = admin_client.get("/admin/auditlog/logentry/")

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
