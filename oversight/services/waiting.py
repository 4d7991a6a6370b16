"""The admins' answer to a mentee left without a mentor: close their wait (no rematch for now).
Re-running matching and picking a mentor by hand are matching's own pages."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.errors import DomainError
from programmes.models import Cohort, Enrolment, ParticipantRole


class WaitRefused(DomainError):
    pass


@transaction.atomic
def mentee_wait_close(*, cohort: Cohort, mentee: User, by: User) -> Enrolment:
    """Take the mentee off the cohort page's waiting list until a mentor declines them again
    or another request of theirs ends. Safe to repeat. Raises WaitRefused when they are not a
    mentee of the cohort."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(cohort=cohort, user=mentee, role=ParticipantRole.MENTEE)
        .first()
    )
    if enrolment is None:
        raise WaitRefused(_("%(name)s is not a mentee of this cohort.") % {"name": mentee.name})
    enrolment.waiting_closed_at = timezone.now()
    enrolment.save(update_fields=["waiting_closed_at"])
    return enrolment
