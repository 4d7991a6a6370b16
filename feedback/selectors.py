"""Reads of feedback, and the one place that decides who sees what of a Feedback row.

Who sees what is written on the form, and every page and export reads through here:

| viewer                            | sees of a row                                              |
|-----------------------------------|------------------------------------------------------------|
| the writer (the person asked)     | everything: their answers and their sharing choices        |
| the partner (the other person in  | the words (went well, could be better, comments) only, and |
| the pairing)                      | only once answered with "share with my partner" ticked;    |
|                                   | never the numbers; otherwise the row does not exist to them|
| an admin of the pairing's cohort  | the numbers and choices (took place, rating, satisfaction, |
|                                   | contact working, wants help) and when it was asked,        |
|                                   | reminded and answered; the words only when the writer      |
|                                   | ticked "share with the programme team"                     |
| anyone else (another participant, | nothing: feedback_view_for gives None, the querysets leave |
| an admin of another cohort)       | the row out, pages answer 404                              |

Someone who is both the partner and an admin of the cohort may see what either role may; the
personal pages (session page, Feedback page) show them a partner's row as a partner sees it,
and the numbers stay on the cohort page.

The API, for pages and for the admin's cohort page and CSV export:
- feedback_view_for(feedback=, viewer=) -> FeedbackView | None: what one viewer may see of
  one row (hidden numbers are None, hidden words ""; shows_numbers/shows_words say which).
- feedback_visible_to(viewer=, pairing=, appointment=, cohort=) -> QuerySet: the rows of which
  the viewer may see anything; feedback_views_for(viewer=, rows=) turns rows into views.
- feedback_ratings_for_cohort(cohort=) -> iterator of FeedbackView as the cohort's admins see
  them (the caller got `cohort` through cohort_get_for_admin), for tables and the CSV export.
- feedback_answered_for_cohort(cohort=) -> QuerySet, and feedback_views_for_admins(rows=) ->
  list of FeedbackView as the cohort's admins see them: for paged tables (the REST API).
- feedback_rating_summary_for_cohort(cohort=, kind=) -> RatingSummary (count, mean, 1-5
  distribution), one query; ratings are always the admins' to see.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from feedback.models import Feedback
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from programmes.models import Cohort
from programmes.selectors import cohorts_for_admin
from sessions_app.models import Appointment

# How long after the occasion each kind is asked, reminded and answerable.
SESSION_ASK_WITHIN = timedelta(days=14)  # a session that ended longer ago is not asked about
CHECK_IN_FIRST_AFTER = timedelta(days=30)  # round 1: a month after the pairing started
CHECK_IN_EVERY = timedelta(days=60)  # then every two months
CLOSING_ASK_WITHIN = timedelta(days=30)  # a pairing closed longer ago is not asked about
CLOSING_OPEN_FOR = timedelta(days=30)  # a closing reflection can be written this long
REMIND_AFTER = timedelta(days=3)

WRITER = "writer"
PARTNER = "partner"
ADMIN = "admin"

_WORDS = ("went_well", "could_be_better", "comments")
_NUMBERS = ("took_place", "rating", "satisfaction", "contact_working", "wants_help")


@dataclass(frozen=True)
class FeedbackView:
    """What one viewer may see of one Feedback row. Hidden numbers and choices are None,
    hidden words are "": shows_numbers and shows_words tell hidden from not answered."""

    pk: int
    kind: str
    kind_label: str
    pairing: Pairing
    appointment: Appointment | None
    round: int
    writer: User
    roles: frozenset[str]  # the viewer's: WRITER, PARTNER and/or ADMIN
    asked_at: datetime
    answered_at: datetime | None
    reminded_at: datetime | None
    shows_numbers: bool
    shows_words: bool
    took_place: bool | None
    rating: int | None
    satisfaction: int | None
    contact_working: str | None
    contact_working_label: str
    wants_help: bool | None
    went_well: str
    could_be_better: str
    comments: str
    share_with_partner: bool | None  # the writer's choices: only the writer sees them
    share_with_programme: bool | None

    @property
    def has_words(self) -> bool:
        return any((self.went_well, self.could_be_better, self.comments))

    @property
    def writer_partner(self) -> User:
        """The other person in the writer's pairing: whom the writer wrote about."""
        return self.pairing.partner_of(self.writer)


def _has_words(feedback: Feedback) -> bool:
    return any(getattr(feedback, name) for name in _WORDS)


def _roles(feedback: Feedback, viewer: User, admin_cohort_ids: Iterable[int]) -> set[str]:
    pairing = feedback.pairing
    roles = set()
    if feedback.person_id == viewer.pk:
        roles.add(WRITER)
    elif viewer.pk in (pairing.mentor_id, pairing.mentee_id):
        roles.add(PARTNER)
    if pairing.cohort_id in admin_cohort_ids:
        roles.add(ADMIN)
    return roles


