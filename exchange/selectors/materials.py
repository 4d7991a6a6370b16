"""Reads of shared materials. A material reaches only the two people of its pairing (404 for
anyone else, programme admins included), and a withdrawn one reaches nobody."""

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from exchange.models import Material
from pairings.models import Pairing
from pairings.selectors import pairings_for_user
from sessions_app.models import Appointment
from sessions_app.selectors.appointments import appointments_for_pairing


def materials_for_pairing(*, pairing: Pairing, as_listed: bool = False) -> QuerySet[Material]:
    """The pairing's materials still shared, newest first, with who shared them and their
    session (one query per page). The caller got `pairing` through pairing_get_for_user.
    `as_listed=True` reads only what the page's list shows of the three rows."""
    materials = (
        Material.objects.filter(pairing=pairing, withdrawn_at__isnull=True)
        .select_related("shared_by", "appointment")
        .order_by("-created_at", "-pk")
    )
    if as_listed:
        materials = materials.only(
            "kind",
            "title",
            "url",
            "size",
            "note",
            "created_at",
            "shared_by__display_name",
            "shared_by__email",
            "appointment__starts_at",
            "appointment__status",
        )
    return materials


def materials_for_appointment(*, appointment: Appointment) -> QuerySet[Material]:
    """The materials still shared for one session, oldest first (one query). The caller got
    `appointment` through appointment_get_for_user."""
    return (
        Material.objects.filter(appointment=appointment, withdrawn_at__isnull=True)
        .select_related("shared_by")
        .order_by("created_at", "pk")
    )


def material_get_for_user(*, user: User, material_id: int) -> Material:
    """One still-shared material of the user's own pairings, or 404: ids leak nothing."""
    mine = Material.objects.filter(
        Q(pairing__mentor=user) | Q(pairing__mentee=user), withdrawn_at__isnull=True
    ).select_related("pairing", "shared_by")
    return get_object_or_404(mine, pk=material_id)


def material_sessions_for(*, pairing: Pairing, now: datetime) -> QuerySet[Appointment]:
    """The sessions a material may be shared for: the pairing's booked ones not yet over
    (without their people: a list of them shows only when they start)."""
    return appointments_for_pairing(pairing=pairing, upcoming=True, now=now).select_related(None)


def pairing_get_for_materials(*, user: User, pairing_id: int, names_only: bool = False) -> Pairing:
    """pairing_get_for_user (404 for anyone outside the pairing) with both people but not the
    cohort or their profiles, which the materials page never reads: PostgreSQL plans the
    smaller join in a fraction of the time. `names_only=True` for a page that only shows it:
    the pairing's status and the two names (what shares a material needs whole rows)."""
    pairings = pairings_for_user(user=user).select_related(None).select_related("mentor", "mentee")
    if names_only:
        pairings = pairings.only(
            "status",
            "mentor__display_name",
            "mentor__email",
            "mentee__display_name",
            "mentee__email",
        )
    return get_object_or_404(pairings, pk=pairing_id)


def url_host(url: str) -> str:
    """The host a link leads to, shown beside it so people see where it goes."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # a malformed address: show it whole
        return url


def materials_with_hosts(materials: Iterable[Material]) -> list[Material]:
    """The materials as a list, each link with `host` set for display."""
    rows = list(materials)
    for material in rows:
        material.host = url_host(material.url) if material.url else ""
    return rows
