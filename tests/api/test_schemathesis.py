"""schemathesis against the live API and its own schema: for every operation, requests
generated from the schema (a bounded number each) as a mentee with a pairing, sessions and
messages (personal read-and-write token), and as an organisation's reporting token (the
/api/v1/admin/ operations). Each answer must not be a server error, must have a status code the
schema documents, a content type it names and a body that matches it.

It prints how many operations it ran and how many requests it sent."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks
from schemathesis.core.failures import FailureGroup  # a BaseExceptionGroup, not an Exception

from api.services import api_token_create
from exchange.services.materials import material_share_link
from exchange.services.messages import message_send
from feedback.models import Feedback
from goals.services import goal_create
from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import (
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PairingFactory,
    ProfileFactory,
    cohort_admin_add,
)

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
ADMIN = "/api/v1/admin/"


@pytest.fixture
def world(transactional_db, settings) -> dict:
    """Mia, a mentee paired with Max, with sessions past and to come, messages, a goal, a
    material and feedback asked of her; Olive, the owner of Mia's organisation, who runs the
    cohort. A token each, and the ids of Mia's things; rates high enough not to count."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/minute", "address": "100000/minute"},
    }
    cache.clear()
    organisation = OrganisationFactory(slug="westbrook", name="Westbrook")
    olive = ProfileFactory(user__email="olive@example.org").user
    membership_ensure(organisation=organisation, user=olive, role=Role.OWNER)
    cohort = CohortFactory(name="Spring", organisation=organisation)
    cohort_admin_add(cohort, olive)
    mia = ProfileFactory(mentee=True, user__email="mia@example.org").user
    max_ = ProfileFactory(mentor=True, user__email="max@example.org").user
    EnrolmentFactory(cohort=cohort, user=mia, role="mentee")
    EnrolmentFactory(cohort=cohort, user=max_, role="mentor", capacity=2)
    pairing = PairingFactory(cohort=cohort, mentor=max_, mentee=mia)
    now = timezone.now()
    sessions = [
        AppointmentFactory(pairing=pairing, starts_at=now + timedelta(days=days, hours=1))
        for days in (-14, -7, 7, 14)
    ]
    for sender, body in ((mia, "Hello Max"), (max_, "Hello Mia"), (mia, "See you Tuesday")):
        message = message_send(pairing=pairing, sender=sender, body=body)
    goal = goal_create(pairing=pairing, by=mia, title="Speak up in meetings")
    material = material_share_link(pairing=pairing, by=max_, url="https://example.org/a")
    feedback = Feedback.objects.create(kind=Feedback.Kind.CHECK_IN, pairing=pairing, person=mia)
    return {
        "participant": api_token_create(
            user=mia, name="schemathesis", scope="read-write", expires_at=None
        )[1],
        "organisation": api_token_create(
            user=olive, organisation=organisation, name="reports", scope="read", expires_at=None
        )[1],
        # Path parameters every other request takes from Mia's own things, so the checks also
        # see answers about objects that exist, not only 404s for made-up ids.
        "ids": {
            "pairing_id": pairing.pk,
            "appointment_id": sessions[2].pk,
            "message_id": message.pk,
            "goal_id": goal.pk,
            "material_id": material.pk,
            "feedback_id": feedback.pk,
            "cohort_id": cohort.pk,
        },
    }


def _fuzz(operation, *, base_url: str, headers: dict, ids: dict, sent: list) -> None:
    """EXAMPLES_PER_OPERATION generated requests at most to one operation, each checked and
    added to `sent`, every other one with the known `ids` in its path; raises on the first
    failure."""

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # bounded time: no shrinking
        suppress_health_check=list(HealthCheck),
    )
    def call(case) -> None:
        sent.append(case)
        if case.path_parameters and len(sent) % 2:
            known = {name: ids[name] for name in case.path_parameters if name in ids}
            case.path_parameters = {**case.path_parameters, **known}
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    call()


def _run(schema, *, wanted, base_url: str, token: str, ids: dict) -> tuple[int, int, list[str]]:
    """Every wanted operation of the schema; returns (operations, requests, failures)."""
    operations = 0
    sent, failures = [], []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if not wanted(operation.path):
            continue
        operations += 1
        try:
            _fuzz(operation, base_url=base_url, headers=headers, ids=ids, sent=sent)
        except (Exception, FailureGroup) as exc:  # one operation's failure; the others run on
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    return operations, len(sent), failures


@pytest.mark.parametrize("who", ["participant", "organisation"])
def test_every_operation_answers_as_its_schema_says(live_server, world, who):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    if who == "participant":
        wanted = lambda path: not path.startswith(ADMIN)  # noqa: E731
    else:
        wanted = lambda path: path.startswith(ADMIN)  # noqa: E731

    operations, requests, failures = _run(
        schema, wanted=wanted, base_url=live_server.url, token=world[who], ids=world["ids"]
    )

    print(f"schemathesis as {who}: {operations} operations, {requests} requests")
    if operations == 0:
        pytest.skip(f"no {ADMIN} operation yet for an organisation's token")
    assert not failures, "\n\n".join(failures)