def admin_cohort_ids_for(*, viewer: User) -> set[int]:
    """The cohorts the viewer runs as a programme admin (one or two queries; none for
    someone who is not a programme admin after the first)."""
    return set(cohorts_for_admin(user=viewer).values_list("pk", flat=True))


def feedback_view_for(
    *, feedback: Feedback, viewer: User, admin_cohort_ids: Iterable[int] | None = None
) -> FeedbackView | None:
    """What `viewer` may see of `feedback` (its pairing loaded), or None for nothing.

    The rules are the module's table. Pass `admin_cohort_ids` (admin_cohort_ids_for) when
    building many views; without it the viewer's cohorts are read when it matters. Personal
    pages pass () to show a partner's row as a partner sees it, even to a partner who also
    runs the cohort: admins read the numbers on the cohort page.
    """
    if admin_cohort_ids is None:
        admin_cohort_ids = (
            set() if feedback.person_id == viewer.pk else admin_cohort_ids_for(viewer=viewer)
        )
    return _view(feedback, _roles(feedback, viewer, admin_cohort_ids))


def _writer(feedback: Feedback) -> User:
    """The person asked: one of the pairing's two people, loaded with it (no join of its own)."""
    pairing = feedback.pairing
    if feedback.person_id == pairing.mentor_id:
        return pairing.mentor
    if feedback.person_id == pairing.mentee_id:
        return pairing.mentee
    return feedback.person


def _view(feedback: Feedback, roles: set[str]) -> FeedbackView | None:
    answered = feedback.answered_at is not None
    shows_numbers = bool(roles & {WRITER, ADMIN})
    shows_words = (
        WRITER in roles
        or (PARTNER in roles and answered and feedback.share_with_partner)
        or (ADMIN in roles and answered and feedback.share_with_programme)
    )
    if not shows_numbers and not (shows_words and _has_words(feedback)):
        return None
    numbers = {name: getattr(feedback, name) if shows_numbers else None for name in _NUMBERS}
    words = {name: getattr(feedback, name) if shows_words else "" for name in _WORDS}
    writer = WRITER in roles
    return FeedbackView(
        pk=feedback.pk,
        kind=feedback.kind,
        kind_label=str(feedback.get_kind_display()),
        pairing=feedback.pairing,
        appointment=feedback.appointment if feedback.appointment_id else None,
        round=feedback.round,
        writer=_writer(feedback),
        roles=frozenset(roles),
        asked_at=feedback.asked_at,
        answered_at=feedback.answered_at,
        reminded_at=feedback.reminded_at if shows_numbers else None,
        shows_numbers=shows_numbers,
        shows_words=shows_words,
        contact_working_label=(
            str(feedback.get_contact_working_display())
            if shows_numbers and feedback.contact_working
            else ""
        ),
        share_with_partner=feedback.share_with_partner if writer else None,
        share_with_programme=feedback.share_with_programme if writer else None,
        **numbers,
        **words,
    )


