"""Security events, from the signals of allauth and Django (boundaries we don't own)."""

from allauth.account.signals import email_changed, password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from audit.events import security_event_log


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender: object, request: object, user: User, **kwargs: object) -> None:
    security_event_log(user=user, event="signed_in")


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender: object, credentials: dict, **kwargs: object) -> None:
    """Only for an existing account: a wrong guess at an unknown address is not personal data
    of anyone here."""
    email = (credentials.get("email") or credentials.get("username") or "").lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        security_event_log(user=user, event="sign_in_failed")


@receiver(authenticator_added, dispatch_uid="audit_second_factor_added")
def _second_factor_added(sender: object, request: object, user: User, authenticator, **kwargs):
    security_event_log(user=user, event="second_factor_added", detail=authenticator.type)


@receiver(authenticator_removed, dispatch_uid="audit_second_factor_removed")
def _second_factor_removed(sender: object, request: object, user: User, authenticator, **kwargs):
    security_event_log(user=user, event="second_factor_removed", detail=authenticator.type)


@receiver(password_changed, dispatch_uid="audit_password_changed")
def _password_changed(sender: object, request: object, user: User, **kwargs: object) -> None:
    security_event_log(user=user, event="password_changed")


@receiver(password_reset, dispatch_uid="audit_password_reset")
def _password_reset(sender: object, request: object, user: User, **kwargs: object) -> None:
    security_event_log(user=user, event="password_reset")


@receiver(email_changed, dispatch_uid="audit_email_changed")
def _email_changed(sender: object, request: object, user: User, **kwargs: object) -> None:
    security_event_log(user=user, event="email_changed")


@receiver(user_leaving, dispatch_uid="audit_account_deleted")
def _account_deleted(sender: type, *, user: User, **kwargs: object) -> None:
    security_event_log(user=user, event="account_deleted")
