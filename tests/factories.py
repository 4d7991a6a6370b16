"""factory_boy factories: people with verified addresses and complete profiles, cohorts,
pairings and their sessions."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils.timezone import now

from accounts.models import Field, Profile, User
from organisations.models import Organisation, Role
from organisations.services import membership_ensure
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment, ParticipantRole
from sessions_app.models import Appointment

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    timezone = "Europe/London"
    welcome_email_sent_at = factory.LazyFunction(now)

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    headline = factory.Faker("sentence", nb_words=6)
    field = Field.TECHNOLOGY
    languages = factory.LazyFunction(lambda: ["en"])
    years_experience = 5
    city = "London"
    onboarded_at = factory.LazyFunction(now)

    class Params:
        mentor = factory.Trait(
            is_mentor=True,
            expertise=factory.LazyFunction(lambda: ["leadership", "public speaking"]),
            capacity=3,
            years_experience=15,
        )
        mentee = factory.Trait(
            is_mentee=True,
            goals="Lead my first team and get better at presenting.",
        )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


def default_organisation() -> Organisation:
    """The organisation of every cohort a test makes without naming one."""
    return OrganisationFactory(slug="example", name="Example Organisation")


def cohort_admin_add(cohort: Cohort, user: User) -> None:
    """Make `user` an admin of the cohort, and so of its organisation (as admins must be)."""
    membership_ensure(organisation=cohort.organisation, user=user, role=Role.ADMIN)
    cohort.admins.add(user)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    organisation = factory.LazyFunction(default_organisation)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: now().date() + timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + timedelta(days=180))
    enrolment_deadline = factory.LazyAttribute(lambda c: c.starts_on - timedelta(days=3))

    @factory.post_generation
    def admins(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            for user in extracted:
                cohort_admin_add(self, user)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = ParticipantRole.MENTEE
    channels = factory.LazyFunction(lambda: ["video", "email"])
    contact_hours = factory.LazyFunction(
        lambda: [[day, 9 * 60, 17 * 60] for day in range(5)]  # weekdays 09:00-17:00
    )
    answered_at = factory.LazyFunction(now)


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    cohort = factory.SubFactory(CohortFactory)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    status = Pairing.Status.ACTIVE
    accepted_at = factory.LazyFunction(now)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked session written directly, for tests of what reads sessions (booking itself is
    tested through the booking service): between the pairing's two people, `length` minutes
    from `starts_at`, blocking `buffer_before` and `buffer_after` minutes around it (none
    unless given), booked by the mentee."""

    class Meta:
        model = Appointment

    class Params:
        length = 60
        buffer_before = 0
        buffer_after = 0

    pairing = factory.SubFactory(PairingFactory)
    mentor = factory.SelfAttribute("pairing.mentor")
    mentee = factory.SelfAttribute("pairing.mentee")
    starts_at = factory.LazyFunction(lambda: now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(minutes=a.length))
    blocked_from = factory.LazyAttribute(lambda a: a.starts_at - timedelta(minutes=a.buffer_before))
    blocked_until = factory.LazyAttribute(lambda a: a.ends_at + timedelta(minutes=a.buffer_after))
    mode = Appointment.Mode.VIDEO
    booked_by = factory.SelfAttribute("pairing.mentee")


def second_factor_add(user: User) -> str:
    """Give the user an authenticator app (TOTP), as programme admins and staff must have;
    returns its secret, from which a test can compute codes."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """What an authenticator app shows for `secret` (RFC 6238, 30-second steps), taken with
    at least 5 seconds of its step left, as a person waits for a fresh code: the server
    accepts only the current step's."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
