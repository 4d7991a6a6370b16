"""The "Pauses" section of the pairing page (home sits above pairings and includes it): what is
planned, and the form to plan one. The tag reads the pauses while the page renders.

    {% load pairing_pauses %}
    {% pairing_pauses pairing %}             a fresh form
    {% pairing_pauses pairing form=form %}   a refused form, with what was typed and why

Written in Python: through its template (and the form's two partials) it cost the pairing page
some 2,500 calls. The markup is byte for byte what templates/pairings/pauses/_section.html
wrote (tests/pairings/pauses_section_before.html holds it, and
tests/pairings/test_pauses_section.py compares the two in each language): texts go through
the same msgids, values are escaped as the template escaped them.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django import template
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from accounts.models import User
from mentoring.quickforms import csrf_input, escape_value
from pairings.forms.pauses import PauseForm
from pairings.models import Pairing, PairingPause
from pairings.selectors.pauses import ShownPause, pauses_shown_for
from pairings.text import cached_gettext as _

register = template.Library()


def _day(day: date, today: date) -> str:
    return date_format(day, "j F" if day.year == today.year else "j F Y")


@dataclass(frozen=True)
class PauseRow:
    pause: ShownPause
    starts: str
    ends: str
    running: bool  # started today or before
    by: str  # who planned it
    by_you: bool  # the viewer did
    can_end: bool
    withdraws: bool  # ending it withdraws it: it has not started before today


def _planner_name(pairing: Pairing, user_id: int | None) -> str:
    """The name of who planned a pause: one of the pairing's people (on hand), else read."""
    if user_id is None:
        return ""
    if user_id == pairing.mentor_id:
        return pairing.mentor.name
    if user_id == pairing.mentee_id:
        return pairing.mentee.name
    planner = User.objects.filter(pk=user_id).only("display_name", "email").first()
    return planner.name if planner else ""


def pause_rows(*, pairing: Pairing, user: User, today: date) -> list[PauseRow]:
    """The pairing's current and coming pauses (one query), in the viewer's own dates."""
    rows = []
    active = pairing.status == Pairing.Status.ACTIVE
    for pause in pauses_shown_for(pairing=pairing, today=today):
        by_id = pause.requested_by_id
        live = pause.status in (PairingPause.Status.AGREED, PairingPause.Status.AWAITING)
        rows.append(
            PauseRow(
                pause=pause,
                starts=_day(pause.starts_on, today),
                ends=_day(pause.ends_on, today),
                running=pause.starts_on <= today,
                by=_planner_name(pairing, by_id),
                by_you=by_id is not None and by_id == user.pk,
                can_end=live and active,
                withdraws=pause.starts_on >= today,
            )
        )
    return rows


def _row_html(row: PauseRow, *, max_days: str, csrf: str) -> str:
    """One pause: what it is, who planned it, and the button to end or withdraw it."""
    pause = row.pause
    starts, ends = escape_value(row.starts), escape_value(row.ends)
    note = f": {escape_value(pause.note)}" if pause.note else ""
    if pause.status == "agreed":
        if row.running:
            what = _("Paused until %(ends)s") % {"ends": ends}
        else:
            what = _("Pausing from %(starts)s until %(ends)s") % {"starts": starts, "ends": ends}
        text = f"\n        <strong>{what}</strong>{note}\n      "
    elif pause.status == "awaiting":
        what = _(
            "a pause from %(starts)s until %(ends)s (%(days)s days; a pause longer than "
            "%(max_days)s days needs their agreement)"
        ) % {
            "starts": starts,
            "ends": ends,
            "days": escape_value(localize(pause.days)),
            "max_days": max_days,
        }
        text = (
            f"\n        <strong>{_('Waiting for the programme team')}</strong>:\n"
            f"        {what}{note}\n      "
        )
    else:
        what = _(
            "The programme team did not agree to the pause from %(starts)s until %(ends)s: "
            "the pairing carries on as usual."
        ) % {"starts": starts, "ends": ends}
        text = f"\n        {what}\n      "
    by = ""
    if row.by:
        if row.by_you:
            who = _("planned by you")
        else:
            who = _("planned by %(name)s") % {"name": escape_value(row.by)}
        by = f'<small class="muted">— {who}</small>'
    end = ""
    if row.can_end:
        url = escape_value(reverse("pairings:pause_end", args=[pause.pk]))
        button = _("Withdraw the pause") if row.withdraws else _("End the pause now")
        end = (
            f'\n    <form method="post" action="{url}" class="inline-form">\n'
            f"      {csrf}\n"
            f'      <button type="submit" class="secondary outline">{button}</button>\n'
            f"    </form>\n    "
        )
    return (
        f'\n  <article class="notice pause pause-{escape_value(pause.status)}">\n'
        f"    <p>\n      {text}\n      {by}\n    </p>\n    {end}\n  </article>\n  "
    )


