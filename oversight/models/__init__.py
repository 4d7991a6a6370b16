"""Pairing health and the programme team's outreach."""

from oversight.models.health import HealthSnapshot, HealthStatus, PairingHealth
from oversight.models.outreach import Announcement, AnnouncementDelivery, Nudge

__all__ = [
    "Announcement",
    "AnnouncementDelivery",
    "HealthSnapshot",
    "HealthStatus",
    "Nudge",
    "PairingHealth",
]
