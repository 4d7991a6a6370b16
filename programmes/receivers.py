"""programmes' part when someone leaves the platform (accounts.events.user_leaving) or stops
running an organisation's cohorts (organisations.signals.admin_role_lost)."""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from accounts.events import user_leaving
from accounts.models import User
from accounts.services import former_participant_email
from organisations.models import Organisation
from organisations.signals import admin_role_lost
from programmes.models import Cohort, Enrolment, Invite, MentorPreference, PendingJoin


@receiver(user_leaving, dispatch_uid="programmes_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """Their enrolments stay for the cohorts' head counts, emptied of their answers; nobody's
    choices or must-not lists name them any more; invitations to them are closed and no longer
    hold their name or address; they administer no cohort, and wait to join none."""
    Enrolment.objects.filter(user=user).update(
        goals="", department="", manager_email="", channels=[], contact_hours=[]
    )
    MentorPreference.objects.filter(Q(enrolment__user=user) | Q(mentor=user)).delete()
    Enrolment.avoid.through.objects.filter(Q(enrolment__user=user) | Q(user=user)).delete()
    addresses = EmailAddress.objects.filter(user=user).values("email")
    Invite.objects.filter(Q(accepted_by=user) | Q(email__in=addresses)).update(
        email=former_participant_email(user.pk),
        name="",
        department="",
        manager_email="",
        expires_at=timezone.now(),
    )
    Cohort.admins.through.objects.filter(user=user).delete()
    PendingJoin.objects.filter(user=user).delete()


@receiver(admin_role_lost, dispatch_uid="programmes_cohort_admins_follow_the_role")
def _cohort_admins_follow_the_role(
    sender: type, *, organisation: Organisation, user: User, **kwargs: object
) -> None:
    """Someone no longer an owner or admin of the organisation runs none of its cohorts."""
    Cohort.admins.through.objects.filter(cohort__organisation=organisation, user=user).delete()
