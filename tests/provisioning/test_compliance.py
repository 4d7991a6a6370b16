"""scim2-tester, the python-scim project's compliance checker, against the live /scim/v2/."""

import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from provisioning.services.tokens import token_create
from tests.factories import OrganisationFactory

# Checks of features the service does not offer, each with its reason. Every other check must
# pass.
NOT_SUPPORTED: dict[str, str] = {}


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_passes_every_check_but_the_unsupported(live_server):
    organisation = OrganisationFactory(slug="acme", name="Acme")
    _row, token = token_create(organisation=organisation, name="checker", by=None)
    with Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {token}", "Connection": "close"},
        timeout=30,
    ) as http:
        results = check_server(SyncSCIMClient(http))
    failed = [
        (r.title, r.resource_type, r.reason)
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED) and r.title not in NOT_SUPPORTED
    ]
    counts = {s.name: sum(1 for r in results if r.status == s) for s in Status}
    print("scim2-tester:", len(results), "checks", counts)
    for r in results:
        if r.status != Status.SUCCESS:
            print(r.status.name, r.title, r.resource_type, r.reason)
    assert failed == []
    assert counts["SUCCESS"] > 0
