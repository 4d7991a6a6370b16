"""The people of the participant endpoints' tests: Bob mentors Alice (video and phone agreed,
weekdays 09:00-17:00 on his New York clock), Charlie and Dora are a pairing of another cohort.
Everyone calls the API with a personal token of their own."""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from api.services import api_token_create
from pairings.models import Pairing
from sessions_app.selectors.slots import free_slots
from sessions_app.services.booking import appointment_book
from tests.agreements import agreement_reach
from tests.factories import CohortFactory, PairingFactory, ProfileFactory
from tests.sessions_app.test_booking import open_hours


def bearer_text(user: User, *, scope: str = "read-write") -> str:
    """A new personal token of `user`'s, as its owner is shown it once."""
    return api_token_create(user=user, name="tests", scope=scope, expires_at=None)[1]


def bearer(user: User, *, scope: str = "read-write") -> APIClient:
    """An API client with a new personal token of `user`'s."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_text(user, scope=scope)}")
    return client


@dataclass
class People:
    alice: User
    bob: User
    charlie: User
    pairing: Pairing
    theirs: Pairing  # Charlie and Dora's

    def free_time(self, n: int = 0, length: int = 45):
        return free_slots(mentor=self.bob, mentee=self.alice, length=length, now=timezone.now())[n]

    def book(self, n: int = 0, **changes: object):
        return appointment_book(
            **{
                "pairing": self.pairing,
                "booked_by": self.alice,
                "starts_at": self.free_time(n).starts_at,
                "length": 45,
                "mode": "video",
                **changes,
            }
        )


def people_make() -> People:
    bob = ProfileFactory(
        mentor=True,
        user__email="bob@example.org",
        user__display_name="Bob Mentor",
        user__timezone="America/New_York",
        work_phone="+12125550123",
    ).user
    alice = ProfileFactory(
        mentee=True,
        user__email="alice@example.org",
        user__display_name="Alice Mentee",
        work_phone="+442079460958",
    ).user
    pairing = PairingFactory(cohort=CohortFactory(name="Spring"), mentor=bob, mentee=alice)
    agreement_reach(pairing, channels=["video", "phone", "email"], phone="work")
    open_hours(bob, weekly_limit=40)
    charlie = ProfileFactory(mentee=True, user__email="charlie@example.org").user
    dora = ProfileFactory(mentor=True, user__email="dora@example.org").user
    theirs = PairingFactory(cohort=CohortFactory(name="Autumn"), mentor=dora, mentee=charlie)
    agreement_reach(theirs, channels=["video", "email"])
    open_hours(dora)
    return People(alice=alice, bob=bob, charlie=charlie, pairing=pairing, theirs=theirs)
