"""The notification kinds whose subjects exchange owns: messages, materials and opportunities.

notifications sits below exchange and may not import it, so it defines the protocol
(notifications.kinds) and exchange registers these from ExchangeConfig.ready(): when each still
applies, what to load with it, how it reads in the digest email, its subject line and, for a
shared file small enough, the attachment read from the materials storage (a larger one, or one
the storage cannot give back, is a link that needs signing in).
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from exchange.models import Material, materials_storage
from mentoring.links import absolute
from notifications.kinds import DigestItem, NotificationKind, register
from notifications.models import Notification

# --- messages -----------------------------------------------------------------------------


def _message_still_applies(notification: Notification) -> bool:
    """The message is neither read on the site nor deleted."""
    message = notification.message
    return message.read_at is None and message.deleted_at is None


def _message_item(notification: Notification, zone: ZoneInfo, common: dict) -> DigestItem:
    """The message as it stands now (an edit after sending counts), linking to its thread."""
    message = notification.message
    return DigestItem(
        **common,
        who=message.sender.name,
        urgent=message.urgent,
        edited=message.edited_at is not None,
        title="",
        text=message.body,
        link=absolute("exchange:thread", notification.pairing_id),
    )


def _message_subject(item: DigestItem) -> str:
    """The one message's subject line: urgent or new, from whom."""
    names = {"who": item.who, "title": item.title}
    if item.urgent:
        return _("Urgent message from %(who)s") % names
    return _("New message from %(who)s") % names


# --- materials ----------------------------------------------------------------------------


def _material_still_applies(notification: Notification) -> bool:
    """The material is not withdrawn."""
    return notification.material.withdrawn_at is None


def _material_item(notification: Notification, zone: ZoneInfo, common: dict) -> DigestItem:
    """The material's title and note, its link or download link, linking to the materials."""
    material = notification.material
    return DigestItem(
        **common,
        who=material.shared_by.name,
        urgent=False,
        edited=False,
        title=material.title,
        text=material.note,
        link=absolute("exchange:materials", notification.pairing_id),
        details=[material.url] if material.kind == Material.Kind.LINK else [],
        download_link=(
            absolute("exchange:material_download", material.pk)
            if material.kind == Material.Kind.FILE
            else ""
        ),
    )


def _material_subject(item: DigestItem) -> str:
    """The one material's subject line: who shared what."""
    return _("%(who)s shared “%(title)s”") % {"who": item.who, "title": item.title}


def _material_bytes(material: Material, *, room: int) -> bytes | None:
    """The shared file's content when it fits the attachment limit and `room`, else None."""
    limit = min(settings.MATERIAL_ATTACH_MAX_BYTES, room)
    if material.kind != Material.Kind.FILE or not material.file.name:
        return None
    storage = materials_storage()
    try:
        size = material.size if material.size is not None else storage.size(material.file.name)
        if size > limit:
            return None
        with storage.open(material.file.name, "rb") as handle:
            content = handle.read(limit + 1)
    except OSError:
        return None  # gone from the storage, or unreadable now: the link still explains
    return content if len(content) <= limit else None


def _material_attachment(notification: Notification, room: int) -> tuple[str, bytes, str] | None:
    """(title, content, mimetype) of the shared file when it fits `room`, else None."""
    material = notification.material
    content = _material_bytes(material, room=room)
    if content is None:
        return None
    return material.title, content, material.content_type or "application/octet-stream"


# --- opportunities ------------------------------------------------------------------------


def _opportunity_still_applies(notification: Notification) -> bool:
    """The opportunity is not yet answered on the site."""
    return notification.opportunity.responded_at is None


def _opportunity_item(notification: Notification, zone: ZoneInfo, common: dict) -> DigestItem:
    """The opportunity with its kind, when (on `zone`'s clock), where and link."""
    opportunity = notification.opportunity.opportunity
    details = [str(opportunity.get_kind_display())]
    if opportunity.starts_at:
        starts = date_format(timezone.localtime(opportunity.starts_at, zone), "D j M Y, H:i")
        if opportunity.ends_at:
            ends = timezone.localtime(opportunity.ends_at, zone)
            starts += "\N{EN DASH}" + date_format(ends, "TIME_FORMAT")
        details.append(starts)
    details += [text for text in (opportunity.location, opportunity.url) if text]
    return DigestItem(
        **common,
        who=opportunity.mentor.name,
        urgent=False,
        edited=False,
        title=opportunity.title,
        text=opportunity.note,
        link=absolute("exchange:opportunity_detail", opportunity.pk),
        details=details,
    )


def _opportunity_subject(item: DigestItem) -> str:
    """The one opportunity's subject line: who passed on which."""
    return _("%(who)s passed on an opportunity: %(title)s") % {
        "who": item.who,
        "title": item.title,
    }


register(
    NotificationKind(
        kind=Notification.Kind.MESSAGE,
        still_applies=_message_still_applies,
        item=_message_item,
        subject_line=_message_subject,
        related=("message__sender",),
    )
)
register(
    NotificationKind(
        kind=Notification.Kind.MATERIAL,
        still_applies=_material_still_applies,
        item=_material_item,
        subject_line=_material_subject,
        related=("material__shared_by",),
        attachment=_material_attachment,
    )
)
register(
    NotificationKind(
        kind=Notification.Kind.OPPORTUNITY,
        still_applies=_opportunity_still_applies,
        item=_opportunity_item,
        subject_line=_opportunity_subject,
        related=("opportunity__opportunity__mentor",),
    )
)
