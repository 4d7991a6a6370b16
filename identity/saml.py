"""SAML 2.0 single sign-on, on top of allauth's SAML provider (python3-saml underneath).

- `idp_metadata_parse`: an identity provider's pasted metadata XML → entity ID, sign-in URL,
  logout URL and signing certificate, or a ValidationError that says what is wrong;
- `sp_urls`: what an owner gives their identity provider about us (entity ID, reply/ACS URL,
  logout URL, metadata URL), stable whatever host name served the page;
- single logout: at sign-in we remember which organisation's IdP signed the person in and
  under which NameID (`_remember_saml_sign_in`); signing out of our site then goes on to the
  IdP's logout URL with a LogoutRequest (`_saml_logout_redirect`), and the IdP sends the
  person back to our `saml_sls`. A LogoutRequest the IdP starts ends our session there
  (allauth's SLS view);
- `SamlMiddleware`: our Content-Security-Policy lets forms post only here, and a
  browser applies that to where the post redirects too; the pages whose forms go on to an IdP
  (allauth's "Continue" page of saml_login, and every page's "Sign out" of someone a SAML IdP
  with single logout signed in) allow that IdP's origin as well. It also answers a replayed
  assertion with the page that says the sign-in could not be checked.

Every refusal (unsigned, expired, another key, another audience, RSA-SHA1, replayed, or
started by the IdP on its own) ends on templates/socialaccount/authentication_error.html:
nobody is signed in and no account is made.
"""

import base64
import binascii
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from allauth.account.signals import user_logged_in
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.utils import build_auth, build_saml_config
from cryptography import x509
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from lxml import etree
from onelogin.saml2.errors import OneLogin_Saml2_Error
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from requests import RequestException

from accounts.adapters import logout_redirect

logger = logging.getLogger(__name__)

SAML = "saml"
SESSION_KEY = "identity_saml_sign_in"  # {"organisation": slug, "name_id": …, "form_action": […]}
METADATA_MAX_CHARS = 100_000
# A document type declaration is where entity expansion ("billion laughs") and external
# entities live; metadata never needs one, so it is refused before the XML is parsed.
DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_REFUSED = _lazy("This XML declares a document type or entities, which metadata never needs.")


def saml_provider_id(slug: str) -> str:
    """The allauth provider id of an organisation's SAML app: NameIDs are unique per IdP only,
    so each organisation's accounts are kept apart (SocialAccount.provider)."""
    return f"saml-{slug}"


def slug_of_provider_id(provider_id: str) -> str | None:
    prefix = saml_provider_id("")
    return provider_id.removeprefix(prefix) if provider_id.startswith(prefix) else None


# What an owner gives the identity provider


@dataclass(frozen=True)
class SpUrls:
    entity_id: str  # Entra ID: "Identifier (Entity ID)"; Okta: "Audience URI (SP Entity ID)"
    acs_url: str  # Entra ID: "Reply URL"; Okta: "Single sign-on URL"
    sls_url: str  # Entra ID: "Logout Url"; Okta: "Single Logout URL"
    metadata_url: str


def sp_urls(slug: str) -> SpUrls:
    """Our service provider's URLs for an organisation, from SITE_URL (not the request's host,
    so what the owner copies never changes with the address a page was opened at)."""
    site = settings.SITE_URL.rstrip("/")
    metadata = site + reverse("saml_metadata", args=[slug])
    return SpUrls(
        entity_id=metadata,
        acs_url=site + reverse("saml_acs", args=[slug]),
        sls_url=site + reverse("saml_sls", args=[slug]),
        metadata_url=metadata,
    )


# Attribute names as Entra ID, Okta, Google Workspace and standard (urn:oid) IdPs send them.
ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "firstName",
        "givenName",
        "given_name",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "lastName",
        "surname",
        "sn",
        "family_name",
    ],
}


def sp_settings(slug: str) -> dict:
    """The parts of an allauth SAML app's settings that are about us, the service provider."""
    return {
        "sp": {"entity_id": sp_urls(slug).entity_id},
        "attribute_mapping": ATTRIBUTE_MAPPING,
        "advanced": {
            # The assertion must be signed by the IdP's certificate; python3-saml's strict mode
            # checks destination, audience, recipient and validity times too. Sign-ins the IdP
            # starts on its own (no AuthnRequest of ours) are refused: allauth's default.
            "want_assertion_signed": True,
            "strict": True,
            "reject_idp_initiated_sso": True,
        },
    }


# Pasted IdP metadata


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    slo_url: str
    x509_certificate: str  # base64 DER, no PEM armour, as python3-saml wants it
    certificate_expires: datetime


