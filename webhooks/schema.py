"""The webhook payloads for the OpenAPI schema: one OpenApiWebhook per event kind, its request
body the envelope with that kind's `data`. drf-spectacular's WEBHOOKS setting names this list,
so /api/schema/ (OpenAPI 3.1) documents every payload beside the API's operations.
"""

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from webhooks.models import TEST_KIND, EventKind
from webhooks.payloads import PAYLOADS, UtcDateTimeField

SIGNING = (
    "Sent as a JSON POST signed per the Standard Webhooks specification: headers "
    "`webhook-id` (the same in every retry and replay: drop a repeat), `webhook-timestamp` "
    "(this attempt's time; refuse one more than 5 minutes old) and `webhook-signature` (one "
    "`v1,<base64 HMAC-SHA256>` per secret, space-separated: two while a rotated secret "
    "overlaps). Verify with the `standardwebhooks` library and the endpoint's `whsec_` "
    "secret. Answer 2xx within 10 seconds; anything else is retried after 1 and 5 minutes, "
    "then 30 minutes, 2, 5 and 10 hours, then given up."
)


def _envelope(kind: str) -> type[serializers.Serializer]:
    name = "".join(part.title() for part in kind.replace("_", ".").split(".")) + "Event"
    return type(
        name,
        (serializers.Serializer,),
        {
            "type": serializers.ChoiceField(choices=[kind]),
            "version": serializers.ChoiceField(choices=[1]),
            "timestamp": UtcDateTimeField(help_text="When the event happened, in UTC."),
            "data": PAYLOADS[kind](),
            "__doc__": f"The `{kind}` event, version 1.",
        },
    )


def _label(kind: str) -> str:
    return str(EventKind(kind).label) if kind in EventKind.values else "Test event"


WEBHOOKS = [
    OpenApiWebhook(
        name=kind,
        decorator=extend_schema(
            summary=_label(kind),
            description=SIGNING,
            request=_envelope(kind),
            responses={200: OpenApiResponse(description="Received (any 2xx will do).")},
        ),
    )
    for kind in [*EventKind.values, TEST_KIND]
]
