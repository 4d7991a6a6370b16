"""What we read from organisations' identity providers over the network, only from public
addresses (mentoring.outbound), unless the provider's host is in IDENTITY_ALLOWED_HOSTS.

allauth makes every OpenID Connect request (discovery, token, user info, signing keys)
through the session `identity_session` gives it. SAML metadata by URL is read here, not by
python3-saml (which would open any address): `saml_metadata_from_url` fetches it with a size
and time limit, parses it as pasted metadata is, and keeps it for METADATA_CACHE_SECONDS.
"""

import functools
import hashlib
import logging

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from identity.saml import IdpMetadata, idp_metadata_parse
from mentoring.outbound import guarded_session, refusal_of

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds, per request
METADATA_MAX_BYTES = 1024 * 1024
METADATA_CACHE_SECONDS = 4 * 60 * 60


class MetadataUnavailable(requests.RequestException):
    """The provider's metadata could not be read; the message says why, in words."""


def identity_session() -> requests.Session:
    session = guarded_session(allowed_hosts=settings.IDENTITY_ALLOWED_HOSTS)
    session.request = functools.partial(session.request, timeout=TIMEOUT)
    return session


def _metadata_key(url: str) -> str:
    return "identity.saml-metadata." + hashlib.sha256(url.encode()).hexdigest()


def saml_metadata_from_url(url: str) -> IdpMetadata:
    """The metadata at `url`, from the cache when read lately. Raises MetadataUnavailable."""
    key = _metadata_key(url)
    if (cached := cache.get(key)) is not None:
        return cached
    try:
        with identity_session() as session:
            response = session.get(url, stream=True, allow_redirects=True)
            response.raise_for_status()
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > METADATA_MAX_BYTES:
                    raise MetadataUnavailable(_("The provider's metadata is larger than 1 MB."))
    except requests.RequestException as error:
        if isinstance(error, MetadataUnavailable):
            raise
        refusal = refusal_of(error)
        raise MetadataUnavailable(
            str(refusal) if refusal else _("The provider's metadata could not be read.")
        ) from error
    try:
        metadata = idp_metadata_parse(body.decode("utf-8", errors="replace"))
    except ValidationError as error:
        raise MetadataUnavailable(" ".join(error.messages)) from error
    cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return metadata


def saml_metadata_forget(url: str) -> None:
    """Read the metadata afresh next time (the owner changed the address or saved again)."""
    cache.delete(_metadata_key(url))
