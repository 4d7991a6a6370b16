"""The rows of the matching page's proposed pairs, written in Python: through the template each
pair (its names, score, one cell a criterion, the lock and forbid form) cost about a thousand
calls, most of the page.

    {% load match_rows %}
    {% match_rows page.object_list run cohort %}   pairs from proposed_pairs, with `constraint`
                                                   and `percents` (see matching.views)

The markup is the template's loop, byte for byte (tests/matching/match_rows_before.html holds
it, and tests/matching/test_match_rows.py compares the two in each language).
"""

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from matching.models import MatchRun, ProposedPair
from mentoring.quickforms import csrf_input, escape_value
from programmes.models import Cohort

register = template.Library()


def _shown(value: object) -> str:
    """{{ value }} of a number or a string: localized, then escaped."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # what localize writes of it in every language: no separator
    return escape_value(localize(value))


def match_rows_html(
    pairs: Iterable[ProposedPair], *, run: MatchRun, cohort: Cohort, csrf_token: object
) -> SafeString:
    """Each proposed pair's row, or the one row saying there are none."""
    pairs = list(pairs)
    if not pairs:
        return SafeString(
            f'\n        <tr><td colspan="10">{_("No pairs could be proposed.")}</td></tr>\n      '
        )
    csrf = csrf_input(csrf_token)
    # Words and the form's address, once a page rather than once a row.
    pair_url = escape_value(reverse("matching:match_pair", args=[cohort.pk]))
    published = run.status == "published"
    declined = f'<span class="badge">{_("declined")}</span>'
    waits = _("%(mentee)s waits for a mentor: see the cohort page.")
    locked = f'<span class="badge">{_("locked")}</span>'
    unlock = (
        '\n                <button name="action" value="remove" class="secondary outline">'
        f"{_('Unlock')}</button>\n              "
    )
    lock_or_forbid = (
        '\n                <button name="action" value="lock" class="secondary outline">'
        f"{_('Lock')}</button>\n"
        '                <button name="action" value="forbid" class="secondary outline">'
        f"{_('Forbid')}</button>\n              "
    )
    rows = []
    for pair in pairs:
        mentee = escape_value(pair.mentee.name)
        mentor = escape_value(pair.mentor.name)
        if published and pair.pairing_status == "declined":
            mentor = (
                f"<s>{mentor}</s> {declined} "
                f'<small class="muted">{waits % {"mentee": mentee}}</small>'
            )
        percents = "".join(f"<td>{_shown(percent)}%</td>" for percent in pair.percents)
        lock = pair.constraint == "lock"
        rows.append(
            f"\n        <tr>\n          <td>{mentee}</td>\n          <td>{mentor}</td>\n"
            f"          <td><strong>{floatformat(pair.score, 2)}</strong></td>\n"
            f"          {percents}\n          <td>\n"
            f"            {locked if pair.locked or lock else ''}\n"
            f'            <form method="post" action="{pair_url}" class="inline-form">\n'
            f"              {csrf}\n"
            f'              <input type="hidden" name="mentee" value="{_shown(pair.mentee_id)}">\n'
            f'              <input type="hidden" name="mentor" value="{_shown(pair.mentor_id)}">\n'
            f"              {unlock if lock else lock_or_forbid}\n"
            f"            </form>\n          </td>\n        </tr>\n      "
        )
    return SafeString("".join(rows))


@register.simple_tag(takes_context=True)
def match_rows(
    context: template.Context, pairs: Iterable[ProposedPair], run: MatchRun, cohort: Cohort
) -> SafeString:
    return match_rows_html(pairs, run=run, cohort=cohort, csrf_token=context.get("csrf_token"))
