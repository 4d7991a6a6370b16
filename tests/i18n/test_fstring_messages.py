"""Messages written inside f-strings (the pages' Python writers) reach the catalogues: our
makemessages (home/management/commands/makemessages.py) hands xgettext, which cannot read into
an f-string, a copy of each such call. Before it, `make messages` dropped them and Spanish and
German pages showed them in English."""

from django.core.management import get_commands
from django.urls import reverse

from home.management.commands.makemessages import calls_in_fstrings

SOURCE = """
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

def row(name, n):
    plain = _("Outside")
    return (
        f"<td>{_('Inside')}</td>"
        f"<td>{_('Role of %(name)s') % {'name': name}}</td>"
        f"<td>{ngettext('one reply', '%(n)s replies', n) % {'n': n}}</td>"
        f"<td>{translation.gettext('Qualified')}</td>"
        f"<td>{len(name)}</td>"
    )
"""


def test_the_gettext_calls_inside_f_strings_are_found_and_no_others():
    assert sorted(calls_in_fstrings(SOURCE)) == [
        "_('Inside')",
        "_('Role of %(name)s')",
        "ngettext('one reply', '%(n)s replies', n)",
        "translation.gettext('Qualified')",
    ]


def test_make_messages_runs_the_command_that_reads_f_strings():
    assert get_commands()["makemessages"] == "home"


def test_a_spanish_speaker_reads_the_contact_terms_summary_in_spanish(client, pairing, mentee):
    mentee.language = "es"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)
    page = client.get(reverse("home:pairing_detail", args=[pairing.pk])).content.decode()
    assert "Aún no has indicado tus condiciones." in page
    assert "You have not stated your terms yet." not in page
