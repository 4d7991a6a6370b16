"""Shared materials in an S3-compatible bucket (MATERIALS_STORAGE=s3), as production with more
than one machine runs them: a real S3 server (moto's, started here on 127.0.0.1), the storage
built by the settings from the same environment variables production sets, a file shared
through the materials page, read back by the partner through the site, refused to another
pairing's person, and private in the bucket."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from exchange.models import Material
from tests.integration.support import free_port

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
BUCKET = "mentoring-materials"
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """moto's S3-compatible server in its own process, on a free port of 127.0.0.1."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start: {log.read_text()}")
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def production_env(s3_endpoint: str) -> dict[str, str]:
    """The variables production sets for a bucket (.env.example documents them)."""
    return {
        "MATERIALS_STORAGE": "s3",
        "MATERIALS_S3_BUCKET": BUCKET,
        "MATERIALS_S3_ENDPOINT_URL": s3_endpoint,
        "MATERIALS_S3_REGION": "eu-west-1",
        "MATERIALS_S3_ACCESS_KEY_ID": "mentoring-test-key",
        "MATERIALS_S3_SECRET_ACCESS_KEY": "mentoring-test-secret",
    }


@pytest.fixture(scope="module")
def materials_setting(production_env: dict[str, str]) -> dict:
    """STORAGES["materials"] as the settings module builds it from those variables: read from
    a fresh process, since settings are read once per process."""
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['materials']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
            **production_env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def bucket(production_env: dict[str, str]):
    """A new, empty bucket (as an operator makes it: private), and a client to look inside."""
    s3 = boto3.client(
        "s3",
        endpoint_url=production_env["MATERIALS_S3_ENDPOINT_URL"],
        region_name=production_env["MATERIALS_S3_REGION"],
        aws_access_key_id=production_env["MATERIALS_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=production_env["MATERIALS_S3_SECRET_ACCESS_KEY"],
    )
    s3.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": production_env["MATERIALS_S3_REGION"]},
    )
    yield s3
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_materials(materials_setting: dict, bucket) -> Iterator[None]:
    stores = {**settings.STORAGES, "materials": materials_setting}
    with override_settings(STORAGES=stores):
        # The field took its storage when the model was imported: point it at the bucket.
        field = Material._meta.get_field("file")
        before, field.storage = field.storage, storages["materials"]
        try:
            yield
        finally:
            field.storage = before


def anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http, built here)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_settings_build_a_private_s3_storage_from_the_environment(
    materials_setting, s3_endpoint
):
    options = materials_setting["OPTIONS"]
    assert materials_setting["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["endpoint_url"]) == (BUCKET, s3_endpoint)
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True


def test_a_material_goes_to_the_bucket_and_only_the_pairing_gets_it_back(
    client,
    pairing,
    mentee,
    mentor,
    other_pairing,
    other_mentee,
    bucket,
    s3_materials,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("exchange:materials", args=[pairing.pk]),
            {
                "material-file": SimpleUploadedFile("Agenda.pdf", PDF, "application/pdf"),
                "material-note": "Page 3, please.",
            },
            follow=True,
        )
    assert page.status_code == 200
    material = Material.objects.get()

    # In the bucket, under the name the row keeps, with the bytes, and private.
    [stored] = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == material.file.name
    assert stored["Key"].startswith(f"pairing-{pairing.pk}/")
    assert bucket.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert grants, "no ACL at all"
    assert not {g["Grantee"].get("URI") for g in grants} & PUBLIC_GRANTEES
    assert {g["Permission"] for g in grants} == {"FULL_CONTROL"}
    # Asked for without credentials, the server refuses it (and serves a public object, so
    # the refusal is the ACL's doing).
    endpoint = bucket.meta.endpoint_url
    assert anonymous_get(f"{endpoint}/{BUCKET}/{stored['Key']}") == 403
    bucket.put_object(Bucket=BUCKET, Key="control/public.txt", Body=b"x", ACL="public-read")
    assert anonymous_get(f"{endpoint}/{BUCKET}/control/public.txt") == 200
    bucket.delete_object(Bucket=BUCKET, Key="control/public.txt")

    # The partner's email, sent by the task (a worker in production), carries the file read
    # back from the bucket.
    [email] = [m for m in mailoutbox if mentor.email in m.to]
    assert email.attachments == [("Agenda.pdf", PDF, "application/pdf")]

    download = reverse("exchange:material_download", args=[material.pk])
    client.force_login(mentor)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Agenda.pdf"'

    client.force_login(other_mentee)
    assert client.get(download).status_code == 404

    # Withdrawn: gone from the bucket too.
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:material_withdraw", args=[material.pk]))
    assert bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
