"""allauth's socialaccount hooks: each organisation's identity provider as an allauth app.

The apps are built from identity.IdentityProvider rows on each request (unsaved SocialApp
objects), so owners configure them in the app and the secrets stay encrypted in the database.
An OpenID Connect provider is `openid_connect` with provider id `org-<slug>`; a SAML one is
`saml` with the organisation's slug as its client id (allauth's SAML URLs carry it) and
provider id `saml-<slug>` (a NameID is unique within its IdP only: accounts stay apart).
"""

import logging

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from identity.models import IdentityProvider
from identity.receivers import organisation_of
from identity.remote import MetadataUnavailable, identity_session, saml_metadata_from_url
from identity.saml import saml_provider_id, sp_settings
from identity.selectors import sso_landing_url
from organisations.models import Organisation

logger = logging.getLogger(__name__)

PENDING_LINK = "identity_pending_link"  # session key: a social login waiting for proof (views)

OIDC = "openid_connect"
SAML = "saml"


def sso_required_message(idp: IdentityProvider) -> str:
    return _(
        "%(organisation)s signs its people in through its own identity provider, so passwords "
        "are turned off for its addresses. Type this address on the sign-in page to continue "
        "with %(organisation)s."
    ) % {"organisation": idp.organisation.name}


def oidc_provider_id(slug: str) -> str:
    return f"org-{slug}"


def social_app_for(idp: IdentityProvider) -> SocialApp:
    """The allauth app of this identity provider (not saved)."""
    organisation = idp.organisation
    if idp.protocol == IdentityProvider.Protocol.OIDC:
        return SocialApp(
            provider=OIDC,
            provider_id=oidc_provider_id(organisation.slug),
            name=organisation.name,
            client_id=idp.client_id,
            secret=idp.client_secret,
            settings={
                "server_url": idp.issuer,
                "oauth_pkce_enabled": True,
                "organisation_id": organisation.pk,
            },
        )
    if idp.metadata_url:  # read here, from a public address only; python3-saml never fetches
        metadata = saml_metadata_from_url(idp.metadata_url)
        idp_settings = {
            "entity_id": idp.entity_id or metadata.entity_id,
            "sso_url": metadata.sso_url,
            "slo_url": metadata.slo_url,
            "x509cert": metadata.x509_certificate,
        }
    else:
        idp_settings = {
            "entity_id": idp.entity_id,
            "sso_url": idp.sso_url,
            "slo_url": idp.slo_url,
            "x509cert": idp.x509_certificate,
        }
    return SocialApp(
        provider=SAML,
        provider_id=saml_provider_id(organisation.slug),
        name=organisation.name,
        client_id=organisation.slug,
        settings={
            "idp": idp_settings,
            **sp_settings(organisation.slug),
            "organisation_id": organisation.pk,
        },
    )


def _social_app_or_none(idp: IdentityProvider) -> SocialApp | None:
    """In a list of every organisation's apps, one whose metadata cannot be read is left out
    (its own sign-in says why) rather than failing everyone's."""
    try:
        return social_app_for(idp)
    except MetadataUnavailable as error:
        logger.warning("SAML metadata of %s unreadable: %s", idp.organisation.slug, error)
        return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        found = IdentityProvider.objects.filter(enabled=True).select_related("organisation")
        slug = _organisation_slug_named(provider, client_id)
        if slug is not None:  # one organisation's sign-in: build (and decrypt) only its app
            found = found.filter(organisation__slug=slug)
            apps = [social_app_for(idp) for idp in found]  # unreadable metadata: raised
        else:
            apps = list(filter(None, map(_social_app_or_none, found)))
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def get_requests_session(self):
        """Every request allauth makes to a provider goes to public addresses only."""
        return identity_session()

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        """The provider's name for the person becomes their display name."""
        user = super().populate_user(request, sociallogin, data)
        name = " ".join((data.get("name") or "").split())
        if not name:
            name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.display_name = name[: User._meta.get_field("display_name").max_length]
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Before allauth signs anyone in or up through an organisation's provider:

        - an address counts as verified only when the provider says so and it is at one of
          that organisation's verified domains (another organisation's provider cannot vouch
          for addresses it does not own);
        - an existing account with the same address is never taken over on the address
          alone: the person proves it is theirs first (identity.views.link_view);
        - without a page asked for, they land in their organisation's cohort.
        """
        organisation = organisation_of(sociallogin)
        if organisation is None:
            return
        if not sociallogin.state.get("next"):
            landing = sso_landing_url(organisation=organisation)
            if landing:
                sociallogin.state["next"] = landing
        if sociallogin.is_existing:
            return
        _vouch_only_for_own_domains(sociallogin, organisation)
        email = (sociallogin.user.email or "").strip()
        existing = account_with_address(email) if email else None
        if existing is not None:
            request.session[PENDING_LINK] = sociallogin.serialize()
            raise ImmediateHttpResponse(HttpResponseRedirect(reverse("identity:link")))


def _organisation_slug_named(provider: str | None, client_id: str | None) -> str | None:
    """The organisation a sign-in step names: by its provider id (org-<slug>, saml-<slug>) or,
    for SAML, by its client id (the slug in allauth's SAML URLs)."""
    for prefix in ("org-", "saml-"):
        if provider and provider.startswith(prefix):
            return provider.removeprefix(prefix)
    if provider == SAML and client_id:
        return client_id
    return None


def _vouch_only_for_own_domains(sociallogin: SocialLogin, organisation: Organisation) -> None:
    domains = set(
        organisation.domains.filter(verified_at__isnull=False).values_list("domain", flat=True)
    )
    for address in sociallogin.email_addresses:
        at_own_domain = address.email.rpartition("@")[2].lower() in domains
        address.verified = bool(address.verified) and at_own_domain


def account_with_address(email: str) -> User | None:
    found = User.objects.filter(email__iexact=email).first()
    if found is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        found = address.user if address else None
    return found
