"""Creating and changing cohorts."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from organisations.selectors import organisations_administered
from programmes.models import Cohort


@transaction.atomic
def cohort_create(*, by: User, **fields: object) -> Cohort:
    """Create a cohort (fields validated by CohortForm) in an organisation its creator
    administers; its creator runs it."""
    if not organisations_administered(user=by).filter(pk=fields["organisation"].pk).exists():
        raise PermissionDenied
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
