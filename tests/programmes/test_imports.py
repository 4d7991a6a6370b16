"""CSV uploads of participants: checked files, row errors by line, batches, progress, re-runs."""

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_make_programme_admin
from programmes.models import Enrolment, ImportJob, Invite
from programmes.services import imports
from programmes.services.imports import import_run
from tests.factories import UserFactory, second_factor_add

pytestmark = pytest.mark.django_db

HEADER = "email,name,role,department,manager_email"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def _file(content: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _upload(client, cohort, upload, capture, *, execute=True):
    with capture(execute=execute):
        return client.post(reverse("programmes:import_upload", args=[cohort.pk]), {"file": upload})


def _people(count: int, *, start: int = 0) -> str:
    rows = (f"person{n}@example.com,Person {n},mentee,Sales," for n in range(start, start + count))
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def dana(client, programme_admin):
    client.force_login(programme_admin)
    return client


def test_valid_rows_are_invited_and_each_invalid_row_is_listed_with_its_line_and_reason(
    dana, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    content = "\n".join(
        [
            HEADER,
            "Ada@Example.org, Ada Lovelace ,MENTEE,Research,charles@example.org",  # 2
            "not-an-email,Bad Email,mentee,,",  # 3
            "grace@example.org,Grace Hopper,coach,,",  # 4
            "linus@example.org,,mentor,,",  # 5
            "ada@example.org,Ada Again,mentee,,",  # 6
            "ken@example.org,Ken Thompson,mentor,,ken@example.org",  # 7
            "dennis@example.org,Dennis Ritchie,mentor",  # 8
            "ada@example.org,Ada Lovelace,Mentor,,",  # 9: the same person, another role
            "",
            '"barbara@example.org","Barbara',  # 11: a quoted name over two lines
            'Liskov",mentor,,',
            "margaret@example.org,Margaret Hamilton,mentor,,nobody@",  # 13
        ]
    )

    response = _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.url == reverse("programmes:import_detail", args=[cohort.pk, job.pk])
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_count) == (10, 10, 3)
    assert job.content == ""  # the uploaded file is dropped once imported
    assert "@" not in str(job.errors)  # the reasons name lines, never addresses
    assert job.errors == [
        {"line": 3, "reason": "Email is not a valid email address."},
        {"line": 4, "reason": "Role “coach” is neither mentor nor mentee."},
        {"line": 5, "reason": "Name is missing."},
        {"line": 6, "reason": "Same email and role as line 2: each person once per role."},
        {"line": 7, "reason": "Manager email is the person's own email."},
        {"line": 8, "reason": "This row has 3 values; the header has 5 columns."},
        {
            "line": 13,
            "reason": "Manager email is not a valid email address.",
        },
    ]
    ada = Invite.objects.get(email="ada@example.org", role="mentee")
    assert (ada.name, ada.department, ada.manager_email) == (
        "Ada Lovelace",
        "Research",
        "charles@example.org",
    )
    assert Invite.objects.filter(email="ada@example.org", role="mentor").exists()
    assert Invite.objects.get(email="barbara@example.org").name == "Barbara Liskov"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ada@example.org",
        "ada@example.org",
        "barbara@example.org",
    ]


def test_the_detail_page_lists_the_refused_rows_by_line(
    dana, cohort, django_capture_on_commit_callbacks
):
    content = f"{HEADER}\nada@example.org,Ada,mentee,,\nbad,Bad,mentee,,\n"
    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    html = dana.get(reverse("programmes:import_detail", args=[cohort.pk, job.pk])).content
    html = html.decode()

    assert "<td>3</td><td>Email is not a valid email address.</td>" in html
    assert '<progress value="2" max="2">' in html
    assert "hx-trigger" not in html  # finished: nothing left to poll


def test_uploading_the_same_file_twice_creates_nothing_new(
    dana, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    content = (
        f"{HEADER}\nada@example.org,Ada,mentee,,\ngrace@example.org,Grace,mentor,,\nx,X,mentee,,\n"
    )

    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)
    _upload(dana, cohort, _file(content.upper()), django_capture_on_commit_callbacks)

    first, second = ImportJob.objects.order_by("pk")
    assert (first.created_count, first.unchanged_count, len(first.errors)) == (2, 0, 1)
    assert (second.created_count, second.unchanged_count, len(second.errors)) == (0, 2, 1)
    assert Invite.objects.count() == 2
    assert len(mailoutbox) == 2


def test_columns_may_come_in_any_order_and_case_and_optional_ones_may_be_left_out(
    dana, cohort, django_capture_on_commit_callbacks
):
    content = "Role,EMAIL, Name \nMentor,grace@example.org,Grace Hopper\n"

    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    invite = Invite.objects.get()
    assert (invite.email, invite.name, invite.role, invite.department) == (
        "grace@example.org",
        "Grace Hopper",
        "mentor",
        "",
    )


