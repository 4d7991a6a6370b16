"""Everything held about a person, as documented JSON and the files they shared (GDPR
articles 15 and 20).

EXPORTED names, for every model that holds data about a person, what the rows about them
mean and how to find them; EXCLUDED names the models left out and why. A test walks every model
with a relation to the user: one in neither list fails it, so a new model cannot be forgotten.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from auditlog.models import LogEntry as AuditEntry
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.models import EmailLog, Profile, User
from exchange.models import Material, Message, Opportunity, OpportunityRecipient
from feedback.models import Feedback
from goals.models import Goal, GoalUpdate, Milestone
from matching.models import MatchRun, MentorRequest, PairConstraint, ProposedPair
from notifications.models import Notification, NotificationSettings
from organisations.models import Membership
from oversight.models import Announcement, AnnouncementDelivery, Nudge, PairingHealth
from pairings.models import Acknowledgement, ContactTerms, Pairing, PairingPause
from programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentQuestion,
    ImportJob,
    Invite,
    MentorPreference,
    PendingJoin,
)
from provisioning.models import ProvisionedUser, ScimGroup, ScimToken
from sessions_app.models import (
    ActionItem,
    AgendaItem,
    Appointment,
    Availability,
    BusyInterval,
    CalendarConnection,
    CalendarFeed,
    ConnectedCalendar,
    DateOverride,
    Reminder,
    ReminderSettings,
    Series,
    SessionEventWrite,
    SessionNote,
    WeeklyWindow,
)
from webhooks.models import WebhookEndpoint


@dataclass(frozen=True)
class Section:
    about: str
    rows: Callable[[User], QuerySet]
    omit: frozenset[str] = field(default_factory=frozenset)  # secrets, never shown
    # Facts worked out from the row that its fields alone do not say, added to each row.
    derived: Callable[[Model], dict] | None = None


def _pairings(user: User) -> QuerySet[Pairing]:
    return Pairing.objects.filter(Q(mentor=user) | Q(mentee=user))


def _both(model: type[Model], *names: str) -> Callable[[User], QuerySet]:
    def rows(user: User) -> QuerySet:
        match = Q()
        for name in names:
            match |= Q(**{name: user})
        return model.objects.filter(match)

    return rows


SECRET = frozenset({"token"})

EXPORTED: dict[type[Model], Section] = {
    User: Section("Your account.", lambda u: User.objects.filter(pk=u.pk), frozenset({"password"})),
    Profile: Section("Your profile.", _both(Profile, "user")),
    EmailAddress: Section("Your email addresses.", _both(EmailAddress, "user")),
    Authenticator: Section(
        "Your second factors (their secrets are not exported).",
        _both(Authenticator, "user"),
        frozenset({"data"}),
    ),
    EmailLog: Section("Emails we sent you once (which, when).", _both(EmailLog, "recipient")),
    LogEntry: Section("What you changed in the staff admin.", _both(LogEntry, "user")),
    AuditEntry: Section(
        "The audit trail: what you did as a programme admin, and your security events.",
        lambda u: AuditEntry.objects.filter(
            Q(actor=u)
            | Q(content_type=ContentType.objects.get_for_model(User), object_pk=str(u.pk))
        ),
        frozenset({"serialized_data"}),
    ),
    NotificationSettings: Section(
        "How you chose to hear of things.", _both(NotificationSettings, "user")
    ),
    Notification: Section(
        "Emails about your pairings: when each was due and sent.",
        _both(Notification, "recipient"),
    ),
    Cohort: Section("Cohorts you administer.", _both(Cohort, "admins")),
    Enrolment: Section(
        "Your place and answers in each cohort; `answers` maps a question's id (the section "
        "below) to your answer.",
        _both(Enrolment, "user"),
    ),
    EnrolmentQuestion: Section(
        "The cohorts' own questions your answers reply to.",
        lambda u: EnrolmentQuestion.objects.filter(cohort__enrolments__user=u).distinct(),
    ),
    MentorPreference: Section(
        "The mentors you chose, in order.",
        lambda u: MentorPreference.objects.filter(enrolment__user=u),
    ),
    Invite: Section(
        "Invitations to you, or made by you.",
        lambda u: Invite.objects.filter(
            Q(accepted_by=u)
            | Q(created_by=u)
            | Q(email__in=EmailAddress.objects.filter(user=u).values("email"))
        ),
        SECRET,
    ),
    PendingJoin: Section(
        "Invitations you signed up through, kept until you are in the cohort.",
        _both(PendingJoin, "user"),
    ),
    ImportJob: Section(
        "CSV files you imported (counts; the files are not kept).",
        _both(ImportJob, "uploaded_by"),
        frozenset({"content"}),
    ),
    Pairing: Section("Your pairings.", _both(Pairing, "mentor", "mentee", "closed_by")),
    PairingPause: Section(
        "Pauses planned in your pairings, by you or your partner, and those you agreed to or "
        "declined as a programme admin.",
        lambda u: PairingPause.objects.filter(
            Q(pairing__in=_pairings(u)) | Q(requested_by=u) | Q(decided_by=u)
        ),
    ),
    ContactTerms: Section("Your contact terms in each pairing.", _both(ContactTerms, "person")),
    Acknowledgement: Section(
        "When you acknowledged your partners' terms.", _both(Acknowledgement, "person")
    ),
    MatchRun: Section("Match runs you made.", _both(MatchRun, "created_by")),
    ProposedPair: Section("Proposals that named you.", _both(ProposedPair, "mentee", "mentor")),
    PairConstraint: Section(
        "Pairs locked or forbidden that name you, or that you set.",
        _both(PairConstraint, "mentee", "mentor", "created_by"),
    ),
    MentorRequest: Section(
        "Mentor requests you sent or received.", _both(MentorRequest, "mentee", "mentor")
    ),
    Goal: Section("Your goals.", _both(Goal, "mentee")),
    Milestone: Section(
        "The milestones of your goals.", lambda u: Milestone.objects.filter(goal__mentee=u)
    ),
    GoalUpdate: Section("Progress and comments you posted on goals.", _both(GoalUpdate, "author")),
    Availability: Section("Your availability settings.", _both(Availability, "mentor")),
    WeeklyWindow: Section(
        "Your weekly free hours.", lambda u: WeeklyWindow.objects.filter(availability__mentor=u)
    ),
    DateOverride: Section(
        "Your changed days.", lambda u: DateOverride.objects.filter(availability__mentor=u)
    ),
    Series: Section("Series of sessions you booked.", _both(Series, "created_by")),
    Appointment: Section(
        "Your sessions; `state` is what the pages show: booked (to come or under way), held, "
        "missed (someone said in their feedback it did not take place) or cancelled.",
        _both(Appointment, "mentor", "mentee", "booked_by", "cancelled_by"),
        derived=lambda session: {"state": session.state},
    ),
    AgendaItem: Section("What you put on session agendas.", _both(AgendaItem, "author")),
    SessionNote: Section("Your notes after sessions.", _both(SessionNote, "author")),
    ActionItem: Section("Action items you wrote.", _both(ActionItem, "author")),
    ReminderSettings: Section("Your reminder choices.", _both(ReminderSettings, "user")),
    Reminder: Section("Reminders sent or due to you.", _both(Reminder, "recipient")),
    CalendarFeed: Section(
        "Your calendar feed (its secret address is not exported).",
        _both(CalendarFeed, "user"),
        SECRET,
    ),
    CalendarConnection: Section(
        "Your own calendars connected to show when you are busy (their secret addresses and "
        "app passwords are not exported).",
        _both(CalendarConnection, "user"),
        frozenset({"url_encrypted", "password_encrypted"}),
    ),
    ConnectedCalendar: Section(
        "The calendars found in your CalDAV accounts: whether each counts as busy and which "
        "one receives your sessions.",
        _both(ConnectedCalendar, "user"),
    ),
    SessionEventWrite: Section(
        "Sessions written into your chosen calendar, and which version of each.",
        lambda u: SessionEventWrite.objects.filter(calendar__user=u),
    ),
    BusyInterval: Section(
        "The busy times read from your connected calendars.",
        lambda u: BusyInterval.objects.filter(connection__user=u),
    ),
    Feedback: Section("Your feedback: ratings and words.", _both(Feedback, "person")),
    Message: Section(
        "The messages of your threads, yours and your partners'.",
        lambda u: Message.objects.filter(Q(sender=u) | Q(pairing__in=_pairings(u))),
    ),
    Material: Section(
        "Materials shared in your pairings; the files you shared are in files/.",
        lambda u: Material.objects.filter(Q(shared_by=u) | Q(pairing__in=_pairings(u))),
    ),
    Opportunity: Section("Opportunities you passed on.", _both(Opportunity, "mentor")),
    OpportunityRecipient: Section(
        "Opportunities passed on to you, and your answers.", _both(OpportunityRecipient, "mentee")
    ),
    PairingHealth: Section("Pairings whose flag you snoozed.", _both(PairingHealth, "snoozed_by")),
    Nudge: Section("Nudges you sent as a programme admin.", _both(Nudge, "sent_by")),
    Announcement: Section("Announcements you sent.", _both(Announcement, "created_by")),
    AnnouncementDelivery: Section(
        "Announcements delivered to you.", _both(AnnouncementDelivery, "person")
    ),
    Membership: Section(
        "The organisations you belong to, your role in each and how you joined.",
        _both(Membership, "user"),
    ),
    SocialAccount: Section(
        "Your sign-ins through an organisation's identity provider: its id for you and the "
        "details it sent.",
        _both(SocialAccount, "user"),
    ),
    ProvisionedUser: Section(
        "What each organisation's directory (SCIM) says of you: its id and name for you, your "
        "emails and whether it lists you as active.",
        _both(ProvisionedUser, "user"),
    ),
    ScimGroup: Section(
        "The groups of an organisation's directory you are in.",
        lambda u: ScimGroup.objects.filter(members__user=u).distinct(),
    ),
    # home and api are sibling layers: the model is looked up by name, not imported.
    apps.get_model("api", "ApiToken"): Section(
        "Your API tokens, and the reporting tokens you made for an organisation: name, access, "
        "when each was made, last used, expires or was revoked (the tokens themselves are not "
        "kept, and their digests are not exported).",
        lambda u: apps.get_model("api", "ApiToken").objects.filter(user=u),
        frozenset({"digest", "hint"}),
    ),
    ScimToken: Section(
        "Provisioning tokens you created for an organisation (their hashes are not exported).",
        _both(ScimToken, "created_by"),
        frozenset({"token_hash"}),
    ),
    WebhookEndpoint: Section(
        "Webhook endpoints you added for an organisation (their signing secrets are not exported).",
        _both(WebhookEndpoint, "created_by"),
        frozenset({"secret_encrypted", "previous_secret_encrypted"}),
    ),
}

EXCLUDED: dict[str, str] = {
    "home.DataExport": "these requests for a copy; each one's link reached you by email",
}


def _value(value: object) -> object:
    return value.name if isinstance(value, FieldFile) else value  # a file: its stored name


def _row(obj: Model, omit: frozenset[str]) -> dict:
    return {
        f.attname: _value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in omit and f.attname not in omit
    }


def export_data(*, user: User) -> dict:
    """Every section about the user, as plain data (the JSON of the zip)."""
    sections = {}
    for model, section in EXPORTED.items():
        rows = [
            {**_row(obj, section.omit), **(section.derived(obj) if section.derived else {})}
            for obj in section.rows(user).order_by("pk")
        ]
        sections[model._meta.label] = {"about": section.about, "rows": rows}
    return {
        "exported_at": timezone.now(),
        "about": (
            "Everything this mentoring platform holds about you. Each section names what its "
            "rows are; ids link rows across sections (pairing_id, appointment_id ...)."
        ),
        "sections": sections,
    }


def export_zip(*, user: User, open_file: Callable[[str], bytes | None]) -> bytes:
    """The zip: data.json and files/ with each file the user shared (read with `open_file`;
    one that cannot be read is listed in data.json as missing)."""
    data = export_data(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        missing = []
        shared = Material.objects.filter(shared_by=user, kind=Material.Kind.FILE).exclude(file="")
        for material in shared.order_by("pk"):
            content = open_file(material.file.name)
            if content is None:
                missing.append(material.pk)
                continue
            archive.writestr(f"files/{material.pk}-{material.title}", content)
        data["files_missing"] = missing
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
    return buffer.getvalue()


def models_with_a_relation_to_the_user() -> set[str]:
    """Labels of every model with a foreign key, one-to-one or many-to-many to User."""
    return {
        model._meta.label
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if (f.many_to_one or f.one_to_one or f.many_to_many)
        and not f.auto_created
        and f.related_model is User
    }
