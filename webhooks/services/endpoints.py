"""The owner's endpoints: added with a secret shown once, rotated with an overlap, switched
off and on; the address is checked for a private network when typed and again on every send."""

import base64
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.crypto import decrypt, encrypt
from mentoring.errors import DomainError
from mentoring.outbound import AddressRefused, PrivateAddress, checked_address
from organisations.models import Organisation
from webhooks.models import EventKind, WebhookEndpoint

# After a rotation the old secret signs too for this long, so receivers can switch over.
ROTATION_OVERLAP = timedelta(hours=24)
SECRET_BYTES = 24


class EndpointRefused(DomainError):
    """Refused, with the form field it is about (or None)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def secret_make() -> str:
    """A new signing secret in the Standard Webhooks form, `whsec_<base64>`."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def endpoint_url_problem(*, url: str) -> str | None:
    """Why this address cannot receive webhooks, in words; None when it can.

    HTTPS only (a host in WEBHOOK_ALLOWED_HOSTS may use http), and the host must resolve to
    public addresses only (the allowed hosts excepted). Resolved now; every send checks again.
    """
    parts = urlsplit(url)
    allowed = {name.lower() for name in settings.WEBHOOK_ALLOWED_HOSTS}
    host = (parts.hostname or "").lower()
    if not host:
        return _("Give a full address, starting with https://.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _("The port in this address is not a number between 1 and 65535.")
    if parts.scheme not in ("http", "https"):
        return _("The address must start with https://: deliveries are sent encrypted only.")
    not_found = None
    try:
        checked_address(host, port, allowed_hosts=allowed)
    except PrivateAddress as refused:
        return str(refused)
    except AddressRefused as refused:
        not_found = str(refused)
    if parts.scheme != "https" and host not in allowed:
        return _("The address must start with https://: deliveries are sent encrypted only.")
    return not_found


def _kinds(event_kinds: list[str]) -> list[str]:
    chosen = [kind for kind in EventKind.values if kind in set(event_kinds)]
    if not chosen:
        raise EndpointRefused(_("Choose at least one event to send there."), field="event_kinds")
    return chosen


@transaction.atomic
def endpoint_create(
    *,
    organisation: Organisation,
    url: str,
    description: str,
    event_kinds: list[str],
    by: User,
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint; returns it and its secret, which is shown this once and kept only
    encrypted. Raises EndpointRefused (a private or non-HTTPS address, no event chosen)."""
    problem = endpoint_url_problem(url=url)
    if problem:
        raise EndpointRefused(problem, field="url")
    secret = secret_make()
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        description=description.strip(),
        event_kinds=_kinds(event_kinds),
        secret_encrypted=encrypt(secret),
        created_by=by,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, description: str, event_kinds: list[str]
) -> WebhookEndpoint:
    """Change what the endpoint is for and which events it gets (from the next event on)."""
    endpoint.description = description.strip()
    endpoint.event_kinds = _kinds(event_kinds)
    endpoint.save(update_fields=["description", "event_kinds"])
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(
    *, endpoint: WebhookEndpoint, now: datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new secret, shown this once; the old one still signs for ROTATION_OVERLAP (each
    delivery then carries both signatures). Rotating again during an overlap drops the
    oldest secret at once."""
    now = now or timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = secret_make()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.secret_encrypted = encrypt(secret)
    endpoint.secret_rotated_at = now
    endpoint.save(
        update_fields=[
            "previous_secret_encrypted",
            "previous_secret_until",
            "secret_encrypted",
            "secret_rotated_at",
        ]
    )
    return endpoint, secret


def signing_secrets(*, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one
    while its overlap lasts."""
    found = [decrypt(endpoint.secret_encrypted)]
    if endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        found.append(decrypt(endpoint.previous_secret_encrypted))
    return [secret for secret in found if secret]


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch the endpoint on again: its run of failures is forgotten, and deliveries still
    waiting go out on their schedule. Safe to repeat."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=True,
        disabled_at=None,
        disabled_reason="",
        consecutive_failures=0,
        failing_since=None,
    )
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str = "") -> WebhookEndpoint:
    """Switch the endpoint off by hand: no new deliveries are made for it and waiting ones
    wait. Safe to repeat."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint with its delivery log."""
    endpoint.delete()
