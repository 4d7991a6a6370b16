"""Admin for the exchange: find a message, material or opportunity when someone asks why an
email did or did not come. Raw id fields: these tables grow with every pairing.

Staff see when and between whom, never what: a message's body and a material's note are
neither shown nor searchable, and messages cannot be edited here."""

from django.contrib import admin
from django.http import HttpRequest

from exchange.models import Material, Message, Opportunity, OpportunityRecipient


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "pairing", "sender", "urgent", "created_at", "read_at", "deleted_at"]
    list_filter = ["urgent", "created_at", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["sender__email", "sender__display_name"]
    list_select_related = ["pairing__mentor", "pairing__mentee", "sender"]
    exclude = ["body"]
    readonly_fields = [
        "pairing",
        "sender",
        "urgent",
        "created_at",
        "updated_at",
        "edited_at",
        "deleted_at",
        "read_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "pairing", "shared_by", "size", "created_at", "withdrawn_at"]
    list_filter = ["kind", "created_at", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "url", "shared_by__email", "shared_by__display_name"]
    exclude = ["note"]
    list_select_related = ["pairing__mentor", "pairing__mentee", "shared_by"]
    raw_id_fields = ["pairing", "shared_by", "appointment"]
    readonly_fields = ["content_type", "size", "created_at"]
    date_hierarchy = "created_at"


class OpportunityRecipientInline(admin.TabularInline):
    model = OpportunityRecipient
    extra = 0
    raw_id_fields = ["pairing", "mentee"]
    readonly_fields = ["responded_at"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "mentor", "starts_at", "location", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "note", "location", "mentor__email", "mentor__display_name"]
    list_select_related = ["mentor"]
    raw_id_fields = ["mentor"]
    inlines = [OpportunityRecipientInline]
    date_hierarchy = "created_at"


@admin.register(OpportunityRecipient)
class OpportunityRecipientAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "mentee", "pairing", "response", "responded_at"]
    list_filter = ["response"]
    search_fields = ["opportunity__title", "mentee__email", "mentee__display_name"]
    list_select_related = ["opportunity", "mentee", "pairing__mentor", "pairing__mentee"]
    raw_id_fields = ["opportunity", "pairing", "mentee"]
