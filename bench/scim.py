"""An organisation's directory listing its people over SCIM: GET /scim/v2/Users?count=100.

Server time in this process (Django's test client, PostgreSQL), as a directory's full sync
sees it page by page. 100 provisioned people, each in one of three groups; also the lookup a
directory sends before each create (filter userName eq) and one person by id. Target: the
list's query count does not grow with the people it lists (DESIGN.md); the times are figures.
"""

import os

from bench.harness import count_queries, p50, report, setup_django, timed

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 100))
REPEAT = int(os.environ.get("BENCH_REPEAT", 50))


def _generate() -> str:
    from accounts.models import User
    from bench.harness import bench_organisation
    from organisations.models import Membership
    from provisioning.models import ProvisionedUser, ScimGroup
    from provisioning.services.tokens import token_create

    organisation = bench_organisation()
    users = User.objects.bulk_create(
        User(email=f"p{i}@bench.example", display_name=f"Person {i}") for i in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, user=u, source="scim") for u in users
    )
    provisioned = ProvisionedUser.objects.bulk_create(
        ProvisionedUser(
            organisation=organisation,
            user=u,
            user_name=u.email,
            external_id=f"E-{i}",
            attributes={
                "name": {"givenName": "Person", "familyName": str(i)},
                "displayName": u.display_name,
                "emails": [{"value": u.email, "type": "work", "primary": True}],
                "active": True,
            },
        )
        for i, u in enumerate(users)
    )
    groups = [
        ScimGroup.objects.create(organisation=organisation, display_name=f"Group {n}")
        for n in range(3)
    ]
    for i, person in enumerate(provisioned):
        groups[i % 3].members.add(person)
    return token_create(organisation=organisation, name="bench", by=None)[1]


def main() -> None:
    setup_django()
    from django.test import Client

    token = _generate()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")

    def get(path: str, **params: str):
        def run():
            response = client.get(path, params)
            assert response.status_code == 200, response.content
            return response

        return run

    listing = get("/scim/v2/Users", count="100")
    lookup = get("/scim/v2/Users", filter=f'userName eq "p{PEOPLE // 2}@bench.example"')
    listed = listing().json()
    one_id = listed["Resources"][0]["id"]
    single = get(f"/scim/v2/Users/{one_id}")
    small = get("/scim/v2/Users", count="1")

    figures = {}
    rows = []
    for label, key, run in (
        (f"list of {PEOPLE} (count=100)", "list_100", listing),
        ("list of 1 (count=1)", "list_1", small),
        ("filter userName eq", "filter_eq", lookup),
        ("one person by id", "get_one", single),
    ):
        queries = count_queries(run)
        ms = p50(timed(run, repeat=REPEAT, warmup=3))
        figures[f"{key}_ms_p50"] = ms
        figures[f"{key}_queries"] = queries
        rows.append((label, f"{ms} ms median, {queries} queries"))
    report(
        "scim",
        [("people listed", f"{listed['itemsPerPage']} of {listed['totalResults']}"), *rows],
        {**figures, "target_met": figures["list_100_queries"] == figures["list_1_queries"]},
    )


if __name__ == "__main__":
    main()
