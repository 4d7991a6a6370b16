"""Invite links and CSV uploads: parsed and checked here, acted on by the services."""

from typing import NamedTuple

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from mentoring.errors import DomainError
from programmes.models import ParticipantRole
from programmes.services.imports import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    import_columns,
    import_records,
)
from programmes.services.invites import INVITE_DAYS, INVITE_DAYS_MAX

SAVE_AS_CSV = _("Save it from your spreadsheet as “CSV UTF-8” and upload it again.")


class InviteLinkForm(forms.Form):
    role = forms.ChoiceField(
        label=_("People who use the link join as"),
        choices=ParticipantRole.choices,
        widget=forms.RadioSelect,
    )
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=INVITE_DAYS_MAX,
        initial=INVITE_DAYS,
        help_text=_("The link stops working after this. You can revoke it sooner."),
    )


class CsvUpload(NamedTuple):
    filename: str
    content: str
    total_rows: int


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The first row names the columns: email, name and role (mentor or mentee), and "
            "optionally department and manager_email, in any order. UTF-8, at most "
            "%(size)s and %(rows)s rows."
        ) % {"size": filesizeformat(IMPORT_MAX_BYTES), "rows": f"{IMPORT_MAX_ROWS:,}"}

    def clean_file(self) -> CsvUpload:
        """The file as checked CSV text: refuses binaries, other encodings and bad headers."""
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is over the %(max)s limit. Split it into smaller files.")
                % {"max": filesizeformat(IMPORT_MAX_BYTES)}
            )
        raw = upload.read()
        if not raw.strip():
            raise forms.ValidationError(_("This file is empty."))
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise forms.ValidationError(
                _("This file is saved as UTF-16 text. %(hint)s") % {"hint": SAVE_AS_CSV}
            )
        if b"\x00" in raw:
            raise forms.ValidationError(
                _(
                    "This is not a CSV file: it looks like an image, a spreadsheet or another "
                    "binary file. %(hint)s"
                )
                % {"hint": SAVE_AS_CSV}
            )
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("This file is not UTF-8 text. %(hint)s") % {"hint": SAVE_AS_CSV}
            ) from None
        try:
            header, records = import_records(content)
            import_columns(header)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        if not records:
            raise forms.ValidationError(_("This file has a header but no rows of people."))
        if len(records) > IMPORT_MAX_ROWS:
            raise forms.ValidationError(
                _(
                    "This file has %(count)s rows; the limit is %(max)s. Split it into smaller "
                    "files."
                )
                % {"count": f"{len(records):,}", "max": f"{IMPORT_MAX_ROWS:,}"}
            )
        return CsvUpload(upload.name, content, len(records))
