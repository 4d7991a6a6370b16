"""Secrets at rest: an identity provider's client secret is never in the database in clear."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from identity.models import IdentityProvider
from mentoring.crypto import decrypt, encrypt
from tests.factories import OrganisationFactory

SECRET = "s3cr3t-client-value-for-the-provider"


@pytest.mark.django_db
def test_a_client_secret_is_stored_encrypted_and_read_back():
    idp = IdentityProvider(organisation=OrganisationFactory(), protocol="oidc")
    idp.client_secret = SECRET
    idp.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret_encrypted FROM identity_identityprovider WHERE id = %s",
            [idp.pk],
        )
        (stored,) = cursor.fetchone()

    assert SECRET not in stored
    assert IdentityProvider.objects.get(pk=idp.pk).client_secret == SECRET


def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = encrypt(SECRET)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    assert decrypt(token) == SECRET
    assert decrypt(encrypt(SECRET)) == SECRET


def test_a_secret_under_a_key_no_longer_listed_reads_as_empty_not_an_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = encrypt(SECRET)

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert decrypt(token) == ""
