"""The quick form parts must write exactly what Django's templates write: same labels, ids,
values, aria-invalid and aria-describedby, for browsers and assistive tech alike."""

from datetime import date, time
from pathlib import Path

import pytest
from django import forms
from django.forms.utils import ErrorList
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.html import conditional_escape

from mentoring.quickforms import QUICK_WIDGETS, QuickErrorList, QuickForm
from programmes.forms.hours import time_field
from sessions_app.forms import availability as availability_forms
from sessions_app.forms.availability import AvailabilityForm, DateOverrideForm


class Plain(forms.Form):
    starts = time_field("From")
    count = forms.IntegerField(label="How many?", min_value=1, help_text="At least <one>.")
    day = forms.DateField(
        label="Day & date",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "min": "2026-01-01"}),
    )
    note = forms.CharField(label="Note", required=False, max_length=20)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A & <b>"), ("b", "B")], widget=forms.RadioSelect
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds",
        choices=[(1, "One"), (2, "Two")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "grid"}),
        help_text="Pick <em>any</em>.",
        required=False,
    )
    agree = forms.BooleanField(label="I agree", required=False)


class Quick(QuickForm, Plain):
    pass


def _parts(form: forms.Form) -> list[str]:
    """Everything a template may show of the form, as a template shows it (escaped unless
    marked safe)."""
    parts = []
    for field in form:
        parts += [field, field.label_tag(), field.legend_tag(), field.errors]
        parts += [field.as_field_group(), field.widget_type]
    parts.append(form.non_field_errors())
    return [conditional_escape(part) for part in parts]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "starts": "09:15",
            "count": "3",
            "day": "2026-02-03",
            "note": "a\"<b>'",
            "hidden": "x",
            "kind": "a",
            "kinds": ["1", "2"],
            "agree": "on",
        },
        {
            "starts": "nine",
            "count": "0",
            "day": "",
            "note": "x" * 30,
            "hidden": "<>",
            "kind": "z",
            "kinds": ["3"],
        },
    ],
)
def test_quick_form_writes_what_django_writes(data):
    initial = {"starts": time(8, 30), "count": 2, "day": date(2026, 5, 6)}
    plain, quick = Plain(data, initial=initial), Quick(data, initial=initial)
    if data is not None:
        assert plain.is_valid() == quick.is_valid()
        plain.add_error(None, "Something <wrong>.")
        quick.add_error(None, "Something <wrong>.")

    assert _parts(quick) == _parts(plain)


def test_empty_error_lists_render_nothing_and_full_ones_as_before():
    assert str(QuickErrorList()) == ""
    full = QuickErrorList(["Bad & wrong."], field_id="id_x")
    assert str(full) == '<ul class="errorlist" id="id_x_error"><li>Bad &amp; wrong.</li></ul>'


def _as_django(form: forms.Form) -> forms.Form:
    """The same form, unbound from the quick parts: Django's bound fields, error lists and
    widgets (call before validating)."""
    form.bound_field_class = forms.BoundField
    form.error_class = ErrorList
    for field in form.fields.values():
        if type(field.widget) in QUICK_WIDGETS:
            field.widget.__class__ = type(field.widget).__bases__[1]
    return form


WINDOWS = {f"window_{d}_{n}_{k}": "" for d in range(7) for n in (1, 2) for k in ("from", "to")}
WINDOWS.update(
    window_0_1_from="09:00", window_0_1_to="08:00", window_1_1_from="09:10",
    window_1_1_to="10:00", window_3_1_from="09:00", window_3_1_to="12:00",
    window_3_2_from="10:00", window_3_2_to="11:00", window_5_2_to="10:00",
)  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"session_lengths": ["30", "7"], "buffer_before": "x", "notice_hours": "", **WINDOWS},
        {"session_lengths": ["30"], "buffer_before": "5", "buffer_after": "0",
         "notice_hours": "12", "weekly_limit": "3", "horizon_weeks": "4"},
    ],
)  # fmt: skip
def test_the_availability_editor_keeps_its_markup(data):
    quick = AvailabilityForm(data, availability=None)
    plain = _as_django(AvailabilityForm(data, availability=None))
    if data is not None:
        assert quick.is_valid() == plain.is_valid()

    assert _parts(quick) == _parts(plain)
    if data is not None and "window_0_1_to" in data:
        assert 'aria-invalid="true" aria-describedby="id_window_0_1_to_error"' in str(
            quick["window_0_1_to"]
        )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"override-date": "2001-01-01", "override-kind": "extra", "override-starts": "10:10"},
        {"override-date": "", "override-kind": "zzz"},
    ],
)
def test_the_date_override_form_keeps_its_markup(data):
    today = date(2026, 12, 7)
    quick = DateOverrideForm(data, today=today)
    plain = _as_django(DateOverrideForm(data, today=today))
    if data is not None:
        assert quick.is_valid() == plain.is_valid()

    assert _parts(quick) == _parts(plain)


