from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.models import PairConstraint
from mentoring.choices import choices_share
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all
from programmes.models import Cohort, ParticipantRole


class PairForm(QuickForm):
    """A mentee and a mentor of the cohort, and what to do with the pair. Its lists render in
    Python (QuickForm, quicken_all)."""

    ACTIONS = (
        (PairConstraint.Kind.LOCK, _("Lock this pair")),
        (PairConstraint.Kind.FORBID, _("Never propose this pair")),
        ("remove", _("Remove the lock or ban")),
    )

    mentee = forms.ModelChoiceField(label=_("Mentee"), queryset=User.objects.none())
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())
    action = forms.ChoiceField(choices=ACTIONS, required=False)

    def __init__(
        self,
        *args: object,
        cohort: Cohort,
        people: dict[str, list[User]] | None = None,
        **kwargs: object,
    ) -> None:
        """`people`: the cohort's people by role as cohort_people_by_role reads them, when the
        page has them already; else each list is read when it shows."""
        super().__init__(*args, **kwargs)
        for role in ParticipantRole.values:
            people_in_role = User.objects.filter(enrolments__cohort=cohort, enrolments__role=role)
            # a plain read when the list shows (Django's own reads through a server-side cursor)
            choices_share(
                fields=[self.fields[role]],
                queryset=people_in_role.order_by("display_name", "email"),
                rows=None if people is None else people[role],
            )
        self.fields["mentor"].label_from_instance = lambda user: user.name
        quicken_all(self)
