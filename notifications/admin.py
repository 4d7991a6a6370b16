"""Admin for the outbox: find a notification when someone asks why an email did or did not
come. Raw id fields: the table grows with every message."""

from django.contrib import admin

from notifications.models import Notification, NotificationSettings


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "messages", "materials", "opportunities"]
    list_filter = ["messages", "materials", "opportunities"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "recipient",
        "kind",
        "status",
        "held",
        "due_at",
        "claimed_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "kind", "held", "due_at"]
    search_fields = ["recipient__email", "recipient__display_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "pairing", "message", "material", "opportunity", "feedback"]
    readonly_fields = ["claimed_at", "sent_at", "created_at"]
    date_hierarchy = "due_at"