def test_the_date_override_form_keeps_its_date_limit():
    form = DateOverrideForm(today=date(2026, 12, 7))

    assert str(form["date"]) == (
        '<input type="date" name="override-date" min="2026-12-07" required id="id_override-date">'
    )
    assert str(form["starts"].label_tag()) == (
        '<label for="id_override-starts">Extra hours from:</label>'
    )


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_the_week_views_free_times_read_as_the_template_wrote_them(language):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.template import Context, Template
    from django.utils import translation

    from sessions_app.selectors.availability import DayHours
    from sessions_app.selectors.slots import WeekDay
    from sessions_app.views.availability import _slot_lists

    zone = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)  # the clocks go forward on the 29th
    days = [
        WeekDay(
            hours=DayHours(day=date(2026, 3, 28 + n), windows=()),
            slots=[first + timedelta(days=n, minutes=15 * k) for k in range(n * 3 + 2)],
            week_full=False,
            before_notice=False,
            beyond_horizon=False,
        )
        for n in range(3)
    ]
    template = Template(
        '{% load tz %}{% timezone zone %}{% if day.slots %}<ul class="actions">{% for starts_at'
        " in day.slots %}<li><time datetime=\"{{ starts_at|date:'c' }}\">{{ starts_at|time:"
        '"TIME_FORMAT" }}</time></li>{% endfor %}</ul>{% endif %}{% endtimezone %}'
    )
    with translation.override(language):
        wanted = [template.render(Context({"day": day, "zone": zone})) for day in days]
        assert _slot_lists(days, zone) == wanted
    assert 'datetime="2026-03-28T08:00:00+01:00">08:00<' in wanted[0]
    assert 'datetime="2026-03-29T09:00:00+02:00">09:00<' in wanted[1]


def _slot_picker_as_before(widget, name, value, attrs):
    """SlotPicker.render as it was, one format_html per time: the reference for the markup."""
    import itertools

    from django.forms.utils import flatatt
    from django.utils.html import format_html, format_html_join

    context = forms.Widget.get_context(widget, name, value, attrs)["widget"]
    input_attrs = dict(context["attrs"])
    base_id = input_attrs.pop("id", f"id_{name}")
    extra = flatatt(input_attrs)
    chosen = {str(v) for v in context["value"]}
    number = itertools.count()

    def times(day_label, options):
        if not options:
            return format_html('<p class="slot-none">{}</p>', "No free times")
        return format_html(
            '<div class="slot-times">{}</div>',
            format_html_join(
                "",
                '<label for="{0}_{1}" class="slot-time{7}"><input type="radio" name="{2}" '
                'value="{3}" id="{0}_{1}"{4}{5}><span class="visually-hidden">{8}, </span>'
                "{6}</label>",
                (
                    (base_id, next(number), name, v, extra, " checked" if v in chosen else "",
                     label, " slot-first" if v == widget.first else "", day_label)
                    for v, label in options
                ),
            ),
        )  # fmt: skip

    days = format_html_join(
        "",
        '<fieldset class="slot-day{}"><legend>{}</legend>{}</fieldset>',
        (
            ("" if options else " slot-day-empty", day_label, times(day_label, options))
            for day_label, options in widget.choices
        ),
    )
    return format_html('<div id="{}" class="slot-week">{}</div>', base_id, days)


