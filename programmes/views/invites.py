"""Invite pages: an admin's links and CSV uploads, and the join link anyone may open."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapters import invited_email_forget, invited_email_stash
from accounts.decorators import programme_admin_required
from accounts.models import User
from mentoring.errors import DomainError
from programmes.forms.invites import ImportUploadForm, InviteLinkForm
from programmes.models import Cohort, Enrolment, ImportJob, Invite
from programmes.selectors import cohort_get_for_admin
from programmes.selectors.invites import (
    cohort_admin_names,
    import_job_get_for_admin,
    imports_recent,
    invite_by_token,
    invite_get_for_admin,
    invite_joined,
    invite_links_open,
    personal_invite_counts,
)
from programmes.services.imports import FINISHED, import_job_create
from programmes.services.invites import (
    InviteExpired,
    invite_accept,
    invite_closed,
    invite_link_create,
    invite_pending_record,
    invite_refusal,
    invite_revoke,
    invites_pending_take,
)

PAGE_SIZE = 25
PENDING_INVITE = "programmes_pending_invite"  # session key: the join link opened before sign-in


def _invites_page(
    request: HttpRequest,
    cohort: Cohort,
    *,
    link_form: InviteLinkForm,
    upload_form: ImportUploadForm,
) -> HttpResponse:
    links = Paginator(invite_links_open(cohort=cohort), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/invites/invites.html",
        {
            "cohort": cohort,
            "links": links,
            "link_form": link_form,
            "upload_form": upload_form,
            "personal": personal_invite_counts(cohort=cohort),
            "imports": imports_recent(cohort=cohort),
        },
    )


@programme_admin_required
@require_http_methods(["GET", "POST"])
def invite_list_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = InviteLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite_link_create(cohort=cohort, created_by=request.user, **form.cleaned_data)
        messages.success(request, _("Link created: copy it from the list and share it."))
        return redirect("programmes:invites", cohort_id=cohort.pk)
    return _invites_page(request, cohort, link_form=form, upload_form=ImportUploadForm())


@programme_admin_required
@require_POST
def invite_revoke_view(request: HttpRequest, cohort_id: int, invite_id: int) -> HttpResponse:
    invite = invite_get_for_admin(user=request.user, cohort_id=cohort_id, invite_id=invite_id)
    invite_revoke(invite=invite)
    messages.success(request, _("Link revoked: it no longer works. Those who joined stay."))
    return redirect("programmes:invites", cohort_id=cohort_id)


@programme_admin_required
@require_POST
def import_upload_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            cohort=cohort,
            uploaded_by=request.user,
            filename=upload.filename,
            content=upload.content,
            total_rows=upload.total_rows,
        )
        return redirect("programmes:import_detail", cohort_id=cohort.pk, job_id=job.pk)
    return _invites_page(request, cohort, link_form=InviteLinkForm(), upload_form=form)


def _import_context(request: HttpRequest, job: ImportJob) -> dict:
    finished = job.status in FINISHED
    return {
        "job": job,
        "cohort": job.cohort,
        "finished": finished,
        # The error list is read only once the import is over (it can hold 50,000 rows).
        "errors": Paginator(job.errors, PAGE_SIZE).get_page(request.GET.get("page"))
        if finished
        else None,
    }


@programme_admin_required
def import_detail_view(request: HttpRequest, cohort_id: int, job_id: int) -> HttpResponse:
    job = import_job_get_for_admin(user=request.user, cohort_id=cohort_id, job_id=job_id)
    return render(request, "programmes/invites/import_detail.html", _import_context(request, job))


@programme_admin_required
def import_progress_view(request: HttpRequest, cohort_id: int, job_id: int) -> HttpResponse:
    """The progress section alone, polled by htmx until the import is over."""
    job = import_job_get_for_admin(user=request.user, cohort_id=cohort_id, job_id=job_id)
    return render(
        request, "programmes/invites/_import_progress.html", _import_context(request, job)
    )


def _join_refused(request: HttpRequest, invite: Invite, refusal: DomainError) -> HttpResponse:
    return render(
        request,
        "programmes/invites/join_refused.html",
        {"cohort": invite.cohort, "message": refusal.message},
        status=410 if isinstance(refusal, InviteExpired) else 403,
    )


def _join_unknown(request: HttpRequest) -> HttpResponse:
    """A token that names no invitation (mistyped, cut short): a page that says so."""
    message = _(
        "This invitation link does not work. Check that you opened the whole link from your "
        "email or message, or ask your programme admin for a new one."
    )
    return render(request, "programmes/invites/join_refused.html", {"message": message}, status=404)


def _joined(request: HttpRequest, enrolment: Enrolment) -> str:
    """Say so, and give the page where the new participant answers the cohort's questions."""
    messages.success(
        request,
        _("You joined %(cohort)s as a %(role)s. Next: tell us what you are looking for.")
        % {"cohort": enrolment.cohort.name, "role": enrolment.get_role_display().lower()},
    )
    return reverse("programmes:enrolment", args=[enrolment.cohort_id, enrolment.role])


