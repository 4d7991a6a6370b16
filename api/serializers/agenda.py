"""A session's agenda items and notes, as the agenda and notes pages show them."""

from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField
from sessions_app.models import ActionItem, AgendaItem, SessionNote

ADDABLE_KINDS = [(kind.value, kind.label) for kind in AgendaItem.Kind if kind != "action"]


class AgendaItemSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "kind", "text", "goal", "done", "author", "mine", "created_at"]
        read_only_fields = fields

    def get_author(self, item: AgendaItem) -> PersonSerializer:
        return {"id": item.author_id, "name": item.author.name}

    def get_mine(self, item: AgendaItem) -> bool:
        return item.author_id == self.context["request"].user.pk


class AgendaItemAddSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ADDABLE_KINDS, default=AgendaItem.Kind.QUESTION)
    text = serializers.CharField(max_length=AgendaItem._meta.get_field("text").max_length)


class AgendaItemTickSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class NoteSerializer(serializers.ModelSerializer):
    updated_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = SessionNote
        fields = ["text", "shared", "updated_at"]
        read_only_fields = fields


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    done = serializers.BooleanField()
    author = PersonSerializer()


class ActionAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=ActionItem._meta.get_field("text").max_length)


class NotesSerializer(serializers.Serializer):
    """Notes open when the session starts: `open` says so. `mine` is the viewer's own note
    (private unless shared), `partners` the partner's only when they shared it."""

    open = serializers.BooleanField()
    editable = serializers.BooleanField()
    mine = NoteSerializer(allow_null=True)
    partners = NoteSerializer(allow_null=True)
    actions = ActionSerializer(many=True)


class NoteWriteSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True,
        max_length=SessionNote._meta.get_field("text").max_length,
        help_text="Empty deletes your note.",
    )
    shared = serializers.BooleanField(default=False, help_text="Share it with your partner.")
