"""The pairing's own page: the pair, their agreement, goals and why they were matched."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from accounts.models import User
from branding.templatetags.ui import avatar
from goals.selectors import goals_overview_for
from matching.selectors.match_runs import CRITERIA_LABELS, criteria_labels, criteria_percents
from mentoring.quickforms import escape_value
from pairings.forms.pairings import DeclineForm
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_page
from pairings.selectors.agreements import agreement_summary_for


def _why_paired(pairing: Pairing) -> list[tuple[str, int]]:
    """The criteria that counted for the pair, with their share. Only what counted: a 0%
    "choice" reads as "you did not choose them"."""
    if not pairing.criteria:
        return []
    if any(key not in CRITERIA_LABELS for key in pairing.criteria):
        labels = criteria_labels(cohort=pairing.cohort)  # and the cohort's "same answer" ones
    else:
        labels = CRITERIA_LABELS  # no need to ask for the cohort's questions
    percents = criteria_percents(pairing.criteria, labels)
    return [
        (label, percent)
        for label, percent in zip(labels.values(), percents, strict=True)
        if percent > 0
    ]


@login_required
def pairing_detail_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_page(user=request.user, pairing_id=pairing_id)
    partner = pairing.partner_of(request.user)
    is_mentor = request.user.pk == pairing.mentor_id
    return render(
        request,
        "home/pairing_detail.html",
        {
            "pairing": pairing,
            "partner": partner,
            "is_mentor": is_mentor,
            "head": pairing_head_html(
                pairing=pairing, partner=partner, is_mentor=is_mentor, why=_why_paired(pairing)
            ),
            "actions": pairing_actions_html(pairing=pairing),
            "goal_links": pairing_goal_links_html(pairing=pairing, is_mentor=is_mentor),
            "tail": pairing_tail_html(pairing=pairing),
            "decline_form": DeclineForm(),
            "agreement_summary": agreement_summary_for(pairing=pairing, viewer=request.user),
            "goals": (
                goals_overview_for(pairing=pairing, now=timezone.now(), tz=request.user.zoneinfo)
                if pairing.status in (Pairing.Status.ACTIVE, Pairing.Status.CLOSED)
                else None
            ),
        },
    )


# --- the page's own parts, written in Python ------------------------------------------------
# Through the template they cost more than the sections they frame: some twenty {% translate %}
# and ten {% url %} nodes a view. The markup is byte for byte what templates/home/
# pairing_detail.html wrote (tests/pairings/pairing_detail_before.html holds it as it was, and
# tests/pairings/test_pairing_page.py compares the two in each language); the proposed
# pairing's answer form, the agreement, the pauses and the goal cards keep their templates.


def _translated(label: object) -> str:
    """{% translate label %} of a variable: looked up again in the current language, escaped."""
    return escape_value(gettext(str(label).replace("%", "%%"))).replace("%%", "%")


def pairing_head_html(
    *, pairing: Pairing, partner: User, is_mentor: bool, why: list[tuple[str, int]]
) -> SafeString:
    """The title, the partner's card and why they were paired."""
    name = escape_value(partner.name)
    if is_mentor:
        title = gettext("Mentoring %(name)s") % {"name": name}
    else:
        title = gettext("Your mentor %(name)s") % {"name": name}
    profile = partner.profile
    where = escape_value(profile.get_field_display())
    if profile.city:
        where += f" · {escape_value(profile.city)}"
    expertise = goals = ""
    if profile.expertise:
        listed = ", ".join(escape_value(item) for item in profile.expertise)
        expertise = f"<p>{gettext('Expertise:')} {listed}</p>"
    if profile.goals and is_mentor:
        goals = f"<p>{gettext('Goals:')} {escape_value(profile.goals)}</p>"
    why_html = ""
    if why:
        items = "".join(
            f"<li>{_translated(label)}: {escape_value(localize(percent))}%</li>"
            for label, percent in why
        )
        why_html = (
            f'\n<section aria-labelledby="why-title">\n'
            f'  <h2 id="why-title">{gettext("Why you were paired")}</h2>\n'
            f'  <ul class="why">{items}</ul>\n'
            f"</section>\n"
        )
    return SafeString(
        f"<hgroup>\n"
        f"  <h1>{title}</h1>\n"
        f"  <p>{escape_value(pairing.cohort.name)} · "
        f"{escape_value(pairing.get_status_display())}</p>\n"
        f"</hgroup>\n"
        f'<article aria-labelledby="partner-title">\n'
        f'  <h2 id="partner-title" class="with-avatar">{avatar(partner, "l")}{name}</h2>\n'
        f"  <p>{escape_value(profile.headline)}</p>\n"
        f"  <p>{where} · {escape_value(partner.timezone)}</p>\n"
        f"  {expertise}\n"
        f"  {goals}\n"
        f"</article>\n\n"
        f"{why_html}"
    )


