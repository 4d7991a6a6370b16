"""Shared materials: either partner shares a file or a link, perhaps for an upcoming session;
only the two of them list, download or (the sharer) withdraw it; a closed pairing is
read-only; pages make as many queries for 25 materials as for 2."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.models import Material
from exchange.services.materials import (
    MaterialRefused,
    material_share_file,
    material_share_link,
    material_withdraw,
)
from notifications.models import Notification
from pairings.models import Pairing
from sessions_app.models import Appointment
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday; London is on UTC in winter
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def thursday(pairing, frozen):
    """Alice and Bob's next session: Thursday 3 December 2026, 15:00 in London (10:00 in NY)."""
    return AppointmentFactory(pairing=pairing, starts_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC))


def pdf_upload(name: str = "Agenda.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>Plan</w:document>")
    return buffer.getvalue()


@pytest.fixture
def alices_pdf(pairing, mentee, materials_dir):
    """A PDF Alice shared with Bob."""
    return material_share_file(
        pairing=pairing, by=mentee, upload=pdf_upload(), note="Page 3, please."
    )


def materials_url(pairing: Pairing) -> str:
    return reverse("exchange:materials", args=[pairing.pk])


def download_url(material: Material) -> str:
    return reverse("exchange:material_download", args=[material.pk])


def withdraw_url(material: Material) -> str:
    return reverse("exchange:material_withdraw", args=[material.pk])


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def close(pairing: Pairing) -> None:
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED, closed_at=NOW)
    pairing.refresh_from_db()


# Services


def test_sharing_a_file_stores_it_and_schedules_the_partners_email(
    pairing, mentee, mentor, thursday, materials_dir
):
    material = material_share_file(
        pairing=pairing, by=mentee, upload=pdf_upload(), note="Page 3", appointment=thursday
    )

    assert (material.kind, material.title, material.content_type, material.size) == (
        "file",
        "Agenda.pdf",
        "application/pdf",
        len(PDF),
    )
    assert material.appointment == thursday
    [stored] = stored_files(materials_dir)
    assert stored.read_bytes() == PDF
    assert stored.relative_to(materials_dir).parts[0] == f"pairing-{pairing.pk}"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.material) == (
        mentor,
        Notification.Kind.MATERIAL,
        material,
    )


def test_sharing_a_link_titles_it_by_its_host_when_untitled(pairing, mentor, mentee):
    material = material_share_link(
        pairing=pairing, by=mentor, url="https://hbr.org/2024/01/first-time-manager"
    )

    assert (material.kind, material.title) == ("link", "hbr.org")
    assert Notification.objects.get().recipient == mentee


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/a", "hbr"])
def test_only_web_links_can_be_shared(pairing, mentee, url):
    with pytest.raises(MaterialRefused, match="starting with https://") as caught:
        material_share_link(pairing=pairing, by=mentee, url=url)

    assert caught.value.field == "url"
    assert not Material.objects.exists()


def test_nothing_can_be_shared_in_a_pairing_that_is_not_active(pairing, mentee, materials_dir):
    close(pairing)

    with pytest.raises(MaterialRefused, match="not active"):
        material_share_file(pairing=pairing, by=mentee, upload=pdf_upload())
    with pytest.raises(MaterialRefused, match="not active"):
        material_share_link(pairing=pairing, by=mentee, url="https://example.org")

    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


def test_someone_outside_the_pairing_cannot_share_in_it(pairing, other_mentee, materials_dir):
    with pytest.raises(MaterialRefused, match="Only the two people"):
        material_share_file(pairing=pairing, by=other_mentee, upload=pdf_upload())

    assert stored_files(materials_dir) == []


def test_a_material_can_be_for_an_upcoming_session_of_this_pairing_only(
    pairing, other_pairing, mentee, frozen, materials_dir
):
    past = AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=2))
    cancelled = AppointmentFactory(
        pairing=pairing, starts_at=NOW + timedelta(days=5), status=Appointment.Status.CANCELLED
    )
    someone_elses = AppointmentFactory(pairing=other_pairing, starts_at=NOW + timedelta(days=3))

    for appointment in (past, cancelled, someone_elses):
        with pytest.raises(MaterialRefused, match="upcoming sessions") as caught:
            material_share_file(
                pairing=pairing, by=mentee, upload=pdf_upload(), appointment=appointment
            )
        assert caught.value.field == "appointment"

    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


