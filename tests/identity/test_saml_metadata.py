"""Metadata both ways: the IdP's pasted XML read for the owner's settings, and ours (the
service provider's) as the owner gives it to the IdP."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from identity.models import IdentityProvider
from identity.saml import idp_metadata_parse, sp_urls
from tests.factories import OrganisationFactory
from tests.identity import saml_kit

# SAML's own organisation and identity provider, over the OpenID Connect ones of conftest.
saml_idp = saml_kit.saml_idp
acme = saml_kit.acme

MD = "urn:oasis:names:tc:SAML:2.0:metadata"


def test_the_idps_metadata_gives_its_entity_urls_and_certificate(saml_idp):
    found = idp_metadata_parse(saml_idp.metadata())

    assert found.entity_id == saml_idp.entity_id
    assert found.sso_url == f"{saml_idp.url}/sso/redirect"
    assert found.slo_url == f"{saml_idp.url}/slo/redirect"
    assert found.x509_certificate.startswith("MII")
    assert found.certificate_expires > timezone.now()


def refusal(xml: str) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        idp_metadata_parse(xml)
    return refused.value


def test_text_that_is_not_xml_is_refused_in_words():
    error = refusal("https://login.example.com/metadata, I think")
    assert error.code == "not_xml"
    assert "not well-formed XML" in error.messages[0]


def test_entity_expansion_is_refused_before_anything_expands():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
        'entityID="&lol9;"/>'
    )
    started = time.monotonic()
    error = refusal(laughs)
    assert error.code == "dtd"
    assert "document type or entities" in error.messages[0]
    assert time.monotonic() - started < 1


def test_an_external_entity_is_refused_and_no_file_is_read():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&secret;"/>'
    )
    error = refusal(xxe)
    assert error.code == "dtd"
    assert "root:" not in str(error)


def test_metadata_of_a_service_provider_is_not_an_identity_provider(settings, db):
    settings.SITE_URL = "https://mentoring.example"
    ours = Client().get(reverse("saml_metadata", args=["acme"]))
    # No IdP set up for "acme": allauth answers 404, so use a real SP's shape instead.
    assert ours.status_code == 404
    sp_only = (
        f'<EntityDescriptor xmlns="{MD}" entityID="https://sp.example/">'
        '<SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="https://sp.example/acs" index="1"/></SPSSODescriptor></EntityDescriptor>'
    )
    assert refusal(sp_only).code == "no_idp"


def test_metadata_without_a_signing_certificate_is_refused(saml_idp):
    tree = etree.fromstring(saml_idp.metadata().encode())
    for key in tree.iter(f"{{{MD}}}KeyDescriptor"):
        key.getparent().remove(key)
    error = refusal(etree.tostring(tree).decode())
    assert error.code == "no_certificate"
    assert "could not be checked" in error.messages[0]


def test_metadata_longer_than_any_real_one_is_refused():
    assert refusal("<a>" + " " * 100_001 + "</a>").code == "too_long"


@pytest.mark.django_db
def test_our_metadata_names_the_urls_an_owner_gives_the_idp(saml_idp, settings):
    """Entity ID, ACS (reply URL) and logout URL, the same whatever host the page is opened
    at, and the assertions it asks for are signed."""
    settings.SITE_URL = "http://mentoring.example"
    settings.ALLOWED_HOSTS = ["mentoring.example", "elsewhere.example"]
    organisation = OrganisationFactory(slug="acme", name="Acme")
    found = idp_metadata_parse(saml_idp.metadata())
    IdentityProvider.objects.create(
        organisation=organisation,
        protocol=IdentityProvider.Protocol.SAML,
        enabled=True,
        entity_id=found.entity_id,
        sso_url=found.sso_url,
        x509_certificate=found.x509_certificate,
    )
    urls = sp_urls("acme")
    assert urls.entity_id == "http://mentoring.example/accounts/saml/acme/metadata/"
    assert urls.acs_url == "http://mentoring.example/accounts/saml/acme/acs/"
    assert urls.sls_url == "http://mentoring.example/accounts/saml/acme/sls/"

    elsewhere = Client(HTTP_HOST="elsewhere.example").get(reverse("saml_metadata", args=["acme"]))
    assert etree.fromstring(elsewhere.content).get("entityID") == urls.entity_id

    answer = Client(HTTP_HOST="mentoring.example").get(reverse("saml_metadata", args=["acme"]))

    assert answer.status_code == 200
    tree = etree.fromstring(answer.content)
    assert tree.get("entityID") == urls.entity_id
    sp = tree.find(f"{{{MD}}}SPSSODescriptor")
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{{{MD}}}AssertionConsumerService")
    assert acs.get("Binding").endswith("HTTP-POST")
    # The ACS and logout URLs are allauth's, built from the request: the same as ours when the
    # site is opened at its SITE_URL host, as it is in production.
    assert acs.get("Location") == urls.acs_url
    sls = sp.find(f"{{{MD}}}SingleLogoutService")
    assert sls.get("Location") == urls.sls_url
