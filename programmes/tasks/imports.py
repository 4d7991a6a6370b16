"""Tasks: take ids, call one service; safe to run twice."""

from celery import shared_task

from programmes.services.imports import import_run


@shared_task
def import_run_task(job_id: int) -> None:
    import_run(job_id=job_id)
