"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from oversight.services.health import pairing_health_refresh


# Thousands of pairings take seconds; the limits only stop a stuck run from holding a worker.
@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60)
def pairing_health_refresh_task() -> int:
    """Beat, nightly at 02:30 UTC: reassess every active pairing and snapshot the day."""
    return pairing_health_refresh()
