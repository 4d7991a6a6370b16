"""Every form's fields render through mentoring.quickforms.QuickBoundField (the form renderer
names it): whatever the widget, the field group, label and legend it writes must be what
templates/_partials/field.html and Django's label template write, byte for byte, in every
state a person sees (empty, filled in, refused with errors)."""

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.translation import override

from accounts.forms import LanguageForm, ProfileForm
from mentoring.quickforms import QuickBoundField
from tests.factories import ProfileFactory

CHOICES = [("a", "A & <b>"), ("b", "B")]


class Every(forms.Form):
    """One field of each kind of widget, with and without labels, help texts and limits."""

    required_css_class = "required"
    error_css_class = "invalid"

    text = forms.CharField(label="Name", max_length=5, help_text="Your <b>name</b>.")
    email = forms.EmailField(label="Email address?", required=False)
    url = forms.URLField(label="Web page", required=False, label_suffix=" →", assume_scheme="https")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3}))
    number = forms.IntegerField(label="How many", min_value=1, max_value=9)
    decimal = forms.DecimalField(label="Share", required=False, localize=True)
    pick = forms.ChoiceField(label="Pick one", choices=[("", "—"), *CHOICES])
    grouped = forms.ChoiceField(
        label="Grouped", choices=[("Group", CHOICES), ("c", "C")], required=False
    )
    picks = forms.MultipleChoiceField(label="Pick some", choices=CHOICES, required=False)
    radio = forms.ChoiceField(label="Radio", choices=CHOICES, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        label="Boxes",
        choices=CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "grid"}),
        help_text="Any of them.",
        required=False,
    )
    agree = forms.BooleanField(label="I agree", help_text="You must.")
    maybe = forms.NullBooleanField(label="Maybe", required=False)
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.SplitDateTimeField(label="When", required=False)
    upload = forms.FileField(label="File", required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    no_label = forms.CharField(label="", required=False)
    own_id = forms.CharField(
        label="Own id", required=False, widget=forms.TextInput(attrs={"id": "mine"})
    )
    described = forms.CharField(
        label="Described",
        required=False,
        widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"}),
    )
    locked = forms.CharField(label="Locked", required=False, disabled=True, initial="x")


FILLED = {
    "text": "Ann",
    "email": "ann@example.org",
    "url": "https://example.org/?a=1&b=<2>",
    "password": "secret",
    "body": 'Line "one"\nline <two>',
    "number": "3",
    "decimal": "1.5",
    "pick": "a",
    "grouped": "a",
    "picks": ["a", "b"],
    "radio": "b",
    "boxes": ["a"],
    "agree": "on",
    "maybe": "true",
    "day": "2026-12-07",
    "when_0": "2026-12-07",
    "when_1": "10:00",
    "hidden": "<h>",
    "no_label": "y",
    "own_id": "z",
    "described": "d",
}
REFUSED = {
    "text": "far too long <i>",
    "email": "not an address",
    "url": "nope",
    "number": "99",
    "pick": "zzz",
    "radio": "",
    "boxes": ["zzz"],
    "day": "someday",
    "when_0": "2026-12-07",
    "when_1": "25:99",
}


def _parts(form: forms.BaseForm) -> list[str]:
    """Everything a template may show of each field, as a template shows it."""
    parts = []
    for field in form:
        parts += [field.as_field_group(), field.label_tag(), field.legend_tag(), field]
        parts += [field.widget_type, field.css_classes()]
    return [conditional_escape(part) for part in parts]


def _pair(make) -> tuple[forms.BaseForm, forms.BaseForm]:
    """The form as the project renders it (quick bound fields) and as Django alone would."""
    quick, plain = make(), make()
    plain.bound_field_class = BoundField
    return quick, plain


def test_the_form_renderer_gives_every_form_quick_bound_fields():
    assert isinstance(Every()["text"], QuickBoundField)
    assert isinstance(PasswordChangeForm(user=None)["old_password"], QuickBoundField)


@pytest.mark.parametrize("data", [None, FILLED, REFUSED], ids=["empty", "filled", "refused"])
@pytest.mark.parametrize("prefix", [None, "p"])
def test_every_kind_of_field_renders_as_the_templates_write_it(data, prefix):
    def make() -> forms.Form:
        if data and prefix:
            return Every({f"{prefix}-{k}": v for k, v in data.items()}, prefix=prefix)
        return Every(data, prefix=prefix)

    quick, plain = _pair(make)
    if data is not None:
        assert quick.is_valid() == plain.is_valid() == (data is FILLED)

    assert _parts(quick) == _parts(plain)


def test_a_form_without_ids_renders_as_the_templates_write_it():
    quick, plain = _pair(lambda: Every(REFUSED, auto_id=False))
    quick.is_valid(), plain.is_valid()

    assert _parts(quick) == _parts(plain)


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_label_suffix_follows_the_language(language):
    with override(language):
        quick, plain = _pair(lambda: Every(REFUSED))
        quick.is_valid(), plain.is_valid()

        assert _parts(quick) == _parts(plain)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"display_name": "x" * 200, "languages": ["zz"]}])
def test_the_profile_form_renders_as_the_templates_write_it(data):
    """The profile form also swaps its plain inputs for quick ones (QuickModelForm)."""
    profile = ProfileFactory(mentor=True)
    user = profile.user
    quick = ProfileForm(data, instance=profile, user=user, accept_language="de, en;q=0.5")
    plain = ProfileForm(data, instance=profile, user=user, accept_language="de, en;q=0.5")
    plain.bound_field_class = BoundField
    for field in plain.fields.values():  # Django's own widgets, not the quick twins
        widget = type(field.widget)
        if widget.__module__ == "mentoring.quickforms":
            field.widget.__class__ = widget.__bases__[1]
    plain.error_class = forms.utils.ErrorList
    if data is not None:
        assert not quick.is_valid()
        assert not plain.is_valid()

    assert _parts(quick) == _parts(plain)
    assert "aria-invalid" in str(quick["display_name"]) or data is None


def test_a_language_form_renders_as_the_templates_write_it():
    quick, plain = _pair(lambda: LanguageForm({"language": "xx"}))
    quick.is_valid(), plain.is_valid()

    assert _parts(quick) == _parts(plain)