def _form_errors_html(form: BaseForm) -> str:
    """templates/_partials/form_errors.html."""
    errors = form.errors
    if not errors:
        return "\n\n"
    non_field = form.non_field_errors()
    ask = ""
    if not non_field or len(errors) > 1:
        ask = f"\n      <p><strong>{_('Please correct the highlighted fields.')}</strong></p>\n    "
    listed = escape_value(non_field) if non_field else ""
    return f'\n\n  <div class="form-errors" role="alert">\n    {ask}\n    {listed}\n  </div>\n\n'


def _form_fields_html(form: BaseForm) -> str:
    """templates/_partials/form_fields.html with fields=form."""
    fields = "".join(
        "\n  "
        + (
            escape_value(field)
            if field.is_hidden
            else f'<div class="field">{escape_value(field.as_field_group())}</div>'
        )
        + "\n"
        for field in form
    )
    return f"\n{fields}\n"


@lru_cache(maxsize=64)
def _fresh_form_html(language: str | None, today: date, max_days: int) -> str:
    """A fresh PauseForm's errors (none) and fields: the same for everyone on the same day
    in one language with the same longest pause, so written once per process for each."""
    form = PauseForm(today=today, max_days=max_days)
    return f"{_form_errors_html(form)}\n      {_form_fields_html(form)}"


def pairing_pauses_html(
    *,
    pairing: Pairing,
    rows: list[PauseRow],
    form: BaseForm | None,
    csrf_token: object,
    fresh_form_on: date | None = None,
) -> SafeString:
    """The section: `rows` (pause_rows), and `form` to plan one (None: no form), or with
    `fresh_form_on` (the viewer's today) a fresh PauseForm in its place."""
    if fresh_form_on is not None:
        fields = _fresh_form_html(get_language(), fresh_form_on, pairing.cohort.pause_max_days)
    elif form:
        fields = f"{_form_errors_html(form)}\n      {_form_fields_html(form)}"
    max_days = escape_value(localize(pairing.cohort.pause_max_days))
    csrf = csrf_input(csrf_token)
    if rows:
        listed = "".join(_row_html(row, max_days=max_days, csrf=csrf) for row in rows)
    else:
        shown = form or fresh_form_on is not None
        none = f'<p class="muted">{_("No pause planned.")}</p>' if shown else ""
        listed = f"\n  {none}\n  "
    plan = ""
    if form or fresh_form_on is not None:
        url = escape_value(reverse("pairings:pause_declare", args=[pairing.pk]))
        why = _(
            "Holiday, exams, leave: say when you will be away. Your partner and the programme "
            "team see it; a pause longer than %(max_days)s days needs the programme team's "
            "agreement."
        ) % {"max_days": max_days}
        plan = (
            f'\n  <details class="pause-plan"{" open" if form and form.is_bound else ""}>\n'
            f"    <summary>{_('We are pausing')}</summary>\n"
            f'    <p class="muted">{why}</p>\n'
            f'    <form method="post" action="{url}" novalidate>\n'
            f"      {csrf}\n"
            f"      {fields}\n"
            f'      <button type="submit">{_("Plan the pause")}</button>\n'
            f"    </form>\n  </details>\n  "
        )
    return SafeString(
        f'\n<section id="pauses" class="pauses" aria-labelledby="pauses-title">\n'
        f'  <h2 id="pauses-title">{_("Pauses")}</h2>\n'
        f"  {listed}\n  {plan}\n</section>\n"
    )


@register.simple_tag(takes_context=True)
def pairing_pauses(
    context: template.Context, pairing: Pairing, form: PauseForm | None = None
) -> SafeString:
    """The pairing's current and coming pauses, in the viewer's own dates, and the form."""
    today = timezone.localdate()  # the viewer's own date (accounts.middleware)
    rows = pause_rows(pairing=pairing, user=context["user"], today=today)
    active = pairing.status == Pairing.Status.ACTIVE
    return pairing_pauses_html(
        pairing=pairing,
        rows=rows,
        form=form if active else None,
        csrf_token=context.get("csrf_token"),
        fresh_form_on=today if active and form is None else None,
    )