def test_the_sharer_withdraws_and_the_file_leaves_storage_after_commit(
    alices_pdf, mentee, materials_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        material_withdraw(material=alices_pdf, by=mentee)

    alices_pdf.refresh_from_db()
    assert alices_pdf.withdrawn_at is not None
    assert stored_files(materials_dir) == []
    assert Notification.objects.get().status == Notification.Status.SKIPPED
    material_withdraw(material=alices_pdf, by=mentee)  # again: nothing happens


def test_only_the_sharer_can_withdraw(alices_pdf, mentor, materials_dir):
    with pytest.raises(MaterialRefused, match="Only the person who shared it"):
        material_withdraw(material=alices_pdf, by=mentor)

    alices_pdf.refresh_from_db()
    assert alices_pdf.withdrawn_at is None
    assert len(stored_files(materials_dir)) == 1


def test_nothing_is_withdrawn_in_a_closed_pairing(alices_pdf, pairing, mentee):
    close(pairing)

    with pytest.raises(MaterialRefused, match="not active"):
        material_withdraw(material=alices_pdf, by=mentee)


# The materials page


def test_alice_shares_a_file_for_a_session_through_the_form(
    client, pairing, mentee, mentor, thursday, materials_dir
):
    client.force_login(mentee)

    response = client.post(
        materials_url(pairing),
        {
            "material-file": SimpleUploadedFile("Plan.docx", docx_bytes()),
            "material-note": "To discuss on Thursday",
            "material-appointment": thursday.pk,
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Shared with Bob Mentor" in page
    material = Material.objects.get()
    assert (material.title, material.shared_by, material.appointment) == (
        "Plan.docx",
        mentee,
        thursday,
    )
    assert download_url(material) in page
    assert "To discuss on Thursday" in page
    assert "Shared by you" in page
    assert "for the session on Thu 3 Dec, 15:00" in page


def test_bob_shares_a_link_and_sees_where_it_goes(client, pairing, mentor, mentee):
    client.force_login(mentor)
    client.post(
        materials_url(pairing),
        {"material-url": "https://www.coursera.org/learn/leadership", "material-title": "Course"},
    )
    client.force_login(mentee)

    page = client.get(materials_url(pairing)).content.decode()

    assert (
        '<a href="https://www.coursera.org/learn/leadership" '
        'rel="noopener noreferrer nofollow" target="_blank"><strong>Course</strong></a>'
    ) in page
    assert "link to www.coursera.org" in page
    assert "Shared by Bob Mentor" in page


def test_the_session_choices_are_the_upcoming_ones_in_the_viewers_zone(
    client, pairing, mentor, mentee, thursday
):
    AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=1))  # over: not offered
    client.force_login(mentor)  # New York

    page = client.get(materials_url(pairing)).content.decode()

    assert f'<option value="{thursday.pk}">Thu 3 Dec, 10:00</option>' in page
    assert page.count("<option") == 2  # and "Not for a particular session"

    client.force_login(mentee)  # London
    page = client.get(f"{materials_url(pairing)}?for={thursday.pk}").content.decode()
    assert f'<option value="{thursday.pk}" selected>Thu 3 Dec, 15:00</option>' in page


def test_a_refused_form_keeps_what_was_typed_and_asks_for_the_file_again(
    client, pairing, other_pairing, mentee, frozen, materials_dir
):
    someone_elses = AppointmentFactory(pairing=other_pairing, starts_at=NOW + timedelta(days=3))
    client.force_login(mentee)

    response = client.post(
        materials_url(pairing),
        {
            "material-file": pdf_upload(),
            "material-note": "Page 3, please",
            "material-appointment": someone_elses.pk,
        },
    )

    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Please choose the file again" in page
    assert "Page 3, please</textarea>" in page
    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


def test_a_file_over_the_limit_is_dropped_as_it_arrives_and_the_form_says_so(
    client, pairing, mentee, materials_dir, settings
):
    """Past the limit the upload handler stops keeping the file, so a huge upload never fills
    the disk; the note typed beside it survives."""
    settings.MATERIAL_MAX_BYTES = settings.UPLOAD_MAX_BYTES = 200_000
    client.force_login(mentee)

    response = client.post(
        materials_url(pairing),
        {
            "material-file": pdf_upload(content=PDF + b"%" * 300_000),
            "material-note": "The big deck",
        },
    )

    page = response.content.decode()
    assert "This file is too big: files can be at most 0.2 MB." in page
    assert "The big deck</textarea>" in page
    assert not Material.objects.exists()
    assert stored_files(materials_dir) == []


def test_a_file_and_a_link_at_once_are_refused(client, pairing, mentee, materials_dir):
    client.force_login(mentee)

    page = client.post(
        materials_url(pairing),
        {"material-file": pdf_upload(), "material-url": "https://example.org/read"},
    ).content.decode()

    assert "Share either a file or a link, not both at once." in page
    assert 'value="https://example.org/read"' in page
    assert not Material.objects.exists()


def test_an_empty_form_asks_for_a_file_or_a_link(client, pairing, mentee):
    client.force_login(mentee)

    page = client.post(materials_url(pairing), {"material-note": "Hello"}).content.decode()

    assert "Choose a file, or enter a link below." in page


def test_the_list_starts_empty_and_says_what_to_do(client, pairing, mentee):
    client.force_login(mentee)

    page = client.get(materials_url(pairing)).content.decode()

    assert "Nothing shared yet." in page
    assert "Share a file or a link" in page


def test_the_list_is_paginated_newest_first(client, pairing, mentee):
    for n in range(25):
        material_share_link(
            pairing=pairing, by=mentee, url=f"https://example.org/{n}", title=f"Read {n:02}"
        )
    client.force_login(mentee)

    first = client.get(materials_url(pairing)).content.decode()
    second = client.get(f"{materials_url(pairing)}?page=2").content.decode()

    assert "Page 1 of 2" in first
    assert first.index("Read 24") < first.index("Read 05")
    assert "Read 04" not in first
    assert second.count('class="material"') == 5


def test_the_list_alone_comes_back_to_htmx(client, pairing, mentee, alices_pdf):
    client.force_login(mentee)

    response = client.get(f"{materials_url(pairing)}?embedded=1", **HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="materials"')
    assert "<html" not in body
    assert "Agenda.pdf" in body
    assert f"{withdraw_url(alices_pdf)}?embedded=1" in body
    assert f'<a href="{materials_url(pairing)}">Share a file or a link</a>' in body


def test_times_show_in_the_viewers_zone(client, pairing, mentee, mentor, materials_dir, frozen):
    material_share_file(pairing=pairing, by=mentee, upload=pdf_upload())
    client.force_login(mentor)

    page = client.get(materials_url(pairing)).content.decode()

    assert "1 Dec 2026, 07:00" in page  # 12:00 UTC in New York
    assert 'datetime="2026-12-01T12:00:00+00:00"' in page


# Downloads


def test_the_partner_downloads_the_bytes_as_an_attachment(client, alices_pdf, mentor):
    client.force_login(mentor)

    response = client.get(download_url(alices_pdf))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Agenda.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))


