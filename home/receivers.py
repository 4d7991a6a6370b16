"""home's part when someone leaves the platform (accounts.events.user_leaving), and the
dashboard's counters kept fresh."""

from allauth.account.models import EmailAddress
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import Profile, User
from exchange.models import OpportunityRecipient, materials_storage
from feedback.models import Feedback
from home.models import DataExport
from mentoring.live import counters_changed, invites_changed
from pairings.models import Pairing
from programmes.models import Enrolment, Invite
from sessions_app.models import Appointment


@receiver(user_leaving, dispatch_uid="home_delete_the_leavers_copies")
def _delete_the_leavers_copies(sender: type, *, user: User, **kwargs: object) -> None:
    """Copies of their data go, files included."""
    storage = materials_storage()
    for name in (
        DataExport.objects.filter(user=user)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    ):
        storage.delete(name)
    DataExport.objects.filter(user=user).delete()


# --- the dashboard's counters (mentoring/live.py): every write that can change one -----------
# Bulk writes send no signal: feedback's scan and the invitation services bump by hand.


def _bump_people(*fields: str):
    def bump(sender: type, instance: object, **kwargs: object) -> None:
        counters_changed(user_ids=[getattr(instance, field) for field in fields])

    return bump


for _model, _fields in (
    (Appointment, ("mentor_id", "mentee_id")),  # sessions to come
    (Feedback, ("person_id",)),  # feedback waiting
    (Pairing, ("mentor_id", "mentee_id")),  # its status opens and closes feedback
    (Enrolment, ("user_id",)),  # cohorts, and the invitations they answer
    (EmailAddress, ("user_id",)),  # invitations go to verified addresses
    (OpportunityRecipient, ("mentee_id",)),  # opportunities passed on
    (Profile, ("user_id",)),  # opportunities are listed for mentees only
):
    _receiver = _bump_people(*_fields)
    for _signal in (post_save, post_delete):
        _signal.connect(
            _receiver, sender=_model, weak=False, dispatch_uid=f"home_counters_{_model.__name__}"
        )


@receiver(post_save, sender=Invite, dispatch_uid="home_counters_invite_saved")
@receiver(post_delete, sender=Invite, dispatch_uid="home_counters_invite_deleted")
def _invite_written(sender: type, **kwargs: object) -> None:
    invites_changed()
