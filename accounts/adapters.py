"""allauth's hooks: every account email is rendered here and sent by a worker."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.db import transaction

from accounts.tasks import email_send_task


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's send_mail, but the message is queued for a worker once we commit."""
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        ctx = {
            "request": allauth_context.request,
            "email": email,
            "current_site": site,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "content_subtype": message.content_subtype,
            "from_email": message.from_email,
            "to": list(message.to),
            "headers": dict(message.extra_headers),
            "alternatives": [tuple(a) for a in getattr(message, "alternatives", [])],
        }
        transaction.on_commit(lambda: email_send_task.delay(payload))
