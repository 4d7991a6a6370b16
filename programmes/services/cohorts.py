"""Creating and changing cohorts."""

from django.db import transaction

from accounts.models import User
from programmes.models import Cohort


@transaction.atomic
def cohort_create(*, by: User, **fields: object) -> Cohort:
    """Create a cohort (fields validated by CohortForm); its creator runs it."""
    cohort = Cohort(**fields)
    cohort.full_clean()
    cohort.save()
    cohort.admins.add(by)
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, **fields: object) -> Cohort:
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.full_clean()
    cohort.save()
    return cohort
