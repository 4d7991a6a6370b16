"""Upload checks: the type comes from the content, the name is made safe, and a refused file
leaves nothing behind — no row, no byte in the materials folder."""

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import uploads
from exchange.models import Material
from exchange.services.materials import MaterialRefused, material_share_file
from exchange.uploads import filename_sanitise, upload_check

MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Files, built here rather than kept as fixtures on disk.


def pdf_bytes(text: str = "Agenda") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n"
        + f"% {text}\n".encode()
        + b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(document: bytes = b"<w:document><w:body>Plan</w:body></w:document>") -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": document,
        }
    )


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(200)


def upload(name: str, content: bytes) -> ContentFile:
    """A file as any caller may hand it over, its name untouched (an UploadedFile from a
    browser post already has any folder path cut off: see the form tests below)."""
    return ContentFile(content, name=name)


def posted(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        upload_check(upload(name, content))
    return caught.value.messages[0]


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# Accepted


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Agenda.pdf", pdf_bytes(), "application/pdf"),
        ("photo.png", png_bytes(), "image/png"),
        ("scan.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "image/jpeg"),
        ("Plan.docx", docx_bytes(), DOCX),
        ("notes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("questions.txt", "Questions for Thursday — café\n".encode(), "text/plain; charset=utf-8"),
        ("budget.csv", b"item,cost\ncourse,120\n", "text/csv; charset=utf-8"),
        ("README.md", b"# Reading list\n\n- *Radical Candor*\n", "text/markdown; charset=utf-8"),
    ],
)
def test_allowed_files_pass_with_the_type_their_content_shows(name, content, content_type):
    checked = upload_check(upload(name, content))

    assert checked.content_type == content_type
    assert checked.name == name.replace(".JPG", ".jpg")


def test_a_file_without_extension_is_named_after_its_content():
    assert upload_check(upload("minutes", pdf_bytes())).name == "minutes.pdf"


# Refused, each with its own message


def test_an_empty_file_is_refused():
    assert refusal("agenda.pdf", b"") == "This file is empty."


def test_a_file_over_the_limit_is_refused_with_the_limit_in_megabytes(settings):
    settings.MATERIAL_MAX_BYTES = 10 * MB

    message = refusal("big.pdf", pdf_bytes() + bytes(10 * MB))

    assert message == "This file is 10.1 MB; files can be at most 10 MB."


@pytest.mark.parametrize("executable", [WINDOWS_EXE, LINUX_ELF], ids=["exe", "elf"])
def test_an_executable_renamed_pdf_is_refused(executable):
    assert refusal("invoice.pdf", executable) == "This file is not a PDF."


def test_an_executable_renamed_txt_is_not_taken_for_text():
    assert refusal("notes.txt", WINDOWS_EXE) == "This file is not a plain text file."


def test_text_that_is_not_utf8_is_refused():
    assert "must be saved as UTF-8" in refusal("notes.txt", "Café crème".encode("latin-1"))


def test_a_real_png_named_jpg_is_refused_and_told_the_right_extension():
    assert refusal("photo.jpg", png_bytes()) == (
        "This file is a PNG image, but its name ends in .jpg. Rename it to .png and try again."
    )


def test_a_kind_not_allowed_is_refused_whatever_its_content():
    assert refusal("setup.exe", WINDOWS_EXE).startswith(
        "Files ending in .exe cannot be shared. You can share: PDF, PNG, JPEG"
    )
    assert refusal("drawing.svg", b"<svg onload='alert(1)'/>").startswith(
        "Files ending in .svg cannot be shared."
    )


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "notes/../../x.pdf", "../.."]
)
def test_a_name_with_a_parent_folder_is_refused(name):
    assert refusal(name, pdf_bytes()) == (
        "This file name contains a folder path (“../”). Rename the file and try again."
    )


def test_a_zip_bomb_like_docx_is_refused_without_being_extracted():
    # 20 MB of zeros compress to about 20 KB: a ratio of about a thousand.
    bomb = docx_bytes(document=bytes(20 * MB))
    assert len(bomb) < 100 * 1024

    assert refusal("plan.docx", bomb) == (
        "This document expands to far more than its size when opened (like a “zip bomb”), "
        "so it cannot be shared."
    )


def test_a_docx_with_too_many_entries_is_refused():
    entries = {f"word/media/{n}.xml": b"<x/>" for n in range(uploads.ZIP_MAX_ENTRIES + 1)}
    crowded = zip_bytes({"[Content_Types].xml": b"<Types/>", **entries})

    assert "expands to far more than its size" in refusal("plan.docx", crowded)


