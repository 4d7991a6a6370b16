"""Reads of message threads, each scoped to the two partners of a pairing (404 for anyone else,
programme admins included: they run cohorts, they do not read people's messages)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.paginator import Page
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from exchange.models import Message
from exchange.services.messages import message_editable_until
from mentoring.paging import page_of_first
from mentoring.prepared import PreparedQuery
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import delivery_for
from pairings.models import ContactTerms, Pairing
from pairings.selectors.agreements import (
    is_within_contact_hours,
    next_contact_window_start,
)

THREAD_PAGE_SIZE = 30
# A poll asks again for what changed this long before the previous poll's server time: a
# message saved before that poll but committed after it is still picked up. The page drops
# what it already has by element id.
THREAD_POLL_OVERLAP = timedelta(seconds=10)
# One poll answers at most this many changes; the cursor then moves only as far as it got.
THREAD_POLL_LIMIT = 100

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- cursors -------------------------------------------------------------------------------


def cursor_from(moment: datetime) -> str:
    """A poll cursor: whole microseconds since the epoch (no time zone to encode in a URL)."""
    return str((moment - _EPOCH) // timedelta(microseconds=1))


def cursor_parse(value: str | None) -> datetime | None:
    """The moment a cursor stands for; None when it is missing or not one of ours."""
    if not value or not value.isdigit() or len(value) > 20:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(value))
    except OverflowError:
        return None


# --- one thread ----------------------------------------------------------------------------


def thread_get_for_user(*, user: User, pairing_id: int, names_only: bool = False) -> Pairing:
    """The pairing whose thread `user` may read: they are its mentor or mentee; else 404.
    With its cohort and both partners, not their profiles (pairings_for_user joins those too):
    a thread shows names only. `names_only=True` for a page that only shows the thread: the
    pairing's status, its cohort's name and the two people's names, nothing else of the three
    rows (what sends a message needs whole rows)."""
    pairings = Pairing.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "cohort", "mentor", "mentee"
    )
    if names_only:
        pairings = pairings.only(
            "status",
            "cohort__name",
            "mentor__display_name",
            "mentor__email",
            "mentee__display_name",
            "mentee__email",
        )
    return get_object_or_404(pairings, pk=pairing_id)


def message_get_for_user(*, user: User, message_id: int) -> Message:
    """A message in one of `user`'s own pairings, with its pairing; else 404."""
    mine = Message.objects.filter(Q(pairing__mentor=user) | Q(pairing__mentee=user))
    return get_object_or_404(
        mine.select_related("pairing", "pairing__mentor", "pairing__mentee", "sender"),
        pk=message_id,
    )


def _thread(pairing: Pairing) -> QuerySet[Message]:
    return Message.objects.filter(pairing=pairing)


def _with_senders(pairing: Pairing, messages: list[Message]) -> list[Message]:
    """Each message's sender from the pairing (every sender is one of its two partners), not
    a join and a User per row."""
    partners = {pairing.mentor_id: pairing.mentor, pairing.mentee_id: pairing.mentee}
    for message in messages:
        if message.sender_id in partners:
            message.sender = partners[message.sender_id]
    return messages


def thread_page(*, pairing: Pairing, before_id: int | None = None) -> tuple[list[Message], bool]:
    """Up to THREAD_PAGE_SIZE messages, oldest first: the latest ones, or those just before the
    message `before_id` (keyset on (created_at, id), so a deep page costs what the first does).
    Also whether older ones exist. 404 when `before_id` is not a message of this thread."""
    newest_first = _thread(pairing).order_by("-created_at", "-pk")
    if before_id is not None:
        anchor = (
            Message.objects.filter(pairing=pairing, pk=before_id)
            .values_list("created_at", flat=True)
            .first()
        )
        if anchor is None:
            raise Http404
        newest_first = newest_first.filter(
            Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before_id)
        )
    rows = _with_senders(pairing, list(newest_first[: THREAD_PAGE_SIZE + 1]))
    has_older = len(rows) > THREAD_PAGE_SIZE
    return rows[:THREAD_PAGE_SIZE][::-1], has_older


def thread_changes_since(
    *, pairing: Pairing, cursor: datetime, now: datetime
) -> tuple[list[Message], datetime]:
    """Messages sent, edited or deleted since `cursor` (less THREAD_POLL_OVERLAP), oldest first,
    and the cursor for the next poll: `now` (read before the query), or where a capped answer
    stopped."""
    rows = _with_senders(
        pairing,
        list(
            _thread(pairing)
            .filter(updated_at__gte=cursor - THREAD_POLL_OVERLAP)
            .order_by("updated_at", "pk")[:THREAD_POLL_LIMIT]
        ),
    )
    next_cursor = rows[-1].updated_at if len(rows) == THREAD_POLL_LIMIT else now
    rows.sort(key=lambda message: (message.created_at, message.pk))
    return rows, next_cursor


def messages_for_display(
    *, messages: list[Message], viewer: User, pairing: Pairing, now: datetime
) -> list[Message]:
    """Mark each message with what the viewer sees: `mine`, and `can_change` with
    `editable_until` (their own, not deleted, pairing active, inside the edit window)."""
    active = pairing.status == Pairing.Status.ACTIVE
    for message in messages:
        message.mine = message.sender_id == viewer.pk
        message.editable_until = message_editable_until(message=message)
        message.can_change = (
            active and message.mine and message.deleted_at is None and now < message.editable_until
        )
    return messages