def test_a_name_beyond_ascii_is_sent_encoded(client, pairing, mentee, materials_dir):
    material = material_share_file(pairing=pairing, by=mentee, upload=pdf_upload("Café plan.pdf"))
    client.force_login(mentee)

    response = client.get(download_url(material))

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9_plan.pdf"


def test_a_link_download_opens_the_link(client, pairing, mentee, mentor):
    link = material_share_link(pairing=pairing, by=mentee, url="https://example.org/read")
    client.force_login(mentor)

    response = client.get(download_url(link))

    assert (response.status_code, response["Location"]) == (302, "https://example.org/read")


def test_a_withdrawn_material_leaves_the_list_and_downloads_answer_404(
    client, alices_pdf, pairing, mentee, mentor
):
    client.force_login(mentee)
    response = client.post(withdraw_url(alices_pdf), follow=True)
    assert "no longer shared" in response.content.decode()

    client.force_login(mentor)
    assert "Agenda.pdf" not in client.get(materials_url(pairing)).content.decode()
    assert client.get(download_url(alices_pdf)).status_code == 404


def test_withdrawing_through_htmx_answers_with_the_list(client, alices_pdf, pairing, mentee):
    client.force_login(mentee)

    body = client.post(f"{withdraw_url(alices_pdf)}?embedded=1", **HTMX).content.decode()

    assert body.lstrip().startswith('<section id="materials"')
    assert "Nothing shared yet." in body


def test_bob_cannot_withdraw_alices_material(client, alices_pdf, pairing, mentor):
    client.force_login(mentor)

    page = client.post(withdraw_url(alices_pdf), follow=True).content.decode()
    htmx = client.post(withdraw_url(alices_pdf), **HTMX).content.decode()

    assert "Only the person who shared it can withdraw it." in page
    assert "Only the person who shared it can withdraw it." in htmx
    assert f'action="{withdraw_url(alices_pdf)}' not in htmx  # no button for him either
    alices_pdf.refresh_from_db()
    assert alices_pdf.withdrawn_at is None


# Permissions by changing ids


@pytest.mark.parametrize("outsider", ["other_mentee", "programme_admin"])
def test_outsiders_get_404_for_alice_and_bobs_materials(
    request, client, outsider, alices_pdf, pairing, other_pairing
):
    client.force_login(request.getfixturevalue(outsider))

    assert client.get(download_url(alices_pdf)).status_code == 404
    assert client.get(materials_url(pairing)).status_code == 404
    assert client.get(materials_url(pairing), **HTMX).status_code == 404
    assert client.post(materials_url(pairing), {"material-file": pdf_upload()}).status_code == 404
    assert client.post(withdraw_url(alices_pdf)).status_code == 404
    alices_pdf.refresh_from_db()
    assert alices_pdf.withdrawn_at is None
    assert Material.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, alices_pdf):
    response = client.get(download_url(alices_pdf))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# A closed pairing is read-only


def test_a_closed_pairing_lists_and_downloads_but_takes_no_share_or_withdrawal(
    client, alices_pdf, pairing, mentee, materials_dir
):
    close(pairing)
    client.force_login(mentee)

    page = client.get(materials_url(pairing)).content.decode()
    download = client.get(download_url(alices_pdf))
    shared = client.post(materials_url(pairing), {"material-file": pdf_upload()}, follow=True)
    withdrawn = client.post(withdraw_url(alices_pdf), follow=True)

    assert "Agenda.pdf" in page
    assert 'enctype="multipart/form-data"' not in page
    assert "Withdraw" not in page
    assert "can be read and downloaded, not changed" in page
    assert b"".join(download.streaming_content) == PDF
    assert "its materials can be read, not changed" in shared.content.decode()
    assert "its materials can be read, not changed" in withdrawn.content.decode()
    assert Material.objects.filter(withdrawn_at__isnull=True).count() == 1
    assert len(stored_files(materials_dir)) == 1


# The session page


def test_the_session_agenda_page_lists_its_materials_with_download_links(
    client, pairing, mentee, mentor, thursday, materials_dir
):
    for_thursday = material_share_file(
        pairing=pairing, by=mentee, upload=pdf_upload(), appointment=thursday
    )
    material_share_link(pairing=pairing, by=mentee, url="https://example.org/other")
    client.force_login(mentor)

    page = client.get(reverse("sessions_app:agenda", args=[thursday.pk])).content.decode()

    assert "Materials for this session" in page
    assert f'href="{download_url(for_thursday)}"' in page
    assert "example.org/other" not in page
    response = client.get(download_url(for_thursday))
    assert b"".join(response.streaming_content) == PDF


def test_a_session_without_materials_says_so_and_offers_to_share(client, thursday, mentee):
    client.force_login(mentee)

    page = client.get(reverse("sessions_app:agenda", args=[thursday.pk])).content.decode()

    assert "Nothing shared for this session yet." in page
    assert f"?for={thursday.pk}" in page


def test_the_agendas_htmx_partial_makes_no_materials_query(client, thursday, mentee):
    client.force_login(mentee)
    url = reverse("sessions_app:agenda", args=[thursday.pk])
    with CaptureQueriesContext(connection) as page:
        client.get(url)
    with CaptureQueriesContext(connection) as partial:
        client.get(url, **HTMX)

    assert not any("exchange_material" in q["sql"] for q in partial.captured_queries)
    assert any("exchange_material" in q["sql"] for q in page.captured_queries)


# Query counts


def _share_links(pairing: Pairing, count: int, appointment: Appointment | None = None) -> None:
    for n in range(count):
        material_share_link(
            pairing=pairing,
            by=pairing.mentee if n % 2 else pairing.mentor,
            url=f"https://example.org/{n}",
            appointment=appointment,
        )


def _same_queries_for_2_and_25(client, url, pairing, appointment, assert_num_queries) -> None:
    _share_links(pairing, 2, appointment)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    _share_links(pairing, 23, appointment)

    with assert_num_queries(len(two)):
        page = client.get(url).content.decode()

    assert page.count('class="material"') in (20, 25)


def test_the_materials_page_makes_as_many_queries_for_20_as_for_2_and_counts_beyond(
    client, pairing, mentee, thursday, django_assert_num_queries
):
    client.force_login(mentee)
    url = materials_url(pairing)
    _share_links(pairing, 2, thursday)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    _share_links(pairing, 18, thursday)
    with django_assert_num_queries(len(two)):
        assert client.get(url).content.decode().count('class="material"') == 20
    _share_links(pairing, 5, thursday)

    with django_assert_num_queries(len(two) + 1):  # one page no longer holds them: counted
        first = client.get(url).content.decode()
    with django_assert_num_queries(len(two) + 1):
        second = client.get(url + "?page=2").content.decode()

    assert first.count('class="material"') == 20
    assert second.count('class="material"') == 5
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_the_session_page_makes_as_many_queries_for_25_materials_as_for_2(
    client, pairing, mentor, thursday, django_assert_num_queries
):
    client.force_login(mentor)

    _same_queries_for_2_and_25(
        client,
        reverse("sessions_app:agenda", args=[thursday.pk]),
        pairing,
        thursday,
        django_assert_num_queries,
    )
