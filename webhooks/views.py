"""The organisation owner's webhook pages: endpoints, their secrets, and the delivery log.

Owners only (404 for anyone else), with a second factor, as on the other owner pages.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mentoring.quickforms import quicken
from organisations.decorators import owner_required
from organisations.models import Organisation
from webhooks import selectors
from webhooks.forms import EndpointEditForm, EndpointForm
from webhooks.models import WebhookAttempt, WebhookEndpoint
from webhooks.services.delivery import delivery_replay
from webhooks.services.endpoints import (
    EndpointRefused,
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_update,
)
from webhooks.services.publish import endpoint_test_send

LOG_PAGE_SIZE = 20


def _quick(form: EndpointForm) -> EndpointForm:
    """The form with its list of events written in Python, as Django's template wrote it (the
    list's template cost a third of the page); kept or refused input shows as before."""
    quicken(form)
    return form


def _list_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    form: EndpointForm | None = None,
    new_secret: str = "",
    new_endpoint: WebhookEndpoint | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "organisation": organisation,
            "endpoints": selectors.endpoints_for_owner(organisation=organisation),
            "form": _quick(form or EndpointForm()),
            "new_secret": new_secret,
            "new_endpoint": new_endpoint,
        },
        status=status,
    )


def _endpoint_page(
    request: HttpRequest,
    organisation: Organisation,
    endpoint: WebhookEndpoint,
    *,
    form: EndpointEditForm | None = None,
    new_secret: str = "",
    status: int = 200,
) -> HttpResponse:
    deliveries = selectors.deliveries_for_endpoint(endpoint=endpoint).prefetch_related(
        Prefetch("attempt_rows", queryset=WebhookAttempt.objects.order_by("-number"))
    )
    page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "organisation": organisation,
            "endpoint": endpoint,
            "form": _quick(
                form
                or EndpointEditForm(
                    initial={
                        "description": endpoint.description,
                        "event_kinds": endpoint.event_kinds,
                    }
                )
            ),
            "new_secret": new_secret,
            "page": page,
            "now": timezone.now(),
        },
        status=status,
    )


@never_cache
@owner_required
def webhooks_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _list_page(request, organisation)


@never_cache
@owner_required
@require_POST
def endpoint_create_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = endpoint_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except EndpointRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            # Rendered, not redirected: the secret is shown this once and kept only encrypted.
            return _list_page(request, organisation, new_secret=secret, new_endpoint=endpoint)
    return _list_page(request, organisation, form=form, status=400)


@never_cache
@owner_required
def endpoint_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    return _endpoint_page(request, organisation, endpoint)


@owner_required
@require_POST
def endpoint_update_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    form = EndpointEditForm(request.POST)
    if form.is_valid():
        try:
            endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except EndpointRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Saved: the next events follow these choices."))
            return redirect("webhooks:endpoint", slug=organisation.slug, endpoint_id=endpoint.pk)
    return _endpoint_page(request, organisation, endpoint, form=form, status=400)


@never_cache
@owner_required
@require_POST
def endpoint_rotate_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    endpoint, secret = endpoint_secret_rotate(endpoint=endpoint)
    return _endpoint_page(request, organisation, endpoint, new_secret=secret)


@owner_required
@require_POST
def endpoint_test_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    endpoint_test_send(endpoint=endpoint)
    messages.success(request, _("A test event is on its way: its delivery appears below."))
    return redirect("webhooks:endpoint", slug=organisation.slug, endpoint_id=endpoint.pk)


@owner_required
@require_POST
def endpoint_enable_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    endpoint_enable(endpoint=endpoint)
    messages.success(request, _("Switched on: new events are sent there again."))
    return redirect("webhooks:endpoint", slug=organisation.slug, endpoint_id=endpoint.pk)


@owner_required
@require_POST
def endpoint_disable_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    endpoint_disable(endpoint=endpoint, reason=_("Switched off by an owner."))
    messages.success(request, _("Switched off: no events are sent there until you switch it on."))
    return redirect("webhooks:endpoint", slug=organisation.slug, endpoint_id=endpoint.pk)


@owner_required
@require_POST
def endpoint_delete_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    endpoint_delete(endpoint=endpoint)
    messages.success(request, _("Removed %(url)s and its delivery log.") % {"url": endpoint.url})
    return redirect("webhooks:list", slug=organisation.slug)


@owner_required
@require_POST
def delivery_replay_view(
    request: HttpRequest, organisation: Organisation, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_owner(organisation=organisation, endpoint_id=endpoint_id)
    delivery = selectors.delivery_get_for_owner(endpoint=endpoint, delivery_id=delivery_id)
    delivery_replay(delivery=delivery)
    messages.success(request, _("Sent again, with the same webhook-id."))
    return redirect("webhooks:endpoint", slug=organisation.slug, endpoint_id=endpoint.pk)
