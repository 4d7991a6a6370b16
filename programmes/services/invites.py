"""Invitations into cohorts: shareable links, personal invites, their emails and joining."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.emails import email_build
from accounts.models import User
from mentoring.errors import DomainError
from mentoring.links import absolute
from mentoring.live import invites_changed
from outbox.services import task_enqueue_many_on_commit
from programmes.models import Cohort, Enrolment, Invite, PendingJoin
from programmes.services.enrolments import enrolment_join

INVITE_DAYS = 14  # how long a new link stays valid unless the admin says otherwise
INVITE_DAYS_MAX = 90


class InviteExpired(DomainError):
    """The invite's time ran out, or an admin revoked it."""


class InviteForSomeoneElse(DomainError):
    """A personal invite opened by a person signed in with another address."""


def invite_is_open(invite: Invite) -> bool:
    return invite.expires_at > timezone.now()


@transaction.atomic
def invite_link_create(*, cohort: Cohort, role: str, valid_days: int, created_by: User) -> Invite:
    """A new shareable link: whoever holds it may join the cohort in `role` until it expires."""
    return Invite.objects.create(
        cohort=cohort,
        role=role,
        expires_at=timezone.now() + timedelta(days=valid_days),
        created_by=created_by,
    )


@transaction.atomic
def invite_revoke(*, invite: Invite) -> Invite:
    """Make the invite expire now; those who joined with it stay. Safe to repeat."""
    now = timezone.now()
    if invite.expires_at > now:
        invite.expires_at = now
        invite.save(update_fields=["expires_at"])
    return invite


def invite_closed(*, invite: Invite) -> InviteExpired | None:
    """The refusal for an invite that no longer works (expired or revoked), or None."""
    if invite_is_open(invite):
        return None
    return InviteExpired(
        _(
            "This invitation to %(cohort)s has expired or was withdrawn. Ask your programme "
            "admin for a new one."
        )
        % {"cohort": invite.cohort.name}
    )


def invite_refusal(*, invite: Invite, user: User) -> DomainError | None:
    """Why the user may not join with this invite (InviteForSomeoneElse, InviteExpired), or None."""
    if invite.email and invite.email != user.email.lower():
        return InviteForSomeoneElse(
            _(
                "This invitation was sent to another email address than yours (%(email)s). "
                "Sign out, then sign in or sign up with the address it was sent to."
            )
            % {"email": user.email}
        )
    return invite_closed(invite=invite)


@transaction.atomic
def invite_accept(*, invite: Invite, user: User) -> Enrolment:
    """Enrol the user in the invite's cohort and role; raises the invite_refusal, if any.

    Safe to repeat: someone who joined already gets their enrolment back, even once the invite
    has closed.
    """
    refusal = invite_refusal(invite=invite, user=user)
    if refusal is not None:
        joined = Enrolment.objects.filter(cohort=invite.cohort, user=user, role=invite.role).first()
        if joined is None:
            raise refusal
        return joined
    return _enrol(invite, user)


def _enrol(invite: Invite, user: User) -> Enrolment:
    enrolment = enrolment_join(
        cohort=invite.cohort,
        user=user,
        role=invite.role,
        department=invite.department,
        manager_email=invite.manager_email,
    )
    Enrolment.objects.filter(pk=enrolment.pk, invite__isnull=True).update(invite=invite)
    if invite.email:
        Invite.objects.filter(pk=invite.pk, accepted_at__isnull=True).update(
            accepted_by=user, accepted_at=timezone.now()
        )
        invites_changed()  # an update: no signal
    return enrolment


