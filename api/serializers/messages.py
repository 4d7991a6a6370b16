"""A pairing's messages, and what sending one answers: whether the partner's email about it
waits for their contact hours, and until when."""

from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField
from exchange.models import MESSAGE_MAX_LENGTH, Message


class MessageSerializer(serializers.ModelSerializer):
    """A deleted message keeps its place with an empty body and `deleted_at`."""

    sender = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = UtcDateTimeField(read_only=True)
    edited_at = UtcDateTimeField(read_only=True, allow_null=True)
    deleted_at = UtcDateTimeField(read_only=True, allow_null=True)
    read_at = UtcDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "sender",
            "mine",
            "body",
            "urgent",
            "created_at",
            "edited_at",
            "deleted_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_sender(self, message: Message) -> PersonSerializer:
        return {"id": message.sender_id, "name": message.sender.name}

    def get_mine(self, message: Message) -> bool:
        return message.sender_id == self.context["request"].user.pk


class MessageSendSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
    urgent = serializers.BooleanField(
        default=False,
        help_text="Emailed at once outside the partner's hours only if their terms let urgent "
        "messages through.",
    )


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class PartnerEmailSerializer(serializers.Serializer):
    """When the partner is emailed about the message, by their contact hours and choice."""

    emailed = serializers.ChoiceField(
        choices=["now", "later", "never"],
        help_text="now; later (held to their hours, or their digest); never (they asked not "
        "to be emailed about messages).",
    )
    held = serializers.BooleanField(help_text="Held back: it came outside their contact hours.")
    held_until = UtcDateTimeField(allow_null=True)
    held_until_local = serializers.CharField(allow_null=True)
    timezone = serializers.CharField(help_text="The viewer's zone, of held_until_local.")


class MessageSentSerializer(MessageSerializer):
    partner_email = serializers.SerializerMethodField()

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "partner_email"]
        read_only_fields = fields

    def get_partner_email(self, message: Message) -> PartnerEmailSerializer:
        return self.context["partner_email"]