def _with_relations(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    # The writer is the pairing's mentor or mentee (see _writer): no join for `person`.
    return rows.select_related("pairing__mentor", "pairing__mentee", "appointment")


# What FeedbackView and the Feedback page read of a row's relations: the pairing's status and
# people, their names, the session's start. A row with its pairing, both people and its session
# is some fifty columns; the list's queries compiled and read them all, a third of the page.
_LISTED = (
    *(field.name for field in Feedback._meta.concrete_fields),
    "pairing__cohort",
    "pairing__status",
    "pairing__mentor__display_name",
    "pairing__mentor__email",
    "pairing__mentee__display_name",
    "pairing__mentee__email",
    "appointment__starts_at",
)


def feedback_listed(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """`rows` (relations loaded) reading only what the Feedback page shows of their pairing,
    people and session: for that page's lists, not for forms or exports."""
    return rows.only(*_LISTED)


def feedback_visible_to(
    *,
    viewer: User,
    pairing: Pairing | None = None,
    appointment: Appointment | None = None,
    cohort: Cohort | None = None,
) -> QuerySet[Feedback]:
    """The rows of which `viewer` may see something (the module's table as a filter),
    optionally of one pairing, session or cohort; newest first, relations loaded.
    Build what to show with feedback_views_for."""
    own_pairings = Pairing.objects.filter(Q(mentor=viewer) | Q(mentee=viewer)).values("pk")
    shared_words = ~Q(went_well="") | ~Q(could_be_better="") | ~Q(comments="")
    partners = (
        Q(pairing__in=own_pairings, answered_at__isnull=False, share_with_partner=True)
        & shared_words
        & ~Q(person=viewer)
    )
    admins = Q(pairing__cohort__in=cohorts_for_admin(user=viewer).values("pk"))
    rows = Feedback.objects.filter(Q(person=viewer) | partners | admins)
    if pairing is not None:
        rows = rows.filter(pairing=pairing)
    if appointment is not None:
        rows = rows.filter(appointment=appointment)
    if cohort is not None:
        rows = rows.filter(pairing__cohort=cohort)
    return _with_relations(rows)


def feedback_views_for(
    *, viewer: User, rows: Iterable[Feedback], admin_cohort_ids: Iterable[int] | None = None
) -> list[FeedbackView]:
    """The viewer's views of `rows` (relations loaded), leaving out what they may not see.
    Reads the viewer's cohorts once, and only when a row is someone else's and
    `admin_cohort_ids` is not given (pass () on personal pages, as feedback_view_for says)."""
    rows = list(rows)
    if admin_cohort_ids is None:
        admin_cohort_ids = set()
        if any(row.person_id != viewer.pk for row in rows):
            admin_cohort_ids = admin_cohort_ids_for(viewer=viewer)
    views = (
        feedback_view_for(feedback=row, viewer=viewer, admin_cohort_ids=admin_cohort_ids)
        for row in rows
    )
    return [view for view in views if view is not None]


# --- for the cohort's admins ----------------------------------------------------------------


def feedback_ratings_for_cohort(
    *, cohort: Cohort, chunk_size: int = 2000
) -> Iterator[FeedbackView]:
    """Every feedback row of the cohort as its admins see it (numbers always, words only when
    shared with the programme team), oldest first: for the cohort page and the CSV export.
    The caller got `cohort` through cohort_get_for_admin. One query per `chunk_size` rows."""
    rows = _with_relations(Feedback.objects.filter(pairing__cohort=cohort)).order_by(
        "asked_at", "pk"
    )
    for row in rows.iterator(chunk_size=chunk_size):
        view = _view(row, {ADMIN})
        if view is not None:
            yield view


def feedback_answered_for_cohort(*, cohort: Cohort) -> QuerySet[Feedback]:
    """The cohort's answered feedback rows, relations loaded, for its admins' tables (the
    caller got `cohort` through cohort_get_for_admin). Show them with feedback_views_for_admins."""
    return _with_relations(
        Feedback.objects.filter(pairing__cohort=cohort, answered_at__isnull=False)
    )


def feedback_views_for_admins(*, rows: Iterable[Feedback]) -> list[FeedbackView]:
    """`rows` of one cohort as its admins see them (the module's table), whoever else the
    reader may be in the pairing: numbers always, words only when shared with the team."""
    views = (_view(row, {ADMIN}) for row in rows)
    return [view for view in views if view is not None]


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float | None
    distribution: dict[int, int]  # 1..5 -> how many answers gave it


def feedback_rating_summary_for_cohort(
    *, cohort: Cohort, kind: str = Feedback.Kind.SESSION, since: datetime | None = None
) -> RatingSummary:
    """The cohort's answered ratings of one kind (session: the 1-5 rating; check-in and
    closing: the 1-5 satisfaction), optionally answered since `since`. One query."""
    field = "rating" if kind == Feedback.Kind.SESSION else "satisfaction"
    rows = Feedback.objects.filter(
        pairing__cohort=cohort, kind=kind, answered_at__isnull=False, **{f"{field}__isnull": False}
    )
    if since is not None:
        rows = rows.filter(answered_at__gte=since)
    figures = rows.aggregate(
        count=Count("pk"),
        mean=Avg(field),
        **{f"n{score}": Count("pk", filter=Q(**{field: score})) for score in range(1, 6)},
    )
    return RatingSummary(
        count=figures["count"],
        mean=float(figures["mean"]) if figures["mean"] is not None else None,
        distribution={score: figures[f"n{score}"] for score in range(1, 6)},
    )


# --- for the person asked -------------------------------------------------------------------


def check_in_round_due(*, accepted_at: datetime, now: datetime) -> int:
    """The latest check-in round due at `now` for a pairing started at `accepted_at`: 0 before
    a month, 1 after it, then one more every two months."""
    elapsed = now - accepted_at
    if elapsed < CHECK_IN_FIRST_AFTER:
        return 0
    return 1 + (elapsed - CHECK_IN_FIRST_AFTER) // CHECK_IN_EVERY


def open_filter(*, now: datetime) -> Q:
    """Rows that can still be answered or changed: after a session and at check-ins while the
    pairing is active; a closing reflection for CLOSING_OPEN_FOR after it was asked."""
    return Q(
        kind__in=[Feedback.Kind.SESSION, Feedback.Kind.CHECK_IN],
        pairing__status=Pairing.Status.ACTIVE,
    ) | Q(
        kind=Feedback.Kind.CLOSING,
        pairing__status=Pairing.Status.CLOSED,
        asked_at__gt=now - CLOSING_OPEN_FOR,
    )


def feedback_is_open(*, feedback: Feedback, now: datetime) -> bool:
    """Whether the writer can still answer or change `feedback` (as open_filter, in Python)."""
    status = feedback.pairing.status
    if feedback.kind == Feedback.Kind.CLOSING:
        return status == Pairing.Status.CLOSED and feedback.asked_at > now - CLOSING_OPEN_FOR
    return status == Pairing.Status.ACTIVE


def feedback_get_for_writer(*, user: User, feedback_id: int, listed: bool = False) -> Feedback:
    """One of the user's own feedback rows, or 404: only the person asked opens the form.
    `listed`: reading of its relations only what the pages show (feedback_listed), for a page
    that saves nothing."""
    rows = _with_relations(Feedback.objects.filter(person=user))
    return get_object_or_404(feedback_listed(rows) if listed else rows, pk=feedback_id)


def feedback_waiting_for(*, user: User, now: datetime) -> QuerySet[Feedback]:
    """The user's unanswered rows that can still be answered, oldest question first."""
    return (
        _with_relations(Feedback.objects.filter(person=user, answered_at__isnull=True))
        .filter(open_filter(now=now))
        .order_by("asked_at", "pk")
    )


def _waiting_listed(*, user_id: int, closing_asked_after: datetime, limit: int) -> QuerySet:
    # open_filter is given the `now` whose closing threshold is `closing_asked_after`: the
    # parameter it sends is then that value itself, which mentoring.prepared can stand in for.
    now = closing_asked_after + CLOSING_OPEN_FOR
    return feedback_listed(feedback_waiting_for(user=User(pk=user_id), now=now))[:limit]


_WAITING_LISTED = PreparedQuery(_waiting_listed, "user_id", "closing_asked_after")


def feedback_waiting_listed(*, user: User, now: datetime, limit: int) -> list[Feedback]:
    """The first `limit` rows of feedback_waiting_for, read as feedback_listed reads them, by a
    query compiled once (mentoring.prepared): through the ORM, building and compiling it was a
    fifth of the Feedback page."""
    return _WAITING_LISTED(user_id=user.pk, closing_asked_after=now - CLOSING_OPEN_FOR, limit=limit)


def feedback_history_for(*, user: User, now: datetime) -> QuerySet[Feedback]:
    """The user's other rows: answered, or no longer open; newest first."""
    waiting = Q(answered_at__isnull=True) & open_filter(now=now)
    return _with_relations(Feedback.objects.filter(person=user).exclude(waiting)).order_by(
        "-asked_at", "-pk"
    )


def feedback_shared_with(*, user: User) -> QuerySet[Feedback]:
    """What the user's partners shared with them in words, newest first. Filtered as
    feedback_visible_to's partner rule; show through feedback_views_for."""
    own_pairings = Pairing.objects.filter(Q(mentor=user) | Q(mentee=user)).values("pk")
    return (
        _with_relations(
            Feedback.objects.filter(
                pairing__in=own_pairings, answered_at__isnull=False, share_with_partner=True
            ).exclude(person=user)
        )
        .filter(~Q(went_well="") | ~Q(could_be_better="") | ~Q(comments=""))
        .order_by("-answered_at", "-pk")
    )


@dataclass(frozen=True)
class SessionFeedback:
    """A session's feedback as one of its two people sees it on the session page."""

    ended: bool
    mine: Feedback | None
    mine_open: bool
    partners: FeedbackView | None  # their shared words, when there are any


def feedback_for_session(
    *, appointment: Appointment, viewer: User, now: datetime
) -> SessionFeedback:
    """The viewer's own row for the session and what their partner shared (one query). The
    caller got `appointment` through appointment_get_for_user."""
    ended = appointment.status == Appointment.Status.BOOKED and appointment.ends_at <= now
    rows = list(_with_relations(Feedback.objects.filter(appointment=appointment)) if ended else [])
    mine = next((row for row in rows if row.person_id == viewer.pk), None)
    partners = None
    for row in rows:
        if row.person_id != viewer.pk:
            view = feedback_view_for(feedback=row, viewer=viewer, admin_cohort_ids=())
            if view is not None and view.shows_words and view.has_words:
                partners = view
    return SessionFeedback(
        ended=ended,
        mine=mine,
        mine_open=mine is not None and feedback_is_open(feedback=mine, now=now),
        partners=partners,
    )
