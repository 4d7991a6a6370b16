"""Admin-run matching from the database: run, review, lock, forbid, re-run, publish."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.services import user_make_programme_admin
from matching.models import MatchRun, PairConstraint, ProposedPair
from matching.services.match_runs import match_run_create, match_run_publish
from pairings.models import Pairing
from pairings.services.pairings import pairing_decline
from programmes.services.questions import question_create
from tests.factories import (
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db


def _enrol(cohort, role, name, **profile):
    traits = {"mentor": True} if role == "mentor" else {"mentee": True}
    user = ProfileFactory(**traits, user__display_name=name, **profile).user
    capacity = 1 if role == "mentor" else None
    EnrolmentFactory(cohort=cohort, user=user, role=role, capacity=capacity)
    return user


@pytest.fixture
def people(cohort):
    """Two mentors (capacity 1) and three mentees; Kofi speaks no language a mentor speaks."""
    return {
        "ada": _enrol(cohort, "mentor", "Ada", field="technology"),
        "ben": _enrol(cohort, "mentor", "Ben", field="finance"),
        "cleo": _enrol(cohort, "mentee", "Cleo", field="technology"),
        "dev": _enrol(cohort, "mentee", "Dev", field="finance"),
        "kofi": _enrol(cohort, "mentee", "Kofi", languages=["sw"]),
    }


def test_a_run_proposes_the_best_pairs_and_explains_who_is_left_out(cohort, people, mentor):
    run = match_run_create(cohort=cohort, by=None)

    pairs = {(p.mentee.name, p.mentor.name) for p in run.pairs.select_related("mentee", "mentor")}
    assert pairs == {("Cleo", "Ada"), ("Dev", "Ben")}
    assert (run.matched_count, run.mentee_count) == (2, 3)
    assert run.status == MatchRun.Status.DRAFT
    reasons = {row["person_id"]: row["reason"] for row in run.unmatched}
    assert reasons[people["kofi"].pk] == "No mentor shares a language."
    pair = run.pairs.get(mentee=people["cleo"])
    assert pair.criteria["field"] == 1.0
    assert pair.score > 0


def test_a_forbidden_pair_is_never_proposed_and_a_lock_is_kept(client, cohort, people):
    client.force_login(cohort.admins.get())
    url = reverse("matching:match_pair", args=[cohort.pk])
    client.post(url, {"mentee": people["cleo"].pk, "mentor": people["ada"].pk, "action": "forbid"})
    client.post(url, {"mentee": people["dev"].pk, "mentor": people["ada"].pk, "action": "lock"})

    client.post(reverse("matching:match_run", args=[cohort.pk]))

    run = MatchRun.objects.get(cohort=cohort, status=MatchRun.Status.DRAFT)
    pairs = {(p.mentee_id, p.mentor_id): p.locked for p in run.pairs.all()}
    assert pairs[(people["dev"].pk, people["ada"].pk)] is True
    assert (people["cleo"].pk, people["ada"].pk) not in pairs
    assert pairs[(people["cleo"].pk, people["ben"].pk)] is False


def test_a_rerun_supersedes_the_draft_and_keeps_accepted_pairings(cohort, people):
    first = match_run_create(cohort=cohort, by=None)
    PairingFactory(cohort=cohort, mentor=people["ben"], mentee=people["cleo"])

    second = match_run_create(cohort=cohort, by=None)

    first.refresh_from_db()
    assert first.status == MatchRun.Status.SUPERSEDED
    kept = second.pairs.get(mentee=people["cleo"])
    assert (kept.mentor_id, kept.locked) == (people["ben"].pk, True)


def test_publishing_proposes_pairings_and_emails_each_mentor_once(
    cohort, people, mailoutbox, django_capture_on_commit_callbacks
):
    run = match_run_create(cohort=cohort, by=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert len(match_run_publish(run=run)) == 2

    assert Pairing.objects.filter(cohort=cohort, status=Pairing.Status.PROPOSED).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people["ada"].email, people["ben"].email])
    assert "proposed" in mailoutbox[0].subject
    with pytest.raises(Exception, match="latest draft"):
        match_run_publish(run=run)


def test_the_review_page_lists_lowest_scores_first_with_each_criterion(
    client, cohort, people, django_assert_max_num_queries
):
    match_run_create(cohort=cohort, by=None)
    client.force_login(cohort.admins.get())

    with django_assert_max_num_queries(15):  # 13 + the second-factor check + the questions
        response = client.get(reverse("matching:match", args=[cohort.pk]))

    html = response.content.decode()
    pairs = list(response.context["page"].object_list)
    assert [p.score for p in pairs] == sorted(p.score for p in pairs)
    assert "No mentor shares a language." in html
    assert "Kofi" in html
    assert pairs[0].percents[0] in (0, 100)


def test_the_review_page_lists_the_cohorts_people_and_who_has_not_answered_in_fixed_queries(
    client, cohort, people, django_assert_num_queries
):
    EnrolmentFactory(cohort=cohort, role="mentee", answered_at=None)
    match_run_create(cohort=cohort, by=None)
    client.force_login(cohort.admins.get())
    url = reverse("matching:match", args=[cohort.pk])
    # session, user, admin check, second factor, cohort, run, questions, locks, pairs (a first
    # page that holds them all needs no count), the people left out, the cohort's people (both
    # lists and the count of those who have not answered), the menu's unread count
    with django_assert_num_queries(12):
        client.get(url)
    for n in range(4):
        _enrol(cohort, "mentor", f"Zed {n}")
    EnrolmentFactory(cohort=cohort, role="mentor", answered_at=None)

    with django_assert_num_queries(12):
        response = client.get(url)

    form = response.context["pair_form"]
    mentees = [str(label) for _value, label in form.fields["mentee"].widget.choices][1:]
    mentors = [str(label) for _value, label in form.fields["mentor"].widget.choices][1:]
    assert {"Cleo", "Dev", "Kofi"} < set(mentees)
    assert len(mentees) == 4
    assert {"Ada", "Ben", "Zed 0", "Zed 3"} < set(mentors)
    assert len(mentors) == 7
    assert "2 participants have not answered" in response.content.decode()


def test_the_swap_preview_shows_the_new_score_or_why_it_cannot_be(client, cohort, people):
    client.force_login(cohort.admins.get())
    url = reverse("matching:match_swap_preview", args=[cohort.pk])

    fits = client.get(url, {"mentee": people["cleo"].pk, "mentor": people["ben"].pk})
    never = client.get(url, {"mentee": people["kofi"].pk, "mentor": people["ben"].pk})

    assert "would score" in fits.content.decode()
    assert "never be matched" in never.content.decode()


def test_the_swap_preview_scores_the_chosen_pair_when_the_mentor_is_also_a_mentee(
    client, cohort, people
):
    EnrolmentFactory(cohort=cohort, user=people["ben"], role="mentee")
    client.force_login(cohort.admins.get())
    url = reverse("matching:match_swap_preview", args=[cohort.pk])

    response = client.get(url, {"mentee": people["cleo"].pk, "mentor": people["ben"].pk})

    assert "would score" in response.content.decode()


def test_run_matching_command_prints_a_summary(cohort, people):
    out = io.StringIO()

    call_command("run_matching", str(cohort.pk), stdout=out)

    text = out.getvalue()
    assert "2 of 3 mentees matched" in text
    assert "No mentor shares a language." in text
    assert MatchRun.objects.filter(cohort=cohort).count() == 1


def test_locks_replace_each_other_per_mentee(client, cohort, people):
    client.force_login(cohort.admins.get())
    url = reverse("matching:match_pair", args=[cohort.pk])

    for mentor in ("ada", "ben"):
        client.post(
            url, {"mentee": people["dev"].pk, "mentor": people[mentor].pk, "action": "lock"}
        )

    locks = PairConstraint.objects.filter(cohort=cohort, kind="lock")
    assert [(c.mentee_id, c.mentor_id) for c in locks] == [(people["dev"].pk, people["ben"].pk)]


def test_matching_needs_both_mentees_and_mentors(client, cohort):
    client.force_login(cohort.admins.get())

    response = client.post(reverse("matching:match_run", args=[cohort.pk]), follow=True)

    assert "Enrol at least one mentee and one mentor" in response.content.decode()


def test_another_cohorts_admin_can_neither_run_nor_publish(client, cohort, people, other_cohort):
    run = match_run_create(cohort=cohort, by=None)
    outsider = other_cohort.admins.get()
    user_make_programme_admin(user=outsider)
    second_factor_add(outsider)
    client.force_login(outsider)

    assert client.post(reverse("matching:match_run", args=[cohort.pk])).status_code == 404
    publish = reverse("matching:match_publish", args=[cohort.pk, run.pk])
    assert client.post(publish).status_code == 404
    assert not Pairing.objects.exists()


def test_more_locks_than_a_mentor_has_places_is_explained_not_a_crash(client, cohort, people):
    client.force_login(cohort.admins.get())
    url = reverse("matching:match_pair", args=[cohort.pk])
    for mentee in ("cleo", "dev"):  # Ada has one place
        client.post(
            url, {"mentee": people[mentee].pk, "mentor": people["ada"].pk, "action": "lock"}
        )

    response = client.post(reverse("matching:match_run", args=[cohort.pk]), follow=True)

    assert response.status_code == 200
    assert "Matching cannot run as things stand" in response.content.decode()
    assert not MatchRun.objects.filter(cohort=cohort).exists()


def test_publishing_counts_proposals_and_the_mentors_asked_each_rightly(client, cohort, people):
    Enrolment = people["ada"].enrolments.model
    Enrolment.objects.filter(cohort=cohort, user=people["ada"]).update(capacity=2)
    _enrol(cohort, "mentee", "Eve", field="technology")
    run = match_run_create(cohort=cohort, by=None)
    assert run.matched_count == 3  # Ada takes two
    client.force_login(cohort.admins.get())

    response = client.post(reverse("matching:match_publish", args=[cohort.pk, run.pk]), follow=True)

    page = response.content.decode()
    assert "Published: 3 new proposals. 2 mentors are asked by email to accept or decline." in page


def test_the_published_proposal_shows_a_declined_pair_as_declined(client, cohort, people):
    run = match_run_create(cohort=cohort, by=None)
    proposed = match_run_publish(run=run)
    declined = next(p for p in proposed if p.mentee_id == people["cleo"].pk)
    pairing_decline(pairing=declined, by=declined.mentor, note="No time this term")
    client.force_login(cohort.admins.get())

    page = client.get(reverse("matching:match", args=[cohort.pk])).content.decode()

    assert '<s>Ada</s> <span class="badge">declined</span>' in page
    assert "Cleo waits for a mentor: see the cohort page." in page
    assert "<s>Ben</s>" not in page


def test_a_weighted_choice_question_pairs_the_same_answers_and_says_why(client, cohort):
    site = question_create(
        cohort=cohort, label="Site", kind="single", choices=["Leeds", "Lyon"], match_weight=2
    )
    people = {}
    for role, name, answer in (
        ("mentor", "Ada", "Leeds"),
        ("mentor", "Ben", "Lyon"),
        ("mentee", "Cleo", "Lyon"),
        ("mentee", "Dev", "Leeds"),
    ):
        people[name] = _enrol(cohort, role, name, field="technology")
        people[name].enrolments.update(answers={str(site.pk): answer})

    run = match_run_create(cohort=cohort, by=None)

    pairs = {(p.mentee.name, p.mentor.name) for p in run.pairs.select_related("mentee", "mentor")}
    assert pairs == {("Cleo", "Ben"), ("Dev", "Ada")}
    assert run.pairs.get(mentee=people["Cleo"]).criteria[site.key] == 1.0
    assert run.weights[site.key] == 2.0
    client.force_login(cohort.admins.get())
    html = client.get(reverse("matching:match", args=[cohort.pk])).content.decode()
    assert "Same answer: Site" in html


def test_with_weight_zero_a_question_does_not_change_the_scores(cohort):
    site = question_create(
        cohort=cohort, label="Site", kind="single", choices=["Leeds", "Lyon"], match_weight=0
    )
    mentor = _enrol(cohort, "mentor", "Ada")
    mentee = _enrol(cohort, "mentee", "Cleo")
    mentor.enrolments.update(answers={str(site.pk): "Leeds"})
    before = match_run_create(cohort=cohort, by=None).pairs.get().score
    mentee.enrolments.update(answers={str(site.pk): "Leeds"})

    pair = match_run_create(cohort=cohort, by=None).pairs.get()

    assert pair.score == before
    assert site.key not in pair.criteria


def test_a_run_of_more_pairs_than_a_page_is_paged_as_before(
    client, cohort, people, django_assert_num_queries
):
    run = match_run_create(cohort=cohort, by=None)
    mentor = run.pairs.first().mentor
    ProposedPair.objects.bulk_create(
        ProposedPair(run=run, mentee=UserFactory(), mentor=mentor, score=0.5) for _ in range(55)
    )
    total = run.pairs.count()
    client.force_login(cohort.admins.get())
    url = reverse("matching:match", args=[cohort.pk])

    with django_assert_num_queries(13):  # the first page of a longer list is counted
        first = client.get(url)
    second = client.get(url, {"page": "2"})

    assert first.context["page"].paginator.count == total
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == total - 50
    assert 'class="pagination"' in first.content.decode()


def test_the_review_pages_reads_compiled_once_give_what_the_orm_gives(
    client, cohort, people, other_cohort, monkeypatch
):
    """The page's reads go through mentoring.prepared: the same rows as the ORM's querysets,
    for a first page that holds every pair, one that does not (counted), and a later page; the
    cohort only for those who run it."""
    from django.core.paginator import Paginator
    from django.http import Http404

    from matching.selectors import match_runs as selectors

    match_run_create(cohort=cohort, by=None)
    run = selectors.match_run_current(cohort=cohort)
    assert run == cohort.match_runs.exclude(status="superseded").order_by("-created_at").first()
    assert run.cohort is cohort
    pairs = list(selectors.proposed_pairs(run=run))
    for per_page, number in ((50, None), (1, None), (1, "1"), (1, "2")):
        page = selectors.proposed_pairs_page(run=run, per_page=per_page, number=number)
        expected = Paginator(pairs, per_page).get_page(number)
        assert [(p.pk, p.pairing_status, p.mentee.name, p.mentor.name) for p in page] == [
            (p.pk, p.pairing_status, p.mentee.name, p.mentor.name) for p in expected
        ]
        assert (page.number, page.paginator.count) == (expected.number, len(pairs))

    admin = cohort.admins.get()
    assert selectors.cohort_get_for_match_page(user=admin, cohort_id=cohort.pk) == cohort
    for user, cohort_id in ((admin, other_cohort.pk), (admin, 987_654_999)):
        with pytest.raises(Http404):
            selectors.cohort_get_for_match_page(user=user, cohort_id=cohort_id)
    admin.is_active = False
    with pytest.raises(Http404):
        selectors.cohort_get_for_match_page(user=admin, cohort_id=cohort.pk)
