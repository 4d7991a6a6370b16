"""The organisation owner's provisioning page: tokens for the directory, and what each of the
directory's groups enrols its members in."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from organisations.decorators import owner_required
from organisations.models import Organisation
from provisioning import selectors
from provisioning.forms import GroupMapForm, TokenCreateForm
from provisioning.services.groups import group_map
from provisioning.services.tokens import token_create, token_revoke


def _page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    token_form: TokenCreateForm | None = None,
    new_token: str = "",
    map_forms: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    cohorts = selectors.cohorts_of(organisation=organisation)
    groups = list(selectors.scim_groups(organisation=organisation).select_related("cohort"))
    map_forms = map_forms or {}
    rows = [
        (
            group,
            map_forms.get(group.pk)
            or GroupMapForm(
                initial={"cohort": group.cohort_id, "role": group.role},
                cohorts=cohorts,
                prefix=f"group-{group.pk}",
            ),
        )
        for group in groups
    ]
    return render(
        request,
        "provisioning/settings.html",
        {
            "organisation": organisation,
            "tokens": selectors.tokens_for_owner(organisation=organisation),
            "token_form": token_form or TokenCreateForm(),
            "new_token": new_token,
            "groups": rows,
            "scim_base_url": request.build_absolute_uri("/scim/v2/"),
        },
        status=status,
    )


@never_cache
@owner_required
def provisioning_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _page(request, organisation)


@never_cache
@owner_required
@require_POST
def token_create_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, token_form=form, status=400)
    _row, token = token_create(
        organisation=organisation, name=form.cleaned_data["name"], by=request.user
    )
    # Rendered, not redirected: the token is shown this once and kept nowhere.
    return _page(request, organisation, new_token=token)


@owner_required
@require_POST
def token_revoke_view(
    request: HttpRequest, organisation: Organisation, token_id: int
) -> HttpResponse:
    token = selectors.token_get_for_owner(organisation=organisation, token_id=token_id)
    token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("provisioning:settings", slug=organisation.slug)


@owner_required
@require_POST
def group_map_view(request: HttpRequest, organisation: Organisation, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_owner(organisation=organisation, group_id=group_id)
    form = GroupMapForm(
        request.POST,
        cohorts=selectors.cohorts_of(organisation=organisation),
        prefix=f"group-{group.pk}",
    )
    if not form.is_valid():
        return _page(request, organisation, map_forms={group.pk: form}, status=400)
    group_map(group=group, cohort=form.cleaned_data["cohort"], role=form.cleaned_data["role"])
    messages.success(request, _("Saved: the group's members are enrolled as it says."))
    return redirect("provisioning:settings", slug=organisation.slug)
