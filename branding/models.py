"""The organisation's look, set by staff in the admin: a name, a logo and a main colour."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f6f5c"
LOGO_MAX_BYTES = 512 * 1024
# The image kinds a logo may be, by their first bytes (no SVG: it can carry script).
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on `colour` (#rrggbb)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def validate_main_colour(value: str) -> None:
    if not HEX_COLOUR.match(value):
        raise ValidationError(_("Give the colour as # and six hex digits, like #1f6f5c."))
    if contrast_with_white(value) < 4.5:
        raise ValidationError(
            _(
                "White text on this colour is hard to read (contrast %(ratio).1f:1, at least "
                "4.5:1 is needed). Choose a darker shade."
            ),
            params={"ratio": contrast_with_white(value)},
        )


def logo_type(head: bytes) -> str | None:
    """The logo's content type from its first bytes, or None when it is no PNG or JPEG."""
    for signature, content_type in LOGO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_logo(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("A logo can be at most 512 KB."))
    position = file.tell()
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if logo_type(head) is None:
        raise ValidationError(_("The logo must be a PNG or JPEG image."))


class Branding(models.Model):
    """The installation's name, logo and main colour (the row with pk 1, set by staff), or an
    organisation's own (set by its owner): its people's pages show it when they belong to that
    organisation alone. The organisation is named by a string: organisations is an app above."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="branding",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("organisation name"), max_length=60, default="Mentoring")
    logo = models.FileField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        validators=[validate_logo],
        help_text=_("A PNG or JPEG, at most 512 KB; shown 32 px high beside the name."),
    )
    main_colour = models.CharField(
        _("main colour"),
        max_length=7,
        default=DEFAULT_COLOUR,
        validators=[validate_main_colour],
        help_text=_("Buttons and links use it, with white text on it: #rrggbb, dark enough."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")
        constraints = [
            # One row for the installation (no organisation), one at most per organisation.
            models.UniqueConstraint(
                Coalesce("organisation", models.Value(0)), name="branding_one_row_each"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is None and self.organisation_id is None:
            # The installation's row: saving it again changes the one there is.
            self.pk = (
                Branding.objects.filter(organisation__isnull=True)
                .values_list("pk", flat=True)
                .first()
            )
        super().save(*args, **kwargs)