def test_people_with_an_account_are_invited_like_anyone_and_joined_only_when_they_accept(
    dana, cohort, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    mentee.profile.goals = "Private: find a job outside the company."
    mentee.profile.save(update_fields=["goals"])
    UserFactory(email="pending@example.org", verified=False)
    content = (
        f"{HEADER}\nALICE@example.org,Alice,mentee,Sales,boss@example.org\n"
        "pending@example.org,Pending,mentee,,\n"
        "nobody@example.org,Nobody,mentee,,\n"
    )

    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    # Nobody is in the cohort, and nothing of anyone's profile reached it.
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice@example.org",
        "nobody@example.org",
        "pending@example.org",
    ]
    # The admin's result cannot tell who has an account.
    job = ImportJob.objects.get()
    assert (job.created_count, job.unchanged_count, job.errors) == (3, 0, [])

    alice = Client()
    alice.force_login(mentee)
    invite = Invite.objects.get(email="alice@example.org")
    dashboard = alice.get(reverse("home:dashboard")).content.decode()
    assert "Invitations waiting for you" in dashboard
    assert reverse("programmes:join", args=[invite.token]) in dashboard

    alice.post(reverse("programmes:join", args=[invite.token]))

    enrolment = Enrolment.objects.get(cohort=cohort)
    assert (enrolment.user, enrolment.role, enrolment.department, enrolment.manager_email) == (
        mentee,
        "mentee",
        "Sales",
        "boss@example.org",
    )
    assert enrolment.goals == "Private: find a job outside the company."
    assert (
        "Invitations waiting for you" not in alice.get(reverse("home:dashboard")).content.decode()
    )


def test_an_invitation_to_another_persons_address_is_not_offered(client, cohort, mentee):
    Invite.objects.create(
        cohort=cohort,
        role="mentee",
        email="someone-else@example.org",
        expires_at=timezone.now() + timedelta(days=7),
    )
    client.force_login(mentee)

    assert (
        "Invitations waiting for you" not in client.get(reverse("home:dashboard")).content.decode()
    )


def test_the_invitation_email_names_the_cohort_the_role_and_carries_the_join_link(
    dana, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    content = f"{HEADER}\nada@example.org,Ada Lovelace,mentor,,\n"

    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    invite = Invite.objects.get()
    (email,) = mailoutbox
    link = f"http://testserver/programmes/join/{invite.token}/"
    assert email.subject == "[Mentoring] You are invited to join Spring cohort as a mentor"
    assert email.body.startswith("Hello Ada Lovelace,")
    assert "Dana Admin invites you to join Spring cohort as a mentor." in email.body
    assert "(ada@example.org)" in email.body
    assert link in email.body
    assert f'<a href="{link}">' in email.alternatives[0][0]
    assert invite.emailed_at is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("email,name\nada@example.org,Ada\n", "The header lacks these columns: role."),
        (
            "email,name,role,phone,notes\nada@example.org,Ada,mentee,123,x\n",
            "Unknown columns: phone, notes.",
        ),
        ("ada@example.org,Ada,mentee\n", "Unknown columns: ada@example.org, ada, mentee."),
        ("email,name,role,email\n", "more than once: email."),
        ("email;name;role\nada@example.org;Ada;mentee\n", "separated by semicolons"),
        ('email,name,role\n"ada@example.org,Ada,mentee\n', "Line 2 is not valid CSV"),
        (HEADER + "\n", "This file has a header but no rows of people."),
        ("", "The submitted file is empty."),
        ("   \n\n", "This file is empty."),
        (PNG, "This is not a CSV file: it looks like an image"),
        ("email,name,role\nada@example.org,Ada,mentee\n".encode("utf-16"), "saved as UTF-16"),
        ("email,name,role\nzoë@example.org,Zoë,mentee\n".encode("latin-1"), "not UTF-8 text"),
    ],
    ids=[
        "missing column",
        "unknown columns",
        "no header",
        "repeated column",
        "semicolons",
        "unclosed quote",
        "header only",
        "zero bytes",
        "blank",
        "png",
        "utf-16",
        "latin-1",
    ],
)
def test_a_file_that_is_not_a_usable_csv_is_refused_with_a_clear_message(
    dana, cohort, django_capture_on_commit_callbacks, content, message
):
    response = _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert message in str(response.context["upload_form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_csv_with_a_byte_order_mark_is_read_as_utf8(
    dana, cohort, django_capture_on_commit_callbacks
):
    content = "\ufeffemail,name,role\nzoe@example.org,Zoë Ça,mentee\n".encode()

    _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    assert Invite.objects.get().name == "Zoë Ça"


def test_a_file_over_5_mb_is_refused(dana, cohort, django_capture_on_commit_callbacks):
    content = _people(1) + "," * (6 * 1024 * 1024)

    response = _upload(dana, cohort, _file(content), django_capture_on_commit_callbacks)

    assert "This file is over the 5.0\xa0MB limit." in str(
        response.context["upload_form"].errors["file"]
    )
    assert not ImportJob.objects.exists()


def test_a_file_over_50000_rows_is_refused(dana, cohort, django_capture_on_commit_callbacks):
    response = _upload(dana, cohort, _file(_people(50_001)), django_capture_on_commit_callbacks)

    assert "This file has 50,001 rows; the limit is 50,000." in str(
        response.context["upload_form"].errors["file"]
    )


def test_a_50000_row_file_is_imported_in_batches_and_emails_are_queued_per_batch(
    dana, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    _upload(dana, cohort, _file(_people(50_000)), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    assert (job.status, job.total_rows) == (ImportJob.Status.QUEUED, 50_000)

    started = time.perf_counter()
    with django_capture_on_commit_callbacks() as email_batches:
        import_run(job_id=job.pk)
    seconds = time.perf_counter() - started

    job.refresh_from_db()
    print(f"50,000 rows imported in {seconds:.1f} s")  # shown with -s
    assert seconds < imports.IMPORT_RUN_SECONDS  # one task run, well inside its time limit
    assert (job.status, job.processed_rows, job.created_count) == ("done", 50_000, 50_000)
    assert Invite.objects.filter(cohort=cohort).count() == 50_000
    assert len(email_batches) == 100  # one callback per batch of 500, not one for all
    email_batches[0]()
    assert len(mailoutbox) == 500


def test_progress_is_kept_per_batch_and_a_run_killed_mid_way_continues_where_it_stopped(
    dana, cohort, monkeypatch, django_capture_on_commit_callbacks
):
    _upload(dana, cohort, _file(_people(1_200)), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    monkeypatch.setattr(imports, "IMPORT_RUN_SECONDS", 0)  # stop after each batch

    with django_capture_on_commit_callbacks() as queued:
        import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("running", 500, 500)
    assert len(queued) == 2  # the batch's emails, and the task for the rest
    detail = reverse("programmes:import_detail", args=[cohort.pk, job.pk])
    page = dana.get(detail).content.decode()
    assert '<progress value="500" max="1200">' in page
    assert "500 of 1200 rows read." in page
    progress = reverse("programmes:import_progress", args=[cohort.pk, job.pk])
    partial = dana.get(progress).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert f'hx-get="{progress}"' in partial

    with django_capture_on_commit_callbacks():
        import_run(job_id=job.pk)  # the redelivered task
        import_run(job_id=job.pk)  # and the one queued for the rest
        import_run(job_id=job.pk)
        import_run(job_id=job.pk)  # a late duplicate: the job is finished

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("done", 1_200, 1_200)
    assert Invite.objects.count() == 1_200
    assert "hx-trigger" not in dana.get(progress).content.decode()


def test_a_finished_import_run_again_does_nothing(
    dana, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    _upload(dana, cohort, _file(_people(3)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.created_count, job.unchanged_count, job.processed_rows) == (3, 0, 3)
    assert callbacks == []
    assert len(mailoutbox) == 3


def test_the_invites_page_lists_recent_uploads_with_their_counts(
    dana, cohort, django_capture_on_commit_callbacks
):
    _upload(
        dana, cohort, _file(f"{_people(2)}bad,Bad,mentee,,\n"), django_capture_on_commit_callbacks
    )

    html = dana.get(reverse("programmes:invites", args=[cohort.pk])).content.decode()

    job = ImportJob.objects.get()
    assert f'href="{reverse("programmes:import_detail", args=[cohort.pk, job.pk])}"' in html
    assert "<td>2</td><td>0</td><td>1</td>" in html
    assert "2 people invited so far; 0 joined." in html


def test_another_cohorts_admin_gets_404_for_this_cohorts_uploads(
    client, cohort, other_cohort, programme_admin, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    _upload(client, cohort, _file(_people(1)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    olga = other_cohort.admins.get()
    user_make_programme_admin(user=olga)
    second_factor_add(olga)
    client.force_login(olga)

    for url in (
        reverse("programmes:import_detail", args=[cohort.pk, job.pk]),
        reverse("programmes:import_progress", args=[cohort.pk, job.pk]),
        reverse("programmes:import_detail", args=[other_cohort.pk, job.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = _upload(client, cohort, _file(_people(1)), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert ImportJob.objects.count() == 1


def test_a_non_admin_gets_403_and_a_visitor_is_sent_to_login_for_uploads(
    client, cohort, mentee, django_capture_on_commit_callbacks
):
    job = ImportJob.objects.create(cohort=cohort, filename="x.csv", content=_people(1))
    urls = [
        reverse("programmes:import_detail", args=[cohort.pk, job.pk]),
        reverse("programmes:import_progress", args=[cohort.pk, job.pk]),
    ]

    for url in urls:
        assert client.get(url).url.startswith(reverse("account_login"))
    client.force_login(mentee)
    for url in urls:
        assert client.get(url).status_code == 403
    response = _upload(client, cohort, _file(_people(1)), django_capture_on_commit_callbacks)
    assert response.status_code == 403


def test_a_stored_file_with_a_bad_header_fails_with_its_reason_and_stops_the_polling(dana, cohort):
    job = ImportJob.objects.create(cohort=cohort, filename="x.csv", content="email,phone\n")

    import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    (error,) = job.errors
    assert error["line"] == 1
    assert error["reason"].startswith("Unknown columns: phone. Use only email, name, role")
    progress = reverse("programmes:import_progress", args=[cohort.pk, job.pk])
    partial = dana.get(progress).content.decode()
    assert "Failed" in partial
    assert "hx-trigger" not in partial
