from django.apps import AppConfig


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "Queued tasks"

    def ready(self) -> None:
        from celery.signals import task_postrun

        from outbox.services import queued_task_finished

        task_postrun.connect(queued_task_finished, weak=False, dispatch_uid="outbox-finished")
