"""Materials through the API: the list, sharing a file (multipart) or a link with the
materials page's checks, and downloading a file with its content type."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.models import Material
from exchange.services.materials import material_share_link
from tests.api.participants import bearer, people_make
from tests.exchange.test_materials import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


def url(pairing) -> str:
    return f"/api/v1/pairings/{pairing.pk}/materials/"


def test_sharing_a_file_and_downloading_it_with_its_content_type(people, materials_dir):
    session = people.book()
    upload = SimpleUploadedFile("Agenda.pdf", PDF, content_type="application/octet-stream")

    shared = bearer(people.alice).post(
        url(people.pairing),
        {"file": upload, "note": "For Tuesday", "session": session.pk},
        format="multipart",
    )

    assert shared.status_code == 201, shared.json()
    body = shared.json()
    assert body["kind"] == "file"
    assert body["title"] == "Agenda.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["session"] == session.pk
    downloaded = bearer(people.bob).get(body["download"])
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content) == PDF


def test_a_file_that_is_not_what_its_name_says_is_refused_by_field(people, materials_dir):
    upload = SimpleUploadedFile("notes.pdf", b"just text", content_type="application/pdf")

    response = bearer(people.alice).post(url(people.pairing), {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert "not a PDF" in response.json()["errors"]["file"][0]
    assert not Material.objects.exists()


def test_sharing_a_link_and_the_list(people):
    shared = bearer(people.bob).post(
        url(people.pairing), {"url": "https://example.org/guide", "note": "Read this"}
    )
    assert shared.status_code == 201

    rows = bearer(people.alice).get(url(people.pairing)).json()["results"]
    assert [(row["kind"], row["host"], row["mine"]) for row in rows] == [
        ("link", "example.org", False)
    ]
    assert rows[0]["download"] is None


def test_nothing_to_share_names_the_file_field(people):
    response = bearer(people.alice).post(url(people.pairing), {"note": "Nothing"})

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_another_pairings_materials_answer_404(people, materials_dir):
    link = material_share_link(pairing=people.pairing, by=people.bob, url="https://example.org/a")
    charlie = bearer(people.charlie)

    assert charlie.get(url(people.pairing)).status_code == 404
    assert charlie.post(url(people.pairing), {"url": "https://x.example"}).status_code == 404
    assert charlie.get(f"/api/v1/materials/{link.pk}/download/").status_code == 404
    assert Material.objects.count() == 1
