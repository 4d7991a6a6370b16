"""What each post says, read when it is posted: a pairing turning at risk, the cohort's week,
an announcement, a test. Names are people's display names (a role word when they have none);
no email address or phone number is ever put in a message. Links are absolute (SITE_URL)."""

from datetime import date, datetime

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from chat.formats import ChatItem, ChatMessage
from chat.models import ChatConnection
from feedback.selectors import feedback_rating_summary_for_cohort
from mentoring.links import absolute
from oversight.models import Announcement, HealthStatus, PairingHealth
from oversight.selectors.cohort_dashboard import held_sessions
from oversight.selectors.weekly import WEEK, health_week_of_cohorts
from pairings.models import Pairing
from programmes.models import Cohort
from sessions_app.models import Appointment

ITEMS_MAX = 10  # pairings listed in a weekly summary; the rest are counted
BODY_MAX = 2500  # characters of an announcement's text; the rest is on its page


def _mentor(user: User) -> str:
    return user.display_name or _("their mentor")


def _mentee(user: User) -> str:
    return user.display_name or _("a mentee")


def _pair(pairing: Pairing) -> str:
    return _("%(mentor)s and %(mentee)s") % {
        "mentor": _mentor(pairing.mentor),
        "mentee": _mentee(pairing.mentee),
    }


def _day(moment: date | datetime) -> str:
    return formats.date_format(moment, "j F Y")


def _cohort_url(cohort: Cohort) -> str:
    return absolute("oversight:cohort_detail", cohort.pk)


def _footer() -> str:
    return _("Posted by %(site)s for the cohort's programme team.") % {"site": settings.SITE_NAME}


def at_risk_message(*, cohort: Cohort, pairing_id: int) -> ChatMessage | None:
    """The pairing at risk, with the reasons of its latest assessment; None when it is not at
    risk any more (or is not an active pairing of `cohort`) by the time of posting."""
    health = (
        PairingHealth.objects.select_related("pairing__mentor", "pairing__mentee")
        .filter(
            pairing_id=pairing_id,
            pairing__cohort=cohort,
            pairing__status=Pairing.Status.ACTIVE,
            status=HealthStatus.AT_RISK,
        )
        .first()
    )
    if health is None:
        return None
    pair = _pair(health.pairing)
    facts = [
        (
            _("Sessions held"),
            _("%(held)d of %(expected)d expected")
            % {"held": health.sessions_held, "expected": health.sessions_expected},
        ),
        (
            _("Last contact"),
            _day(health.last_contact_at) if health.last_contact_at else _("None yet"),
        ),
    ]
    return ChatMessage(
        title=_("At risk: %(pair)s") % {"pair": pair},
        summary=_("%(pair)s (%(cohort)s) are at risk.") % {"pair": pair, "cohort": cohort.name},
        paragraphs=(
            _("%(pair)s in %(cohort)s are now at risk.") % {"pair": pair, "cohort": cohort.name},
        ),
        facts=tuple(facts),
        items=(ChatItem(heading=_("Why"), lines=tuple(r["text"] for r in health.reasons)),),
        note=_footer(),
        link_label=_("Open the cohort page"),
        link_url=_cohort_url(cohort),
    )


def _rating_words(count: int, mean: float | None) -> str:
    if not count:
        return _("None this week")
    return ngettext(
        "%(mean).1f of 5 from %(count)d answer",
        "%(mean).1f of 5 from %(count)d answers",
        count,
    ) % {"mean": mean, "count": count}


