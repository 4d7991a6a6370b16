"""The audit trail's events, written through django-auditlog's LogEntry.

Admin actions are changes to the models each app registers with auditlog in its ready(); each
such model's get_additional_data() tags the entry with its cohort (additional_data["cohort_id"])
so that a cohort's admins read their cohort's trail. A
security event is an ACCESS entry on the person's User row with additional_data["event"].
Actor and address come from AuditContextMiddleware for the request being served.
"""

from auditlog.models import LogEntry
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from accounts.models import User

SECURITY_EVENTS = {
    "signed_in": _("Signed in"),
    "sign_in_failed": _("A sign-in with a wrong password"),
    "second_factor_added": _("Second factor added"),
    "second_factor_removed": _("Second factor removed"),
    "password_changed": _("Password changed"),
    "password_reset": _("Password reset by email"),
    "email_changed": _("Email address changed"),
    "data_export_requested": _("A copy of your data asked for"),
    "account_deleted": _("Account deleted"),
    "api_token_created": _("API token created"),
    "api_token_revoked": _("API token revoked"),
}


def security_event_log(*, user: User, event: str, detail: str = "") -> LogEntry:
    """Record a security event of `user` (one of SECURITY_EVENTS)."""
    return LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={},
        additional_data={"event": event, "detail": detail},
    )


def admin_event_log(*, instance: Model, cohort_id: int, event: str) -> LogEntry:
    """Record an admin action that changes no registered row (an export, a snooze)."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={},
        additional_data={"cohort_id": cohort_id, "event": event},
    )
