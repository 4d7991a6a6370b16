"""The weekly health email to each programme admin: what changed in their cohorts
(oversight.selectors.weekly), sent once a week within their contact hours.

Beat runs health_weekly_dispatch every hour. An admin's moment is any run inside their contact
hours (their latest enrolment's, else weekdays 09:00-17:00; on their own clock, summer time
included) on the first day of their ISO week that has hours: Monday, for most. Each such run
queues a send until one has sent; the send goes once per ISO week of the admin's calendar
(email_send_once), so a run repeated, or a worker that died mid-send and is retried, never
sends twice. A week with nothing to say sends nothing; later runs that day look again.
"""

from datetime import date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import EmailLog, User
from accounts.services import email_send_once
from mentoring.links import absolute
from oversight.selectors.weekly import (
    OFFICE_HOURS,
    WEEK,
    HealthWeek,
    admin_contact_hours,
    health_week_for_admin,
)
from pairings.models import ContactTerms
from pairings.selectors.agreements import is_within_contact_hours
from programmes.emails import programme_email_build
from programmes.models import Enrolment

EMAIL_KIND = "health_weekly"


def health_weekly_key(*, user: User, day: date) -> str:
    """The email's key in EmailLog: the admin and the ISO week of `day` (their own date)."""
    year, week, _weekday = day.isocalendar()
    return f"health-weekly:{user.pk}:{year}-W{week:02d}"


def health_weekly_is_due(*, user: User, hours: list[list[int]], at: datetime) -> bool:
    """Whether `at` is the admin's moment for the week's email: inside their contact hours, on
    the first day of the week that has any (both on their own clock, in User.timezone)."""
    local = at.astimezone(user.zoneinfo)
    first_day = min(weekday for weekday, _opens, _closes in hours)
    # The contact agreement's reading of the windows, DST included; admins have no
    # agreement of their own, so their hours are put in unsaved terms.
    terms = ContactTerms(contact_hours=hours, timezone=user.timezone)
    return local.weekday() == first_day and is_within_contact_hours(terms=terms, at=at)


def _admins_with_hours() -> QuerySet[User]:
    """Active users who have not turned the weekly email off, each with `own_enrolments`."""
    return (
        User.objects.filter(is_active=True)
        .exclude(notification_settings__health_weekly=False)
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.exclude(contact_hours=[]).only(
                    "pk", "user_id", "contact_hours", "created_at"
                ),
                to_attr="own_enrolments",
            )
        )
    )


def health_weekly_dispatch(*, now: datetime) -> int:
    """Queue the week's email of every admin whose moment `now` is and who has not had it;
    return how many were queued. Three queries however many admins. Safe to repeat."""
    # Every zone's today is within a day of UTC's; the send checks the admin's own.
    recent = now.date() - WEEK - timedelta(days=1)
    admins = list(_admins_with_hours().filter(administered_cohorts__ends_on__gte=recent).distinct())
    sent = set(
        EmailLog.objects.filter(
            kind=EMAIL_KIND,
            recipient__in=admins,
            sent_at__isnull=False,
            created_at__gte=now - WEEK - timedelta(days=1),
        ).values_list("recipient_id", "key")
    )
    due = [
        admin.pk
        for admin in admins
        if health_weekly_is_due(
            user=admin, hours=admin_contact_hours(enrolments=admin.own_enrolments), at=now
        )
        and (admin.pk, health_weekly_key(user=admin, day=now.astimezone(admin.zoneinfo).date()))
        not in sent
    ]
    from oversight.tasks.weekly import health_weekly_send_task

    for admin_id in due:
        health_weekly_send_task.delay(admin_id, now.isoformat())
    return len(due)


def health_weekly_send(*, user_id: int, at: datetime) -> bool:
    """Email the admin their week ending on their own date at `at`, if `at` is their moment
    (health_weekly_is_due), they still want it and there is something to say. True when this
    call sent it. Safe to repeat: once per ISO week (email_send_once); a deactivated account
    is sent nothing."""
    user = _admins_with_hours().filter(pk=user_id).first()
    if user is None:
        return False
    hours = admin_contact_hours(enrolments=user.own_enrolments)
    if not health_weekly_is_due(user=user, hours=hours, at=at):
        return False
    today = at.astimezone(user.zoneinfo).date()
    week = health_week_for_admin(user=user, today=today)
    if not week.worth_sending:
        return False
    return email_send_once(
        kind=EMAIL_KIND,
        key=health_weekly_key(user=user, day=today),
        recipient=user,
        build=lambda: health_weekly_email_build(week=week, office_hours=hours == OFFICE_HOURS),
    )


def health_weekly_subject(*, week: HealthWeek) -> str:
    """One line: what changed, else what is still at risk; and the pauses to agree."""
    parts = []
    if week.new_at_risk:
        parts.append(_("%(count)d new at risk") % {"count": week.new_at_risk})
    if week.recovered:
        parts.append(_("%(count)d recovered") % {"count": week.recovered})
    if not parts and week.still_at_risk:
        parts.append(_("%(count)d still at risk") % {"count": week.still_at_risk})
    if week.pauses_awaiting:
        parts.append(
            ngettext(
                "%(count)d pause waiting for you",
                "%(count)d pauses waiting for you",
                week.pauses_awaiting,
            )
            % {"count": week.pauses_awaiting}
        )
    return _("Cohort health this week: %(changes)s") % {"changes": ", ".join(parts)}


def health_weekly_email_build(*, week: HealthWeek, office_hours: bool) -> EmailMultiAlternatives:
    """The weekly email: per cohort with news, its links absolute; dates are the admin's."""
    cohorts = [
        {
            "week": cohort_week,
            "url": absolute("oversight:cohort_detail", cohort_week.cohort.pk),
            "new_at_risk": [
                {
                    "pairing": entry,
                    "nudge_url": absolute("oversight:pairing_nudge", entry.pairing_id),
                }
                for entry in cohort_week.new_at_risk
            ],
        }
        for cohort_week in week.cohorts
    ]
    return programme_email_build(
        template="oversight/health_weekly",
        to=week.admin,
        subject=health_weekly_subject(week=week),
        context={
            "week": week,
            "cohorts": cohorts,
            "zone": week.admin.timezone,
            "office_hours": office_hours,
            "settings_url": absolute("notifications:notification_settings"),
        },
    )
