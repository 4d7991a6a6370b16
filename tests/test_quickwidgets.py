"""mentoring.quickwidgets must write exactly what Django's widget templates write: the same
options, selection, attributes and escaping, alone and inside the field group."""

import pytest
from django import forms
from django.utils.html import conditional_escape

from accounts.models import User
from mentoring.choices import choices_share
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import CheckboxInput, ClearableFileInput, Select, quicken_all
from tests.factories import UserFactory

CHOICES = [("", "None & <none>"), ("a", "A & <b>"), ("b\"'", "B"), (3, "Three")]


class Plain(forms.Form):
    pick = forms.ChoiceField(label="Pick one", choices=CHOICES, help_text="Any <one>.")
    maybe = forms.ChoiceField(
        label="Maybe", choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "x"})
    )
    grouped = forms.ChoiceField(
        label="Grouped", choices=[("Group", CHOICES[1:]), ("c", "C")], required=False
    )
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(
        label="Note", required=False, max_length=20, widget=forms.Textarea, help_text="Short."
    )
    agree = forms.BooleanField(label="I agree", help_text="You must.")
    weekends = forms.BooleanField(label="Weekends & <more>", required=False)
    email = forms.EmailField(label="Email", required=False, help_text="Work <address>.")
    url = forms.URLField(label="…or a link", max_length=50, assume_scheme="https")
    upload = forms.FileField(
        label="File",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.txt"}),
        help_text="Up to <1 MB>.",
    )


class Quick(QuickForm, Plain):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        quicken_all(self)


def _parts(form: forms.Form) -> list[str]:
    parts = []
    for field in form:
        parts += [field, field.as_field_group(), field.widget_type]
    return [conditional_escape(part) for part in parts]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"pick": "a", "maybe": "3", "grouped": "c", "body": 'Hi <there> & "you"', "agree": "on",
         "email": "a@example.org", "url": "https://example.org/?a=1&b=<2>"},
        {"pick": "zz", "maybe": "b\"'", "body": "", "note": "x" * 30, "weekends": "on",
         "email": "not <an> address", "url": "x" * 60},
    ],
)  # fmt: skip
def test_the_quick_widgets_write_what_django_writes(data):
    initial = {"pick": "b\"'", "body": "Dear <b>", "weekends": True}
    plain, quick = Plain(data, initial=initial), Quick(data, initial=initial)
    if data is not None:
        assert plain.is_valid() == quick.is_valid()

    assert [type(quick.fields[n].widget) for n in ("pick", "agree", "upload")] == [
        Select,
        CheckboxInput,
        ClearableFileInput,
    ]
    assert _parts(quick) == _parts(plain)


@pytest.mark.django_db
def test_shared_model_choices_list_the_same_people_in_one_query(django_assert_num_queries):
    people = [UserFactory(display_name=name) for name in ("Zoë <z>", "Adam", "Mia")]

    class People(forms.Form):
        first = forms.ModelChoiceField(User.objects.none(), required=False, empty_label="None")
        second = forms.ModelChoiceField(User.objects.none(), empty_label="—")
        avoid = forms.ModelMultipleChoiceField(
            User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
        )

    queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by("display_name")
    plain = People(initial={"first": people[1].pk, "avoid": [people[0].pk, people[2].pk]})
    for name in plain.fields:
        plain.fields[name].queryset = queryset
    shared = People(initial=plain.initial)
    choices_share(fields=shared.fields.values(), queryset=queryset)
    quicken_all(shared)

    with django_assert_num_queries(1):
        rendered = _parts(shared)
    assert rendered == _parts(plain)
    assert list(shared.fields["avoid"].queryset) == sorted(people, key=lambda p: p.display_name)
