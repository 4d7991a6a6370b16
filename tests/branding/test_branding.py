"""Staff set the organisation's name, logo and main colour in the admin; every page follows."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branding.models import Branding, validate_main_colour
from branding.selectors import branding_forget

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _fresh_cache():
    branding_forget()
    yield
    branding_forget()


@pytest.mark.parametrize("colour", ["red", "#12345", "#gg0000", "1f6f5c"])
def test_a_main_colour_must_be_a_hex_colour(colour):
    with pytest.raises(ValidationError):
        validate_main_colour(colour)


def test_a_main_colour_too_light_for_white_text_is_refused():
    with pytest.raises(ValidationError, match="hard to read"):
        validate_main_colour("#f5d76e")
    validate_main_colour("#1f6f5c")


def test_pages_show_the_default_name_and_colour_before_staff_set_any(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "<span>Mentoring</span>" in page
    css = client.get(reverse("branding:css"))
    assert css["Content-Type"].startswith("text/css")
    assert "--brand: #1f6f5c" in css.content.decode()


def test_a_name_and_colour_saved_in_the_admin_reach_every_page(client, db):
    Branding(name="Acme mentoring", main_colour="#5b2a86").save()
    branding_forget()  # the admin's save does this
    page = client.get(reverse("account_login")).content.decode()
    assert "<span>Acme mentoring</span>" in page
    assert "· Acme mentoring</title>" in page
    assert "--brand: #5b2a86" in client.get(reverse("branding:css")).content.decode()


def test_the_branding_is_read_from_the_cache_not_the_database(
    client, db, django_assert_num_queries
):
    client.get(reverse("branding:css"))
    with django_assert_num_queries(0):
        client.get(reverse("branding:css"))


def test_a_png_logo_is_served_and_shown_beside_the_name(client, db, monkeypatch):
    # The field's storage was fixed at import: swap it on the field itself (DESIGN.md).
    monkeypatch.setattr(Branding._meta.get_field("logo"), "storage", InMemoryStorage())
    branding = Branding(name="Acme")
    branding.logo.save("logo.png", SimpleUploadedFile("logo.png", PNG), save=True)
    branding_forget()
    page = client.get(reverse("account_login")).content.decode()
    assert f'src="{reverse("branding:logo")}?v=' in page
    response = client.get(reverse("branding:logo"))
    assert response["Content-Type"] == "image/png"


def test_a_logo_that_is_no_png_or_jpeg_is_refused():
    from branding.models import validate_logo

    with pytest.raises(ValidationError, match="PNG or JPEG"):
        validate_logo(SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>"))


def test_the_admin_opens_the_one_branding_row(admin_client):
    response = admin_client.get(reverse("admin:branding_branding_changelist"))
    assert response.status_code == 302
    installation = Branding.objects.get(organisation__isnull=True)
    assert response["Location"] == reverse("admin:branding_branding_change", args=[installation.pk])


def test_a_page_that_is_not_found_has_the_apps_look_and_a_way_home(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert "site-header" in page
    assert f'href="{reverse("home")}" role="button"' in page


@pytest.mark.parametrize(
    ("template", "words"),
    [("500.html", "Something went wrong on our side"), ("403_csrf.html", "The form had expired")],
)
def test_error_pages_render_without_a_request_in_the_apps_look(db, template, words):
    from django.template.loader import render_to_string

    page = render_to_string(template)  # as Django's server_error and csrf_failure do
    assert words in page
    assert "site-header" in page


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Grace Kim", "GK"),
        ("Amara Okafor-Bello", "AO"),
        ("nadia.haddad", "NH"),
        ("Zara", "Z"),
        ("", "?"),
    ],
)
def test_an_avatar_shows_the_initials_of_the_first_and_last_name(name, letters):
    from branding.templatetags.ui import initials

    assert initials(name) == letters
