"""The people table's rows, written in Python (organisations.templatetags.organisation_people),
must be what its template loop wrote (people_rows_before.html beside this file), byte for byte,
for owners (with the forms) and admins (without), in every language."""

from pathlib import Path

import pytest
from django.template import Context, engines
from django.utils import translation

from organisations.models import Membership, Role
from organisations.services import membership_ensure
from organisations.templatetags.organisation_people import people_rows
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BEFORE = (Path(__file__).parent / "people_rows_before.html").read_text()


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

    assert written == wanted
    assert "Ann &lt;b&gt;&amp; &quot;Co&quot;&#x27;" in written
    assert ("selected" in written) == is_owner
