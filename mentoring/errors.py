"""Errors a person can understand, raised by services and shown by views."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused action; `message` is translated and safe to show to the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message
