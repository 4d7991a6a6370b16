from collections.abc import Collection
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from exchange.models import Material
from exchange.uploads import KINDS, allowed_types_text, megabytes, upload_check
from mentoring.choices import choices_share
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all
from sessions_app.models import Appointment

FILE_LOST = _(
    "Please choose the file again: browsers do not keep a chosen file when a form comes back."
)


class SessionChoiceField(forms.ModelChoiceField):
    """Upcoming sessions labelled in the viewer's zone: "Thu 3 Dec, 15:00"."""

    def __init__(self, *args: object, zone: ZoneInfo, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def label_from_instance(self, obj: Appointment) -> str:
        return formats.date_format(timezone.localtime(obj.starts_at, self.zone), "D j M, H:i")


class MaterialShareForm(QuickForm):
    """A file or a link, with a note and perhaps the session it is for. Its fields render in
    Python (QuickForm, quicken_all)."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        allow_empty_file=True,  # refused by upload_check, with its own message
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)
            }
        ),
    )
    url = forms.URLField(
        label=_("…or a link"),
        required=False,
        max_length=Material._meta.get_field("url").max_length,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web address to share instead of a file."),
    )
    title = forms.CharField(
        label=_("Title of the link"),
        required=False,
        max_length=Material._meta.get_field("title").max_length,
        help_text=_(
            "What the link is. Left empty, the site's name is used; files keep their own name."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Material._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you share it, or what to look at (optional)."),
    )

    def __init__(
        self,
        *args: object,
        sessions: QuerySet[Appointment],
        zone: ZoneInfo,
        dropped: Collection[str] = (),
        **kwargs: object,
    ) -> None:
        """`dropped`: the request's file fields that arrived too big to keep (uploads_dropped)."""
        kwargs.setdefault("prefix", "material")
        super().__init__(*args, **kwargs)
        self.file_dropped = self.add_prefix("file") in dropped
        self.fields["file"].help_text = _(
            "%(allowed)s, up to %(limit)s. The type is checked from the content, so the name "
            "must end in the right extension (a PDF in .pdf)."
        ) % {"allowed": allowed_types_text(), "limit": megabytes(settings.MATERIAL_MAX_BYTES)}
        self.fields["appointment"] = SessionChoiceField(
            queryset=sessions,
            zone=zone,
            required=False,
            label=_("For session"),
            empty_label=_("Not for a particular session"),
            help_text=_("It then shows on that session's agenda page too."),
        )
        # one plain read of the sessions (Django's own list reads through a server-side cursor)
        choices_share(fields=[self.fields["appointment"]], queryset=sessions)
        quicken_all(self)

    def clean_file(self) -> object:
        if self.file_dropped:
            raise forms.ValidationError(
                _("This file is too big: files can be at most %(limit)s."),
                code="too_big",
                params={"limit": megabytes(settings.MATERIAL_MAX_BYTES)},
            )
        upload = self.cleaned_data.get("file")
        if upload:
            upload_check(upload)  # the service checks again; here the error sits by the field
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or "file" in self.errors
        has_url = bool(cleaned.get("url")) or "url" in self.errors
        if has_file and has_url:
            self.add_error(None, _("Share either a file or a link, not both at once."))
        elif not has_file and not has_url:
            self.add_error("file", _("Choose a file, or enter a link below."))
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            self.note_file_lost()

    def note_file_lost(self) -> None:
        """When the form comes back refused, say a chosen file must be chosen again (unless
        the file itself was the fault: its own error says what to do)."""
        if self.files.get(self.add_prefix("file")) and "file" not in self.errors:
            self.add_error("file", FILE_LOST)
