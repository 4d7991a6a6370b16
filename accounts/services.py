"""Every change to people and profiles goes through here."""

import logging
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.emails import welcome_email_build
from accounts.events import user_leaving
from accounts.models import PROGRAMME_ADMINS_GROUP, EmailLog, Profile, Role, User
from outbox.services import task_enqueue_on_commit

logger = logging.getLogger(__name__)


def programme_admin_group_ensure() -> Group:
    """Create the programme admins' group with its permission. Safe to repeat."""
    group, _ = Group.objects.get_or_create(name=PROGRAMME_ADMINS_GROUP)
    permission = Permission.objects.filter(
        content_type__app_label="accounts", codename="programme_admin"
    ).first()
    if permission is not None:  # None only before the first migrate created it
        group.permissions.add(permission)
    return group


def user_make_programme_admin(*, user: User) -> None:
    """Put the user in the programme admins' group. Safe to repeat."""
    user.groups.add(programme_admin_group_ensure())


@transaction.atomic
def profile_save(
    *, user: User, profile: Profile, role: str | None, display_name: str, tz: str
) -> Profile:
    """Save a validated profile (from ProfileForm) and the user's name and zone.

    `role` None keeps the roles the person's enrolments gave them. The first save completes
    onboarding. Safe to repeat.
    """
    profile.user = user
    if role is not None:
        profile.is_mentor = role in (Role.MENTOR, Role.BOTH)
        profile.is_mentee = role in (Role.MENTEE, Role.BOTH)
    if not profile.is_mentor:
        profile.capacity = None
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
    profile.full_clean()
    profile.save()
    user.display_name = display_name
    user.timezone = tz
    user.save(update_fields=["display_name", "timezone"])
    return profile


def profile_role_add(*, user: User, role: str) -> Profile:
    """Record that the user takes part as a mentor or mentee ("mentor"/"mentee"), as their
    enrolment says; their profile then never asks the role again. Safe to repeat."""
    profile, _created = Profile.objects.get_or_create(user=user)
    flag = "is_mentor" if role == Role.MENTOR else "is_mentee"
    if not getattr(profile, flag):
        setattr(profile, flag, True)
        profile.save(update_fields=[flag, "updated_at"])
    return profile


def profile_defaults_from_enrolment(
    *, user: User, goals: str | None = None, capacity: int | None = None, tz: str | None = None
) -> None:
    """Keep what an enrolment form asked as the profile's default, so nothing is asked twice:
    the mentee's goals (only while the profile has none), the mentor's latest capacity (the
    default of their next cohort) and the time zone the hours were typed in."""
    profiles = Profile.objects.filter(user=user)
    if goals:
        profiles.filter(goals="").update(goals=goals)
    if capacity is not None:
        profiles.update(capacity=capacity)
    if tz and tz != user.timezone:
        user.timezone = tz
        user.save(update_fields=["timezone"])


def user_language_set(*, user: User, language: str) -> None:
    """Keep the person's language for pages and emails ("" follows the browser). Safe to
    repeat."""
    user.language = language
    user.save(update_fields=["language"])


def user_welcome_schedule(*, user: User) -> None:
    """Queue the welcome email once the current transaction commits."""
    if user.welcome_email_sent_at is not None:
        return
    from accounts.tasks import user_welcome_send_task

    task_enqueue_on_commit(user_welcome_send_task, user.pk)


def user_welcome_send(*, user_id: int) -> bool:
    """Send the welcome email unless it went out already; True when this call sent it.

    Safe to run twice, at once or later: the user's row stays locked while the mail goes out,
    so a second run waits and then sees it sent. A failed send raises and leaves it unsent.
    """
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=user_id, is_active=True, welcome_email_sent_at__isnull=True)
            .first()
        )
        if user is None:
            return False
        with translation.override(user.email_language):
            message = welcome_email_build(user=user)
        message.send()
        user.welcome_email_sent_at = timezone.now()
        user.save(update_fields=["welcome_email_sent_at"])
    logger.info("welcome email sent to user %s", user_id)
    return True


FORMER_PARTICIPANT = _("Former participant")


def former_participant_email(user_id: int) -> str:
    """The address a deleted account keeps: unique, and reserved never to deliver (RFC 2606)."""
    return f"former-{user_id}@deleted.invalid"


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account without harming the partners: every app removes the leaver's personal
    data (user_leaving), then the row itself stays, emptied and deactivated, so that what their
    partners wrote, shared and held keeps its history with "Former participant" beside it.
    Safe to repeat."""
    user_leaving.send(sender=User, user=user)
    EmailAddress.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    EmailLog.objects.filter(recipient=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = former_participant_email(user.pk)
    user.display_name = str(FORMER_PARTICIPANT)
    user.timezone = "UTC"
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # also ends every session the person still had open
    user.save()


def email_send_once(
    *, kind: str, key: str, recipient: User, build: Callable[[], EmailMessage]
) -> bool:
    """Send the email `build()` makes unless this (kind, key, recipient) went out already or
    the recipient's account is deactivated.

    True when this call sent it. Safe to run twice, at once or later (see EmailLog). A failed
    send raises and leaves it unsent for the retry.
    """
    if not recipient.is_active:
        return False
    EmailLog.objects.get_or_create(kind=kind, key=key, recipient=recipient)
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().get(kind=kind, key=key, recipient=recipient)
        if log.sent_at is not None:
            return False
        with translation.override(recipient.email_language):
            message = build()
        message.send()
        log.sent_at = timezone.now()
        log.save(update_fields=["sent_at"])
    return True
