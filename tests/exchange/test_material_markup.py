"""`{% material_item %}` (exchange.templatetags.material_markup) writes a shared material as its
partial wrote it, byte for byte, in every language and zone: a link and a file, with and
without a note or a session (a cancelled one too), for the sharer and their partner, with and
without the withdraw button, embedded or not, with names and titles that need escaping."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.models import User
from exchange.models import Material
from exchange.templatetags.material_markup import material_item_html
from sessions_app.models import Appointment

# templates/exchange/_partials/material_item.html as it was.
BEFORE = (Path(__file__).parent / "material_item_before.html").read_text()
SHARER = User(pk=41, email="bob@example.org", display_name='Bob <b>"O\'Neil"</b>')
PARTNER = User(pk=42, email="alice@example.org", display_name="Alice")


def _materials() -> list[Material]:
    session = Appointment(pk=7, starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    cancelled = Appointment(
        pk=8, starts_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), status="cancelled"
    )
    link = Material(
        pk=3,
        kind="link",
        title='Read <this> & "that"',
        url="https://example.org/a?b=1&c=<2>",
        note="Line one <b>\nline & two",
        shared_by=SHARER,
        created_at=datetime(2026, 3, 29, 0, 59, 30, tzinfo=UTC),
        appointment=session,
    )
    link.host = "example.org"
    upload = Material(
        pk=4,
        kind="file",
        title="Plan <v2>.pdf",
        size=1_234_567,
        shared_by=PARTNER,
        created_at=datetime(2026, 12, 31, 23, 15, tzinfo=UTC),
        appointment=cancelled,
    )
    upload.host = ""
    bare = Material(
        pk=5,
        kind="file",
        title="notes.md",
        size=12,
        shared_by=SHARER,
        created_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
    )
    bare.host = ""
    return [link, upload, bare]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/New_York"])
def test_a_material_is_written_as_its_partial_wrote_it(language, zone):
    template = engines["django"].from_string(BEFORE)
    with translation.override(language), timezone.override(zone):
        for material in _materials():
            for viewer in (SHARER, PARTNER):
                for show_session in (True, False):
                    for can_withdraw in (True, False):
                        for embedded in (True, False):
                            wanted = template.render(
                                {
                                    "material": material,
                                    "user": viewer,
                                    "show_session": show_session,
                                    "can_withdraw": can_withdraw,
                                    "embedded": embedded,
                                    "csrf_token": "token-123",
                                }
                            )

                            assert (
                                material_item_html(
                                    material,
                                    user_id=viewer.pk,
                                    show_session=show_session,
                                    can_withdraw=can_withdraw,
                                    embedded=embedded,
                                    csrf_token="token-123",
                                )
                                == wanted
                            )
