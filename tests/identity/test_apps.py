"""Each sign-in step builds the allauth app of the organisation it names, and only that one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity.adapters import SocialAccountAdapter
from identity.models import IdentityProvider
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _provider(slug: str, protocol: str) -> IdentityProvider:
    idp = IdentityProvider(
        organisation=OrganisationFactory(slug=slug, name=slug.title()),
        protocol=protocol,
        enabled=True,
        issuer=f"https://{slug}.example/",
        client_id=f"{slug}-client",
        entity_id=f"https://{slug}.example/saml",
        sso_url=f"https://{slug}.example/sso",
        x509_certificate="MIIB",
    )
    idp.client_secret = f"{slug}-secret"
    idp.save()
    return idp


@pytest.mark.parametrize(
    ("provider", "client_id", "expected"),
    [
        ("org-acme", None, ("acme-client", "acme-secret")),
        ("saml-globex", None, ("globex", "")),
        ("saml", "globex", ("globex", "")),
    ],
)
def test_a_step_naming_one_organisation_gets_its_app_alone(provider, client_id, expected):
    _provider("acme", "oidc")
    _provider("globex", "saml")
    _provider("initech", "oidc")

    apps = SocialAccountAdapter().list_apps(None, provider=provider, client_id=client_id)

    assert [(app.client_id, app.secret) for app in apps] == [expected]


def test_a_step_naming_one_organisation_reads_one_provider_however_many_there_are():
    for number in range(5):
        _provider(f"org{number}", "oidc")

    with CaptureQueriesContext(connection) as queries:
        apps = SocialAccountAdapter().list_apps(None, provider="org-org3")

    assert [app.client_id for app in apps] == ["org3-client"]
    assert len(queries) == 1
    assert "'org3'" in queries[0]["sql"]  # the one row asked for, not all five decrypted
