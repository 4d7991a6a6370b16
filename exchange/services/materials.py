"""Sharing materials (a file or a link) with the pairing, and withdrawing them.

A file is checked (exchange.uploads) before a byte is written; the row and the partner's
notification are written in one transaction with it. Withdrawing keeps the row for the record
and deletes the file from storage once the withdrawal is committed.
"""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchange.models import Material, material_upload_to, materials_storage
from exchange.selectors.materials import material_sessions_for, url_host
from exchange.uploads import upload_check
from mentoring.errors import DomainError
from notifications.models import Notification
from notifications.services import notification_schedule
from pairings.models import Pairing
from sessions_app.models import Appointment

TITLE_MAX_LENGTH = Material._meta.get_field("title").max_length
_url_valid = URLValidator(schemes=["http", "https"])


class MaterialRefused(DomainError):
    """A share or withdrawal refused; `field` names the form field it is about, if any."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_can_share(*, pairing: Pairing, by: User, appointment: Appointment | None) -> None:
    if by.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise MaterialRefused(_("Only the two people of a pairing can share materials in it."))
    if pairing.status != Pairing.Status.ACTIVE:
        raise MaterialRefused(_("This pairing is not active, so nothing more can be shared in it."))
    if appointment is not None and not (
        material_sessions_for(pairing=pairing, now=timezone.now())
        .filter(pk=appointment.pk)
        .exists()
    ):
        raise MaterialRefused(
            _("Materials can be shared only for one of your upcoming sessions together."),
            field="appointment",
        )


def _notify_partner(material: Material) -> None:
    pairing = material.pairing
    notification_schedule(
        recipient=pairing.partner_of(material.shared_by),
        pairing=pairing,
        kind=Notification.Kind.MATERIAL,
        material=material,
    )


@transaction.atomic
def material_share_file(
    *,
    pairing: Pairing,
    by: User,
    upload: File,
    note: str = "",
    appointment: Appointment | None = None,
) -> Material:
    """Store a checked file for the pairing and schedule the partner's email. Raises
    MaterialRefused (field "file" for the file's own faults) and then stores nothing."""
    _check_can_share(pairing=pairing, by=by, appointment=appointment)
    try:
        name, content_type = upload_check(upload)
    except ValidationError as exc:
        raise MaterialRefused(exc.messages[0], field="file") from None
    material = Material(
        pairing=pairing,
        shared_by=by,
        kind=Material.Kind.FILE,
        title=name,
        content_type=content_type,
        size=upload.size,
        note=note,
        appointment=appointment,
    )
    storage = materials_storage()
    # Written before the row so the row never names a missing file; removed again if the
    # row cannot be written, so a refusal leaves nothing behind.
    material.file.name = storage.save(
        material_upload_to(material, name),
        upload,
        max_length=Material._meta.get_field("file").max_length,
    )
    try:
        with transaction.atomic():
            material.save()
            _notify_partner(material)
    except BaseException:
        storage.delete(material.file.name)
        raise
    return material


@transaction.atomic
def material_share_link(
    *,
    pairing: Pairing,
    by: User,
    url: str,
    title: str = "",
    note: str = "",
    appointment: Appointment | None = None,
) -> Material:
    """Share an http(s) link with the pairing (titled by its host when no title is given) and
    schedule the partner's email. Raises MaterialRefused."""
    _check_can_share(pairing=pairing, by=by, appointment=appointment)
    try:
        _url_valid(url)
    except ValidationError:
        raise MaterialRefused(
            _("Enter a full web address starting with https:// or http://."), field="url"
        ) from None
    material = Material.objects.create(
        pairing=pairing,
        shared_by=by,
        kind=Material.Kind.LINK,
        url=url,
        title=(title.strip() or url_host(url))[:TITLE_MAX_LENGTH],
        note=note,
        appointment=appointment,
    )
    _notify_partner(material)
    return material


@transaction.atomic
def material_withdraw(*, material: Material, by: User) -> None:
    """Withdraw a material its sharer shared: it leaves every list, downloads answer 404, its
    unsent emails are skipped and its file is deleted once committed. Safe to repeat; raises
    MaterialRefused for anyone but the sharer or in a pairing no longer active."""
    material = (
        Material.objects.select_for_update(of=("self",))
        .select_related("pairing")
        .get(pk=material.pk)
    )
    if material.withdrawn_at is not None:
        return
    if material.shared_by_id != by.pk:
        raise MaterialRefused(_("Only the person who shared it can withdraw it."))
    if material.pairing.status != Pairing.Status.ACTIVE:
        raise MaterialRefused(
            _("This pairing is not active: its materials can be read, not changed.")
        )
    material.withdrawn_at = timezone.now()
    material.save(update_fields=["withdrawn_at"])
    Notification.objects.filter(material=material, status=Notification.Status.PENDING).update(
        status=Notification.Status.SKIPPED
    )
    if material.kind == Material.Kind.FILE and material.file.name:
        name = material.file.name
        transaction.on_commit(lambda: materials_storage().delete(name))