@pytest.mark.parametrize("chosen", [None, "2026-12-08T09:15:00+00:00", "<nonsense>"])
def test_the_slot_picker_writes_what_it_wrote_before(chosen):
    from sessions_app.forms.booking import SlotPicker

    widget = SlotPicker()
    widget.choices = [
        ("Tuesday 8 December", [("2026-12-08T09:00:00+00:00", "09:00"),
                                ("2026-12-08T09:15:00+00:00", "09:15")]),
        ("Wednesday <9> December", []),
        ("Thursday & 10 December", [("2026-12-10T09:00:00+00:00", "9 a.m. <&>")]),
    ]  # fmt: skip
    widget.first = "2026-12-08T09:15:00+00:00"
    attrs = {"id": "id_starts_at", "aria-invalid": "true", "aria-describedby": "x_error"}

    html = widget.render("starts_at", chosen, attrs)

    assert html == _slot_picker_as_before(widget, "starts_at", chosen, attrs)
    assert html.count(" checked") == (chosen == widget.first)


@pytest.mark.parametrize("auto_id", [False, "field-%s"])
def test_quick_form_writes_what_django_writes_with_other_ids(auto_id):
    data = {"starts": "09:15", "count": "0", "kind": "b", "kinds": ["2"], "agree": "on"}
    plain, quick = Plain(data, auto_id=auto_id), Quick(data, auto_id=auto_id)
    plain.is_valid()
    quick.is_valid()

    assert _parts(quick) == _parts(plain)


# The weekly hours editor as templates/_partials/hours_week.html wrote it, before
# programmes.forms.hours.hours_week_html replaced it on both pages that show it.
HOURS_WEEK = (Path(__file__).parent / "hours_week_before.html").read_text()


def _hours_week_as_the_template_wrote_it(rows: list) -> str:
    from django.template import engines

    return engines["django"].from_string(HOURS_WEEK).render({"rows": rows})


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"session_lengths": ["30"], **WINDOWS, "window_6_1_from": "<b>&\"'", "window_2_2_to": ""},
        {"session_lengths": ["30"], "window_4_2_from": "18:00", "window_4_2_to": "19:00"},
    ],
)
def test_the_hours_editor_writes_what_its_template_writes(language, data):
    from django.utils import translation

    with translation.override(language):
        form = AvailabilityForm(data, availability=None)
        if data is not None:
            assert not form.is_valid()
        wanted = _hours_week_as_the_template_wrote_it(form.hours_rows())

        assert form.hours_editor() == wanted
    if data is not None:
        assert wanted.count("<details open>") == (2 if "window_3_2_from" in data else 1)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"channels": ["email"], "hours_0_1_from": "09:00", "hours_0_1_to": "08:00",
         "hours_2_2_from": "<b>&\"'", "hours_4_2_from": "18:00", "hours_4_2_to": "19:00"},
    ],
)  # fmt: skip
def test_the_contact_terms_hours_editor_writes_what_its_template_writes(language, data):
    """The contact terms page's editor (plain inputs, through their templates) is the same
    writer's, with the terms form's own field names."""
    from django.utils import translation

    from pairings.forms.agreements import ContactTermsForm
    from tests.factories import ProfileFactory

    profile = ProfileFactory()
    with translation.override(language):
        form = ContactTermsForm(data, person=profile.user, profile=profile, terms=None)
        if data is not None:
            assert not form.is_valid()
        wanted = _hours_week_as_the_template_wrote_it(form.hours_rows())

        assert form.hours_editor() == wanted
    assert 'name="hours_6_2_to"' in wanted
    if data is not None:
        assert 'aria-invalid="true"' in wanted
        assert wanted.count("<details open>") == 2


