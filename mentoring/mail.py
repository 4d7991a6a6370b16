"""Sending from workers: one connection to the mail server per worker thread, kept open.

Sends of claimed rows (reminders, notifications) keep their rows locked through the SMTP
exchange and commit after it; a kept connection makes each exchange one MAIL/RCPT/DATA.
"""

import threading

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class _MailConnection(threading.local):
    """One connection to the mail server per worker thread, kept open from send to send: a
    new one per email costs a TCP (in production also a TLS) handshake, EHLO and QUIT.
    Made again when the email settings change, and after any failure."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend | None = None
        self.made_for: tuple = ()

    def get(self) -> BaseEmailBackend:
        made_for = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
        if self.backend is None or made_for != self.made_for:
            self.drop()
            self.backend, self.made_for = mail.get_connection(), made_for
        return self.backend

    def drop(self) -> None:
        """Forget the connection; closing it fails quietly (it may be what broke)."""
        if self.backend is not None:
            self.backend.fail_silently = True
            self.backend.close()
            self.backend = None


_mail_connection = _MailConnection()


def mail_send_kept(messages: list[EmailMessage]) -> None:
    """Send on this thread's kept connection. Raises what the server or network raised, after
    dropping the connection (a server that dropped an idle one fails the send once)."""
    connection = _mail_connection.get()
    try:
        # Opened here, send_messages leaves it open: once the server has accepted the
        # message only the COMMIT is left, not a QUIT exchange as well.
        connection.open()
        connection.send_messages(messages)
    except BaseException:
        _mail_connection.drop()
        raise
