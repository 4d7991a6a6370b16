"""Where the contact agreement stands (the pairing page's "Contact agreement" section and the
agreement's own page), written in Python: through its template it cost the pairing page more
than any other part of it (some eighty {% if %}, {% translate %} and {% url %} nodes a view).

    {% load agreement_summary %}
    {% agreement_summary summary %}     `summary` from agreement_summary_for; needs `csrf_token`

The markup is byte for byte what templates/pairings/agreements/_summary.html wrote
(tests/pairings/agreement_summary_before.html holds it, with _days.html in place of its
include, and tests/pairings/test_agreement_summary.py compares the two in each language):
texts go through the same msgids, values are escaped and dates formatted as the template did.
"""

from datetime import datetime
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format, localize
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from mentoring.quickforms import escape_value
from pairings.models import ContactTerms
from pairings.selectors.agreements import TermsView
from pairings.text import cached_gettext as _

register = template.Library()


@lru_cache(maxsize=16)
def _choice_labels(language: str | None) -> dict[str, dict[str, str]]:
    """The phone choice's and reply time's labels in `language`, as get_FOO_display gives them."""
    return {
        "phone": {value: str(label) for value, label in ContactTerms.PhoneChoice.choices},
        "reply_time": {value: str(label) for value, label in ContactTerms.ReplyTime.choices},
    }


def _display(terms: ContactTerms, field: str) -> str:
    """terms.get_FIELD_display() for its phone choice or reply time."""
    value = getattr(terms, field)
    return _choice_labels(get_language())[field].get(value, value)


@lru_cache(maxsize=16)
def _date_names(language: str | None) -> tuple[list[str], list[str], str]:
    """The escaped short weekday names (Monday first) and month names (January at 1), and the
    time format, in `language`: what date_format reads for "D", "M" and TIME_FORMAT."""
    return (
        [escape_value(str(WEEKDAYS_ABBR[weekday])) for weekday in range(7)],
        ["", *(escape_value(str(MONTHS_3[month]).title()) for month in range(1, 13))],
        get_format("TIME_FORMAT"),
    )


@lru_cache(maxsize=16)
def _weekday_names(language: str | None) -> dict[int, str]:
    """django.utils.dates.WEEKDAYS' names (what TermsView.days holds) escaped in `language`,
    by the lazy name's identity: translated once a language, not once a day."""
    return {id(name): escape_value(name) for name in WEEKDAYS.values()}


def _day_and_time(value: datetime, weekdays: list[str], months: list[str]) -> str:
    """{{ value|date:"D j M, H:i" }} of a datetime already in the current time zone."""
    return (
        f"{weekdays[value.weekday()]} {value.day} {months[value.month]}, "
        f"{value.hour:02d}:{value.minute:02d}"
    )


def _windows_html(windows: list[dict]) -> str:
    """The partner's windows this week: {{ starts_at|date:"D j M, H:i" }}, then
    {{ ends_at|date:"D H:i" }} when a window ends the next day, else
    {{ ends_at|date:"TIME_FORMAT" }}, in the current time zone. The names and the time format
    are looked up once a language, not once a window."""
    weekdays, months, time_format = _date_names(get_language())
    zone = timezone.get_current_timezone()
    items = []
    for window in windows:
        starts = window["starts_at"].astimezone(zone)
        ends = window["ends_at"].astimezone(zone)
        if window["ends_next_day"]:
            until = f"{weekdays[ends.weekday()]} {ends.hour:02d}:{ends.minute:02d}"
        elif time_format == "H:i":
            until = f"{ends.hour:02d}:{ends.minute:02d}"
        else:
            until = escape_value(date_format(ends, "TIME_FORMAT"))
        items.append(
            f"\n                  <li>{_day_and_time(starts, weekdays, months)}\N{EN DASH}"
            f"{until}</li>\n                "
        )
    return "".join(items)


