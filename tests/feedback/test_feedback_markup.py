"""The feedback forms' fields, written in Python (mentoring.quickforms), must read exactly as
Django's templates wrote them: each kind, empty, answered and refused, in every language."""

import copy

import pytest
from django import forms
from django.utils import translation
from django.utils.html import conditional_escape

from feedback.forms import FORMS
from feedback.models import Feedback


def _reference(form_class: type) -> type:
    """The kind's fields on a plain Django form: every part through Django's templates."""
    fields = {name: copy.deepcopy(field) for name, field in form_class.base_fields.items()}
    return type("Reference", (forms.Form,), {**fields, "field_order": form_class.field_order})


def _parts(form: forms.Form) -> list[str]:
    """What the feedback templates show of a form: each field group, and the form's errors."""
    parts = [field.as_field_group() for field in form]
    parts.append(form.non_field_errors())
    return [conditional_escape(part) for part in parts]


ANSWERED = {
    "took_place": "yes",
    "rating": 4,
    "satisfaction": 2,
    "contact_working": "partly",
    "wants_help": True,
    "went_well": 'The "plan" & <b>notes</b>',
    "could_be_better": "",
    "comments": "Line one\nline two",
    "share_with_partner": True,
    "share_with_programme": False,
}
REFUSED = {
    "took_place": "maybe",
    "rating": "9",
    "satisfaction": "",
    "contact_working": "sometimes",
    "went_well": "x" * 4001,
    "share_with_partner": "on",
}


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("kind", list(FORMS))
@pytest.mark.parametrize("state", ["new", "answered", "refused"])
def test_feedback_forms_write_what_django_writes(db, language, kind, state):
    quick_class = FORMS[kind]
    data = REFUSED if state == "refused" else None
    initial = ANSWERED if state == "answered" else {}
    with translation.override(language):
        quick = quick_class(data, feedback=Feedback(), initial=initial)
        reference = _reference(quick_class)(data, initial=initial)
        assert _parts(quick) == _parts(reference)
        # The quick form writes its own checkboxes: the comparison above is not of one thing.
        assert type(quick.fields["share_with_partner"].widget) is not forms.CheckboxInput
        if state == "refused":
            assert quick.errors
