"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app."""

import os

from celery import Celery, Task
from celery.signals import task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _database_connections_checked(task: Task, **kwargs: object) -> None:
    """Before each task, what Django does before each request: a connection that failed or
    passed CONN_MAX_AGE is closed, and the next query pings the rest first (CONN_HEALTH_CHECKS).

    Celery's own fixup keeps a worker's connection for CELERY_DB_REUSE_MAX tasks unchecked, so
    after a database restart the next tasks would fail on the dead connection and be lost.
    """
    if not getattr(task.request, "is_eager", False):  # eager: the caller's connection
        close_old_connections()