@dataclass(frozen=True)
class PartnerReach:
    """When an email about a message would reach the partner, by their terms and choice."""

    partner: User
    delivery: str  # exchange.models.Delivery
    has_hours: bool
    inside_hours: bool
    next_opening: datetime | None  # aware; when their hours next open
    urgent_breaks_through: bool


def partner_reach_for(
    *, pairing: Pairing, viewer: User, now: datetime | None = None
) -> PartnerReach:
    """What the viewer's partner stated about being reached: their terms, with their choice
    for message emails on the same row (one query; a second for the choice when they stated
    no terms)."""
    now = now or timezone.now()
    partner = pairing.partner_of(viewer)
    # terms_for, and delivery_for(kind=MESSAGE) on the same query: no settings row is "at once".
    chosen = NotificationSettings.objects.filter(user=OuterRef("person_id")).values("messages")
    terms = (
        ContactTerms.objects.filter(agreement__pairing=pairing, person=partner)
        .only("contact_hours", "timezone", "urgent_breaks_through")  # what the reach reads
        .annotate(message_delivery=Subquery(chosen[:1]))
        .order_by("pk")
        .first()
    )
    if terms is None:
        delivery = delivery_for(user=partner, kind=Notification.Kind.MESSAGE)
    else:
        delivery = terms.message_delivery or Delivery.IMMEDIATELY
    has_hours = bool(terms and terms.contact_hours)
    inside = has_hours and is_within_contact_hours(terms=terms, at=now)
    return PartnerReach(
        partner=partner,
        delivery=delivery,
        has_hours=has_hours,
        inside_hours=inside,
        next_opening=next_contact_window_start(terms=terms, after=now) if has_hours else None,
        urgent_breaks_through=bool(terms and terms.urgent_breaks_through),
    )


# --- the inbox -----------------------------------------------------------------------------


def _inbox_threads(*, user_id: int) -> QuerySet[Pairing]:
    """The person's active and ended pairings, latest conversation first, with only the names
    the inbox shows."""
    latest_at = (
        Message.objects.filter(pairing=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    return (
        Pairing.objects.filter(Q(mentor_id=user_id) | Q(mentee_id=user_id))
        .filter(status__in=[Pairing.Status.ACTIVE, Pairing.Status.CLOSED])
        .select_related("cohort", "mentor", "mentee")
        .only(
            "status",
            "created_at",
            "cohort__name",
            "mentor__display_name",
            "mentor__email",
            "mentee__display_name",
            "mentee__email",
        )
        .annotate(latest_at=Subquery(latest_at[:1]))
        .order_by(F("latest_at").desc(nulls_last=True), "-created_at", "-pk")
    )


def _inbox_latest(*, user_id: int, pairing_ids: list[int]) -> QuerySet[Message]:
    """Each of these threads' latest message, with the partner's messages unread in it."""
    unread = Q(read_at__isnull=True, deleted_at__isnull=True) & ~Q(sender_id=user_id)
    thread = [F("pairing_id")]
    return (
        Message.objects.filter(pairing__in=pairing_ids)
        .annotate(
            unread=Window(Count("pk", filter=unread), partition_by=thread),
            place=Window(
                RowNumber(), partition_by=thread, order_by=[F("created_at").desc(), F("pk").desc()]
            ),
        )
        .filter(place=1)
        .only("pairing_id", "sender_id", "body", "urgent", "created_at", "deleted_at")
    )


# The inbox's first page and its threads' latest messages, compiled once (mentoring.prepared).
_INBOX_FIRST = PreparedQuery(
    lambda *, user_id, size: _inbox_threads(user_id=user_id)[:size], "user_id"
)
_INBOX_LATEST = PreparedQuery(_inbox_latest, "user_id", "pairing_ids")


def inbox_page(*, user: User, per_page: int, number: str | None) -> Page:
    """A page of the user's active and ended pairings, latest conversation first (pairings
    without a message last, the newest first), each with `partner`, `last_message` (None before
    the first; with only what the inbox shows of it) and `unread` (the partner's messages not
    read yet).

    The order and the paging are the database's, so a page costs the same however many
    pairings a person has had: each pairing's latest message time is one probe of the thread's
    own index (pairing, created_at). Then one query brings the page's threads' latest messages
    with their unread counts (windows over each thread: its count, and each message's place,
    of which the first is kept; a portable form, SQLite has no DISTINCT ON). Two queries for a
    first page that holds everything, as most inboxes do, each compiled once."""
    page = page_of_first(
        first=lambda size: _INBOX_FIRST(user_id=user.pk, size=size),
        objects=lambda: _inbox_threads(user_id=user.pk),
        per_page=per_page,
        number=number,
    )
    if not page.object_list:
        return page
    latest = {
        message.pairing_id: message
        for message in _INBOX_LATEST(
            user_id=user.pk, pairing_ids=[pairing.pk for pairing in page.object_list]
        )
    }
    for pairing in page.object_list:
        pairing.partner = pairing.partner_of(user)
        pairing.last_message = latest.get(pairing.pk)
        pairing.unread = pairing.last_message.unread if pairing.last_message else 0
    return page
