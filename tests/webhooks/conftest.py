from collections.abc import Callable, Iterator

import pytest

from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import OrganisationFactory, UserFactory, default_organisation
from tests.webhooks.receiver import Receiver, serve
from webhooks.models import EventKind, WebhookEndpoint
from webhooks.services.endpoints import endpoint_create


@pytest.fixture(autouse=True)
def _receivers_on_this_machine(settings) -> None:
    """The test receivers listen on 127.0.0.1, which only the allow-list lets through."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def organisation(db):
    return default_organisation()


@pytest.fixture
def owner(organisation):
    """Olivia owns the organisation."""
    user = UserFactory(email="olivia@example.org", display_name="Olivia Owner")
    membership_ensure(organisation=organisation, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(slug="riverside", name="Riverside Council")


@pytest.fixture
def make_receiver() -> Iterator[Callable[..., Receiver]]:
    servers = []

    def make(answers: list[int] | None = None) -> Receiver:
        receiver = Receiver(answers=answers or [200])
        server = serve(receiver)
        next(server)
        servers.append(server)
        return receiver

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def receiver(make_receiver) -> Receiver:
    return make_receiver()


@pytest.fixture
def subscribe(owner) -> Callable[..., WebhookEndpoint]:
    """An endpoint of `organisation` for `receiver`, which learns its secret."""

    def make(
        receiver: Receiver, organisation=None, kinds: list[str] | None = None
    ) -> WebhookEndpoint:
        endpoint, secret = endpoint_create(
            organisation=organisation or owner.memberships.get().organisation,
            url=receiver.url,
            description="HR reports",
            event_kinds=kinds or list(EventKind.values),
            by=owner,
        )
        receiver.secret = secret
        return endpoint

    return make
