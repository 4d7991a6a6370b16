"""Contact agreements: each partner's terms, acknowledgements, and when the agreement holds."""

from django.db import transaction

from ..models import ContactAgreement, Pairing


@transaction.atomic
def agreement_open(*, pairing: Pairing) -> ContactAgreement:
    """Open the pairing's contact agreement (empty, version 0). Safe to repeat."""
    agreement, _ = ContactAgreement.objects.get_or_create(pairing=pairing)
    return agreement
