"""Every address that names an object by id, tried by people who must not reach it.

The test reads the URL configuration. For every pattern that takes an id (or a token), it asks
for Alice and Bob's objects (cohort "Spring") as Charlie (a participant of another cohort),
Olga (the programme admin of another cohort, with her second factor), Oscar (the owner of
another organisation, running a cohort there, with his second factor), Rita (an admin of
another organisation who used to run Spring: her role in Spring's organisation is now member,
though the cohort still lists her) and an anonymous visitor, by GET and by POST. Each must get
404, 403 (405 for a method the page does not take) or the sign-in page (401 from the REST API
for the anonymous visitor), and nothing may change. A new pattern without an entry in
OBJECT_FOR fails the test until one is added.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.services import user_make_programme_admin
from api.models import ApiToken
from api.services import api_token_create
from branding.models import Branding
from chat.models import ChatConnection, ChatPost
from exchange.models import Material, Message
from exchange.services.materials import material_share_link
from exchange.services.messages import message_send
from exchange.services.opportunities import opportunity_share
from feedback.models import Feedback
from goals.models import Goal, Milestone
from goals.services import goal_create, milestone_add
from home.models import DataExport
from matching.models import MatchRun, MentorRequest
from mentoring.crypto import encrypt
from organisations.models import Membership, Role
from organisations.services import membership_ensure
from oversight.models import Announcement
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort, Enrolment, EnrolmentQuestion, ImportJob, Invite
from provisioning.models import ScimGroup, ScimToken
from provisioning.services.tokens import token_create
from sessions_app.models import (
    ActionItem,
    AgendaItem,
    Appointment,
    Availability,
    CalendarConnection,
    ConnectedCalendar,
    DateOverride,
)
from tests.factories import (
    PASSWORD,
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PairingFactory,
    ProfileFactory,
    cohort_admin_add,
    second_factor_add,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

# Patterns whose token is itself the permission: whoever holds the link may open it.
TOKEN_IS_THE_PERMISSION = {
    "programmes:join": "an invitation link; an unknown token answers 404",
    "sessions_app:feed": "a private calendar address; an unknown token answers 404",
    # The SCIM API: the organisation's bearer token is the permission; without one 401, with
    # another organisation's 404 (tests/provisioning/test_scim_users.py and test_groups.py).
    "scim:resource_type": "SCIM discovery: the same for every organisation, behind a token",
    "scim:schema": "SCIM discovery: the same for every organisation, behind a token",
    "scim:user": "an organisation's token sees only its own people (404 otherwise)",
    "scim:group": "an organisation's token sees only its own groups (404 otherwise)",
}


@pytest.fixture
def world(db) -> dict:
    """Alice (mentee) and Bob (mentor) in Dana's cohort, with one of everything."""
    dana = ProfileFactory(user__email="dana@example.org").user
    user_make_programme_admin(user=dana)
    second_factor_add(dana)
    cohort = CohortFactory(name="Spring", admins=[dana])
    bob = ProfileFactory(mentor=True, user__email="bob@example.org").user
    alice = ProfileFactory(mentee=True, user__email="alice@example.org").user
    EnrolmentFactory(cohort=cohort, user=bob, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=alice, role="mentee")
    pairing = PairingFactory(cohort=cohort, mentor=bob, mentee=alice)
    proposed = PairingFactory(cohort=cohort, mentor=bob, status=Pairing.Status.PROPOSED)
    now = timezone.now()
    appointment = AppointmentFactory(pairing=pairing, starts_at=now + timedelta(days=2))
    availability = Availability.objects.create(mentor=bob)
    opportunity = opportunity_share(
        mentor=bob,
        kind="event",
        title="Meetup",
        starts_at=now + timedelta(days=5),
        ends_at=None,
        location="",
        url="",
        note="",
        pairings=[pairing],
    )
    goal = goal_create(pairing=pairing, by=alice, title="Speak up in meetings")
    # A long one, waiting for Dana: ending it or deciding it would change its status.
    pause = PairingPause.objects.create(
        pairing=pairing,
        starts_on=now.date() + timedelta(days=10),
        ends_on=now.date() + timedelta(days=99),
        status=PairingPause.Status.AWAITING,
        requested_by=alice,
    )
    # Dana also owns an organisation of her own, where Bob is a member.
    northwind = OrganisationFactory(slug="northwind", name="Northwind Health")
    membership_ensure(organisation=northwind, user=dana, role=Role.OWNER)
    bobs_membership = membership_ensure(organisation=northwind, user=bob)
    northwind.domains.create(domain="northwind.example")
    webauthn = Authenticator.objects.create(
        user=alice, type=Authenticator.Type.WEBAUTHN, data={"name": "Alice's key"}
    )
    return {
        "cohort": cohort,
        "pairing": pairing,
        "proposed": proposed,
        "appointment": appointment,
        "message": message_send(pairing=pairing, sender=alice, body="Hello Bob"),
        "material": material_share_link(pairing=pairing, by=bob, url="https://example.org/a"),
        "opportunity": opportunity,
        "goal": goal,
        "milestone": milestone_add(goal=goal, by=alice, title="Ask one question"),
        "action_item": ActionItem.objects.create(
            appointment=appointment, author=alice, text="Draft the raise email"
        ),
        "agenda_item": AgendaItem.objects.create(
            appointment=appointment, author=alice, text="How do I ask for a raise?"
        ),
        "feedback": Feedback.objects.create(
            kind=Feedback.Kind.CHECK_IN, pairing=pairing, person=alice
        ),
        "override": DateOverride.objects.create(
            availability=availability, date=now.date() + timedelta(days=9), day_off=True
        ),
        "invite": Invite.objects.create(
            cohort=cohort, role="mentee", email="carol@example.org", expires_at=now + timedelta(7)
        ),
        "job": ImportJob.objects.create(cohort=cohort, uploaded_by=dana, filename="p.csv"),
        "question": EnrolmentQuestion.objects.create(
            cohort=cohort, label="Team?", kind="single", choices=["A", "B"]
        ),
        "run": MatchRun.objects.create(cohort=cohort, created_by=dana),
        "announcement": Announcement.objects.create(
            cohort=cohort, subject="Hello", body="Welcome", created_by=dana
        ),
        "request": MentorRequest.objects.create(
            cohort=cohort, mentee=alice, mentor=bob, expires_at=now + timedelta(days=3)
        ),
        "bob": bob,
        "scim_token": token_create(organisation=cohort.organisation, name="HR", by=dana)[0],
        "scim_group": ScimGroup.objects.create(
            organisation=cohort.organisation, display_name="Mentors 2027"
        ),
        "organisation": northwind,
        "membership": bobs_membership,
        "pause": pause,
        "webauthn": webauthn,
        "calendar": CalendarConnection.objects.create(
            user=alice, name="Work", url_encrypted=encrypt("https://example.org/alice.ics")
        ),
        "caldav": _caldav_account(alice),
        "api_token": api_token_create(user=alice, name="Diary", scope="read", expires_at=None)[0],
        "organisation_api_token": api_token_create(
            user=dana, organisation=northwind, name="Board", scope="read", expires_at=None
        )[0],
        "chat": ChatConnection.objects.create(
            cohort=cohort,
            service="slack",
            address_encrypted=encrypt("https://hooks.slack.com/services/T0/B0/secret"),
            address_hint="hooks.slack.com …cret",
        ),
        "export": DataExport.objects.create(
            user=alice, status=DataExport.Status.READY, file_name="exports/alice.zip"
        ),
        "webhook_delivery": _webhook_delivery(cohort.organisation, dana),
    }