def _terms_as_django(form: forms.Form) -> forms.Form:
    """The contact terms form with Django's bound fields, error lists, widget templates and
    required check (the time zones keep accounts.widgets.QuickSelect, as before)."""
    from types import MethodType

    from accounts.widgets import QuickSelect

    _as_django(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, QuickSelect):
            widget.use_required_attribute = MethodType(forms.Select.use_required_attribute, widget)
        else:
            widget.render = MethodType(forms.Widget.render, widget)  # through its template
    return form


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"channels": ["email", "nope"], "phone": "work", "timezone": "<b>Nowhere",
         "reply_time": "soon", "hours_0_1_from": "25:00", "hours_1_1_to": "x"},
        {"channels": ["video"], "phone": "personal", "timezone": "Asia/Kathmandu",
         "urgent_breaks_through": "on", "reply_time": "day", "hours_3_1_from": "09:00",
         "hours_3_1_to": "12:00"},
    ],
)  # fmt: skip
def test_the_contact_terms_form_writes_what_django_writes(data):
    """Every field as Django writes it: checkboxes, the phone radios with the numbers the
    profile lacks greyed out, the zone list, the urgent box, the reply time and the hours."""
    from pairings.forms.agreements import ContactTermsForm
    from tests.factories import ProfileFactory

    profile = ProfileFactory(personal_phone="+447700900123", work_phone="")
    terms = {"person": profile.user, "profile": profile, "terms": None}
    quick = ContactTermsForm(data, **terms)
    plain = _terms_as_django(ContactTermsForm(data, **terms))
    if data is not None:
        assert quick.is_valid() == plain.is_valid()

    assert _parts(quick) == _parts(plain)
    assert quick.hours_editor() == _hours_week_as_the_template_wrote_it(plain.hours_rows())
    assert "disabled" in str(quick["phone"])


