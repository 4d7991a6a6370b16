"""allauth's hooks: every account email is rendered here and sent by a worker."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from .tasks import email_send_task


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "headers": dict(message.extra_headers),
            "alternatives": [tuple(a) for a in getattr(message, "alternatives", [])],
        }
        transaction.on_commit(lambda: email_send_task.delay(payload))
