"""What booking refuses, in words a person understands."""

from mentoring.errors import DomainError


class SlotUnavailable(DomainError):
    """The time is not free, or someone took it a moment ago."""


class BookingRefused(DomainError):
    """The pairing, the session or the request does not allow this."""
