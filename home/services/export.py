"""A person's copy of their data: asked for on the site, built by a worker, mailed as a link
that works for them alone, signed in, for EXPORT_DAYS days."""

from datetime import datetime
from functools import partial

from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import email_build
from accounts.models import User
from accounts.services import email_send_once
from audit.events import security_event_log
from exchange.models import materials_storage
from home.export import export_zip
from home.models import DataExport
from mentoring.links import absolute
from outbox.services import task_enqueue_on_commit


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Ask for a copy; one being prepared already is returned instead. Safe to repeat."""
    waiting = DataExport.objects.filter(user=user, status=DataExport.Status.QUEUED).first()
    if waiting is not None:
        return waiting
    export = DataExport.objects.create(user=user)
    security_event_log(user=user, event="data_export_requested")
    from home.tasks import data_export_build_task

    task_enqueue_on_commit(data_export_build_task, export.pk)
    return export


def _read(name: str) -> bytes | None:
    try:
        with materials_storage().open(name, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _ready_email(export: DataExport) -> EmailMultiAlternatives:
    return email_build(
        template="home/data_export",
        to=export.user.email,
        subject=_("Your copy of your mentoring data is ready"),
        context={
            "user": export.user,
            "link": absolute("home:export_download", export.token),
            "expires_at": export.expires_at,
        },
    )


def data_export_build(*, export_id: int) -> bool:
    """Build the zip into the private storage, mark it ready and email its link once. Safe to
    run twice: a second run finds it ready and only makes sure the email went out."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update().select_related("user").filter(pk=export_id)
        ).first()
        if export is None or export.status == DataExport.Status.EXPIRED:
            return False
        if export.status == DataExport.Status.QUEUED:
            content = export_zip(user=export.user, open_file=_read)
            name = materials_storage().save(f"exports/{export.token}.zip", ContentFile(content))
            export.file_name, export.size = name, len(content)
            export.status, export.ready_at = DataExport.Status.READY, timezone.now()
            export.save(update_fields=["file_name", "size", "status", "ready_at"])
    return email_send_once(
        kind="data_export",
        key=str(export.pk),
        recipient=export.user,
        build=partial(_ready_email, export),
    )


def data_exports_expire(*, now: datetime) -> int:
    """Delete the files of exports past their date; return how many. Safe to repeat."""
    storage = materials_storage()
    done = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        storage.delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.EXPIRED, file_name=""
        )
        done += 1
    return done