def days_html(days: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """templates/pairings/agreements/_days.html: each weekday with its windows. The windows'
    times are minutes_label's "09:00": digits and a colon, nothing to escape."""
    names = _weekday_names(get_language())
    items = "".join(
        [
            f"<li>{names.get(id(day)) or escape_value(day)}: "
            + ", ".join([f"{opens}\N{EN DASH}{closes}" for opens, closes in windows])
            + "</li>"
            for day, windows in days
        ]
    )
    return f"<ul>{items}</ul>\n"


def _csrf_input(csrf_token: object) -> str:
    """{% csrf_token %}: the hidden input, or nothing without a token."""
    if not csrf_token or csrf_token == "NOTPROVIDED":  # noqa: S105  (Django's marker, no secret)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape_value(csrf_token)}">'


def _next_step_html(summary: dict, partner: str) -> str:
    """The notice above the two sets of terms: what the viewer should do next, if anything."""
    if not summary["editable"]:
        if summary["pairing"].status == "proposed":
            why = _("The contact agreement opens once the pairing has started.") + "\n      "
        else:
            why = _(
                "This pairing has ended: its contact agreement is kept as it was and can no "
                "longer change."
            )
        return f'\n    <p class="muted">\n      {why}\n    </p>\n  '
    action = summary["next_action"]
    if action == "state_terms":
        if summary["theirs"]:
            text = (
                _(
                    "%(partner)s has said how and when you may reach them. Now say how and "
                    "when they may reach you."
                )
                % {"partner": partner}
                + "\n        "
            )
        else:
            text = _(
                "Start your contact agreement: say how and when %(partner)s may reach you."
            ) % {"partner": partner}
        url = escape_value(reverse("pairings:agreement_terms", args=[summary["pairing"].pk]))
        return (
            f'\n    <article class="notice">\n      <p>\n        {text}\n      </p>\n'
            f'      <a role="button" href="{url}">{_("State your contact terms")}</a>\n'
            f"    </article>\n  "
        )
    if action == "acknowledge":
        text = _(
            "%(partner)s’s terms are waiting for you: read them below, then acknowledge them."  # noqa: RUF001
        ) % {"partner": partner}
        return f'\n    <article class="notice">\n      <p>{text}</p>\n    </article>\n  '
    if action == "wait":
        if not summary["theirs"]:
            text = (
                _("Waiting for %(partner)s to say how and when you may reach them.")
                % {"partner": partner}
                + "\n      "
            )
        else:
            text = _("Waiting for %(partner)s to acknowledge your terms.") % {"partner": partner}
        return f"\n    <p>\n      {text}\n    </p>\n  "
    if summary["state"] == "holds":
        text = _(
            "You and %(partner)s both acknowledged the current terms: the agreement holds."
        ) % {"partner": partner}
        return f"\n    <p>{text}</p>\n  "
    return ""


def _partner_phone_html(summary: dict, theirs: TermsView) -> str:
    if summary["partner_phone"]:
        kind = _("work") if theirs.terms.phone == "work" else _("personal")
        return (
            f'<a href="tel:{escape_value(summary["partner_phone"])}">'
            f"{escape_value(summary['partner_phone_display'])}</a>\n"
            f"              ({kind})\n            "
        )
    if theirs.terms.phone != "none" and not summary["editable"]:
        return _("Not shown: the pairing is not active.") + "\n            "
    return _("Not shared")


def _partner_hours_html(summary: dict) -> str:
    windows = summary["partner_hours_this_week"]
    if not windows:
        return (
            "\n              "
            + _("No contact hours: they are not reachable at set times.")
            + "\n            "
        )
    items = _windows_html(windows)
    if summary["partner_reachable_now"]:
        now = f"<p>{_('Right now is inside their hours.')}</p>\n              "
    elif summary["partner_next_opening"]:
        weekdays, months, _time_format = _date_names(get_language())
        when = _day_and_time(timezone.localtime(summary["partner_next_opening"]), weekdays, months)
        now = "<p>" + _("Their hours next open %(when)s your time.") % {"when": when} + "</p>"
    else:
        now = ""
    return (
        f"\n              <ul>\n                {items}\n              </ul>\n"
        f"              {now}\n            "
    )


def _theirs_html(summary: dict, partner: str, csrf_token: object) -> str:
    """The partner's terms as the viewer reads them, and the button to acknowledge them."""
    theirs: TermsView | None = summary["theirs"]
    if not theirs:
        text = _("%(partner)s has not stated their terms yet.") % {"partner": partner}
        return f'\n        <p class="muted">{text}</p>\n      '
    terms = theirs.terms
    if terms.urgent_breaks_through:
        urgent = _("may reach them outside their hours")
    else:
        urgent = _("wait for their hours, like any other")
    zone = escape_value(summary["viewer_timezone"])
    details = ""
    if theirs.days:
        stated = _("As they stated them (%(zone)s)") % {"zone": escape_value(terms.timezone)}
        details = (
            f"\n          <details>\n            <summary>{stated}</summary>\n"
            f"            {days_html(theirs.days)}\n          </details>\n        "
        )
    if summary["can_acknowledge"]:
        url = escape_value(reverse("pairings:agreement_acknowledge", args=[summary["pairing"].pk]))
        button = _("I acknowledge %(partner)s’s terms") % {"partner": partner}  # noqa: RUF001
        acknowledge = (
            f'\n          <form method="post" action="{url}">\n'
            f"            {_csrf_input(csrf_token)}\n"
            f'            <input type="hidden" name="version" '
            f'value="{escape_value(localize(summary["version"]))}">\n'
            f'            <button type="submit">{button}</button>\n'
            f"          </form>\n        "
        )
    elif summary["you_acknowledged"]:
        acknowledge = (
            f'\n          <p class="muted">{_("You acknowledged these terms.")}</p>\n        '
        )
    else:
        acknowledge = ""
    return (
        f"\n        \n        <dl>\n"
        f"          <dt>{_('Ways to reach them')}</dt>\n"
        f"          <dd>{', '.join(escape_value(c) for c in theirs.channels)}</dd>\n"
        f"          <dt>{_('Phone')}</dt>\n"
        f"          <dd>\n            {_partner_phone_html(summary, theirs)}\n          </dd>\n"
        f"          <dt>{_('Usually replies')}</dt>\n"
        f"          <dd>{escape_value(str(_display(terms, 'reply_time')).lower())}</dd>\n"
        f"          <dt>{_('Urgent messages')}</dt>\n"
        f"          <dd>{urgent}</dd>\n"
        f"          <dt>"
        + _("Their hours this week, in your time (%(zone)s)")
        % {"zone": zone}
        + "</dt>\n"
        f"          <dd>\n            {_partner_hours_html(summary)}\n          </dd>\n"
        f"        </dl>\n        {details}\n        \n        {acknowledge}\n      "
    )


def _mine_html(summary: dict, partner: str) -> str:
    """The viewer's own terms, and whether the partner acknowledged them."""
    mine: TermsView | None = summary["mine"]
    if not mine:
        return f'\n        <p class="muted">{_("You have not stated your terms yet.")}</p>\n      '
    terms = mine.terms
    if terms.urgent_breaks_through:
        urgent = _("may reach you outside your hours")
    else:
        urgent = _("wait for your hours, like any other")
    if mine.days:
        hours = f"\n              {days_html(mine.days)}\n            "
    else:
        hours = _("None: you are not reachable at set times.")
    acknowledged = ""
    if summary["theirs"]:
        if summary["partner_acknowledged"]:
            said = _("%(partner)s acknowledged them.") % {"partner": partner} + "\n            "
        else:
            said = _("%(partner)s has not acknowledged them yet.") % {"partner": partner}
        acknowledged = (
            f'\n          <p class="muted">\n            {said}\n          </p>\n        '
        )
    change = ""
    if summary["editable"]:
        url = escape_value(reverse("pairings:agreement_terms", args=[summary["pairing"].pk]))
        change = f'<a href="{url}">{_("Change your terms")}</a>'
    return (
        f"\n        \n        <dl>\n"
        f"          <dt>{_('Ways to reach you')}</dt>\n"
        f"          <dd>{', '.join(escape_value(c) for c in mine.channels)}</dd>\n"
        f"          <dt>{_('Phone')}</dt>\n"
        f"          <dd>{escape_value(_display(terms, 'phone'))}</dd>\n"
        f"          <dt>{_('You usually reply')}</dt>\n"
        f"          <dd>{escape_value(str(_display(terms, 'reply_time')).lower())}</dd>\n"
        f"          <dt>{_('Urgent messages')}</dt>\n"
        f"          <dd>{urgent}</dd>\n"
        f"          <dt>"
        + _("Your hours (%(zone)s)")
        % {"zone": escape_value(terms.timezone)}
        + "</dt>\n"
        f"          <dd>\n            {hours}\n          </dd>\n"
        f"        </dl>\n        \n        {acknowledged}\n        {change}\n      "
    )


def agreement_summary_html(*, summary: dict, csrf_token: object) -> SafeString:
    """The "Contact agreement" section for `summary` (agreement_summary_for)."""
    partner = escape_value(summary["partner"].name)
    error = ""
    if summary.get("acknowledge_error"):
        error = (
            f'<p class="form-errors" role="alert">{escape_value(summary["acknowledge_error"])}</p>'
        )
    partner_terms = _("%(partner)s’s terms") % {"partner": partner}  # noqa: RUF001
    return SafeString(
        f'\n\n<section class="agreement" id="agreement" aria-labelledby="agreement-title">\n'
        f'  <h2 id="agreement-title">{_("Contact agreement")} <small class="muted">· '
        f"{escape_value(summary['state_label'])}</small></h2>\n"
        f"  {error}\n"
        f"  \n  {_next_step_html(summary, partner)}\n\n"
        f'  <div class="grid">\n'
        f'    <article aria-labelledby="partner-terms-title" id="partner-terms">\n'
        f'      <h3 id="partner-terms-title">{partner_terms}</h3>\n'
        f"      {_theirs_html(summary, partner, csrf_token)}\n"
        f"    </article>\n\n"
        f'    <article aria-labelledby="your-terms-title">\n'
        f'      <h3 id="your-terms-title">{_("Your terms")}</h3>\n'
        f"      {_mine_html(summary, partner)}\n"
        f"    </article>\n"
        f"  </div>\n  \n"
        f"</section>\n"
    )


@register.simple_tag(takes_context=True)
def agreement_summary(context: template.Context, summary: dict) -> SafeString:
    """The section for `summary`, with the page's CSRF token in its acknowledge form."""
    return agreement_summary_html(summary=summary, csrf_token=context.get("csrf_token"))
