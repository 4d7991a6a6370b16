"""Pairings for the people in them and for their programme admins: every view that takes a
pairing id gets its pairing through one of these, so ids leak nothing."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from pairings.models import Pairing
from programmes.selectors import cohorts_for_admin


def pairings_for_user(*, user: User) -> QuerySet[Pairing]:
    """Pairings the user is in, as mentor or mentee."""
    return Pairing.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "cohort", "mentor__profile", "mentee__profile"
    )


def pairing_get_for_user(
    *, user: User, pairing_id: int, profiles: bool = True, fields: tuple[str, ...] = ()
) -> Pairing:
    """One of the user's pairings, or 404. `profiles=False` for a page that shows neither
    person's profile: the pairing comes without those two joins. `fields`: only those are
    read (QuerySet.only), for a page that shows little and changes nothing."""
    pairings = pairings_for_user(user=user)
    if not profiles:
        pairings = pairings.select_related(None).select_related("cohort", "mentor", "mentee")
    if fields:
        pairings = pairings.only(*fields)
    return get_object_or_404(pairings, pk=pairing_id)


# What the pairing page (home.views.pairing) shows of a pairing, with its agreement section,
# goals and pauses: the pairing's state and why the pair was matched, the cohort's name and
# pause limit, both people's names and zones, and the profile fields shown of the partner
# (phone numbers for the agreement section). The page itself reads nothing else of them.
PAIRING_PAGE_FIELDS = (
    "cohort",
    "mentor",
    "mentee",
    "status",
    "criteria",
    "closed_at",
    "close_reason",
    "cohort__name",
    "cohort__pause_max_days",
    *(
        f"{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("email", "display_name", "timezone")
    ),
    *(
        f"{person}__profile__{field}"
        for person in ("mentor", "mentee")
        for field in (
            "headline",
            "field",
            "city",
            "expertise",
            "goals",
            "work_phone",
            "personal_phone",
        )
    ),
)


def pairing_get_for_page(*, user: User, pairing_id: int) -> Pairing:
    """pairing_get_for_user for the pairing page's GET: only what it shows (PAIRING_PAGE_FIELDS),
    about a quarter fewer columns to ask for and turn into rows. The pairing is asked for by
    its id alone and someone else's answers 404 as pairings_for_user's filter would: the same
    query and answer, without building the filter's OR of two joins on every view."""
    pairings = Pairing.objects.select_related("cohort", "mentor__profile", "mentee__profile")
    pairing = get_object_or_404(pairings.only(*PAIRING_PAGE_FIELDS), pk=pairing_id)
    if user.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise Http404
    return pairing


# What the contact terms page's GET shows of a pairing: its state, the viewer's zone and the
# numbers on their profile (the phone choice), the partner's name. No cohort.
TERMS_PAGE_FIELDS = (
    "cohort",  # the id only, for the first draft from the enrolment
    "mentor",
    "mentee",
    "status",
    *(
        f"{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("email", "display_name", "timezone")
    ),
    *(
        f"{person}__profile__{field}"
        for person in ("mentor", "mentee")
        for field in ("work_phone", "personal_phone")
    ),
)


def pairing_get_for_terms(*, user: User, pairing_id: int) -> Pairing:
    """pairing_get_for_user for the contact terms page's GET: only what it shows
    (TERMS_PAGE_FIELDS). Saving the terms reads whole rows: the services send emails."""
    pairings = pairings_for_user(user=user).select_related(None)
    pairings = pairings.select_related("mentor__profile", "mentee__profile")
    return get_object_or_404(pairings.only(*TERMS_PAGE_FIELDS), pk=pairing_id)


def pairing_get_for_admin(*, user: User, pairing_id: int) -> Pairing:
    return get_object_or_404(
        Pairing.objects.filter(cohort__in=cohorts_for_admin(user=user)).select_related(
            "cohort", "mentor", "mentee"
        ),
        pk=pairing_id,
    )
