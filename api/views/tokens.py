"""The pages where people make and revoke API tokens: a person's own (personal access tokens,
linked from the profile's sign-in settings) and an organisation's reporting tokens (its owners
only, with a second factor, like the organisation's other connections). A new token is shown
once, on the page that answers the form, and never again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import OrganisationTokenForm, PersonalTokenForm
from api.selectors import (
    api_token_get_for_organisation,
    api_token_get_for_person,
    api_tokens_of_organisation,
    api_tokens_of_person,
)
from api.services import api_token_create, api_token_revoke
from mentoring.errors import DomainError
from organisations.decorators import owner_required
from organisations.models import Organisation


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    form = PersonalTokenForm(request.POST or None)
    new_token = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _row, new_token = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
            form = PersonalTokenForm()  # rendered, not redirected: the token is shown this once
        else:
            status = 400
    context = {
        "tokens": api_tokens_of_person(user=request.user),
        "form": form,
        "new_token": new_token,
        "now": timezone.now(),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for_person(user=request.user, token_id=token_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:tokens")


@never_cache
@owner_required
@require_http_methods(["GET", "POST"])
def organisation_token_list_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = OrganisationTokenForm(request.POST or None)
    new_token = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _row, new_token = api_token_create(
                    user=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    scope="read",
                    expires_at=form.expires_at(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                form = OrganisationTokenForm()
        else:
            status = 400
    context = {
        "organisation": organisation,
        "tokens": api_tokens_of_organisation(organisation=organisation),
        "form": form,
        "new_token": new_token,
        "now": timezone.now(),
    }
    return render(request, "api/organisation_tokens.html", context, status=status)


@owner_required
@require_POST
def organisation_token_revoke_view(
    request: HttpRequest, organisation: Organisation, token_id: int
) -> HttpResponse:
    token = api_token_get_for_organisation(organisation=organisation, token_id=token_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:organisation_tokens", slug=organisation.slug)