class OddHours(QuickForm):
    """Two days of windows whose fields are not all the editor's usual optional time inputs:
    those go through their bound fields, the others through the editor's own writer."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.days = []
        for weekday in range(2):
            windows = []
            for n in (1, 2):
                opens, closes = f"w_{weekday}_{n}_from", f"w_{weekday}_{n}_to"
                self.fields[opens] = time_field("Opens?" if n == 1 else "and <from>")
                self.fields[closes] = time_field("to")
                windows.append((opens, closes))
            self.days.append((weekday, "Day", windows))
        self.fields["w_0_1_from"].required = True
        self.fields["w_1_1_to"].help_text = "Quarter <hours>"
        self.fields["w_1_2_from"].label_suffix = " &"
        self.fields["w_1_2_to"].widget.attrs["class"] = "narrow"


@pytest.mark.parametrize(
    "data",
    [None, {"w_0_1_to": "25:00", "w_1_1_to": "x", "w_1_2_from": "<b>", "w_1_2_to": "10:00"}],
)
@pytest.mark.parametrize(
    "options", [{}, {"prefix": "p"}, {"auto_id": "f-%s"}, {"auto_id": False}, {"label_suffix": ""}]
)
def test_the_hours_editor_writes_any_time_field_as_its_bound_field_does(data, options):
    from programmes.forms.hours import hours_rows, hours_week_html

    if data is not None and "prefix" in options:
        data = {f"p-{name}": value for name, value in data.items()}
    form = OddHours(data, **options)
    if data is not None:
        assert not form.is_valid()
    rows = hours_rows(form, form.days)

    assert hours_week_html(rows) == _hours_week_as_the_template_wrote_it(rows)


# The <tbody> of sessions_app/availability/_week.html as the template wrote it.
WEEK_TBODY = (Path(__file__).parent / "week_tbody_before.html").read_text()


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_week_tables_rows_read_as_the_template_wrote_them(language):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.template import Context, Template
    from django.utils import translation

    from sessions_app.selectors.availability import DayHours
    from sessions_app.selectors.slots import WeekDay
    from sessions_app.views.availability import _slot_lists, _week_rows

    zone = ZoneInfo("Europe/Madrid")
    first = datetime(2026, 10, 24, 7, 0, tzinfo=UTC)  # the clocks go back on the 25th
    nine_to_five = ((time(9), time(12, 30)), (time(13, 15), time(17)))
    kinds = [
        {"windows": nine_to_five},  # free times
        {"windows": nine_to_five, "extra": True},  # free times, on extra hours
        {"windows": (), "day_off": True},
        {"windows": ()},  # no hours that weekday
        {"windows": ((time(0), time(23, 45)),), "beyond_horizon": True},
        {"windows": nine_to_five, "before_notice": True},
        {"windows": ((time(20), time(22)),), "extra": True, "week_full": True},
        {"windows": nine_to_five},  # nothing free
    ]
    days = []
    for n, kind in enumerate(kinds):
        day = date(2026, 10, 24) + timedelta(days=n)
        days.append(
            WeekDay(
                hours=DayHours(
                    day=day,
                    windows=kind["windows"],
                    day_off=kind.get("day_off", False),
                    extra=kind.get("extra", False),
                ),
                slots=[first + timedelta(days=n, minutes=15 * k) for k in range(3)]
                if n < 2
                else [],
                week_full=kind.get("week_full", False),
                before_notice=kind.get("before_notice", False),
                beyond_horizon=kind.get("beyond_horizon", False),
            )
        )
    with translation.override(language):
        rows = _week_rows(days, zone)
        slot_lists = _slot_lists(days, zone)
        wanted = Template("{% load i18n tz %}" + WEEK_TBODY).render(
            Context({"rows": list(zip(days, slot_lists, strict=True)), "mentor_zone": zone})
        )

    assert f"      <tbody>{rows}</tbody>\n" == wanted
    assert "09:00–12:30, 13:15–17:00" in wanted  # noqa: RUF001


# The availability page's week view as _week.html wrote it, before the availability_week tag.
WEEK_VIEW = (Path(__file__).parent / "availability_week_before.html").read_text()


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("links", [(None, None), (date(2026, 3, 23), date(2026, 4, 6))])
def test_the_week_view_reads_as_its_template_wrote_it(language, links):
    from django.template import Context, engines
    from django.utils import translation
    from django.utils.safestring import SafeString

    from sessions_app.selectors.availability import DayHours
    from sessions_app.selectors.slots import WeekDay

    days = [
        WeekDay(
            hours=DayHours(
                day=date(2026, 3, 30 + n) if n < 2 else date(2026, 4, n - 1), windows=()
            ),
            slots=[],
            week_full=False,
            before_notice=False,
            beyond_horizon=False,
        )
        for n in range(7)
    ]
    engine = engines["django"]
    with translation.override(language):
        context = {
            "availability": object(),
            "days": days,
            "length": 45,
            "length_choices": [(30, "30 <minutes>"), (45, "45 minutes"), (60, "60 & more")],
            "previous_start": links[0],
            "next_start": links[1],
            "mentor_zone": "America/Argentina/Buenos_Aires",
            "week_rows": SafeString("<tr><td>rows & rows</td></tr>"),
        }
        wanted = engine.from_string(WEEK_VIEW).template.render(Context(context))
        written = engine.get_template("sessions_app/availability/_week.html")
        assert written.template.render(Context(context)) == wanted
    assert "45-minute session" in wanted or language != "en"


def _availability_forms_html() -> str:
    rules = AvailabilityForm(availability=None)
    override = DateOverrideForm(today=date(2026, 3, 2))
    shown = [rules[name].as_field_group() for name in AvailabilityForm.base_fields]
    shown += [override[name].as_field_group() for name in DateOverrideForm.base_fields]
    return "".join(shown) + rules.hours_editor()


def test_the_availability_forms_translated_once_per_language_read_as_their_lazy_texts(
    monkeypatch,
):
    """Labels, help texts, choices and day names read from the per-language copy are the ones
    the lazy texts give, in each language, whichever language came first."""
    shown = {}
    for language in ("en", "es", "de", "en"):
        with translation.override(language):
            shown[language] = _availability_forms_html()
            with monkeypatch.context() as lazy:
                lazy.setattr(availability_forms, "texts_translated", lambda form: None)
                lazy.setattr(
                    availability_forms,
                    "_day_names_in",
                    lambda language: tuple(str(name) for name in WEEKDAYS.values()),
                )
                assert shown[language] == _availability_forms_html()
    assert len(set(shown.values())) == 3  # each language its own words
    assert "lunes" in shown["es"]
    assert "Montag" in shown["de"]
