"""Connecting a cohort's Slack or Teams channels, and posting to them from the worker.

A programme admin of the cohort connects an incoming-webhook address (kept encrypted with
mentoring.crypto; the pages show only its host and last four characters) and chooses what is
posted there. Posts go out from the worker only, queued when the transaction that caused them
commits: pairings turning at risk (oversight's signal), the weekly summary (beat, hourly; on
Monday from 09:00 UTC), announcements when sent, and a test on request.

Each (connection, kind, subject) is posted once (ChatPost, like email_send_once): the row is
locked while its post is made, and a retry or a repeated task finds it posted. Requests go
through mentoring.outbound (public addresses only, unless the host is in WEBHOOK_ALLOWED_HOSTS,
which may also use plain HTTP), with a 10 s timeout and no redirects. A refusal that a retry
cannot mend (a private address, a 4xx answer) is recorded and not retried; a network failure,
429 or 5xx is recorded and raised for the task's retry with back-off.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from chat import messages
from chat.formats import ChatMessage, chat_payload
from chat.models import ChatConnection, ChatPost, ChatPostKind, ChatService
from mentoring import crypto
from mentoring.errors import DomainError
from mentoring.outbound import (
    HostNotFound,
    PrivateAddress,
    checked_address,
    guarded_session,
    refusal_of,
)
from outbox.services import task_enqueue_on_commit
from oversight.models import Announcement
from oversight.selectors.weekly import WEEK
from programmes.models import Cohort
from programmes.selectors import cohorts_for_admin

TIMEOUT = 10  # seconds, connecting and reading
WEEKLY_HOUR = 9  # UTC, on Mondays
PROBLEM_BODY_MAX = 200  # characters of a refusal's answer kept in the problem's words
CONNECTIONS_MAX = 5  # channels per cohort


class ChatConnectionRefused(DomainError):
    """A refused connection; `field` names the form field the message belongs beside."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ChatPostFailed(Exception):
    """A post that did not go through, in words; `retry` when trying again may help."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


# --- connecting ----------------------------------------------------------------------------


def chat_address_hint(address: str) -> str:
    """What the pages show of an address: its host and its last four characters."""
    host = urlsplit(address).hostname or ""
    return f"{host} …{address[-4:]}"


def _allowed(host: str) -> bool:
    return host.rstrip(".").lower() in {name.lower() for name in settings.WEBHOOK_ALLOWED_HOSTS}


def chat_address_problem(*, address: str) -> str | None:
    """Why the address cannot be posted to, in words, or None: it must be https (except an
    allowed host) and must not be on a private network. A name that does not resolve now is
    not refused here: posting says so while it lasts."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    if not host:
        return _("Enter the full address, starting with https://.")
    if parts.scheme != "https" and not _allowed(host):
        return _("The address must start with https://, so that it travels encrypted.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        checked_address(host, port, allowed_hosts=settings.WEBHOOK_ALLOWED_HOSTS)
    except PrivateAddress as error:
        return str(error)
    except (HostNotFound, ValueError):
        return None
    return None


def _require_admin(*, cohort: Cohort, by: User) -> None:
    if not cohorts_for_admin(user=by).filter(pk=cohort.pk).exists():
        raise ChatConnectionRefused(_("Only the cohort's programme team can connect channels."))


@transaction.atomic
def chat_connection_add(
    *,
    cohort: Cohort,
    by: User,
    service: str,
    address: str,
    posts_at_risk: bool,
    posts_weekly: bool,
    posts_announcements: bool,
) -> ChatConnection:
    """Connect a channel of the cohort by its incoming-webhook address. Raises
    ChatConnectionRefused (a private or plain-http address, an unknown service, too many)."""
    _require_admin(cohort=cohort, by=by)
    if service not in ChatService.values:
        raise ChatConnectionRefused(_("Choose Slack or Microsoft Teams."), field="service")
    address = address.strip()
    problem = chat_address_problem(address=address)
    if problem:
        raise ChatConnectionRefused(problem, field="address")
    if ChatConnection.objects.filter(cohort=cohort).count() >= CONNECTIONS_MAX:
        raise ChatConnectionRefused(
            _("A cohort can have %(count)d channels: disconnect one first.")
            % {"count": CONNECTIONS_MAX}
        )
    return ChatConnection.objects.create(
        cohort=cohort,
        service=service,
        address_encrypted=crypto.encrypt(address),
        address_hint=chat_address_hint(address),
        posts_at_risk=posts_at_risk,
        posts_weekly=posts_weekly,
        posts_announcements=posts_announcements,
    )


def chat_connection_update(
    *,
    connection: ChatConnection,
    by: User,
    posts_at_risk: bool,
    posts_weekly: bool,
    posts_announcements: bool,
) -> ChatConnection:
    """Change what is posted to the channel."""
    _require_admin(cohort=connection.cohort, by=by)
    connection.posts_at_risk = posts_at_risk
    connection.posts_weekly = posts_weekly
    connection.posts_announcements = posts_announcements
    connection.save(update_fields=["posts_at_risk", "posts_weekly", "posts_announcements"])
    return connection


def chat_connection_remove(*, connection: ChatConnection, by: User) -> None:
    """Disconnect the channel: nothing more is posted there, and its address is forgotten."""
    _require_admin(cohort=connection.cohort, by=by)
    connection.delete()


# --- queueing posts ------------------------------------------------------------------------


def _queue(posts: Iterable[tuple[int, str, str]]) -> None:
    """Each (connection id, kind, subject) is posted by the worker once this transaction
    commits (at once outside one)."""
    from chat.tasks import chat_post_task

    for post in posts:
        task_enqueue_on_commit(chat_post_task, *post)


def chat_test_send(*, connection: ChatConnection, by: User) -> None:
    """Post a test message to the channel (each request its own)."""
    _require_admin(cohort=connection.cohort, by=by)
    _queue([(connection.pk, ChatPostKind.TEST, uuid.uuid4().hex)])


def chat_at_risk_queue(*, pairing_ids: list[int], day: date) -> int:
    """Queue a post about each pairing that turned at risk on `day` to its cohort's channels
    that want them; returns how many posts were queued. One query."""
    pairs = ChatConnection.objects.filter(
        posts_at_risk=True, cohort__pairings__pk__in=pairing_ids
    ).values_list("pk", "cohort__pairings__pk")
    posts = [
        (connection_id, ChatPostKind.AT_RISK, f"{pairing_id}:{day.isoformat()}")
        for connection_id, pairing_id in pairs.order_by("pk", "cohort__pairings__pk")
    ]
    _queue(posts)
    return len(posts)


def chat_announcement_queue(*, announcement: Announcement) -> int:
    """Queue the announcement for its cohort's channels that want announcements."""
    ids = ChatConnection.objects.filter(
        cohort_id=announcement.cohort_id, posts_announcements=True
    ).values_list("pk", flat=True)
    posts = [(pk, ChatPostKind.ANNOUNCEMENT, str(announcement.pk)) for pk in ids]
    _queue(posts)
    return len(posts)


def chat_weekly_dispatch(*, now: datetime) -> int:
    """Beat's hourly look: on Monday from 09:00 UTC, queue the week's summary for every channel
    that wants one, of cohorts running this week, that has not had it. Safe to repeat."""
    local = now.astimezone(UTC)
    if local.weekday() != 0 or local.hour < WEEKLY_HOUR:
        return 0
    today = local.date()
    subject = today.isoformat()
    waiting = (
        ChatConnection.objects.filter(
            posts_weekly=True, cohort__starts_on__lte=today, cohort__ends_on__gte=today - WEEK
        )
        .exclude(
            Exists(
                ChatPost.objects.filter(
                    connection=OuterRef("pk"),
                    kind=ChatPostKind.WEEKLY,
                    subject=subject,
                    posted_at__isnull=False,
                )
            )
        )
        .values_list("pk", flat=True)
    )
    posts = [(pk, ChatPostKind.WEEKLY, subject) for pk in waiting]
    _queue(posts)
    return len(posts)


# --- posting (the worker) --------------------------------------------------------------------


def _message(connection: ChatConnection, kind: str, subject: str) -> ChatMessage | None:
    """What to post, or None when there is nothing (any more) to say or it is not wanted."""
    cohort = connection.cohort
    if kind == ChatPostKind.TEST:
        return messages.test_message(connection=connection)
    if kind == ChatPostKind.AT_RISK and connection.posts_at_risk:
        pairing_id, _day = subject.split(":", 1)
        return messages.at_risk_message(cohort=cohort, pairing_id=int(pairing_id))
    if kind == ChatPostKind.WEEKLY and connection.posts_weekly:
        return messages.weekly_message(
            cohort=cohort, today=date.fromisoformat(subject), now=timezone.now()
        )
    if kind == ChatPostKind.ANNOUNCEMENT and connection.posts_announcements:
        announcement = (
            Announcement.objects.select_related("cohort", "created_by")
            .filter(pk=int(subject), cohort=cohort)
            .first()
        )
        return messages.announcement_message(announcement=announcement) if announcement else None
    return None


def _problem_in_response(
    connection: ChatConnection, response: requests.Response
) -> ChatPostFailed | None:
    name = connection.get_service_display()
    body = response.text[:PROBLEM_BODY_MAX].strip()
    if 200 <= response.status_code < 300:
        # Teams' older connectors answer 200 with the error in the text.
        if connection.service == ChatService.TEAMS and "error" in body.lower():
            return ChatPostFailed(
                _("%(service)s refused the message: %(answer)s")
                % {"service": name, "answer": body},
                retry=False,
            )
        return None
    retry = response.status_code == 429 or response.status_code >= 500
    if response.status_code in (404, 410):
        advice = _("The address may have been removed or its channel archived: connect it again.")
    elif retry:
        advice = _("It will be tried again in a while.")
    else:
        advice = _("The message was not posted.")
    return ChatPostFailed(
        _("%(service)s answered %(status)d%(answer)s. %(advice)s")
        % {
            "service": name,
            "status": response.status_code,
            "answer": f" ({body})" if body else "",
            "advice": advice,
        },
        retry=retry,
    )


def _send(connection: ChatConnection, payload: dict) -> None:
    """POST the payload to the connection's address. Raises ChatPostFailed."""
    address = crypto.decrypt(connection.address_encrypted)
    if not address:
        raise ChatPostFailed(
            _("The address can no longer be read (the keys changed): connect the channel again."),
            retry=False,
        )
    parts = urlsplit(address)
    if parts.scheme != "https" and not _allowed(parts.hostname or ""):
        raise ChatPostFailed(
            _("The address must start with https://, so that it travels encrypted."), retry=False
        )
    session = guarded_session(allowed_hosts=settings.WEBHOOK_ALLOWED_HOSTS)
    try:
        response = session.post(address, json=payload, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        refused = refusal_of(error)
        if isinstance(refused, PrivateAddress):
            raise ChatPostFailed(str(refused), retry=False) from error
        words = (
            str(refused)
            if refused
            else _("%(host)s could not be reached in time.") % {"host": parts.hostname}
        )
        raise ChatPostFailed(
            words + " " + _("It will be tried again in a while."), retry=True
        ) from error
    finally:
        session.close()
    failed = _problem_in_response(connection, response)
    if failed:
        raise failed


def chat_post(*, connection_id: int, kind: str, subject: str) -> bool:
    """Post (kind, subject) to the connection unless it was posted already, the connection is
    gone, it no longer wants this kind or there is nothing to say any more. True when this
    call posted it. Records the outcome on the connection: the last post's time, or the last
    problem in words and when (kept after later posts: the page says they went through since).

    Raises ChatPostFailed when a retry may help (network, 429, 5xx); other failures are
    recorded and return False.
    """
    connection = ChatConnection.objects.select_related("cohort").filter(pk=connection_id).first()
    if connection is None:
        return False
    post, _created = ChatPost.objects.get_or_create(
        connection=connection, kind=kind, subject=subject
    )
    try:
        with transaction.atomic():
            post = ChatPost.objects.select_for_update().get(pk=post.pk)
            if post.posted_at is not None:
                return False
            with translation.override(settings.LANGUAGE_CODE):
                message = _message(connection, kind, subject)
                if message is None:
                    return False
                payload = chat_payload(service=connection.service, message=message)
            _send(connection, payload)
            post.posted_at = timezone.now()
            post.attempts += 1
            post.save(update_fields=["posted_at", "attempts"])
    except ChatPostFailed as failure:
        now = timezone.now()
        ChatPost.objects.filter(pk=post.pk).update(attempts=F("attempts") + 1)
        ChatConnection.objects.filter(pk=connection.pk).update(
            last_problem=str(failure), last_problem_at=now
        )
        if failure.retry:
            raise
        return False
    ChatConnection.objects.filter(pk=connection.pk).update(last_posted_at=post.posted_at)
    return True
