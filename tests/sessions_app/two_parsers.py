"""Calendar data as other programs read it: every object is parsed by two independent parsers,
icalendar and vobject, so a line only one of them tolerates fails the test."""

import vobject
from icalendar import Calendar


def parse_both(data: bytes | str) -> Calendar:
    """`data` parsed by vobject (strictly: every line must be understood) and by icalendar;
    the icalendar object is returned for the assertions."""
    text = data.decode() if isinstance(data, bytes) else data
    parsed = list(vobject.readComponents(text, validate=True))
    assert len(parsed) == 1, "exactly one VCALENDAR"
    (vcalendar,) = parsed
    assert vcalendar.name == "VCALENDAR"
    for event in vcalendar.contents.get("vevent", []):
        event.dtstart.value  # noqa: B018 (the start must be readable as a date-time)
    calendar = Calendar.from_ical(text)
    assert len(calendar.walk("VEVENT")) == len(vcalendar.contents.get("vevent", []))
    return calendar


def vobject_of(data: bytes | str):
    text = data.decode() if isinstance(data, bytes) else data
    return vobject.readOne(text)
