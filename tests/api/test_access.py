"""Every API route that names an object by id, tried with a read-and-write token of Charlie,
a participant of another cohort, by every method: each answers 404 (or 405 for a method the
route does not take) and nothing changes. The objects are those of tests/home/
test_access_by_id.py, whose OBJECT_FOR must name every such route (it fails otherwise)."""

import pytest
from django.urls import resolve, reverse

from tests.api.participants import bearer
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, ProfileFactory
from tests.home import test_access_by_id as walk

pytestmark = pytest.mark.django_db
world = walk.world  # the fixture: Alice and Bob with one of everything
# The participant routes (admin routes and the token pages refuse a participant otherwise).
API_ROUTES = sorted(
    name
    for name in walk.OBJECT_FOR
    if name.startswith("api:") and not name.startswith("api:admin_") and "token" not in name
)
BODY = {"text": "x", "body": "x", "title": "x", "reason": "x", "done": True, "rating": 1}


@pytest.fixture
def charlie(world):
    cohort = CohortFactory(name="Autumn")
    person = ProfileFactory(mentee=True, user__email="charlie@example.org").user
    EnrolmentFactory(cohort=cohort, user=person, role="mentee")
    PairingFactory(cohort=cohort, mentee=person)
    return bearer(person)


def test_every_participant_route_with_an_id_is_walked():
    assert len(API_ROUTES) >= 18


@pytest.mark.parametrize("name", API_ROUTES)
def test_another_pairings_person_gets_404_by_every_method_and_changes_nothing(world, charlie, name):
    url = reverse(name, kwargs=walk.OBJECT_FOR[name](world))
    view = resolve(url).func.cls
    before = walk._state(world)

    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(charlie, method)(url, BODY)
        expected = 404 if hasattr(view, method) else 405
        assert response.status_code == expected, (method, url, response.content)

    assert walk._state(world) == before
