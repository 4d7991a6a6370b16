"""Profile input: parsed and validated here, saved by accounts.services."""

import zoneinfo
from functools import cache

import phonenumbers
from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from accounts.models import Field, Profile, Role
from accounts.widgets import QuickCheckboxSelectMultiple, QuickSelect
from mentoring.quickforms import QuickModelForm
from mentoring.validators import refuse_line_breaks

EXPERTISE_MAX_TAGS = 15
EXPERTISE_TAG_MAX_LENGTH = 40


@cache
def language_choices() -> list[tuple[str, str]]:
    """Languages by ISO 639-1 code, named in English, sorted by name."""
    names = {code: info["name"] for code, info in LANG_INFO.items() if "-" not in code}
    names = {code: name for code, name in names.items() if len(code) == 2}
    return sorted(names.items(), key=lambda item: item[1])


@cache
def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones if not z.startswith(("Etc/", "SystemV/"))]


def languages_from_header(accept_language: str) -> list[str]:
    """The languages of a browser's Accept-Language header that we list, most wanted first."""
    known = {code for code, _name in language_choices()}
    codes: list[str] = []
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        code = tag.split("-")[0].lower()
        if code in known and code not in codes:
            codes.append(code)
    return codes


def browser_zone_wanted(user: object) -> bool:
    """Whether a zone picker should take the browser's zone (static/js/timezone.js): only
    while the person has chosen none (the default UTC, before onboarding)."""
    if user.timezone != "UTC":  # chosen: the profile need not be read
        return False
    profile = getattr(user, "profile", None)
    return profile is None or profile.onboarded_at is None


def timezone_field(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Time zone"),
        required=required,
        choices=timezone_choices,
        widget=QuickSelect,
        help_text=_("Session times and the hours you give are in this zone."),
        error_messages={"invalid_choice": _("“%(value)s” is not a time zone we know.")},
    )


def _phone_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=32,
        help_text=_("Optional. With the country code, e.g. +44 20 7946 0958."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class ProfileForm(QuickModelForm):
    """Onboarding and profile editing: one form, so both ask for the same things. Its plain
    inputs render in Python (QuickModelForm): a form this long was most of the page's CPU."""

    role = forms.ChoiceField(
        label=_("How do you want to take part?"), choices=Role.choices, widget=forms.RadioSelect
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How partners and programme admins see you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[refuse_line_breaks],
    )
    timezone = timezone_field()
    expertise = forms.CharField(
        label=_("Areas of expertise"),
        required=False,
        max_length=600,
        help_text=_("Mentors: comma-separated, e.g. product strategy, public speaking."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can mentor or be mentored in"),
        choices=language_choices,
        widget=QuickCheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one language.")},
    )
    work_phone = _phone_field(_("Work phone"))
    personal_phone = _phone_field(_("Personal phone"))

    class Meta:
        model = Profile
        fields = [
            "headline",
            "field",
            "expertise",
            "goals",
            "languages",
            "years_experience",
            "city",
            "work_phone",
            "personal_phone",
        ]
        widgets = {
            "field": QuickSelect,
            "goals": forms.Textarea(attrs={"rows": 4}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        help_texts = {
            "headline": _("One line, e.g. “Engineering manager who loves first-time leads”."),
            "goals": _("Mentees: what you want from mentoring, in your own words."),
            "city": _("Optional. Helps to meet in person."),
        }

    field_order = ["timezone", "role", "display_name", "headline", "field"]

    def __init__(
        self, *args: object, user: object, accept_language: str = "", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        profile = self.instance
        # The roles come from the person's enrolments (or an earlier answer): asked only when
        # there is none, and then only the sections of their roles are shown.
        self.fixed_roles = profile.roles
        if self.fixed_roles:
            del self.fields["role"]
            if not profile.is_mentor:
                del self.fields["expertise"]
            if not profile.is_mentee:
                del self.fields["goals"]
        for name in ("headline", "field", "years_experience"):
            self.fields[name].required = True
        self.fields["field"].choices = [("", _("Choose your field")), *Field.choices]
        self.fields["years_experience"].min_value = 0
        self.fields["years_experience"].max_value = 60
        self.fields["years_experience"].widget.attrs.update(min=0, max=60)
        if browser_zone_wanted(user) and not self.is_bound:  # a refused form keeps its zone
            self.fields["timezone"].widget.attrs["data-browser-timezone"] = "true"
        if not self.is_bound:
            self.initial.setdefault("display_name", user.display_name)
            self.initial["expertise"] = ", ".join(profile.expertise)
            self.initial.setdefault("timezone", user.timezone)
            if not profile.languages:
                self.initial["languages"] = languages_from_header(accept_language)

    @property
    def role_to_save(self) -> str | None:
        """The role to save: None keeps the roles the enrolments gave."""
        return None if self.fixed_roles else self.cleaned_data["role"]

    def clean_expertise(self) -> list[str]:
        tags: list[str] = []
        for raw in self.cleaned_data["expertise"].split(","):
            tag = " ".join(raw.split()).lower()
            if not tag or tag in tags:
                continue
            if len(tag) > EXPERTISE_TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    _("“%(tag)s…” is too long: keep each area under %(max)s characters."),
                    params={"tag": tag[:20], "max": EXPERTISE_TAG_MAX_LENGTH},
                )
            tags.append(tag)
        if len(tags) > EXPERTISE_MAX_TAGS:
            raise forms.ValidationError(
                _("Name at most %(max)s areas; you named %(count)s."),
                params={"max": EXPERTISE_MAX_TAGS, "count": len(tags)},
            )
        return tags

    def clean_work_phone(self) -> str:
        return _clean_phone(self.cleaned_data["work_phone"])

    def clean_personal_phone(self) -> str:
        return _clean_phone(self.cleaned_data["personal_phone"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.fixed_roles:
            mentors, mentored = self.instance.is_mentor, self.instance.is_mentee
        else:
            role = cleaned.get("role")
            mentors = role in (Role.MENTOR, Role.BOTH)
            mentored = role in (Role.MENTEE, Role.BOTH)
        if mentors and not cleaned.get("expertise") and "expertise" not in self.errors:
            self.add_error("expertise", _("Mentors: name at least one area of expertise."))
        if mentored and not cleaned.get("goals", "").strip():
            self.add_error("goals", _("Mentees: tell your mentor what you want to achieve."))
        return cleaned


def _clean_phone(value: str) -> str:
    """Return the number in E.164 (+4420…), or "" when none was given."""
    if not value.strip():
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Enter a valid phone number with its country code, e.g. +44 20 7946 0958.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password


class LanguageForm(forms.Form):
    """The language of pages and emails; blank follows the browser."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages and the emails we send you use this language."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("As my browser asks")),
            *((code, name) for code, name in settings.LANGUAGES),
        ]
