"""The owner's forms: an admin by email address, a person's role, an email domain. Those the
organisation's page shows render in Python (QuickForm, quicken_all)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branding.models import Branding
from mentoring.quickforms import QuickForm, QuickModelForm
from mentoring.quickwidgets import quicken_all
from organisations.models import DOMAIN_VALIDATOR, Role

ROLE_CHOICES = [(Role.OWNER, _("Owner")), (Role.ADMIN, _("Programme admin"))]


class OrganisationAdminForm(QuickForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Of a member, or of anyone with an account here."),
        error_messages={"required": _("Give the person's email address.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES,
        initial=Role.ADMIN,
        help_text=_("Admins run the organisation's cohorts; owners also manage its admins."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        quicken_all(self)  # the email input and the select too


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganisationDomainForm(QuickForm):
    domain = forms.CharField(
        label=_("Email domain"),
        max_length=253,
        help_text=_(
            "Such as example.org. The staff of this installation verify that it is yours; "
            "until then it does nothing."
        ),
        error_messages={"required": _("Give a domain name such as example.org.")},
    )

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().removeprefix("@")
        DOMAIN_VALIDATOR(domain)
        return domain


class OrganisationBrandingForm(QuickModelForm):
    """The organisation's own look, for the pages of people who belong to it alone."""

    class Meta:
        model = Branding
        fields = ["name", "main_colour", "logo"]
        labels = {"name": _("Name shown in the header")}
        widgets = {"logo": forms.FileInput}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        quicken_all(self)  # the file input too
