"""Availability, sessions (Appointment: Django already owns "session"), agendas, notes,
reminders and calendar feeds."""

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions_app.db import TsTzRange

User = settings.AUTH_USER_MODEL


def _default_lengths() -> list[int]:
    return [30, 45, 60]


class Availability(models.Model):
    """A mentor's booking rules; the hours are WeeklyWindow and DateOverride rows, in the
    mentor's own time zone (User.timezone)."""

    mentor = models.OneToOneField(User, on_delete=models.CASCADE, related_name="availability")
    session_lengths = models.JSONField(_("session lengths (minutes)"), default=_default_lengths)
    buffer_before = models.PositiveSmallIntegerField(
        _("free minutes before a session"), default=0, validators=[MaxValueValidator(120)]
    )
    buffer_after = models.PositiveSmallIntegerField(
        _("free minutes after a session"), default=10, validators=[MaxValueValidator(120)]
    )
    notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=24, validators=[MaxValueValidator(24 * 14)]
    )
    weekly_limit = models.PositiveSmallIntegerField(
        _("sessions a week at most"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    horizon_weeks = models.PositiveSmallIntegerField(
        _("bookable weeks ahead"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availabilities"

    def __str__(self) -> str:
        return f"Availability of {self.mentor}"


class WeeklyWindow(models.Model):
    """Every week on `weekday` (0 = Monday) from `starts` to `ends`, mentor's local time."""

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="window_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts}-{self.ends}"


class DateOverride(models.Model):
    """On one date: a day off (no times), or extra hours from `starts` to `ends` (local)."""

    availability = models.ForeignKey(
        Availability, on_delete=models.CASCADE, related_name="overrides"
    )
    date = models.DateField()
    day_off = models.BooleanField(default=False)
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_off=True, starts__isnull=True, ends__isnull=True)
                | Q(day_off=False, ends__gt=F("starts")),
                name="override_day_off_or_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {'off' if self.day_off else f'{self.starts}-{self.ends}'}"


class Series(models.Model):
    """Regular sessions: every 1, 2 or 4 weeks at the same local time."""

    pairing = models.ForeignKey("pairings.Pairing", on_delete=models.CASCADE, related_name="+")
    every_weeks = models.PositiveSmallIntegerField(
        choices=[(1, _("Every week")), (2, _("Every two weeks")), (4, _("Every four weeks"))]
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"Series every {self.every_weeks} weeks for pairing {self.pairing_id}"


SESSION_UID_SUFFIX = "@mentoring"  # every session's calendar UID ends so


def _uid() -> str:
    return f"{uuid.uuid4()}{SESSION_UID_SUFFIX}"


class Appointment(models.Model):
    """A session between a mentor and a mentee. Times are UTC; `blocked_*` add the buffers."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    class State(models.TextChoices):
        """What people read about a session (see `state`): the stored status and the clock,
        plus what the partners said in their feedback."""

        BOOKED = "booked", _("Booked")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat")

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="appointments"
    )
    # The pairing's people, kept on the row so the database can refuse overlaps per person.
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode)
    video_url = models.URLField(blank=True)
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.BOOKED)
    booked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    cancelled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=1000)
    # A partner said in their feedback that it did not take place; feedback keeps it up to date
    # (feedback is above this app), so every page and export can tell held from missed.
    reported_not_held = models.BooleanField(default=False)
    uid = models.CharField(max_length=80, unique=True, default=_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)  # ICS SEQUENCE: up on every change
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at"), blocked_until__gte=F("ends_at")),
                name="appointment_blocked_covers_session",
            ),
            ExclusionConstraint(
                name="appointment_mentor_no_overlap",
                expressions=[
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                    ("mentor", RangeOperators.EQUAL),
                ],
                condition=Q(status="booked"),
            ),
            ExclusionConstraint(
                name="appointment_mentee_no_overlap",
                expressions=[
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                    ("mentee", RangeOperators.EQUAL),
                ],
                condition=Q(status="booked"),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "starts_at"]),
            models.Index(fields=["mentee", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"Session {self.starts_at:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @staticmethod
    def held_q(*, now: datetime) -> Q:
        """Held, as the health rules and every page count it: booked (not cancelled), ended by
        `now`, and no partner said in their feedback that it did not take place."""
        return Q(status=Appointment.Status.BOOKED, ends_at__lte=now, reported_not_held=False)

    def state_at(self, *, now: datetime) -> str:
        """Booked while to come or under way; once ended, held, or missed when a partner said
        it did not take place; or cancelled. Held here is held_q's."""
        if self.status == self.Status.CANCELLED:
            return self.State.CANCELLED
        if self.ends_at > now:
            return self.State.BOOKED
        return self.State.MISSED if self.reported_not_held else self.State.HELD

    @property
    def state(self) -> str:
        return self.state_at(now=timezone.now())

    @property
    def status_shown(self) -> str:
        """The state in words: "Booked", "Held", "Missed" or "Cancelled"."""
        return str(self.State(self.state).label)


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        QUESTION = "question", _("Question")
        MATERIAL = "material", _("Material to discuss")
        ACTION = "action", _("Action item carried over")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.QUESTION)
    text = models.CharField(max_length=500)
    # A goal put on the agenda in one click (kind GOAL); the text keeps its title as it was.
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class SessionNote(models.Model):
    """What one person wrote after a session: private unless shared with the partner."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=10_000)
    shared = models.BooleanField(_("share with my partner"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "author"], name="note_once_per_author"),
        ]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on {self.appointment_id}"


class ActionItem(models.Model):
    """A to-do agreed in a session; open ones join the next session's agenda."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="actions")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    done = models.BooleanField(default=False)
    carried_to = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:60]


def _default_offsets() -> list[int]:
    return [24 * 60, 60]


class ReminderSettings(models.Model):
    """How long before a session a person is reminded (minutes); default 24 h and 1 h."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reminder_settings")
    offsets = models.JSONField(default=_default_offsets)

    def __str__(self) -> str:
        return f"Reminders of {self.user_id}: {self.offsets}"


class Reminder(models.Model):
    """One reminder email, due at `due_at`, written in the booking's own transaction.

    Claimed by a scan (pending → claimed), sent by a short task (claimed → sent); a claim older
    than the task's time limit is claimable again, so a killed worker loses none.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField()
    session_starts_at = models.DateTimeField()  # the time it reminds of; a move makes new rows
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "recipient", "offset_minutes", "session_starts_at"],
                name="reminder_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"Reminder {self.offset_minutes} min before {self.appointment_id} ({self.status})"


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private, revocable URL for a person's upcoming sessions in their calendar app."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"


class CalendarConnection(models.Model):
    """One of a person's own calendars, read from a secret ICS address or a CalDAV account:
    its busy times (BusyInterval) keep them from being offered for sessions.

    The address is a secret (whoever holds it reads the calendar), so it is kept encrypted
    (mentoring.crypto) and never shown back in full; for a CalDAV account `url_encrypted` holds
    the server address and `password_encrypted` the app password. A failed refresh keeps the
    last good busy times and says why in `last_error`, from `failing_since`; the owner is
    emailed once per failing spell (`failure_emailed_at`, cleared when it reads again).
    A removed CalDAV account that wrote sessions waits, hidden and blocking nothing, from
    `removing_since` until the sessions to come are taken out of its calendars.
    """

    class Kind(models.TextChoices):
        ICS = "ics", _("ICS address")
        CALDAV = "caldav", _("CalDAV account")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_connections")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.ICS)
    name = models.CharField(_("name"), max_length=80)
    url_encrypted = models.TextField()
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    busy_known_until = models.DateTimeField(null=True, blank=True)  # the end of the read window
    checked_at = models.DateTimeField(null=True, blank=True)  # the last attempt, good or not
    last_synced_at = models.DateTimeField(null=True, blank=True)  # the last good one
    last_error = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failure_emailed_at = models.DateTimeField(null=True, blank=True)
    username = models.CharField(_("user name"), max_length=200, blank=True)  # CalDAV only
    password_encrypted = models.TextField(blank=True)  # CalDAV only: the app password
    removing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["checked_at"])]

    def __str__(self) -> str:
        return f"Calendar {self.name} of {self.user_id}"