def _caldav_account(owner) -> CalendarConnection:
    """A CalDAV account with one calendar that receives its owner's sessions."""
    account = CalendarConnection.objects.create(
        user=owner,
        kind=CalendarConnection.Kind.CALDAV,
        name="alice (dav.example.org)",
        url_encrypted=encrypt("https://dav.example.org/"),
        username="alice",
        password_encrypted=encrypt("app-password"),
    )
    ConnectedCalendar.objects.create(
        connection=account,
        user=owner,
        url="https://dav.example.org/alice/work/",
        name="Work",
        receives_sessions=True,
    )
    return account


def _webhook_delivery(organisation, owner) -> WebhookDelivery:
    """An endpoint of Dana's organisation with one delivery waiting in its log."""
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url="https://hooks.example.org/in",
        event_kinds=["session.booked"],
        secret_encrypted=encrypt("whsec_c2VjcmV0"),
        created_by=owner,
    )
    event = WebhookEvent.objects.create(
        organisation=organisation, kind="session.booked", payload={"type": "session.booked"}
    )
    return WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, next_attempt_at=timezone.now() + timedelta(days=1)
    )


# The objects of Alice and Bob each pattern names, by its keyword arguments.
OBJECT_FOR: dict[str, Callable[[dict], dict]] = {
    # Owners only: Olga runs a cohort of the same organisation but does not own it.
    "identity:settings": lambda w: {"slug": w["cohort"].organisation.slug},
    "home:pairing_detail": lambda w: {"pairing_id": w["pairing"].pk},
    "programmes:cohort_edit": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:enrolment": lambda w: {"cohort_id": w["cohort"].pk, "role": "mentee"},
    "programmes:directory": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:invites": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:invite_revoke": lambda w: {
        "cohort_id": w["cohort"].pk,
        "invite_id": w["invite"].pk,
    },
    "programmes:import_upload": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:questions": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:question_edit": lambda w: {
        "cohort_id": w["cohort"].pk,
        "question_id": w["question"].pk,
    },
    "programmes:question_delete": lambda w: {
        "cohort_id": w["cohort"].pk,
        "question_id": w["question"].pk,
    },
    "programmes:question_move": lambda w: {
        "cohort_id": w["cohort"].pk,
        "question_id": w["question"].pk,
    },
    "programmes:enrolments": lambda w: {"cohort_id": w["cohort"].pk},
    "programmes:import_detail": lambda w: {"cohort_id": w["cohort"].pk, "job_id": w["job"].pk},
    "programmes:import_progress": lambda w: {"cohort_id": w["cohort"].pk, "job_id": w["job"].pk},
    "pairings:agreement_detail": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:agreement_terms": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:agreement_acknowledge": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:pairing_accept": lambda w: {"pairing_id": w["proposed"].pk},
    "pairings:pairing_decline": lambda w: {"pairing_id": w["proposed"].pk},
    "pairings:pairing_close": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:pairing_admin_close": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:pause_declare": lambda w: {"pairing_id": w["pairing"].pk},
    "pairings:pause_end": lambda w: {"pause_id": w["pause"].pk},
    "pairings:pause_decide": lambda w: {"pause_id": w["pause"].pk},
    "matching:match": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:match_run": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:match_pair": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:match_swap_preview": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:match_publish": lambda w: {"cohort_id": w["cohort"].pk, "run_id": w["run"].pk},
    "matching:request_choose": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:request_create": lambda w: {"cohort_id": w["cohort"].pk},
    "matching:request_withdraw": lambda w: {"cohort_id": w["cohort"].pk, "mentor_id": w["bob"].pk},
    "matching:request_answer": lambda w: {"request_id": w["request"].pk},
    "goals:goal_list": lambda w: {"pairing_id": w["pairing"].pk},
    "goals:goal_create": lambda w: {"pairing_id": w["pairing"].pk},
    "goals:goal_detail": lambda w: {"goal_id": w["goal"].pk},
    "goals:goal_edit": lambda w: {"goal_id": w["goal"].pk},
    "goals:goal_status": lambda w: {"goal_id": w["goal"].pk},
    "goals:goal_milestones": lambda w: {"goal_id": w["goal"].pk},
    "goals:goal_updates": lambda w: {"goal_id": w["goal"].pk},
    "goals:cohort_goals": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:cohort_detail": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:cohort_report": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:cohort_export": lambda w: {"cohort_id": w["cohort"].pk, "kind": "pairings"},
    "oversight:cohort_pairings": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:mentee_wait_close": lambda w: {
        "cohort_id": w["cohort"].pk,
        "mentee_id": w["pairing"].mentee_id,
    },
    "oversight:pairing_health_snooze": lambda w: {"pairing_id": w["pairing"].pk},
    "oversight:pairing_health_unsnooze": lambda w: {"pairing_id": w["pairing"].pk},
    "oversight:pairing_nudge": lambda w: {"pairing_id": w["pairing"].pk},
    "oversight:pairing_rematch": lambda w: {"pairing_id": w["pairing"].pk},
    "oversight:announcement_list": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:cohort_trail": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:cohort_health_settings": lambda w: {"cohort_id": w["cohort"].pk},
    "oversight:announcement_new": lambda w: {"cohort_id": w["cohort"].pk},
    "chat:connections": lambda w: {"cohort_id": w["cohort"].pk},
    "chat:connection_update": lambda w: {"connection_id": w["chat"].pk},
    "chat:connection_test": lambda w: {"connection_id": w["chat"].pk},
    "chat:connection_remove": lambda w: {"connection_id": w["chat"].pk},
    "oversight:announcement_detail": lambda w: {"announcement_id": w["announcement"].pk},
    "oversight:announcement_progress": lambda w: {"announcement_id": w["announcement"].pk},
    "sessions_app:availability_override_remove": lambda w: {"override_id": w["override"].pk},
    "sessions_app:pairing_sessions": lambda w: {"pairing_id": w["pairing"].pk},
    "sessions_app:book": lambda w: {"pairing_id": w["pairing"].pk},
    "sessions_app:detail": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:ics": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:reschedule": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:cancel": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:series": lambda w: {"pairing_id": w["pairing"].pk},
    "sessions_app:agenda": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:notes": lambda w: {"appointment_id": w["appointment"].pk},
    "feedback:feedback_answer": lambda w: {"feedback_id": w["feedback"].pk},
    "feedback:session_feedback": lambda w: {"appointment_id": w["appointment"].pk},
    "sessions_app:goal_agenda": lambda w: {"goal_id": w["goal"].pk},
    "exchange:thread": lambda w: {"pairing_id": w["pairing"].pk},
    "exchange:thread_poll": lambda w: {"pairing_id": w["pairing"].pk},
    "exchange:thread_older": lambda w: {"pairing_id": w["pairing"].pk},
    "exchange:message_edit": lambda w: {"message_id": w["message"].pk},
    "exchange:message_delete": lambda w: {"message_id": w["message"].pk},
    "exchange:materials": lambda w: {"pairing_id": w["pairing"].pk},
    "exchange:material_download": lambda w: {"material_id": w["material"].pk},
    "exchange:material_withdraw": lambda w: {"material_id": w["material"].pk},
    "exchange:opportunity_detail": lambda w: {"opportunity_id": w["opportunity"].pk},
    "exchange:opportunity_respond": lambda w: {"opportunity_id": w["opportunity"].pk},
    "exchange:opportunity_ics": lambda w: {"opportunity_id": w["opportunity"].pk},
    "home:export_download": lambda w: {"token": w["export"].token},
    "organisations:detail": lambda w: {"slug": w["organisation"].slug},
    "organisations:admin_add": lambda w: {"slug": w["organisation"].slug},
    "organisations:domain_add": lambda w: {"slug": w["organisation"].slug},
    "organisations:branding": lambda w: {"slug": w["organisation"].slug},
    "organisations:membership_role": lambda w: {
        "slug": w["organisation"].slug,
        "membership_id": w["membership"].pk,
    },
    "organisations:membership_remove": lambda w: {
        "slug": w["organisation"].slug,
        "membership_id": w["membership"].pk,
    },
    "sessions_app:calendar_remove": lambda w: {"connection_id": w["calendar"].pk},
    "sessions_app:calendar_choose": lambda w: {"connection_id": w["caldav"].pk},
    # The REST API's participant endpoints (tests/api/test_access.py also tries every method
    # with a read-and-write token of another pairing's person: each answers 404).
    "api:pairing": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_agreement": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_free_times": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_messages": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_series_plan": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_materials": lambda w: {"pairing_id": w["pairing"].pk},
    "api:pairing_goals": lambda w: {"pairing_id": w["pairing"].pk},
    "api:material_download": lambda w: {"material_id": w["material"].pk},
    "api:goal": lambda w: {"goal_id": w["goal"].pk},
    "api:goal_milestones": lambda w: {"goal_id": w["goal"].pk},
    "api:goal_milestone": lambda w: {"goal_id": w["goal"].pk, "milestone_id": w["milestone"].pk},
    "api:feedback": lambda w: {"feedback_id": w["feedback"].pk},
    "api:feedback_answer": lambda w: {"feedback_id": w["feedback"].pk},
    "api:session": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_move": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_cancel": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_agenda": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_agenda_item": lambda w: {
        "appointment_id": w["appointment"].pk,
        "item_id": w["agenda_item"].pk,
    },
    "api:session_notes": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_actions": lambda w: {"appointment_id": w["appointment"].pk},
    "api:session_action": lambda w: {
        "appointment_id": w["appointment"].pk,
        "action_id": w["action_item"].pk,
    },
    "api:message": lambda w: {"message_id": w["message"].pk},
    "mfa_remove_webauthn": lambda w: {"pk": w["webauthn"].pk},
    "mfa_edit_webauthn": lambda w: {"pk": w["webauthn"].pk},
    # The REST API's programme-admin endpoints (tests/api/test_admin_*.py try tokens too).
    "api:admin_cohort_detail": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_enrolment_list": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_pairing_list": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_session_list": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_feedback_list": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_announcement_list": lambda w: {"cohort_id": w["cohort"].pk},
    "api:admin_announcement_detail": lambda w: {"announcement_id": w["announcement"].pk},
    # The organisation's provisioning page: its owners only (Dana and Olga administer cohorts
    # there, they do not own it).
    "provisioning:settings": lambda w: {"slug": w["cohort"].organisation.slug},
    # API tokens: a person's own (404 for anyone else's id); an organisation's, its owners only
    # (Dana owns Northwind: Oscar owns another organisation, Olga and Rita own none).
    "api:token_revoke": lambda w: {"token_id": w["api_token"].pk},
    "api:organisation_tokens": lambda w: {"slug": w["organisation"].slug},
    "api:organisation_token_revoke": lambda w: {
        "slug": w["organisation"].slug,
        "token_id": w["organisation_api_token"].pk,
    },
    "provisioning:token_create": lambda w: {"slug": w["cohort"].organisation.slug},
    "provisioning:token_revoke": lambda w: {
        "slug": w["cohort"].organisation.slug,
        "token_id": w["scim_token"].pk,
    },
    "provisioning:group_map": lambda w: {
        "slug": w["cohort"].organisation.slug,
        "group_id": w["scim_group"].pk,
    },
    # The organisation's webhook pages: its owners only, like provisioning.
    "webhooks:list": lambda w: {"slug": w["cohort"].organisation.slug},
    "webhooks:create": lambda w: {"slug": w["cohort"].organisation.slug},
    **{
        f"webhooks:{name}": lambda w: {
            "slug": w["cohort"].organisation.slug,
            "endpoint_id": w["webhook_delivery"].endpoint_id,
        }
        for name in ("endpoint", "update", "rotate", "test", "enable", "disable", "delete")
    },
    "webhooks:replay": lambda w: {
        "slug": w["cohort"].organisation.slug,
        "endpoint_id": w["webhook_delivery"].endpoint_id,
        "delivery_id": w["webhook_delivery"].pk,
    },
}


