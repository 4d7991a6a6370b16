"""Hostile or mangled input gets a clear refusal, never a server error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/join/ab%00cd/",
        "/sessions/calendar-feed/ab%00cd.ics",
        "/programmes/cohorts/{cohort}/pairings/?q=a%00b",
        "/programmes/cohorts/{cohort}/?q=a%01b",
        "/programmes/cohorts/{cohort}/?%00=x",
    ],
)
def test_a_control_character_in_the_address_gets_a_clear_400_not_a_500(
    client, programme_admin, cohort, url
):
    client.force_login(programme_admin)

    response = client.get(url.format(cohort=cohort.pk))

    assert response.status_code == 400
    assert "contains a control character" in response.content.decode()


def test_an_ordinary_search_still_works(client, programme_admin, cohort):
    client.force_login(programme_admin)

    response = client.get(f"/programmes/cohorts/{cohort.pk}/pairings/", {"q": "Ada Lovelace"})

    assert response.status_code == 200
