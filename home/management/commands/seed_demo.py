"""Load a realistic demo: Northwind Health (a programme admin, 6 mentors and 10 mentees) and
Riverside Council (its own admin, a small cohort, and a Northwind mentor who volunteers there
too). Safe to run again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Field, Profile, User
from accounts.services import user_make_programme_admin
from home.demo.exchange import demo_exchange_load
from home.demo.organisations import demo_second_organisation_load
from home.demo.programmes import demo_cohort_load, demo_goals_load, demo_health_load
from home.demo.sessions import demo_feedback_load, demo_sessions_load

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105  (printed for the demo logins; not a secret)
DEMO_DOMAIN = "demo.mentoring.example"

ADMIN = {"email": f"admin@{DEMO_DOMAIN}", "name": "Priya Raman", "tz": "Europe/London"}

# (email local part, name, zone, city, field, headline, years, languages, expertise, capacity)
MENTORS = [
    (
        "amara",
        "Amara Okafor",
        "Africa/Lagos",
        "Lagos",
        Field.TECHNOLOGY,
        "Engineering director who grew three teams from scratch",
        18,
        ["en", "yo"],
        ["engineering management", "hiring", "system design"],
        3,
    ),
    (
        "henrik",
        "Henrik Larsen",
        "Europe/Copenhagen",
        "Copenhagen",
        Field.FINANCE,
        "CFO at a scale-up; ex-auditor",
        22,
        ["en", "da", "de"],
        ["fundraising", "financial planning", "board communication"],
        2,
    ),
    (
        "mei",
        "Mei Tanaka",
        "Asia/Tokyo",
        "Tokyo",
        Field.RESEARCH,
        "Research lead in applied machine learning",
        12,
        ["en", "ja"],
        ["machine learning", "publishing", "phd to industry"],
        2,
    ),
    (
        "carlos",
        "Carlos Mendes",
        "America/Sao_Paulo",
        "São Paulo",
        Field.MARKETING,
        "Brand strategist for consumer start-ups",
        15,
        ["pt", "en", "es"],
        ["brand strategy", "public speaking", "career change"],
        4,
    ),
    (
        "sarah",
        "Sarah Goldberg",
        "America/New_York",
        "New York",
        Field.LAW,
        "Employment lawyer and first-generation professional",
        20,
        ["en"],
        ["negotiation", "public speaking", "work-life balance"],
        2,
    ),
    (
        "rohan",
        "Rohan Mehta",
        "Asia/Kolkata",
        "Bengaluru",
        Field.TECHNOLOGY,
        "Product manager turned founder",
        11,
        ["en", "hi"],
        ["product strategy", "founding a company", "fundraising"],
        3,
    ),
]

# Riverside Council: its admin, its own mentors and mentees (same fields as MENTORS and
# MENTEES); Carlos, a Northwind mentor, volunteers there too.
SECOND_ADMIN = {
    "email": f"riverside-admin@{DEMO_DOMAIN}",
    "name": "Tomasz Nowak",
    "tz": "Europe/London",
}
SHARED_MENTOR = "carlos"
SECOND_MENTORS = [
    (
        "grace",
        "Grace Mensah",
        "Europe/London",
        "Bristol",
        Field.PEOPLE,
        "Head of housing services, twenty years at the council",
        20,
        ["en"],
        ["public services", "managing people", "work-life balance"],
        1,
    ),
]
SECOND_MENTEES = [
    (
        "owen",
        "Owen Price",
        "Europe/London",
        "Bristol",
        Field.PEOPLE,
        "New caseworker in housing services",
        1,
        ["en", "cy"],
        "Find my feet in housing casework and learn to handle difficult conversations.",
    ),
    (
        "nadia",
        "Nadia Hussain",
        "Europe/London",
        "Bristol",
        Field.MARKETING,
        "Communications officer, new to the public sector",
        3,
        ["en", "ur"],
        "Learn how the council decides things and plan public campaigns with services.",
    ),
]

# (email local part, name, zone, city, field, headline, years, languages, goals)
MENTEES = [
    (
        "lucy",
        "Lucy Evans",
        "Europe/London",
        "Manchester",
        Field.TECHNOLOGY,
        "Backend developer, first time leading a team",
        4,
        ["en"],
        "Lead my first team of four without burning out; learn to run good one-to-ones.",
    ),
    (
        "diego",
        "Diego Alvarez",
        "America/Los_Angeles",
        "Los Angeles",
        Field.MARKETING,
        "Marketing coordinator aiming for a brand role",
        2,
        ["en", "es"],
        "Build a portfolio for brand strategy roles and become confident presenting to clients.",
    ),
    (
        "aiko",
        "Aiko Suzuki",
        "Asia/Tokyo",
        "Osaka",
        Field.RESEARCH,
        "PhD candidate weighing industry research",
        5,
        ["ja", "en"],
        "Decide between academia and industry, and prepare for research interviews.",
    ),
    (
        "tom",
        "Tom Becker",
        "Europe/Berlin",
        "Berlin",
        Field.FINANCE,
        "Analyst preparing for a first fundraising round",
        3,
        ["de", "en"],
        "Understand how investors read a financial plan; present to our board in spring.",
    ),
    (
        "fatima",
        "Fatima Zahra",
        "Africa/Casablanca",
        "",
        Field.TECHNOLOGY,
        "Self-taught developer looking for her first senior role",
        6,
        ["ar", "fr", "en"],
        "Move to a senior engineering role and get better at system design interviews.",
    ),
    (
        "james",
        "James O'Neill",
        "Australia/Sydney",
        "Sydney",
        Field.LAW,
        "Junior associate in employment law",
        2,
        ["en"],
        "Negotiate my first salary review and build a network in employment law.",
    ),
    (
        "ananya",
        "Ananya Iyer",
        "Asia/Kolkata",
        "Chennai",
        Field.TECHNOLOGY,
        "Product analyst moving into product management",
        3,
        ["en", "ta", "hi"],
        "Make the move to product manager within a year; learn to say no to stakeholders.",
    ),
    (
        "sipho",
        "Sipho Dlamini",
        "Africa/Johannesburg",
        "Johannesburg",
        Field.OPERATIONS,
        "Operations lead at a logistics start-up",
        7,
        ["en", "zu"],
        "Prepare to found my own company: fundraising basics and a first hire.",
    ),
    (
        "nora",
        "Nora Haddad",
        "America/Toronto",
        "Toronto",
        Field.CREATIVE,
        "Designer switching careers into marketing",
        8,
        ["en", "fr", "ar"],
        "Change careers from design to marketing and speak confidently in public.",
    ),
    (
        "kiran",
        "Kiran Thapa",
        "Asia/Kathmandu",
        "Kathmandu",
        Field.TECHNOLOGY,
        "Data engineer curious about machine learning",
        4,
        ["ne", "en", "hi"],
        "Move from data engineering to machine learning work; publish a first paper.",
    ),
]


class Command(BaseCommand):
    help = "Load demo people with full profiles (idempotent) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even with DEBUG off (a public demo server, never production).",
        )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            # The demo's logins, a superuser's included, share a password printed in README.
            raise CommandError(
                "seed_demo creates accounts whose password is published in README.md, a "
                "superuser among them. DEBUG is off, so this looks like production: nothing "
                "was loaded. Run it with --force only on a demo server."
            )
        admin = _person(ADMIN["email"], ADMIN["name"], ADMIN["tz"])
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        user_make_programme_admin(user=admin)
        _profile(
            admin,
            is_mentor=False,
            is_mentee=False,
            headline="Runs the mentoring programme",
            field=Field.PEOPLE,
            years=14,
            languages=["en"],
            city="London",
        )

        for local, name, tz, city, field, headline, years, langs, expertise, cap in MENTORS:
            user = _person(f"{local}@{DEMO_DOMAIN}", name, tz)
            _profile(
                user,
                is_mentor=True,
                is_mentee=False,
                headline=headline,
                field=field,
                years=years,
                languages=langs,
                city=city,
                expertise=expertise,
                capacity=cap,
                work_phone="+442079460958",
            )
        for local, name, tz, city, field, headline, years, langs, goals in MENTEES:
            user = _person(f"{local}@{DEMO_DOMAIN}", name, tz)
            _profile(
                user,
                is_mentor=False,
                is_mentee=True,
                headline=headline,
                field=field,
                years=years,
                languages=langs,
                city=city,
                goals=goals,
            )

        cohort = demo_cohort_load(
            admin=admin,
            mentors=list(User.objects.filter(email__in=[f"{m[0]}@{DEMO_DOMAIN}" for m in MENTORS])),
            mentees=list(User.objects.filter(email__in=[f"{m[0]}@{DEMO_DOMAIN}" for m in MENTEES])),
        )
        demo_sessions_load(cohort=cohort)
        demo_exchange_load(cohort=cohort)
        demo_feedback_load(cohort=cohort)
        demo_goals_load(cohort=cohort)
        demo_health_load(cohort=cohort)  # last: it reads the sessions, messages and feedback
        self._second_organisation()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at /accounts/login/ with:"))
        self.stdout.write(f"  programme admin  {ADMIN['email']} (owner of Northwind Health)")
        self.stdout.write(
            f"  programme admin  {SECOND_ADMIN['email']} (owner of Riverside Council)"
        )
        self.stdout.write(f"  mentor           {MENTORS[0][0]}@{DEMO_DOMAIN} (and 5 more)")
        self.stdout.write(f"  mentee           {MENTEES[0][0]}@{DEMO_DOMAIN} (and 9 more)")
        self.stdout.write(
            f"  mentor in both   {SHARED_MENTOR}@{DEMO_DOMAIN} "
            "(Northwind Health and Riverside Council)"
        )
        self.stdout.write(f"  password (all)   {DEMO_PASSWORD}")

    def _second_organisation(self) -> None:
        """Riverside Council's people and cohort (its admin has no staff rights)."""
        admin = _person(SECOND_ADMIN["email"], SECOND_ADMIN["name"], SECOND_ADMIN["tz"])
        _profile(
            admin,
            is_mentor=False,
            is_mentee=False,
            headline="Runs the council's mentoring scheme",
            field=Field.PEOPLE,
            years=9,
            languages=["en"],
            city="Bristol",
        )
        for local, name, tz, city, field, headline, years, langs, expertise, cap in SECOND_MENTORS:
            _profile(
                _person(f"{local}@{DEMO_DOMAIN}", name, tz),
                is_mentor=True,
                is_mentee=False,
                headline=headline,
                field=field,
                years=years,
                languages=langs,
                city=city,
                expertise=expertise,
                capacity=cap,
            )
        for local, name, tz, city, field, headline, years, langs, goals in SECOND_MENTEES:
            _profile(
                _person(f"{local}@{DEMO_DOMAIN}", name, tz),
                is_mentor=False,
                is_mentee=True,
                headline=headline,
                field=field,
                years=years,
                languages=langs,
                city=city,
                goals=goals,
            )
        mentors = [f"{SHARED_MENTOR}@{DEMO_DOMAIN}"] + [
            f"{mentor[0]}@{DEMO_DOMAIN}" for mentor in SECOND_MENTORS
        ]
        demo_second_organisation_load(
            admin=admin,
            mentors=[User.objects.get(email=email) for email in mentors],
            mentees=[User.objects.get(email=f"{m[0]}@{DEMO_DOMAIN}") for m in SECOND_MENTEES],
        )


def _person(email: str, name: str, tz: str) -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={"display_name": name, "timezone": tz, "welcome_email_sent_at": timezone.now()},
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _profile(
    user: User,
    *,
    is_mentor: bool,
    is_mentee: bool,
    headline: str,
    field: str,
    years: int,
    languages: list[str],
    city: str = "",
    expertise: list[str] | None = None,
    capacity: int | None = None,
    goals: str = "",
    work_phone: str = "",
) -> None:
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "is_mentor": is_mentor,
            "is_mentee": is_mentee,
            "headline": headline,
            "field": field,
            "years_experience": years,
            "languages": languages,
            "city": city,
            "expertise": expertise or [],
            "capacity": capacity,
            "goals": goals,
            "work_phone": work_phone,
            "onboarded_at": timezone.now(),
        },
    )
