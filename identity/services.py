"""Writes for single sign-on: an owner's provider settings; who an SSO sign-in makes a member."""

from auditlog.models import LogEntry
from django.db import transaction

from accounts.models import User
from identity.models import IdentityProvider
from identity.remote import saml_metadata_forget
from organisations.models import Membership, Organisation
from organisations.services import membership_ensure

# The settings an owner edits, as the audit trail records them (the client secret never is:
# only that it changed).
AUDITED_FIELDS = (
    "protocol",
    "enabled",
    "require_sso",
    "issuer",
    "client_id",
    "metadata_url",
    "entity_id",
    "sso_url",
    "slo_url",
    "x509_certificate",
)
SECRET_CHANGED = "(changed)"  # noqa: S105  (what the trail shows instead of the secret)


@transaction.atomic
def identity_provider_save(
    *, organisation: Organisation, by: User, client_secret: str = "", **fields: object
) -> IdentityProvider:
    """Create or update the organisation's provider; a blank client secret keeps the stored one.
    Records who changed what in the audit trail (never the secret). Safe to repeat."""
    idp = IdentityProvider.objects.select_for_update().filter(organisation=organisation).first()
    created = idp is None
    if created:
        idp = IdentityProvider(organisation=organisation)
    before = {name: getattr(idp, name) for name in AUDITED_FIELDS}
    for name, value in fields.items():
        setattr(idp, name, value)
    changes = {
        name: [str(before[name]), str(getattr(idp, name))]
        for name in AUDITED_FIELDS
        if before[name] != getattr(idp, name)
    }
    if client_secret:
        idp.client_secret = client_secret
        changes["client_secret"] = ["", SECRET_CHANGED]
    idp.full_clean()
    idp.save()
    for url in {before["metadata_url"], idp.metadata_url} - {""}:
        saml_metadata_forget(url)  # saving reads the provider's metadata afresh
    if changes:
        LogEntry.objects.log_create(
            idp,
            force_log=True,
            action=LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE,
            changes=changes,
            additional_data={"organisation_id": organisation.pk, "changed_by": by.pk},
        )
    return idp


def sso_membership_ensure(*, user: User, organisation: Organisation) -> Membership:
    """Someone who signed in through the organisation's provider is one of its members (a
    higher role they hold stays)."""
    return membership_ensure(organisation=organisation, user=user, source=Membership.Source.SSO)