def _patterns_with_ids() -> list[str]:
    """Names of every pattern (outside the Django admin) with a keyword argument."""
    found = []

    def walk(patterns: list, namespace: str | None, converters: dict) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    inner = {**converters, **entry.pattern.converters}
                    walk(entry.url_patterns, entry.namespace or namespace, inner)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and (converters or entry.pattern.converters)
            ):
                found.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None, {})
    return found


def test_every_pattern_with_an_id_has_an_entry_here():
    missing = set(_patterns_with_ids()) - set(OBJECT_FOR) - set(TOKEN_IS_THE_PERMISSION)

    assert not missing, f"Add to OBJECT_FOR the objects these patterns name: {sorted(missing)}"


@pytest.fixture
def outsiders(world) -> dict[str, Client]:
    """Charlie, a participant of another cohort; Olga, that cohort's programme admin (with her
    second factor); Oscar, the owner of another organisation who runs a cohort there; Rita, an
    admin of that other organisation and once of Spring's, now only a member there (Spring
    still lists her among its admins); and a visitor who is not signed in."""
    other = CohortFactory(name="Autumn")
    charlie = ProfileFactory(mentee=True, user__email="charlie@example.org").user
    EnrolmentFactory(cohort=other, user=charlie, role="mentee")
    PairingFactory(cohort=other, mentee=charlie)
    olga = ProfileFactory(user__email="olga@example.org").user
    user_make_programme_admin(user=olga)
    second_factor_add(olga)
    cohort_admin_add(other, olga)
    riverside = OrganisationFactory(slug="riverside", name="Riverside Council")
    theirs = CohortFactory(name="Riverside mentors", organisation=riverside)
    oscar = ProfileFactory(user__email="oscar@riverside.example").user
    membership_ensure(organisation=riverside, user=oscar, role=Role.OWNER)
    second_factor_add(oscar)
    cohort_admin_add(theirs, oscar)
    rita = ProfileFactory(user__email="rita@riverside.example").user
    second_factor_add(rita)
    cohort_admin_add(theirs, rita)
    cohort_admin_add(world["cohort"], rita)
    Membership.objects.filter(organisation=world["cohort"].organisation, user=rita).update(
        role=Role.MEMBER
    )
    people = {"charlie": charlie, "olga": olga, "oscar": oscar, "rita": rita}
    clients = {"anonymous": Client()}
    for who, person in people.items():
        clients[who] = Client()
        clients[who].force_login(person)
        # Just typed their password: the pages that ask for it again let them through.
        clients[who].post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return clients


