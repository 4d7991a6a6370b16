"""The people table's and the recent changes' rows, written in Python
(organisations.templatetags.organisation_page), must be what their template loops wrote
(people_rows_before.html and trail_rows_before.html beside this file), byte for byte: for
owners (with the forms) and admins (without), in every language and time zone."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.template import Context, engines
from django.utils import timezone, translation

from organisations.models import Membership, Role
from organisations.selectors import organisation_people, people_rows_of
from organisations.services import membership_ensure
from organisations.templatetags.organisation_page import people_rows, trail_rows
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BEFORE = (Path(__file__).parent / "people_rows_before.html").read_text()
TRAIL_BEFORE = (Path(__file__).parent / "trail_rows_before.html").read_text()


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("is_owner", [True, False])
def test_the_people_rows_are_what_the_template_wrote(language, is_owner):
    organisation = OrganisationFactory(slug="north-wind")
    for email, name, role in [
        ("a@example.org", 'Ann <b>& "Co"\'', Role.OWNER),
        ("b@example.org", "", Role.ADMIN),
        ("c&d@example.org", "Cé", Role.MEMBER),
    ]:
        membership_ensure(
            organisation=organisation,
            user=UserFactory(email=email, display_name=name),
            role=role,
        )
    memberships = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    for membership in memberships:
        membership.role_label = membership.get_role_display()
        membership.source_label = membership.get_source_display()
    with translation.override(language):
        roles = [(value, str(label)) for value, label in Role.choices]
        context = {
            "page": {"object_list": memberships},
            "organisation": organisation,
            "is_owner": is_owner,
            "roles": roles,
            "csrf_token": "tok<en>",
        }
        wanted = engines["django"].from_string(BEFORE).render(context)
        written = people_rows(Context(context), memberships, organisation, is_owner, roles)
        # The page's own rows (values, not Memberships) write the same, in the page's order.
        rows = people_rows_of(organisation_people(organisation=organisation))
        by_pk = {membership.pk: membership for membership in memberships}
        ordered = [by_pk[row.pk] for row in rows]
        for row, membership in zip(rows, ordered, strict=True):
            row.role_label, row.source_label = membership.role_label, membership.source_label
        args = (organisation, is_owner, roles)
        assert people_rows(Context(context), rows, *args) == people_rows(
            Context(context), ordered, *args
        )

    assert written == wanted
    assert "Ann &lt;b&gt;&amp; &quot;Co&quot;&#x27;" in written
    assert ("selected" in written) == is_owner


@pytest.mark.parametrize(("language", "zone"), [("en", "UTC"), ("de", "Australia/Sydney")])
def test_the_trail_rows_are_what_the_template_wrote(language, zone):
    kind = ContentType.objects.get_for_model(Membership)
    actor = UserFactory(display_name="Dana <i>&")
    changes = [
        {"role": ["member", "admin & <co>"]},
        {"role": ["None", "member"], "people": {"type": "m2m", "objects": ["a"]}, "n": [1, 2.5]},
        {},
    ]
    for n, (change, who) in enumerate(zip(changes, [actor, None, actor], strict=True)):
        LogEntry.objects.create(
            content_type=kind,
            object_pk=str(n),
            object_repr=f"Row <{n}> “quoted”",
            action=n % 3,
            changes=change,
            actor=who,
            timestamp=datetime(2026, 3, 28 + n, 23, 30, tzinfo=UTC),
        )
    entries = list(LogEntry.objects.select_related("actor", "content_type").order_by("pk"))
    with translation.override(language), timezone.override(zone):
        for entry in entries:
            entry.action_label = str(dict(LogEntry.Action.choices)[entry.action])
        wanted = engines["django"].from_string(TRAIL_BEFORE).render({"trail": entries})
        written = trail_rows(Context({"trail": entries}), entries)

    assert written == wanted
    assert "admin &amp; &lt;co&gt;" in written
