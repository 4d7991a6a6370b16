"""The webhook pages write their endpoint forms' list of events in Python (webhooks.views
quickens the form): every field must read as Django's templates wrote it, byte for byte, new
or kept, with or without errors, in every language."""

import pytest
from django.utils import translation

from mentoring.quickforms import quicken
from webhooks.forms import EndpointEditForm, EndpointForm
from webhooks.models import EventKind

KINDS = list(EventKind.values)


def _forms(form_class: type) -> list:
    return [
        form_class(),
        form_class(initial={"description": "HR <x>", "event_kinds": KINDS[:2]}),
        form_class(data={"url": "http://bad", "description": "x" * 300}),  # refused, no event
        form_class(data={"url": "https://ok.example", "event_kinds": [KINDS[-1], "nope"]}),
    ]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("form_class", [EndpointForm, EndpointEditForm])
def test_the_quick_form_writes_what_the_templates_wrote(language, form_class):
    with translation.override(language):
        for plain, quick in zip(_forms(form_class), _forms(form_class), strict=True):
            quicken(quick)
            assert type(quick.fields["event_kinds"].widget) is not type(
                plain.fields["event_kinds"].widget
            )
            for name in plain.fields:
                assert quick[name].as_field_group() == plain[name].as_field_group()
            if plain.is_bound:  # errors are read through the field groups: compared above
                assert plain.errors
