from django.apps import AppConfig


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = "Chat: a cohort's alerts and summaries in Slack or Microsoft Teams"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chat import receivers  # noqa: F401  (pairings turning at risk, announcements)
        from chat.models import ChatConnection

        # The audit trail of admin actions (see audit/events.py): connected, changed, removed.
        # Never the address; nor what the worker writes after each post.
        auditlog.register(
            ChatConnection,
            exclude_fields=[
                "address_encrypted",
                "address_hint",
                "last_posted_at",
                "last_problem",
                "last_problem_at",
            ],
        )
