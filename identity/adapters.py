"""allauth's socialaccount hooks: each organisation's identity provider as an allauth app.

The apps are built from identity.IdentityProvider rows on each request (unsaved SocialApp
objects), so owners configure them in the app and the secrets stay encrypted in the database.
An OpenID Connect provider is `openid_connect` with provider id `org-<slug>`; a SAML one is
`saml` with the organisation's slug as its client id (allauth's SAML URLs carry it) and
provider id `saml-<slug>` (a NameID is unique within its IdP only: accounts stay apart).
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import HttpRequest

from identity.models import IdentityProvider
from identity.saml import saml_provider_id, sp_settings

OIDC = "openid_connect"
SAML = "saml"


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
    idp_settings = {"entity_id": idp.entity_id}
    if idp.metadata_url:
        idp_settings["metadata_url"] = idp.metadata_url
    else:
        idp_settings.update(sso_url=idp.sso_url, slo_url=idp.slo_url, x509cert=idp.x509_certificate)
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        found = IdentityProvider.objects.filter(enabled=True).select_related("organisation")
        apps = [social_app_for(idp) for idp in found]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps
