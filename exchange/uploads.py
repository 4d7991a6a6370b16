"""Checks on a file a partner shares, before anything is stored.

The type is decided by the content, never by the name alone: the bytes must be one of the
allowed kinds and the name's extension must agree with them. Zip-based documents (DOCX and
friends, OpenDocument) are judged by their central directory without extracting anything, so a
"zip bomb" is refused from its own declarations. Text has no magic number: it must decode as
UTF-8 and hold no NUL byte.
"""

import codecs
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import NamedTuple

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.utils.functional import Promise
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 120  # leaves room in Material.file (300) for "pairing-<id>/<32 hex>/"
EXTENSION_MAX_LENGTH = 10

# Zip-based documents, judged from the central directory alone.
ZIP_MAX_ENTRIES = 2000  # a large slide deck has a few hundred
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100  # office XML compresses about 5-20 times; a bomb, thousands of times
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this expand harmlessly, whatever the ratio


@dataclass(frozen=True)
class Kind:
    """One kind of file partners may share."""

    label: Promise  # "a PDF": reads in "This file is not a PDF."
    short: str  # for the help text: "PDF"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one to suggest

    @property
    def extension(self) -> str:
        return self.extensions[0]


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

KINDS = {
    "pdf": Kind(_("a PDF"), "PDF", "application/pdf", ("pdf",)),
    "png": Kind(_("a PNG image"), "PNG", "image/png", ("png",)),
    "jpeg": Kind(_("a JPEG image"), "JPEG", "image/jpeg", ("jpg", "jpeg")),
    "gif": Kind(_("a GIF image"), "GIF", "image/gif", ("gif",)),
    "webp": Kind(_("a WebP image"), "WebP", "image/webp", ("webp",)),
    "docx": Kind(
        _("a Word document (DOCX)"), "DOCX", _OOXML + "wordprocessingml.document", ("docx",)
    ),
    "xlsx": Kind(_("an Excel workbook (XLSX)"), "XLSX", _OOXML + "spreadsheetml.sheet", ("xlsx",)),
    "pptx": Kind(
        _("a PowerPoint presentation (PPTX)"),
        "PPTX",
        _OOXML + "presentationml.presentation",
        ("pptx",),
    ),
    "odt": Kind(_("an OpenDocument text (ODT)"), "ODT", _ODF + "text", ("odt",)),
    "ods": Kind(_("an OpenDocument spreadsheet (ODS)"), "ODS", _ODF + "spreadsheet", ("ods",)),
    "odp": Kind(_("an OpenDocument presentation (ODP)"), "ODP", _ODF + "presentation", ("odp",)),
    "txt": Kind(_("a plain text file"), "TXT", "text/plain; charset=utf-8", ("txt",)),
    "csv": Kind(_("a CSV file"), "CSV", "text/csv; charset=utf-8", ("csv",)),
    "md": Kind(
        _("a Markdown file"), "Markdown", "text/markdown; charset=utf-8", ("md", "markdown")
    ),
}
TEXT_KINDS = frozenset({"txt", "csv", "md"})
KIND_BY_EXTENSION = {ext: key for key, kind in KINDS.items() for ext in kind.extensions}

# What filetype reports for the kinds it recognises from their first bytes.
_KIND_BY_DETECTED_MIME = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/apng": "png",  # an animated PNG is still a PNG
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_KIND_BY_MIMETYPE = {
    _ODF + "text": "odt",
    _ODF + "spreadsheet": "ods",
    _ODF + "presentation": "odp",
}

_HEAD_BYTES = 8192  # what filetype looks at
_SEGMENTS = re.compile(r"[/\\]")


class CheckedUpload(NamedTuple):
    name: str  # sanitised, with the extension of its kind
    content_type: str  # from the content


def allowed_types_text() -> str:
    """The kinds partners may share, for help texts: "PDF, PNG, JPEG, …"."""
    return ", ".join(dict.fromkeys(kind.short for kind in KINDS.values()))


def megabytes(size: int, *, round_up: bool = False) -> str:
    """A size in MB for messages: "10 MB", "2.5 MB"; rounded up, a file just over the limit
    never reads as the limit itself."""
    tenths = size * 10 / (1024 * 1024)
    tenths = math.ceil(tenths) if round_up else round(tenths)
    return f"{tenths / 10:.1f}".removesuffix(".0") + " MB"


def filename_sanitise(raw: str) -> str:
    """A safe file name from what the browser sent: the last path segment, without control
    or invisible formatting characters (an RTL override can disguise "exe.pdf"), only letters,
    digits, "-", "_" and ".", no leading dot, at most NAME_MAX_LENGTH long with its extension
    kept and lower-cased; "file" when nothing usable is left."""
    name = unicodedata.normalize("NFC", raw)
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _SEGMENTS.split(name)[-1].strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:EXTENSION_MAX_LENGTH]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # nothing left, or only "." or ".."
        stem = ""
    stem = stem.strip("._-") or "file"
    if not extension:
        return stem[:NAME_MAX_LENGTH]
    return f"{stem[: NAME_MAX_LENGTH - len(extension) - 1]}.{extension}"


