"""People: the login (User) and what they tell us about themselves (Profile)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Permission,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Exists, Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from mentoring.live import programme_admin_cached
from mentoring.validators import refuse_line_breaks

PROGRAMME_ADMINS_GROUP = "Programme admins"
MENTOR_CAPACITY_MAX = 20


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in with their email address; times are shown in their own zone."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, validators=[refuse_line_breaks]
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # One of settings.LANGUAGES (checked by the form, not by choices: those vary by setting).
    # Blank: follow the browser.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")
    # The language the person's browser last asked for while they had chosen none (blank when
    # it is the site's own): emails follow it, as their pages do.
    browser_language = models.CharField(max_length=16, blank=True, default="", editable=False)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=now)
    welcome_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        permissions = [
            ("programme_admin", "Can run mentoring programmes: cohorts, matching, pairings"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def email_language(self) -> str:
        """The language of emails to this person: their own choice, else their browser's (as
        their pages last were), else the site's."""
        return self.language or self.browser_language or settings.LANGUAGE_CODE

    @property
    def zoneinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def is_programme_admin(self) -> bool:
        """has_perm("accounts.programme_admin") in one query, not has_perm's two."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        # An owner or admin of an organisation (organisations.Membership, an app above this
        # one: hence the names as strings), or given the permission by staff. One query.
        runs_one = self.memberships.filter(role__in=("owner", "admin"))
        granted = Permission.objects.filter(
            Q(user=self) | Q(group__user=self),
            content_type__app_label="accounts",
            codename="programme_admin",
        )
        return User.objects.filter(pk=self.pk).filter(Exists(runs_one) | Exists(granted)).exists()

    @property
    def shows_admin_links(self) -> bool:
        """is_programme_admin for the navigation and the dashboard, cached per person
        (mentoring/live.py) so that no page asks for it; the admin pages' own checks always
        ask the database."""
        if "is_programme_admin" in self.__dict__:  # already asked in this request
            return self.is_programme_admin
        return programme_admin_cached(user_id=self.pk, compute=lambda: self.is_programme_admin)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Field(models.TextChoices):
    """Broad fields, so matching compares like with like."""

    TECHNOLOGY = "technology", _("Technology and software")
    ENGINEERING = "engineering", _("Engineering and manufacturing")
    FINANCE = "finance", _("Finance and accounting")
    HEALTHCARE = "healthcare", _("Health and care")
    EDUCATION = "education", _("Education")
    RESEARCH = "research", _("Research and academia")
    LAW = "law", _("Law")
    PUBLIC = "public", _("Public sector and policy")
    NONPROFIT = "nonprofit", _("Charities and non-profits")
    MARKETING = "marketing", _("Marketing and communications")
    SALES = "sales", _("Sales and business development")
    CONSULTING = "consulting", _("Consulting")
    OPERATIONS = "operations", _("Operations and logistics")
    PEOPLE = "people", _("People and HR")
    CREATIVE = "creative", _("Arts, design and media")
    OTHER = "other", _("Other")


FIELD_LABELS = dict(Field.choices)  # value -> lazy label, for Profile.get_field_display


class Role(models.TextChoices):
    """How someone takes part; stored on Profile as two flags, asked as one question."""

    MENTEE = "mentee", _("I want to be mentored")
    MENTOR = "mentor", _("I want to mentor")
    BOTH = "both", _("Both: I mentor and I am mentored")


class Profile(models.Model):
    """What a person offers (as a mentor) and seeks (as a mentee); one person may be both."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    is_mentor = models.BooleanField(_("mentors"), default=False)
    is_mentee = models.BooleanField(_("is mentored"), default=False)
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    field = models.CharField(_("field or industry"), max_length=20, choices=Field, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    goals = models.TextField(_("goals"), max_length=2000, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), null=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=20, blank=True)
    personal_phone = models.CharField(_("personal phone"), max_length=20, blank=True)
    capacity = models.PositiveSmallIntegerField(_("mentee capacity"), null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(capacity__gte=1, capacity__lte=MENTOR_CAPACITY_MAX),
                name="profile_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__isnull=True)
                | models.Q(years_experience__lte=70),
                name="profile_years_experience_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def get_field_display(self) -> str:
        """The field's label, as Django's own get_field_display gives it (the stored value
        when it is none of the choices), without building the dict of all sixteen choices on
        every call: the pairing page and the people lists show one per person."""
        label = FIELD_LABELS.get(self.field)
        return self.field if label is None else str(label)

    @property
    def roles(self) -> list[str]:
        return [r for r, on in (("mentor", self.is_mentor), ("mentee", self.is_mentee)) if on]

    @property
    def role(self) -> str:
        if self.is_mentor and self.is_mentee:
            return Role.BOTH
        return Role.MENTOR if self.is_mentor else Role.MENTEE

    def missing_items(self) -> list[str]:
        """What the person still has to tell us, in the words the dashboard uses."""
        missing = []
        if not self.roles:
            missing.append(_("whether you want to mentor, be mentored or both"))
        for attr, label in (
            ("headline", _("a headline")),
            ("field", _("your field or industry")),
            ("languages", _("the languages you speak")),
        ):
            if not getattr(self, attr):
                missing.append(label)
        if self.years_experience is None:
            missing.append(_("your years of experience"))
        if self.is_mentor and not self.expertise:
            missing.append(_("your areas of expertise"))
        if self.is_mentee and not self.goals:
            missing.append(_("your goals"))
        return missing


class EmailLog(models.Model):
    """Each notification email, once per (kind, subject, recipient): claimed, then sent.

    The row is locked while its email goes out, so a second run of the same task waits and then
    sees it sent; a worker killed mid-send rolls the claim back, so the retry sends it.
    """

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=80)  # what it is about, e.g. "pairing:12"
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="email_log_once"),
        ]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.recipient_id}"
