"""The owner's pages: her organisations and, for each, its cohorts, people, admins and email
domains. Admins of the organisation may look; only owners change anything; anyone else gets
404. Like every admin page, these ask for a second factor first."""

from collections.abc import Callable, Iterable
from functools import wraps

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import programme_admin_required
from accounts.mfa import second_factor_setup_redirect, user_has_second_factor
from branding.models import Branding
from mentoring.errors import DomainError
from mentoring.prepared import PreparedQuery
from organisations.forms import (
    MembershipRoleForm,
    OrganisationAdminForm,
    OrganisationBrandingForm,
    OrganisationDomainForm,
)
from organisations.models import Membership, Organisation, Role
from organisations.selectors import (
    administers_any,
    membership_get_for_owner_page,
    memberships_administering,
    organisation_cohort_rows,
    organisation_domain_rows,
    organisation_get_for_admin,
    organisation_people_page,
    organisation_trail_head,
    people_rows_of,
)
from organisations.services import (
    membership_remove,
    membership_role_change,
    organisation_admin_add,
    organisation_branding_save,
    organisation_domain_add,
)

app_name = "organisations"

PAGE_SIZE = 25
TRAIL_SIZE = 20


def organisation_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, an owner or admin of some organisation (else 404), with a second factor."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not administers_any(user=request.user):
            raise Http404
        if not user_has_second_factor(user=request.user):
            return second_factor_setup_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def _owned(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, for its owner only (its admins may look but not change: 403)."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    if organisation.viewer_role != Role.OWNER:
        raise PermissionDenied
    return organisation


def _back(organisation: Organisation, anchor: str = "") -> HttpResponse:
    return redirect(reverse("organisations:detail", args=[organisation.slug]) + anchor)


@programme_admin_required  # any programme admin: one who runs no organisation is told why
@require_GET
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    memberships = memberships_administering(user=request.user)
    return render(request, "organisations/list.html", {"memberships": memberships})


def _labelled(rows: Iterable[Model], **fields: Iterable[tuple[object, str]]) -> list[Model]:
    """The rows as a list, each with `<field>_label`: what get_<field>_display says, looked up
    once a page rather than once a row (a model rebuilds its choices on every such call)."""
    labels = {
        field: {value: str(label) for value, label in choices} for field, choices in fields.items()
    }
    rows = list(rows)
    for row in rows:
        for field, by_value in labels.items():
            value = getattr(row, field)
            setattr(row, f"{field}_label", by_value.get(value, value))
    return rows


def _detail(request: HttpRequest, organisation: Organisation, **forms: object) -> HttpResponse:
    """The organisation's page; a refused form comes back in `forms`, its input kept."""
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    page = organisation_people_page(
        organisation=organisation, role=role, per_page=PAGE_SIZE, number=request.GET.get("page")
    )
    page.object_list = _labelled(
        people_rows_of(page.object_list), role=Role.choices, source=Membership.Source.choices
    )
    is_owner = organisation.viewer_role == Role.OWNER
    context = {
        "organisation": organisation,
        "is_owner": is_owner,
        # What the tables show of each, as values: no model rows built for them.
        "cohorts": organisation_cohort_rows(organisation=organisation),
        "page": page,
        "query": urlencode({"role": role}) if role else "",
        "role": role,
        "roles": [(value, str(label)) for value, label in Role.choices],  # translated once
        "domains": organisation_domain_rows(organisation=organisation),
        "admin_form": OrganisationAdminForm(),
        "domain_form": OrganisationDomainForm(),
        "trail": _labelled(
            organisation_trail_head(organisation=organisation, size=TRAIL_SIZE),
            action=LogEntry.Action.choices,
        ),
        "branding_form": _branding_form(organisation),
    }
    return render(request, "organisations/detail.html", context | forms)


@organisation_admin_required
@require_GET
def organisation_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    return _detail(request, organisation)


@organisation_admin_required
@require_POST
def organisation_admin_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _owned(request, slug)
    form = OrganisationAdminForm(request.POST)
    if form.is_valid():
        try:
            membership = organisation_admin_add(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("%(name)s now has the role “%(role)s” in %(organisation)s.")
                % {
                    "name": membership.user.name,
                    "role": membership.get_role_display(),
                    "organisation": organisation.name,
                },
            )
            return _back(organisation, "#people-title")
    return _detail(request, organisation, admin_form=form)


@organisation_admin_required
@require_POST
def membership_role_view(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = _owned(request, slug)
    membership = membership_get_for_owner_page(
        organisation=organisation, membership_id=membership_id
    )
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return _back(organisation, "#people-title")
    try:
        membership = membership_role_change(
            organisation=organisation,
            membership=membership,
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s now has the role “%(role)s”.")
            % {"name": membership.user.name, "role": membership.get_role_display()},
        )
    return _back(organisation, "#people-title")


@organisation_admin_required
@require_POST
def membership_remove_view(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = _owned(request, slug)
    membership = membership_get_for_owner_page(
        organisation=organisation, membership_id=membership_id
    )
    try:
        membership_remove(organisation=organisation, membership=membership, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer in %(organisation)s. Their enrolments in its cohorts stay.")
            % {"name": membership.user.name, "organisation": organisation.name},
        )
    return _back(organisation, "#people-title")


@organisation_admin_required
@require_POST
def organisation_domain_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _owned(request, slug)
    form = OrganisationDomainForm(request.POST)
    if form.is_valid():
        try:
            domain = organisation_domain_add(
                organisation=organisation, domain=form.cleaned_data["domain"], by=request.user
            )
        except DomainError as exc:
            form.add_error("domain", exc.message)
        else:
            messages.success(
                request,
                _("%(domain)s added. It awaits verification by the staff of this installation.")
                % {"domain": domain.domain},
            )
            return _back(organisation, "#domains-title")
    return _detail(request, organisation, domain_form=form)


_BRANDING = PreparedQuery(
    lambda *, organisation_id: Branding.objects.filter(organisation_id=organisation_id).order_by(
        "pk"
    )[:1],  # as .first() reads it
    "organisation_id",
)


def _branding_form(organisation: Organisation, **kwargs: object) -> OrganisationBrandingForm:
    found = _BRANDING(organisation_id=organisation.pk)
    branding = found[0] if found else None
    initial = {} if branding else {"name": organisation.name}
    return OrganisationBrandingForm(instance=branding, initial=initial, **kwargs)


@organisation_admin_required
@require_POST
def organisation_branding_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _owned(request, slug)
    form = _branding_form(organisation, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            organisation_branding_save(
                organisation=organisation,
                by=request.user,
                name=form.cleaned_data["name"],
                main_colour=form.cleaned_data["main_colour"],
                logo=request.FILES.get("logo"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _(
                    "Branding saved. People who belong to %(organisation)s alone see it on "
                    "their pages."
                )
                % {"organisation": organisation.name},
            )
            return _back(organisation, "#branding-title")
    return _detail(request, organisation, branding_form=form)


urlpatterns = [
    path("", organisation_list_view, name="list"),
    path("<slug:slug>/", organisation_detail_view, name="detail"),
    path("<slug:slug>/admins/", organisation_admin_add_view, name="admin_add"),
    path(
        "<slug:slug>/people/<int:membership_id>/role/",
        membership_role_view,
        name="membership_role",
    ),
    path(
        "<slug:slug>/people/<int:membership_id>/remove/",
        membership_remove_view,
        name="membership_remove",
    ),
    path("<slug:slug>/domains/", organisation_domain_add_view, name="domain_add"),
    path("<slug:slug>/branding/", organisation_branding_view, name="branding"),
]
