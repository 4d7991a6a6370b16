"""Every periodic scan that beat sends names a task a worker knows."""

from django.conf import settings

from mentoring.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start-up

    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["schedule"] <= 15 * 60, name  # scans, not long waits in the broker
