"""Reads for single sign-on: whose provider an address belongs to, and the owner's settings."""

from django.urls import reverse
from django.utils import timezone

from identity.models import IdentityProvider
from organisations.models import Organisation
from organisations.selectors import organisation_for_email
from programmes.models import Cohort
from programmes.selectors.invites import invite_links_open


def identity_provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider of the organisation that verified this address's domain, if any."""
    organisation = organisation_for_email(email)
    if organisation is None:
        return None
    return (
        IdentityProvider.objects.filter(organisation=organisation, enabled=True)
        .select_related("organisation")
        .first()
    )


def identity_provider_of(*, organisation: Organisation) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(organisation=organisation).first()


def organisation_has_verified_domain(*, organisation: Organisation) -> bool:
    return organisation.domains.filter(verified_at__isnull=False).exists()


def sso_landing_url(*, organisation: Organisation) -> str | None:
    """Where someone signing in through the organisation's provider lands when they asked for
    no page: the join page of its one cohort open for enrolment (when it has exactly one, with
    exactly one shareable link); None for the dashboard."""
    today = timezone.localdate()
    open_cohorts = list(
        Cohort.objects.filter(organisation=organisation, enrolment_deadline__gte=today)[:2]
    )
    if len(open_cohorts) != 1:
        return None
    links = list(invite_links_open(cohort=open_cohorts[0])[:2])
    if len(links) != 1:
        return None
    return reverse("programmes:join", args=[links[0].token])