@transaction.atomic
def invites_accept_for_email(*, user: User, email: str) -> list[Enrolment]:
    """Enrol the user wherever an open personal invite names this (just verified) address.

    The address is the user's (verified), whatever `user.email` says. Safe to repeat: accepted
    invites are skipped.
    """
    invites = Invite.objects.filter(
        email=email.lower(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("cohort")
    return [_enrol(invite, user) for invite in invites]


@transaction.atomic
def invite_pending_record(*, invite: Invite, user: User) -> PendingJoin | None:
    """Remember on the server that the user signed up through this (open) invitation, so
    confirming their address from any browser or device enrols them. None when it is closed.
    Safe to repeat."""
    if invite_closed(invite=invite) is not None:
        return None
    pending, _created = PendingJoin.objects.get_or_create(user=user, invite=invite)
    return pending


@transaction.atomic
def invites_pending_accept_for_email(*, user: User, email: str) -> list[Enrolment]:
    """Once `email` is confirmed: join with every invitation the user signed up through.

    A personal invitation joins only when it names this address; a closed one not at all.
    The rows stay, so the next sign-in still leads to the cohort's questions. Safe to repeat.
    """
    pending = PendingJoin.objects.filter(user=user).select_related("invite__cohort")
    return [
        _enrol(p.invite, user)
        for p in pending
        if (not p.invite.email or p.invite.email == email.lower())
        and invite_closed(invite=p.invite) is None
    ]


@transaction.atomic
def invites_pending_take(
    *, user: User, invite: Invite | None = None
) -> tuple[list[Enrolment], list[DomainError]]:
    """At sign-in: join with the invitation opened in this browser (`invite`) and every one
    the user signed up through on the server; those are then forgotten.

    Returns the enrolments (new or existing, the opened invite's first) and the refusals
    (an invitation for another address, or one closed without them having joined).
    """
    invites = [invite] if invite is not None else []
    pending = PendingJoin.objects.select_for_update(of=("self",)).filter(user=user)
    invites += [p.invite for p in pending.select_related("invite__cohort")]
    pending.delete()
    enrolments: list[Enrolment] = []
    refusals: list[DomainError] = []
    seen: set[int] = set()
    for each in invites:
        if each.pk in seen:
            continue
        seen.add(each.pk)
        try:
            enrolments.append(invite_accept(invite=each, user=user))
        except DomainError as exc:
            refusals.append(exc)
    return enrolments, refusals


def invite_emails_schedule(*, invite_ids: Iterable[int]) -> None:
    """Queue one invitation email per invite once the current transaction commits."""
    from programmes.tasks.invites import invite_send_task

    task_enqueue_many_on_commit(invite_send_task, ([pk] for pk in invite_ids))


def _invite_email(invite: Invite) -> EmailMultiAlternatives:
    names = {"cohort": invite.cohort.name, "role": invite.get_role_display().lower()}
    return email_build(
        template="programmes/invite",
        to=invite.email,
        subject=_("You are invited to join %(cohort)s as a %(role)s") % names,
        context={
            "invite": invite,
            "inviter": invite.created_by,
            "role": names["role"],
            "link": absolute("programmes:join", invite.token),
        },
    )


def invite_send(*, invite_id: int) -> bool:
    """Email a personal invite's join link unless it went out already; True when this call sent it.

    Safe to run twice, at once or later: the invite stays locked while the mail goes out, so
    a second run waits and then sees it sent. Nothing is sent for an invite accepted or closed
    in the meantime. A failed send raises and leaves it unsent for the retry.

    Not accounts.services.email_send_once: its log needs a User, and invitees have none yet;
    the invite's own `emailed_at` is the claim instead.
    """
    with transaction.atomic():
        invite = (
            Invite.objects.select_for_update(of=("self",))
            .select_related("cohort", "created_by")
            .filter(pk=invite_id, emailed_at__isnull=True, accepted_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if invite is None or not invite_is_open(invite):
            return False
        # Someone invited again who already has an account reads it in their own language.
        known = User.objects.filter(email__iexact=invite.email).first()
        with translation.override(known.email_language if known else settings.LANGUAGE_CODE):
            message = _invite_email(invite)
        message.send()
        invite.emailed_at = timezone.now()
        invite.save(update_fields=["emailed_at"])
    return True