def weekly_message(*, cohort: Cohort, today: date, now: datetime) -> ChatMessage:
    """The cohort's week ending `today`: sessions held, session ratings given, the pairings
    newly at risk (listed, up to ITEMS_MAX) and the counts the weekly health email gives."""
    week = health_week_of_cohorts(cohorts=[cohort], today=today)[0]
    since = now - WEEK
    held = held_sessions(
        Appointment.objects.filter(pairing__cohort=cohort, ends_at__gte=since), now=now
    ).count()
    ratings = feedback_rating_summary_for_cohort(cohort=cohort, since=since)
    active = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).count()
    listed = week.new_at_risk[:ITEMS_MAX]
    pairings = Pairing.objects.select_related("mentor", "mentee").in_bulk(
        [entry.pairing_id for entry in listed]
    )
    items = tuple(
        ChatItem(heading=_pair(pairings[entry.pairing_id]), lines=(entry.reason,))
        for entry in listed
        if entry.pairing_id in pairings
    )
    left_out = len(week.new_at_risk) - len(listed)
    facts = (
        (_("Sessions held"), str(held)),
        (_("Session ratings"), _rating_words(ratings.count, ratings.mean)),
        (_("Active pairings"), str(active)),
        (_("Newly at risk"), str(len(week.new_at_risk))),
        (_("Still at risk"), str(week.still_at_risk)),
        (_("Needs attention"), str(week.attention)),
        (_("Recovered"), str(len(week.recovered))),
        (_("Pauses waiting for an admin"), str(week.pauses_awaiting)),
    )
    summary = ngettext(
        "%(cohort)s this week: %(held)d session held, %(risk)d newly at risk.",
        "%(cohort)s this week: %(held)d sessions held, %(risk)d newly at risk.",
        held,
    ) % {"cohort": cohort.name, "held": held, "risk": len(week.new_at_risk)}
    return ChatMessage(
        title=_("%(cohort)s: the week to %(day)s") % {"cohort": cohort.name, "day": _day(today)},
        summary=summary,
        facts=facts,
        items_title=_("Newly at risk") if items else "",
        items=items,
        more=ngettext(
            "And %(count)d more pairing newly at risk: see the cohort page.",
            "And %(count)d more pairings newly at risk: see the cohort page.",
            left_out,
        )
        % {"count": left_out}
        if left_out > 0
        else "",
        note=_footer(),
        link_label=_("Open the cohort page"),
        link_url=_cohort_url(cohort),
    )


def announcement_message(*, announcement: Announcement) -> ChatMessage:
    """The announcement's subject and text (long texts cut, in full on its page), who sent it
    and to whom."""
    body = announcement.body.strip()
    if len(body) > BODY_MAX:
        body = body[: BODY_MAX - 1].rstrip() + "…"
    paragraphs = tuple(part.strip() for part in body.split("\n\n") if part.strip())
    sender = announcement.created_by.display_name if announcement.created_by else ""
    audience = announcement.get_audience_display()
    note = (
        _("Sent by %(sender)s by email to: %(audience)s (%(cohort)s).")
        if sender
        else _("Sent by email to: %(audience)s (%(cohort)s).")
    ) % {"sender": sender, "audience": audience, "cohort": announcement.cohort.name}
    return ChatMessage(
        title=announcement.subject,
        summary=_("Announcement to %(cohort)s: %(subject)s")
        % {"cohort": announcement.cohort.name, "subject": announcement.subject},
        paragraphs=paragraphs[:20],
        note=note,
        link_label=_("Open the announcement"),
        link_url=absolute("oversight:announcement_detail", announcement.pk),
    )


def test_message(*, connection: ChatConnection) -> ChatMessage:
    """Says the channel is connected and what will be posted to it."""
    wanted = [
        label
        for wants, label in (
            (connection.posts_at_risk, _("pairings turning at risk")),
            (connection.posts_weekly, _("a weekly summary")),
            (connection.posts_announcements, _("announcements")),
        )
        if wants
    ]
    cohort = connection.cohort
    what = (
        _("What will be posted here: %(what)s.") % {"what": ", ".join(wanted)}
        if wanted
        else _("Nothing is chosen to be posted here yet.")
    )
    return ChatMessage(
        title=_("Test message from %(site)s") % {"site": settings.SITE_NAME},
        summary=_("This channel is connected to %(cohort)s.") % {"cohort": cohort.name},
        paragraphs=(
            _("This channel is connected to %(cohort)s.") % {"cohort": cohort.name},
            what,
        ),
        note=_footer(),
        link_label=_("Open the cohort page"),
        link_url=_cohort_url(cohort),
    )
