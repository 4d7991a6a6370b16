"""The `data` of each event kind, version 1: one serializer per kind builds and checks it, and
documents it (the integrator lists them in drf-spectacular's WEBHOOKS setting).

Every body is `{"type": kind, "version": 1, "timestamp": …, "data": {…}}`. Times are UTC in
ISO 8601; people appear by id and display name only (no email address or phone number);
`url` opens the page about the subject on this site (its usual sign-in and permissions apply).
A later, incompatible shape gets a new version number; fields may be added within a version.
"""

from datetime import UTC

from rest_framework import serializers

from webhooks.models import TEST_KIND, EventKind

VERSION = 1


class UtcDateTimeField(serializers.DateTimeField):
    """A time in UTC, whatever zone the request that caused the event was read in."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(default_timezone=UTC, **kwargs)


class WebhookPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(allow_blank=True)


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _Scoped(serializers.Serializer):
    organisation = OrganisationSerializer()
    cohort = CohortSerializer()
    url = serializers.CharField(help_text="The page about it on this site.")


class EnrolmentCreatedSerializer(_Scoped):
    enrolment_id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=["mentor", "mentee"])
    person = WebhookPersonSerializer()
    created_at = UtcDateTimeField()


class WebhookPairingSerializer(_Scoped):
    """pairing.proposed, pairing.activated and pairing.closed."""

    pairing_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["proposed", "active", "declined", "closed"])
    source = serializers.CharField(help_text="matching or request")
    mentor = WebhookPersonSerializer()
    mentee = WebhookPersonSerializer()
    created_at = UtcDateTimeField()
    accepted_at = UtcDateTimeField(allow_null=True)
    closed_at = UtcDateTimeField(allow_null=True)
    close_reason = serializers.CharField(allow_blank=True)


class WebhookSessionSerializer(_Scoped):
    """session.booked, session.moved, session.cancelled and session.held."""

    session_id = serializers.IntegerField()
    pairing_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["booked", "cancelled"])
    mode = serializers.CharField(help_text="video, phone, in_person or chat")
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    sequence = serializers.IntegerField(help_text="0 when booked; +1 for each move or cancel.")
    mentor = WebhookPersonSerializer()
    mentee = WebhookPersonSerializer()
    booked_by = WebhookPersonSerializer(allow_null=True)
    cancelled_by = WebhookPersonSerializer(allow_null=True)
    cancelled_at = UtcDateTimeField(allow_null=True)


class FeedbackSubmittedSerializer(_Scoped):
    """The figures the cohort page shows; words stay with the people they were written for."""

    feedback_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["session", "check_in", "closing"])
    pairing_id = serializers.IntegerField()
    session_id = serializers.IntegerField(allow_null=True)
    person = WebhookPersonSerializer()
    role = serializers.ChoiceField(choices=["mentor", "mentee"])
    took_place = serializers.BooleanField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    satisfaction = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    wants_help = serializers.BooleanField()
    answered_at = UtcDateTimeField()


class WebhookHealthReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text="In words, as the cohort page says it.")


class HealthChangedSerializer(_Scoped):
    pairing_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["on_track", "attention", "at_risk"])
    previous_status = serializers.CharField(
        allow_blank=True, help_text="Blank at the pairing's first assessment."
    )
    reasons = WebhookHealthReasonSerializer(many=True, help_text="Most serious first.")
    mentor = WebhookPersonSerializer()
    mentee = WebhookPersonSerializer()
    computed_at = UtcDateTimeField()


class PersonDeprovisionedSerializer(serializers.Serializer):
    organisation = OrganisationSerializer()
    person = WebhookPersonSerializer()
    pairings_closed = serializers.ListField(child=serializers.IntegerField())
    account_deactivated = serializers.BooleanField()
    deprovisioned_at = UtcDateTimeField()
    url = serializers.CharField(help_text="The organisation's people page.")


class TestEventSerializer(serializers.Serializer):
    organisation = OrganisationSerializer()
    endpoint_id = serializers.IntegerField()
    message = serializers.CharField()


PAYLOADS: dict[str, type[serializers.Serializer]] = {
    EventKind.ENROLMENT_CREATED: EnrolmentCreatedSerializer,
    EventKind.PAIRING_PROPOSED: WebhookPairingSerializer,
    EventKind.PAIRING_ACTIVATED: WebhookPairingSerializer,
    EventKind.PAIRING_CLOSED: WebhookPairingSerializer,
    EventKind.SESSION_BOOKED: WebhookSessionSerializer,
    EventKind.SESSION_MOVED: WebhookSessionSerializer,
    EventKind.SESSION_CANCELLED: WebhookSessionSerializer,
    EventKind.SESSION_HELD: WebhookSessionSerializer,
    EventKind.FEEDBACK_SUBMITTED: FeedbackSubmittedSerializer,
    EventKind.HEALTH_CHANGED: HealthChangedSerializer,
    EventKind.PERSON_DEPROVISIONED: PersonDeprovisionedSerializer,
    TEST_KIND: TestEventSerializer,
}


class EnvelopeSerializer(serializers.Serializer):
    """The body of every delivery; `data` is the kind's own serializer."""

    type = serializers.CharField()
    version = serializers.IntegerField()
    timestamp = UtcDateTimeField(help_text="When the event happened.")
    data = serializers.DictField()


def payload_data(*, kind: str, data: dict) -> dict:
    """`data` checked against its kind's serializer, as JSON-ready values (times in UTC).
    Raises rest_framework's ValidationError: a caller that builds a wrong payload is a bug."""
    serializer = PAYLOADS[kind](data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.data


# --- helpers the publishing apps build their `data` with ---------------------------------


def person_ref(user: object | None) -> dict | None:
    """A person as payloads name them: id and display name, nothing to reach them by."""
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.name}


def organisation_ref(organisation: object) -> dict:
    return {"id": organisation.pk, "slug": organisation.slug, "name": organisation.name}


def cohort_ref(cohort: object) -> dict:
    return {"id": cohort.pk, "name": cohort.name}
