"""Sign-in pages: email first (then the organisation's provider or a password), linking an
existing account to a provider's sign-in, and the owner's identity-provider settings."""

from allauth.account.models import EmailAddress
from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from requests import RequestException

from accounts.mfa import second_factor_missing, second_factor_setup_redirect
from identity.adapters import oidc_provider_id
from identity.forms import IdentityProviderForm, LinkByCodeForm, LinkByPasswordForm
from identity.linking import (
    link_code_matches,
    link_code_send,
    link_code_sent,
    link_complete,
    link_forget,
    link_proof_failed,
    pending_link,
)
from identity.models import IdentityProvider
from identity.receivers import organisation_of
from identity.saml import sp_urls
from identity.selectors import (
    identity_provider_for_email,
    identity_provider_of,
    organisation_has_verified_domain,
)
from identity.services import identity_provider_save
from mentoring.live import counters_changed
from organisations.selectors import organisation_owned_get


def provider_sign_in(request: HttpRequest, idp: IdentityProvider) -> HttpResponse:
    """Start the organisation's sign-in, as a POST to allauth's own login URL of that provider
    would (whatever view is mounted there), keeping `next`.

    Our Content-Security-Policy has form-action 'self', and browsers apply it to the redirects
    that follow a form's submission: a redirect to the provider would be blocked. So the browser
    gets a page that continues there itself (an immediate refresh, and a link).
    """
    slug = idp.organisation.slug
    if idp.protocol == IdentityProvider.Protocol.OIDC:
        url = reverse("openid_connect_login", kwargs={"provider_id": oidc_provider_id(slug)})
    else:
        url = reverse("saml_login", kwargs={"organization_slug": slug})
    match = resolve(url)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 302:
        return response
    return render(
        request,
        "identity/continue.html",
        {"organisation": idp.organisation, "url": response["Location"]},
    )


class EmailFirstLoginView(LoginView):
    """allauth's sign-in, email first. An address at a verified domain of an organisation with
    an enabled provider goes to that provider; others then see the password field. When the
    organisation requires its provider, a password sign-in for its domains is refused."""

    template_name = "account/login.html"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        email = request.POST.get("login", "").strip()
        idp = identity_provider_for_email(email) if "@" in email else None
        if "password" not in request.POST:
            if idp is None:
                return self._render_unbound(email, password_step=True)
            try:
                return provider_sign_in(request, idp)
            except RequestException:  # its discovery document could not be read
                return self._render_unbound(email, provider_unreachable=idp)
        if idp is not None and idp.require_sso:
            return self._render_unbound(email, sso_required=idp)
        return super().post(request, *args, **kwargs)

    def _render_unbound(self, email: str, **extra: object) -> HttpResponse:
        form = self.get_form_class()(initial={"login": email}, request=self.request)
        if extra.get("sso_required"):
            extra["sso_domain"] = email.rpartition("@")[2].lower()
        return self.render_to_response(self.get_context_data(form=form, **extra))

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        # A refused password (a bound form) shows the password step again.
        context.setdefault("password_step", "password" in self.request.POST)
        return context


sign_in_view = EmailFirstLoginView.as_view()


@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest) -> HttpResponse:
    """Someone signed in at their organisation's provider with the address of an existing
    account: they prove the account is theirs (password or emailed code) before it is linked."""
    pending = pending_link(request)
    if pending is None:
        messages.info(request, _("Nothing is waiting to be connected: sign in again."))
        return redirect("account_login")
    sociallogin, user = pending
    organisation = organisation_of(sociallogin)
    organisation_name = organisation.name if organisation else sociallogin.provider.name
    password_form = LinkByPasswordForm()
    code_form = LinkByCodeForm()
    action = request.POST.get("action")
    if action == "cancel":
        link_forget(request)
        return redirect("account_login")
    if action == "send_code":
        if link_code_send(request, user=user, organisation_name=organisation_name):
            messages.success(request, _("We sent a code to %(email)s.") % {"email": user.email})
        else:
            messages.info(request, _("A code went out less than a minute ago: use that one."))
        return redirect("identity:link")
    if action in ("password", "code"):
        if action == "password":
            password_form = form = LinkByPasswordForm(request.POST)
            proved = form.is_valid() and user.check_password(form.cleaned_data["password"])
            wrong = _("That is not the password of this account.")
        else:
            code_form = form = LinkByCodeForm(request.POST)
            proved = form.is_valid() and link_code_matches(request, form.cleaned_data["code"])
            wrong = _("That code is wrong or has expired.")
        if proved:
            if action == "code":
                EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
                    verified=True
                )
                counters_changed(user_ids=[user.pk])  # invitations to it now count
            return link_complete(request, sociallogin=sociallogin, user=user)
        if link_proof_failed(request):
            messages.error(
                request, _("Too many wrong attempts. Sign in through your organisation again.")
            )
            return redirect("account_login")
        if form.is_valid():
            form.add_error(None, wrong)
    return render(
        request,
        "identity/link.html",
        {
            "email": user.email,
            "organisation_name": organisation_name,
            "has_password": user.has_usable_password(),
            "password_form": password_form,
            "code_form": code_form,
            "code_sent": link_code_sent(request),
        },
    )


def _values_for_the_provider(slug: str) -> dict:
    """What the owner gives their provider: our redirect URI (OIDC); entity ID, ACS, logout and
    metadata URLs (SAML). From SITE_URL, so they do not change with the address used."""
    site = settings.SITE_URL.rstrip("/")
    sp = sp_urls(slug)
    return {
        "oidc_redirect_uri": site
        + reverse("openid_connect_callback", kwargs={"provider_id": oidc_provider_id(slug)}),
        "saml_acs_url": sp.acs_url,
        "saml_sls_url": sp.sls_url,
        "saml_metadata_url": sp.metadata_url,
    }


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner's identity-provider settings: owners of this organisation only (404 for anyone
    else), with a second factor (or signed in through the provider)."""
    organisation = organisation_owned_get(user=request.user, slug=slug)
    if second_factor_missing(request):
        return second_factor_setup_redirect(request)
    idp = identity_provider_of(organisation=organisation)
    form = IdentityProviderForm(
        request.POST or None,
        instance=idp or IdentityProvider(organisation=organisation),
        has_verified_domain=organisation_has_verified_domain(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        identity_provider_save(
            organisation=organisation,
            by=request.user,
            client_secret=form.cleaned_data["client_secret"],
            **form.to_service(),
        )
        messages.success(request, _("Sign-in settings saved."))
        return redirect("identity:settings", slug=organisation.slug)
    return render(
        request,
        "identity/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "idp": idp,
            **_values_for_the_provider(organisation.slug),
        },
    )