def _state(world: dict) -> tuple:
    """What a successful attack would change."""
    pairings = tuple(Pairing.objects.order_by("pk").values_list("status", flat=True))
    return (
        pairings,
        Appointment.objects.get(pk=world["appointment"].pk).status,
        Message.objects.get(pk=world["message"].pk).body,
        Material.objects.get(pk=world["material"].pk).withdrawn_at,
        Invite.objects.get(pk=world["invite"].pk).expires_at,
        MentorRequest.objects.get(pk=world["request"].pk).status,
        DateOverride.objects.filter(pk=world["override"].pk).exists(),
        tuple(EnrolmentQuestion.objects.values_list("pk", "label", "order")),
        Authenticator.objects.filter(pk=world["webauthn"].pk).exists(),
        tuple(PairingPause.objects.order_by("pk").values_list("status", "ends_on")),
        Cohort.objects.filter(pk=world["cohort"].pk)
        .values_list("health_quiet_gaps", "health_silent_gaps", "pause_max_days")
        .get(),
        tuple(Enrolment.objects.order_by("pk").values_list("waiting_closed_at", flat=True)),
        tuple(ScimToken.objects.order_by("pk").values_list("name", "revoked_at")),
        tuple(ApiToken.objects.order_by("pk").values_list("name", "revoked_at")),
        tuple(ScimGroup.objects.order_by("pk").values_list("cohort", "role")),
        tuple(Membership.objects.order_by("pk").values_list("organisation_id", "user_id", "role")),
        tuple(world["organisation"].domains.values_list("domain", "verified_at")),
        tuple(Branding.objects.values_list("organisation_id", "name", "main_colour")),
        CalendarConnection.objects.filter(pk=world["calendar"].pk).exists(),
        tuple(
            ConnectedCalendar.objects.order_by("pk").values_list("counts_busy", "receives_sessions")
        ),
        tuple(
            ChatConnection.objects.order_by("pk").values_list(
                "pk", "posts_at_risk", "posts_weekly", "posts_announcements"
            )
        ),
        ChatPost.objects.count(),
        tuple(AgendaItem.objects.order_by("pk").values_list("text", "done")),
        tuple(ActionItem.objects.order_by("pk").values_list("text", "done")),
        tuple(Milestone.objects.order_by("pk").values_list("title", "done_at")),
        tuple(Goal.objects.order_by("pk").values_list("title", "status")),
        tuple(Feedback.objects.order_by("pk").values_list("answered_at", flat=True)),
        Appointment.objects.count(),
        Message.objects.count(),
        Material.objects.count(),
        tuple(
            WebhookEndpoint.objects.order_by("pk").values_list(
                "enabled", "secret_encrypted", "event_kinds", "description"
            )
        ),
        tuple(
            WebhookDelivery.objects.order_by("pk").values_list("claimed_at", "attempts", "status")
        ),
        WebhookEvent.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(OBJECT_FOR))
def test_outsiders_get_404_403_or_the_sign_in_page_and_change_nothing(world, outsiders, name):
    url = reverse(name, kwargs=OBJECT_FOR[name](world))
    before = _state(world)

    for who, client in outsiders.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if who == "anonymous" and response.status_code == 302:
                assert response["Location"].startswith(reverse("account_login")), (who, url)
            elif who == "anonymous" and name.startswith("api:"):
                assert response.status_code == 401, (who, method, url, response)  # no sign-in page
            else:
                # 405: that method is refused before any object is read.
                assert response.status_code in (403, 404, 405), (who, method, url, response)

    assert _state(world) == before


def test_the_admins_among_the_outsiders_open_their_own_cohort_page(world, outsiders):
    """So the refusals above are about whose cohort it is, not about who they are."""
    theirs = Cohort.objects.get(name="Riverside mentors")
    url = reverse("oversight:cohort_detail", args=[theirs.pk])

    for who in ("oscar", "rita"):
        response = outsiders[who].get(url)
        assert response.status_code == 200, who
        assert "Riverside mentors" in response.text
        assert "Spring" not in response.text
