"""An organisation's identity provider: OpenID Connect or SAML 2.0, set up by its owner.

allauth's socialaccount reads these through identity.adapters.SocialAccountAdapter.list_apps
(no SocialApp rows, no settings files); secrets and private keys are kept encrypted
(mentoring.crypto).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mentoring.crypto import decrypt, encrypt


class IdentityProvider(models.Model):
    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="identity_provider"
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol)
    enabled = models.BooleanField(_("people can sign in with it"), default=False)
    require_sso = models.BooleanField(
        _("require it for the organisation's domains"),
        default=False,
        help_text=_("Password sign-in is then refused for addresses at the verified domains."),
    )
    # OpenID Connect: the issuer (its /.well-known/openid-configuration is read), client id,
    # and the client secret (encrypted).
    issuer = models.URLField(_("issuer URL"), blank=True, max_length=500)
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    # SAML 2.0: the IdP's metadata (by URL, or pasted), or its entity id, sign-in URL and
    # signing certificate.
    metadata_url = models.URLField(_("metadata URL"), blank=True, max_length=500)
    metadata_xml = models.TextField(_("metadata XML"), blank=True, max_length=100_000)
    entity_id = models.CharField(_("entity ID"), max_length=500, blank=True)
    sso_url = models.URLField(_("single sign-on URL"), blank=True, max_length=500)
    slo_url = models.URLField(_("single logout URL"), blank=True, max_length=500)
    x509_certificate = models.TextField(_("signing certificate"), blank=True, max_length=20_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.organisation}"

    @property
    def client_secret(self) -> str:
        return decrypt(self.client_secret_encrypted)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = encrypt(value)
