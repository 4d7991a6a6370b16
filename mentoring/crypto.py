"""Secrets kept encrypted at rest (identity providers' client secrets and keys).

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`. The keys come from
FIELD_ENCRYPTION_KEYS (newest first, so an old key still decrypts while rows are re-encrypted);
without it, one key is derived from SECRET_KEY, so the embedded mode needs no setting.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    if not keys:
        digest = hashlib.sha256(b"field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold keys made by Fernet.generate_key()."
        ) from error


def encrypt(plain: str) -> str:
    """The text encrypted, as ASCII; an empty text stays empty."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text back; an empty or unreadable token gives "" (a rotated-out key)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return ""
