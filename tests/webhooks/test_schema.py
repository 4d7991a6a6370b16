"""The payloads are documented: each event kind is a webhook of the OpenAPI 3.1 schema, with
its envelope and data, ready for drf-spectacular's WEBHOOKS setting."""

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema

from webhooks.models import EventKind


def test_every_event_kind_is_a_documented_webhook_of_the_schema():
    with patched_settings({"OAS_VERSION": "3.1.0", "WEBHOOKS": "webhooks.schema.WEBHOOKS"}):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)

    assert set(schema["webhooks"]) == {*EventKind.values, "webhook.test"}
    booked = schema["webhooks"]["session.booked"]["post"]
    ref = booked["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"type", "version", "timestamp", "data"}
    assert "webhook-signature" in booked["description"]