def test_a_docx_that_expands_beyond_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 64 * 1024)
    varied = bytes(range(256)) * 400  # about 100 KB that barely compresses

    assert "expands to far more than its size" in refusal("plan.docx", docx_bytes(varied))


def test_a_docx_with_macros_is_refused():
    macros = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
        }
    )

    assert refusal("plan.docx", macros).startswith("This document contains macros")


def test_a_plain_zip_renamed_docx_is_refused():
    archive = zip_bytes({"readme.txt": b"hello"})

    assert refusal("plan.docx", archive) == "This file is not a Word document (DOCX)."


def test_a_damaged_document_is_refused():
    truncated = docx_bytes()[:200]

    assert refusal("plan.docx", truncated) == (
        "This file looks like a document but is damaged, so it cannot be shared."
    )


# Names


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("C:\\Users\\alice\\My report (final).pdf", "My_report_final.pdf"),
        ("/home/bob/agenda.PDF", "agenda.pdf"),
        ("invoice\u202egpj.pdf", "invoicegpj.pdf"),  # the right-to-left override is dropped
        ("bad\x00name\x1f.txt", "badname.txt"),
        (".hidden.md", "hidden.md"),
        (".pdf", "file.pdf"),
        ("Café menu.txt", "Café_menu.txt"),
        ("<script>.txt", "script.txt"),
    ],
)
def test_names_are_made_safe(raw, safe):
    assert filename_sanitise(raw) == safe


def test_a_long_name_is_capped_and_keeps_its_extension():
    name = filename_sanitise("a" * 500 + ".docx")

    assert len(name) == uploads.NAME_MAX_LENGTH
    assert name.endswith("aaa.docx")


# Nothing stored when refused


REFUSED = [
    ("empty", "agenda.pdf", b"", "This file is empty."),
    ("executable", "invoice.pdf", WINDOWS_EXE, "This file is not a PDF."),
    ("parent folder", "../../etc/passwd.pdf", pdf_bytes(), "contains a folder path"),
    ("zip bomb", "plan.docx", docx_bytes(document=bytes(20 * MB)), "expands to far more"),
    ("wrong extension", "photo.jpg", png_bytes(), "This file is a PNG image"),
    ("over the limit", "big.pdf", pdf_bytes() + bytes(10 * MB), "at most 10 MB"),
]


@pytest.mark.parametrize(("case", "name", "content", "says"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_service_stores_nothing_for_a_refused_file(
    case, name, content, says, pairing, mentee, materials_dir
):
    with pytest.raises(MaterialRefused, match=says) as caught:
        material_share_file(pairing=pairing, by=mentee, upload=upload(name, content))

    assert caught.value.field == "file"
    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


# Browsers send the base name only, and Django drops any path before a view sees it.
THROUGH_THE_FORM = [r for r in REFUSED if r[0] != "parent folder"]


@pytest.mark.parametrize(
    ("case", "name", "content", "says"), THROUGH_THE_FORM, ids=[r[0] for r in THROUGH_THE_FORM]
)
def test_the_share_form_shows_the_refusal_by_the_file_and_stores_nothing(
    case, name, content, says, client, pairing, mentee, materials_dir
):
    client.force_login(mentee)

    response = client.post(
        reverse("exchange:materials", args=[pairing.pk]),
        {"material-file": posted(name, content), "material-note": "For Thursday"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    errors = page[page.index('id="id_material-file_error"') :]
    assert says in errors[: errors.index("</ul>")]
    assert "For Thursday</textarea>" in page  # what was typed stays
    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


def test_a_posted_path_lands_inside_the_pairings_folder_under_its_base_name(
    client, pairing, mentee, materials_dir
):
    client.force_login(mentee)

    client.post(
        reverse("exchange:materials", args=[pairing.pk]),
        {"material-file": posted("../../etc/passwd.pdf", pdf_bytes())},
    )

    material = Material.objects.get()
    assert material.title == "passwd.pdf"
    [stored] = stored_files(materials_dir)
    assert stored.name == "passwd.pdf"
    assert stored.relative_to(materials_dir).parts[0] == f"pairing-{pairing.pk}"


def test_a_large_docx_spooled_to_disk_by_django_is_checked_and_stored_whole(
    client, pairing, mentee, materials_dir, settings
):
    photo = os.urandom(3 * MB)  # over FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file on disk
    assert len(photo) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    content = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/media/photo.bin": photo})
    client.force_login(mentee)

    client.post(
        reverse("exchange:materials", args=[pairing.pk]),
        {"material-file": posted("Report with photos.docx", content)},
    )

    material = Material.objects.get()
    assert (material.title, material.content_type) == ("Report_with_photos.docx", DOCX)
    [stored] = stored_files(materials_dir)
    assert stored.read_bytes() == content
