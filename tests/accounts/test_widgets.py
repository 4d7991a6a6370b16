"""The quick <select> widgets must behave like Django's for browsers and assistive tech."""

import pytest

from accounts.widgets import QuickCheckboxSelectMultiple, QuickSelect

CHOICES = [("a", "A & <b>"), ("b", "B")]


def test_quick_select_marks_the_chosen_option_and_escapes_labels():
    html = QuickSelect(choices=CHOICES).render("zone", "a", {"id": "id_zone", "required": True})

    assert html.startswith('<select name="zone" id="id_zone" required>')
    assert '<option value="a" selected>A &amp; &lt;b&gt;</option>' in html
    assert '<option value="b">B</option>' in html


def test_quick_checkboxes_keep_every_chosen_value_and_the_error_state():
    widget = QuickCheckboxSelectMultiple(choices=CHOICES)

    html = widget.render("langs", ["a", "b"], {"id": "id_langs", "aria-invalid": "true"})

    assert html.startswith('<div id="id_langs" class="checkbox-grid">')
    assert html.count(" checked") == 2
    assert html.count('aria-invalid="true"') == 2
    assert (
        '<label for="id_langs_0"><input type="checkbox" name="langs" value="a" id="id_langs_0"'
        in html
    )
    assert "A &amp; &lt;b&gt;</label>" in html


def test_quick_checkboxes_leave_unchosen_boxes_unchecked():
    html = QuickCheckboxSelectMultiple(choices=CHOICES).render("langs", ["b"], {"id": "x"})

    assert 'value="a" id="x_0">' in html
    assert 'value="b" id="x_1" checked>' in html


def test_quick_select_keeps_each_language_and_each_persons_choice_apart():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    choices = [("", gettext_lazy("Choose your field")), ("a", "A")]
    widget = QuickSelect(choices=choices)
    with translation.override("de"):
        german = widget.render("field", "a", {"id": "f"})
    english = widget.render("field", "", {"id": "f"})

    assert "Choose your field" in english
    assert "Choose your field" not in german  # the cached list of one language stays there
    assert '<option value="a" selected>' in german
    assert '<option value="a">' in english  # one person's choice is not marked for the next
    assert '<option value="" selected>' in english


def _with_an_empty_first_choice() -> list[tuple[str, str]]:
    return [("", "Choose"), *CHOICES]


@pytest.mark.parametrize(
    "choices", ["plain", "plain with an empty first", "zones", "zones with an empty first"]
)
def test_quick_select_says_required_when_django_would(choices):
    """Django writes `required` on a <select> only when its first choice is empty (a
    placeholder); a list made once per process answers from its first choice alone."""
    from functools import cache

    from django import forms

    from accounts.forms import timezone_choices

    made = {
        "plain": CHOICES,
        "plain with an empty first": [("", "Choose"), *CHOICES],
        "zones": timezone_choices,
        "zones with an empty first": cache(_with_an_empty_first_choice),
    }[choices]
    field = forms.ChoiceField(choices=made)
    quick = forms.ChoiceField(choices=made, widget=QuickSelect)

    for initial in (None, "a"):
        assert quick.widget.use_required_attribute(initial) == (
            field.widget.use_required_attribute(initial)
        )
    assert quick.widget.use_required_attribute(None) is choices.endswith("an empty first")
