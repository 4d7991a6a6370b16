from django.contrib import admin

from outbox.models import QueuedTask


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "created_at", "published_at", "publish_count", "finished_at"]
    list_filter = ["name"]
    readonly_fields = ["name", "args", "created_at", "published_at", "publish_count", "finished_at"]
