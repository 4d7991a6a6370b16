"""The quick <select> widgets must behave like Django's for browsers and assistive tech."""

from accounts.widgets import QuickSelect, QuickSelectMultiple

CHOICES = [("a", "A & <b>"), ("b", "B")]


def test_quick_select_marks_the_chosen_option_and_escapes_labels():
    html = QuickSelect(choices=CHOICES).render("zone", "a", {"id": "id_zone", "required": True})

    assert html.startswith('<select name="zone" id="id_zone" required>')
    assert '<option value="a" selected>A &amp; &lt;b&gt;</option>' in html
    assert '<option value="b">B</option>' in html


def test_quick_select_multiple_keeps_every_chosen_value_and_the_error_state():
    widget = QuickSelectMultiple(choices=CHOICES, attrs={"size": 6})

    html = widget.render("langs", ["a", "b"], {"aria-invalid": "true"})

    assert " multiple" in html
    assert 'aria-invalid="true"' in html
    assert html.count(" selected") == 2
