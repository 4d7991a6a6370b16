"""Every periodic scan that beat sends names a task a worker knows."""

from celery.schedules import crontab
from django.conf import settings

from mentoring.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start-up

    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        if isinstance(entry["schedule"], crontab):
            continue  # a time of day (the nightly health refresh), not a wait in the broker
        assert entry["schedule"] <= 15 * 60, name  # scans, not long waits in the broker


def test_the_health_refresh_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["pairing-health-refresh"]
    assert entry["task"] == "oversight.tasks.health.pairing_health_refresh_task"
    assert entry["schedule"] == crontab(hour=2, minute=30)


def test_the_weekly_health_email_is_looked_at_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["health-weekly-dispatch"]
    assert entry["task"] == "oversight.tasks.weekly.health_weekly_dispatch_task"
    assert entry["schedule"] == crontab(minute=0)
