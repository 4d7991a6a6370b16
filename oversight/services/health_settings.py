"""A cohort's health settings: how the health rules (oversight.health) judge its pairings."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mentoring.errors import DomainError
from oversight.services.health import pairing_health_refresh
from pairings.models import Pairing
from programmes.models import Cohort
from programmes.selectors import cohorts_for_admin

HEALTH_SETTINGS = [
    "health_quiet_gaps",
    "health_silent_gaps",
    "health_low_satisfaction",
    "health_low_rating",
    "pause_max_days",
]


class HealthSettingsRefused(DomainError):
    pass


@transaction.atomic
def cohort_health_settings_update(*, cohort: Cohort, by: User, **settings: object) -> Cohort:
    """Change some of HEALTH_SETTINGS (validated as the model bounds them; raises
    django.core.exceptions.ValidationError otherwise), then reassess the cohort's active
    pairings at once, so its page and queue follow the new thresholds without waiting for
    the night. Only the cohort's admins (raises HealthSettingsRefused). The change shows in
    the cohort's audit trail (auditlog records the Cohort's changed fields, with who and
    from where). Safe to repeat."""
    unknown = set(settings) - set(HEALTH_SETTINGS)
    if unknown:
        raise TypeError(f"Not a health setting: {sorted(unknown)}")
    if not cohorts_for_admin(user=by).filter(pk=cohort.pk).exists():
        raise HealthSettingsRefused(_("Only the cohort's programme team can change its settings."))
    for name, value in settings.items():
        setattr(cohort, name, value)
    # The settings' validators and the rule that at risk comes last; the cohort's other
    # fields are not this service's to judge.
    cohort.full_clean(
        exclude=[f.name for f in Cohort._meta.fields if f.name not in HEALTH_SETTINGS]
    )
    cohort.save(update_fields=[*settings])
    pairing_health_refresh(
        pairings=Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
    )
    return cohort
