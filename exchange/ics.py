"""An opportunity as calendar data (RFC 5545), for a mentee's "Add to calendar".

One opportunity is one VEVENT with a UID of its own, the same in every download, so adding it
twice replaces rather than duplicates. Times are in UTC; the calendar shows them in its owner's
zone. Only an opportunity with a start time has one.
"""

from datetime import UTC

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from exchange.models import Opportunity
from mentoring.links import absolute
from sessions_app.ics import PUBLISH, calendar_for


def opportunity_uid(opportunity: Opportunity) -> str:
    return f"opportunity-{opportunity.pk}@mentoring"


def opportunity_event(opportunity: Opportunity) -> Event:
    """The opportunity as a VEVENT. It must have a start time; no DTEND without an end."""
    if opportunity.starts_at is None:
        raise ValueError("An opportunity without a start time has no calendar event.")
    page = absolute("exchange:opportunity_detail", opportunity.pk)
    lines = [
        _("%(kind)s passed on by %(mentor)s.")
        % {"kind": opportunity.get_kind_display(), "mentor": opportunity.mentor.name}
    ]
    if opportunity.note:
        lines.append(opportunity.note)
    if opportunity.url:
        lines.append(opportunity.url)
    lines.append(_("On the mentoring site: %(url)s") % {"url": page})
    return Event.new(
        uid=opportunity_uid(opportunity),
        stamp=opportunity.created_at.astimezone(UTC),
        start=opportunity.starts_at.astimezone(UTC),
        end=opportunity.ends_at.astimezone(UTC) if opportunity.ends_at else None,
        summary=opportunity.title,
        description="\n\n".join(lines),
        location=opportunity.location or opportunity.url or None,
        url=opportunity.url or page,
    )


def opportunity_calendar(opportunity: Opportunity) -> Calendar:
    return calendar_for([opportunity_event(opportunity)], method=PUBLISH)