def _url(name: str, *args: object) -> str:
    return escape_value(reverse(name, args=args))


def pairing_actions_html(*, pairing: Pairing) -> SafeString:
    """The links below the agreement: book, sessions, messages (read-only once closed)."""
    sessions = _url("sessions_app:pairing_sessions", pairing.pk)
    thread = _url("exchange:thread", pairing.pk)
    if pairing.status == Pairing.Status.ACTIVE:
        return SafeString(
            f'\n  <ul class="actions">\n'
            f'    <li><a role="button" href="{_url("sessions_app:book", pairing.pk)}">'
            f"{gettext('Book a session')}</a></li>\n"
            f'    <li><a href="{sessions}">{gettext("Sessions")}</a></li>\n'
            f'    <li><a href="{thread}">{gettext("Messages")}</a></li>\n'
            f'    <li><a href="{_url("exchange:opportunity_list")}">'
            f"{gettext('Opportunities')}</a></li>\n"
            f"  </ul>\n"
        )
    return SafeString(
        f'\n  <ul class="actions">\n'
        f'    <li><a href="{sessions}">{gettext("Sessions")}</a></li>\n'
        f'    <li><a href="{thread}">{gettext("Messages (read-only)")}</a></li>\n'
        f"  </ul>\n"
    )


def pairing_goal_links_html(*, pairing: Pairing, is_mentor: bool) -> SafeString:
    """Below the goal cards: all goals, and for the mentee of an active pairing a new one."""
    create = ""
    if not is_mentor and pairing.status == Pairing.Status.ACTIVE:
        create = (
            f'<li><a role="button" href="{_url("goals:goal_create", pairing.pk)}">'
            f"{gettext('Set a goal')}</a></li>"
        )
    return SafeString(
        f'  <ul class="actions">\n'
        f'    <li><a href="{_url("goals:goal_list", pairing.pk)}">{gettext("All goals")}</a></li>\n'
        f"    {create}\n"
        f"  </ul>\n"
    )


def pairing_tail_html(*, pairing: Pairing) -> SafeString:
    """The shared materials (fetched by htmx) and closing the pairing, or when it closed."""
    materials = ""
    if pairing.status in (Pairing.Status.ACTIVE, Pairing.Status.CLOSED):
        url = _url("exchange:materials", pairing.pk)
        materials = (
            f'\n<div hx-get="{url}?embedded=1" hx-trigger="load" hx-swap="outerHTML">\n'
            f'  <p><a href="{url}">{gettext("Shared materials")}</a></p>\n'
            f"</div>\n"
        )
    close = ""
    if pairing.is_live:
        close = (
            f'\n  <p><a href="{_url("pairings:pairing_close", pairing.pk)}">'
            f"{gettext('Close this pairing')}</a></p>\n"
        )
    elif pairing.status == Pairing.Status.CLOSED:
        when = ""
        if pairing.closed_at not in (None, ""):
            when = date_format(timezone.localtime(pairing.closed_at), "DATE_FORMAT")
        closed = gettext("Closed on %(when)s: %(reason)s.") % {
            "when": escape_value(when),
            "reason": escape_value(pairing.get_close_reason_display()),
        }
        close = f'\n  <p class="muted">{closed}</p>\n'
    return SafeString(f"{materials}\n\n{close}\n")
