"""factory_boy factories: people with verified addresses and complete profiles."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils.timezone import now

from accounts.models import Field, Profile, User
from programmes.models import Cohort, Enrolment, Pairing, ParticipantRole

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


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: now().date() + timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + timedelta(days=180))
    enrolment_deadline = factory.LazyAttribute(lambda c: c.starts_on - timedelta(days=3))

    @factory.post_generation
    def admins(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.admins.set(extracted)


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