def _join_signed_out(request: HttpRequest, invite: Invite) -> HttpResponse:
    """The invitation itself, for someone without an account (or not signed in yet).

    The browser keeps the link until they are in; signing up through it keeps it on the server
    too (programmes.signals). A personal invitation reached its address, so signing up with
    that address needs no confirmation email (accounts.adapters.invited_email_stash).
    """
    request.session[PENDING_INVITE] = invite.token
    signup_url = reverse("account_signup")
    if invite.email and invite.accepted_at is None:
        invited_email_stash(request, invite.email)
    if invite.email:
        signup_url += "?" + urlencode({"email": invite.email})
    return render(
        request,
        "programmes/invites/join_signed_out.html",
        {
            "invite": invite,
            "cohort": invite.cohort,
            "admins": cohort_admin_names(cohort=invite.cohort),
            "signup_url": signup_url,
            "used": invite.accepted_at is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def invite_join_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the token is the permission. Joining itself takes a POST from a signed-in person."""
    invite = invite_by_token(token=token)
    if invite is None:
        return _join_unknown(request)
    user = request.user
    if not user.is_authenticated:
        closed = invite_closed(invite=invite)
        if closed is not None:
            return _join_refused(request, invite, closed)
        return _join_signed_out(request, invite)
    if invite_joined(invite=invite, user=user):
        return redirect("programmes:enrolment", cohort_id=invite.cohort_id, role=invite.role)
    refusal = invite_refusal(invite=invite, user=user)
    if refusal is not None:
        return _join_refused(request, invite, refusal)
    if request.method == "POST":
        return redirect(_joined(request, invite_accept(invite=invite, user=user)))
    return render(request, "programmes/invites/join.html", {"invite": invite})


def invite_pending_record_from_session(request: HttpRequest, user: User) -> None:
    """After a sign-up: tie the invitation opened in this browser to the new account."""
    invited_email_forget(request)
    token = request.session.get(PENDING_INVITE)
    invite = invite_by_token(token=token) if token else None
    if invite is not None:
        invite_pending_record(invite=invite, user=user)


def invite_pending_accept(request: HttpRequest, user: User, response: HttpResponse | None) -> None:
    """After a sign-in: join with the link opened in this browser before, and with those the
    person signed up through (kept on the server, whichever browser confirmed the address).

    Sends them on to the cohort's questions instead of the dashboard.
    """
    invited_email_forget(request)  # they have an account now: nothing left to sign up
    token = request.session.pop(PENDING_INVITE, None)
    opened = invite_by_token(token=token) if token else None
    enrolments, refusals = invites_pending_take(user=user, invite=opened)
    for refusal in refusals:
        messages.warning(request, refusal.message)
    if not enrolments:
        return
    next_url = _joined(request, enrolments[0])
    if isinstance(response, HttpResponseRedirect):
        response["Location"] = next_url


urlpatterns = [
    path("cohorts/<int:cohort_id>/invites/", invite_list_view, name="invites"),
    path(
        "cohorts/<int:cohort_id>/invites/<int:invite_id>/revoke/",
        invite_revoke_view,
        name="invite_revoke",
    ),
    path("cohorts/<int:cohort_id>/imports/", import_upload_view, name="import_upload"),
    path("cohorts/<int:cohort_id>/imports/<int:job_id>/", import_detail_view, name="import_detail"),
    path(
        "cohorts/<int:cohort_id>/imports/<int:job_id>/progress/",
        import_progress_view,
        name="import_progress",
    ),
    path("join/<str:token>/", invite_join_view, name="join"),
]