def _refuse(message: Promise | str, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _zip_kind(upload: File) -> str:
    """The kind of a zip-based document ("" for any other archive), from its central
    directory; raises ValidationError
    for a damaged archive or one that would expand far beyond its size (nothing is extracted,
    only the tiny "mimetype" entry of OpenDocument files is read)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload.file) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise _zip_bomb()
            uncompressed = sum(entry.file_size for entry in entries)
            compressed = sum(entry.compress_size for entry in entries)
            if uncompressed > ZIP_MAX_UNCOMPRESSED or uncompressed > ZIP_MAX_RATIO * max(
                compressed, 1
            ):
                raise _zip_bomb()
            for entry in entries:
                if (
                    entry.file_size > ZIP_RATIO_FLOOR
                    and entry.file_size > ZIP_MAX_RATIO * entry.compress_size
                ):
                    raise _zip_bomb()
            names = {entry.filename for entry in entries}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _refuse(
                    _(
                        "This document contains macros, which cannot be shared. Save it without "
                        "macros (as .docx, .xlsx or .pptx) and try again."
                    ),
                    "macros",
                )
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
                return ""
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size <= 100:
                declared = archive.read(mimetype).decode("ascii", "replace").strip()
                return _ODF_KIND_BY_MIMETYPE.get(declared, "")
            return ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise _refuse(
            _("This file looks like a document but is damaged, so it cannot be shared."),
            "damaged",
        ) from None
    finally:
        upload.seek(0)


def _zip_bomb() -> ValidationError:
    return _refuse(
        _(
            "This document expands to far more than its size when opened (like a “zip bomb”), "
            "so it cannot be shared."
        ),
        "zip_bomb",
    )


def _binary_kind(upload: File) -> str | None:
    """The kind the content shows by its magic bytes: None when it shows none at all (text,
    or unknown), "" when it is a kind not allowed (an executable, an archive, …)."""
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    detected = filetype.guess(head)
    if detected is None:
        return None
    return _KIND_BY_DETECTED_MIME.get(detected.mime, "")  # "": recognised, and not allowed


def _is_utf8_text(upload: File) -> bool:
    """Decodes as UTF-8 and holds no NUL byte (binary data nearly always does)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def upload_check(upload: File) -> CheckedUpload:
    """The sanitised name and the content type of a file fit to share; raises ValidationError
    with a message for its sharer when it is empty, too big, of a kind not allowed, or named
    as something it is not. Reads the file (rewinds it after); never stores anything."""
    limit = settings.MATERIAL_MAX_BYTES
    if not upload.size:
        raise _refuse(_("This file is empty."), "empty")
    if upload.size > limit:
        raise _refuse(
            _("This file is %(size)s; files can be at most %(limit)s."),
            "too_big",
            size=megabytes(upload.size, round_up=True),
            limit=megabytes(limit),
        )
    raw_name = upload.name or ""
    if ".." in (segment.strip() for segment in _SEGMENTS.split(raw_name)):
        raise _refuse(
            _("This file name contains a folder path (“../”). Rename the file and try again."),
            "path",
        )
    name = filename_sanitise(raw_name)
    stem, dot, extension = name.rpartition(".")
    claimed = KIND_BY_EXTENSION.get(extension) if dot else None
    if dot and claimed is None:
        raise _refuse(
            _("Files ending in .%(extension)s cannot be shared. You can share: %(allowed)s."),
            "extension",
            extension=extension,
            allowed=allowed_types_text(),
        )

    found = _binary_kind(upload)
    if not dot:  # no extension to check against: name it after its content
        if not found:
            raise _refuse(
                _(
                    "This file's name has no extension (such as .pdf), and its content is not "
                    "one you can share. You can share: %(allowed)s."
                ),
                "extension",
                allowed=allowed_types_text(),
            )
        name = filename_sanitise(f"{stem or name}.{KINDS[found].extension}")
        return CheckedUpload(name, KINDS[found].content_type)

    if found is None and claimed in TEXT_KINDS:
        if not _is_utf8_text(upload):
            raise _refuse(
                _("This file is not %(kind)s: text files must be saved as UTF-8."),
                "not_text",
                kind=KINDS[claimed].label,
            )
        return CheckedUpload(name, KINDS[claimed].content_type)
    if not found:
        raise _refuse(_("This file is not %(kind)s."), "mismatch", kind=KINDS[claimed].label)
    if found != claimed:
        raise _refuse(
            _(
                "This file is %(found)s, but its name ends in .%(extension)s. Rename it to "
                ".%(right)s and try again."
            ),
            "mismatch",
            found=KINDS[found].label,
            extension=extension,
            right=KINDS[found].extension,
        )
    return CheckedUpload(name, KINDS[found].content_type)
