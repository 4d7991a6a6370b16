"""Input of the owner's sign-in settings and of the proof that links an existing account."""

from urllib.parse import urlsplit

from allauth.account.forms import AddEmailForm, ResetPasswordForm, SignupForm
from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from identity.adapters import sso_required_message
from identity.models import IdentityProvider
from identity.saml import METADATA_MAX_CHARS, idp_metadata_parse
from identity.selectors import identity_provider_for_email
from mentoring.outbound import HostNotFound, PrivateAddress, checked_address


def refuse_required_sso_domain(email: str) -> None:
    """A password for an address of an organisation that requires its identity provider would
    be a way around it: sign-up, password reset and a new address refuse those domains."""
    idp = identity_provider_for_email(email)
    if idp is not None and idp.require_sso:
        raise forms.ValidationError(sso_required_message(idp))


class SsoAwareSignupForm(SignupForm):
    def clean_email(self) -> str:
        email = super().clean_email()
        refuse_required_sso_domain(email)
        return email


class SsoAwareResetPasswordForm(ResetPasswordForm):
    def clean_email(self) -> str:
        refuse_required_sso_domain(self.cleaned_data["email"])
        return super().clean_email()


class SsoAwareAddEmailForm(AddEmailForm):
    def clean_email(self) -> str:
        email = super().clean_email()
        refuse_required_sso_domain(email)
        return email


def _reachable(url: str) -> str:
    """A provider address on a private network is refused now, in words (a name that does not
    resolve at the moment is kept: sign-in says so while it lasts)."""
    parts = urlsplit(url)
    if parts.hostname:
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            checked_address(parts.hostname, port, allowed_hosts=settings.IDENTITY_ALLOWED_HOSTS)
        except PrivateAddress as error:
            raise forms.ValidationError(str(error), code="private") from None
        except (HostNotFound, ValueError):
            pass  # a bad port is the URL field's to refuse; a failed lookup is kept
    return url


def _https_by_default(field, **kwargs) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    """OpenID Connect or SAML 2.0; the client secret is write-only (blank keeps the stored one)."""

    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    metadata_xml = forms.CharField(
        label=_("Or paste the provider's metadata XML"),
        required=False,
        max_length=METADATA_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "The file Entra ID or Okta offers for download: its entity ID, sign-in and logout "
            "URLs and signing certificate fill the fields below."
        ),
    )

    class Meta:
        model = IdentityProvider
        formfield_callback = _https_by_default
        fields = [
            "protocol",
            "issuer",
            "client_id",
            "client_secret",
            "metadata_url",
            "entity_id",
            "sso_url",
            "slo_url",
            "x509_certificate",
            "enabled",
            "require_sso",
        ]
        widgets = {
            "protocol": forms.RadioSelect,
            "x509_certificate": forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        }
        help_texts = {
            "issuer": _(
                "Where the provider publishes /.well-known/openid-configuration, e.g. "
                "https://login.microsoftonline.com/<tenant>/v2.0 or https://<org>.okta.com."
            ),
            "metadata_url": _("The provider's SAML metadata; or fill in the three fields below."),
            "x509_certificate": _("The provider's signing certificate (PEM)."),
        }

    def __init__(self, *args, has_verified_domain: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_verified_domain = has_verified_domain
        self.fields["protocol"].choices = IdentityProvider.Protocol.choices
        stored = bool(self.instance.pk and self.instance.client_secret_encrypted)
        self.fields["client_secret"].help_text = (
            _("Stored. Leave blank to keep it; type a new one to replace it.")
            if stored
            else _("Shown once by the provider when you create it.")
        )
        self.secret_stored = stored

    def clean_issuer(self) -> str:
        return _reachable(self.cleaned_data.get("issuer", ""))

    def clean_metadata_url(self) -> str:
        return _reachable(self.cleaned_data.get("metadata_url", ""))

    def clean_metadata_xml(self) -> str:
        xml = self.cleaned_data.get("metadata_xml", "")
        if xml.strip():
            self.metadata = idp_metadata_parse(xml)  # a ValidationError in words when bad
        return xml

    def clean(self) -> dict:
        data = super().clean()
        metadata = getattr(self, "metadata", None)
        if metadata is not None:
            data.update(
                entity_id=metadata.entity_id,
                sso_url=metadata.sso_url,
                slo_url=metadata.slo_url,
                x509_certificate=metadata.x509_certificate,
            )
            for name in ("entity_id", "sso_url", "slo_url", "x509_certificate"):
                self.errors.pop(name, None)
        protocol = data.get("protocol")
        if protocol == IdentityProvider.Protocol.OIDC:
            for name in ("issuer", "client_id"):
                if not data.get(name):
                    self.add_error(name, _("OpenID Connect needs this."))
            if not data.get("client_secret") and not self.secret_stored:
                self.add_error("client_secret", _("OpenID Connect needs this."))
        elif protocol == IdentityProvider.Protocol.SAML and not data.get("metadata_url"):
            for name in ("entity_id", "sso_url", "x509_certificate"):
                if not data.get(name):
                    self.add_error(name, _("Give the metadata URL, or this."))
        if data.get("require_sso"):
            if not self.has_verified_domain:
                self.add_error(
                    "require_sso",
                    _(
                        "Your organisation has no verified email domain yet: there would be no "
                        "addresses to require it for. Ask staff to verify your domain first."
                    ),
                )
            elif not data.get("enabled"):
                self.add_error(
                    "require_sso",
                    _(
                        "Turn the provider on first: requiring a provider that is off would "
                        "leave your people no way to sign in."
                    ),
                )
        return data

    def to_service(self) -> dict:
        """The cleaned values as identity_provider_save takes them."""
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name != "client_secret"
        }


class LinkByPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password here"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LinkByCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code we emailed you"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
