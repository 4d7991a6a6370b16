"""allauth's hooks: every account email is rendered here and sent by a worker."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest

from accounts.tasks import email_send_task
from outbox.services import task_enqueue_on_commit

# Sent before signing out, with the request: a receiver may answer a URL to go on to (e.g. the
# identity provider that signed the person in, for its single logout), or None.
logout_redirect = Signal()
INVITED_EMAIL = "accounts_invited_email"  # session key: the address a personal invitation reached


def invited_email_stash(request: HttpRequest, email: str) -> None:
    """Remember that this browser opened a link sent only to `email`: signing up with that
    address needs no confirmation email (the link already proved the address was reached).

    Not allauth's own stash_verified_email: that one makes the stashed address the account's
    primary one even when the person typed another.
    """
    request.session[INVITED_EMAIL] = email.lower()


def invited_email_forget(request: HttpRequest) -> None:
    request.session.pop(INVITED_EMAIL, None)


class AccountAdapter(DefaultAccountAdapter):
    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        """An address is verified at sign-up when a personal invitation to it was opened in
        this browser (invited_email_stash), or as allauth decides."""
        invited = request.session.get(INVITED_EMAIL)
        if invited and invited == email.lower():
            return True
        return super().is_email_verified(request, email)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        for _receiver, url in logout_redirect.send(sender=self.__class__, request=request):
            if url:
                return url
        return super().get_logout_redirect_url(request)

    def get_login_stages(self) -> list[str]:
        """allauth's, with its second-factor step replaced by ours (accounts.mfa), which
        skips sign-ins through an organisation's identity provider."""
        ours = "accounts.mfa.AuthenticateStage"
        return [
            ours if s == "allauth.mfa.stages.AuthenticateStage" else s
            for s in super().get_login_stages()
        ]

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
        task_enqueue_on_commit(email_send_task, payload)