def idp_metadata_parse(xml: str) -> IdpMetadata:
    """Read an identity provider's metadata XML (the file Entra ID or Okta offers for download).

    Raises ValidationError with a sentence an owner can act on. Document type declarations and
    entities are refused before anything is expanded (no "billion laughs", no external files).
    """
    if len(xml) > METADATA_MAX_CHARS:
        raise ValidationError(
            _("This metadata is longer than %(limit)s characters: paste only your provider's own."),
            code="too_long",
            params={"limit": f"{METADATA_MAX_CHARS:,}"},
        )
    if DOCTYPE.search(xml):
        raise ValidationError(DTD_REFUSED, code="dtd")
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml.strip().encode())
    except etree.XMLSyntaxError:
        raise ValidationError(
            _("This is not well-formed XML. Paste the whole metadata file, from <?xml to the end."),
            code="not_xml",
        ) from None
    except ValueError:  # python3-saml's DTDForbidden and EntitiesForbidden are ValueErrors
        raise ValidationError(DTD_REFUSED, code="dtd") from None
    idp = parsed.get("idp", {})
    if not idp.get("entityId"):
        raise ValidationError(
            _("This XML holds no SAML identity provider (no IDPSSODescriptor with an entity ID)."),
            code="no_idp",
        )
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if not sso_url:
        raise ValidationError(
            _("This metadata has no sign-in URL for the HTTP-Redirect binding, which we use."),
            code="no_sso",
        )
    certificate = idp.get("x509cert") or next(
        iter(idp.get("x509certMulti", {}).get("signing", [])), ""
    )
    if not certificate:
        raise ValidationError(
            _("This metadata has no signing certificate, so its sign-ins could not be checked."),
            code="no_certificate",
        )
    try:
        loaded = x509.load_der_x509_certificate(base64.b64decode(certificate, validate=True))
    except (ValueError, binascii.Error):
        raise ValidationError(
            _("The signing certificate in this metadata cannot be read."), code="bad_certificate"
        ) from None
    return IdpMetadata(
        entity_id=idp["entityId"],
        sso_url=sso_url,
        slo_url=idp.get("singleLogoutService", {}).get("url", ""),
        x509_certificate=certificate,
        certificate_expires=loaded.not_valid_after_utc,
    )


# Single logout


def _idp_urls(request: HttpRequest, slug: str) -> dict:
    """The IdP part of an organisation's SAML settings (its metadata is read if by URL)."""
    app = get_social_adapter().get_app(request, provider=SAML, client_id=slug)
    return build_saml_config(request, app.settings, slug)["idp"]


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


@receiver(user_logged_in, dispatch_uid="identity_saml_remember_sign_in")
def _remember_saml_sign_in(sender: object, request: HttpRequest, user, **kwargs) -> None:
    """Remember the IdP and NameID of a SAML sign-in, for the LogoutRequest at sign-out, and
    the origin of the IdP's logout URL, which the "Sign out" forms then go on to."""
    sociallogin = kwargs.get("sociallogin")
    slug = slug_of_provider_id(sociallogin.account.provider) if sociallogin else None
    if slug is None:
        request.session.pop(SESSION_KEY, None)
        return
    try:
        slo_url = _idp_urls(request, slug).get("singleLogoutService", {}).get("url", "")
    except (SocialApp.DoesNotExist, OneLogin_Saml2_Error, OSError, KeyError, ValueError):
        slo_url = ""
    request.session[SESSION_KEY] = {
        "organisation": slug,
        "name_id": sociallogin.account.uid,
        "form_action": [origin] if (origin := _origin(slo_url)) else [],
    }


@receiver(logout_redirect, dispatch_uid="identity_saml_logout_redirect")
def _saml_logout_redirect(sender: object, request: HttpRequest, **kwargs) -> str | None:
    """Where signing out sends a person whom a SAML IdP with a logout URL signed in: to that
    IdP, with a LogoutRequest (it answers at our saml_sls). Never stops a local sign-out: if
    the IdP's settings cannot be read, the person is signed out here only."""
    remembered = request.session.get(SESSION_KEY)
    if not remembered or not request.user.is_authenticated:
        return None
    try:
        app = get_social_adapter().get_app(
            request, provider=SAML, client_id=remembered["organisation"]
        )
        auth = build_auth(request, app.get_provider(request))
        if not auth.get_slo_url():
            return None
        return auth.logout(
            return_to=settings.SITE_URL.rstrip("/") + reverse("home"),
            name_id=remembered["name_id"],
        )
    except (SocialApp.DoesNotExist, OneLogin_Saml2_Error, OSError, KeyError, ValueError):
        logger.warning("SAML single logout skipped for %s", remembered.get("organisation"))
        return None


class SamlMiddleware:
    """Adds the IdP's origin to the form-action of the Content-Security-Policy where a form
    goes on to it (see the module's docstring); listed after django-csp's middleware, so it
    sees the response first. And an answer that matches no sign-in this browser started (one
    replayed, or posted twice) gets the page that says the sign-in could not be checked, not a
    bare "forbidden": allauth refuses it with PermissionDenied."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = set()
        session = getattr(request, "session", None)
        # Only a browser that has a session can have signed in (and then the session is read
        # for the user anyway): others' responses do not come to vary on the cookie.
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if session is not None and has_session and SESSION_KEY in session:
            origins.update(session[SESSION_KEY].get("form_action", []))
        match = request.resolver_match
        if match is not None and match.url_name == "saml_login":
            try:
                sso_url = _idp_urls(request, match.kwargs["organization_slug"])[
                    "singleSignOnService"
                ]["url"]
            except (SocialApp.DoesNotExist, OneLogin_Saml2_Error, OSError, KeyError, ValueError):
                sso_url = ""
            if origin := _origin(sso_url):
                origins.add(origin)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *sorted(origins)]
            response._csp_update = update
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if (
            match is not None
            and (match.url_name or "").startswith("saml_")
            and isinstance(exception, RequestException)  # the IdP's metadata: unreadable
        ):
            logger.warning("SAML metadata unreadable: %s", exception)
            return render(request, "socialaccount/authentication_error.html", status=502)
        if match is None or match.url_name != "saml_finish_acs":
            return None
        if not isinstance(exception, PermissionDenied):
            return None
        logger.warning("SAML answer for no sign-in this browser started: refused")
        return render(request, "socialaccount/authentication_error.html", status=403)
