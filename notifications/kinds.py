"""The registry of notification kinds: what the outbox needs to know about each kind's subject.

The subjects (messages, materials, opportunities, feedback requests) live in apps in the layers
above notifications, which may not import them. So this lower layer defines the protocol: a
NotificationKind says whether a claimed row still applies, what to load with it, how it reads in
the digest email and what it attaches. The apps that own the subjects register their kinds from
their AppConfig.ready(); the scan and the email only ever look kinds up here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from notifications.models import Notification
from pairings.models import Pairing


@dataclass
class DigestItem:
    """One notification as the email shows it."""

    notification: Notification
    kind: str
    who: str
    when: str  # on the recipient's clock
    urgent: bool
    held: bool
    edited: bool
    title: str
    text: str
    link: str
    details: list[str] = field(default_factory=list)  # an opportunity's when, where and link
    attached: bool = False
    download_link: str = ""
    reminder: bool = False  # a feedback request asked again


def _pairing_active(notification: Notification) -> str:
    """The pairing status most kinds need to still apply: active."""
    return Pairing.Status.ACTIVE


@dataclass(frozen=True)
class NotificationKind:
    """How the outbox handles one Notification.Kind; registered by the app owning its subject."""

    kind: str  # a Notification.Kind value
    # Whether the subject is as it was (not read, withdrawn, answered …); the recipient's
    # account and the pairing's status are checked by notifications itself.
    still_applies: Callable[[Notification], bool]
    # The digest item, given the row, the recipient's zone and the fields every item shares
    # (notification, kind, when, held).
    item: Callable[[Notification, ZoneInfo, dict], DigestItem]
    # The email's subject line when this item is the only one.
    subject_line: Callable[[DigestItem], str]
    # select_related paths that load the subject with the row.
    related: tuple[str, ...] = ()
    # The pairing status the row needs to still apply.
    pairing_status: Callable[[Notification], str] = _pairing_active
    # (file name, content, mimetype) to attach, given the bytes left for attachments; None
    # when nothing fits or there is nothing to attach.
    attachment: Callable[[Notification, int], tuple[str, bytes, str] | None] | None = None


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    """Make `kind` the handler of its Notification.Kind value (a later one replaces it)."""
    _KINDS[kind.kind] = kind
    return kind


def kind_for(value: str) -> NotificationKind:
    """The registered handler of the Notification.Kind `value`; LookupError when none is."""
    try:
        return _KINDS[value]
    except KeyError:
        raise LookupError(f"No notification kind {value!r} is registered") from None


def related_paths() -> tuple[str, ...]:
    """Every registered kind's select_related paths, each once, in registration order."""
    return tuple(dict.fromkeys(path for kind in _KINDS.values() for path in kind.related))