class ConnectedCalendar(models.Model):
    """One calendar found in a CalDAV account. Its events count as busy while `counts_busy`
    (the person unticks the ones that do not); `state` is the server's change marker at the
    last read, so an unchanged calendar is not read again. At most one calendar of a person,
    across all their accounts, receives their sessions (`receives_sessions`)."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="calendars"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="connected_calendars")
    url = models.URLField(max_length=2000)
    name = models.CharField(_("name"), max_length=200)
    writable = models.BooleanField(default=True)
    counts_busy = models.BooleanField(_("counts as busy"), default=True)
    receives_sessions = models.BooleanField(default=False)
    state = models.CharField(max_length=255, blank=True)
    # Why the last write-back of a session here failed, in words, until one succeeds again.
    write_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "url"], name="connectedcalendar_unique_url_per_connection"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(receives_sessions=True),
                name="connectedcalendar_one_receiving_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"CalDAV calendar {self.name} of {self.user_id}"


class SessionEventWrite(models.Model):
    """A session written into a person's calendar: where (`href`) and which version
    (`sequence`), so a repeated or late write-back never writes an older version again."""

    appointment = models.ForeignKey(
        "Appointment", on_delete=models.CASCADE, related_name="calendar_writes"
    )
    calendar = models.ForeignKey(ConnectedCalendar, on_delete=models.CASCADE, related_name="writes")
    href = models.URLField(max_length=2000, blank=True)
    sequence = models.IntegerField(default=-1)  # -1: not written yet
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "calendar"], name="sessioneventwrite_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Session {self.appointment_id} in calendar {self.calendar_id}"


class BusyInterval(models.Model):
    """A time a connected calendar says its owner is busy (UTC)."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="busy"
    )
    # CalDAV: the calendar it was read from, so each is replaced alone; None for ICS.
    calendar = models.ForeignKey(
        ConnectedCalendar, on_delete=models.CASCADE, null=True, blank=True, related_name="busy"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["connection", "ends_at", "starts_at"])]

    def __str__(self) -> str:
        return f"Busy {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"
