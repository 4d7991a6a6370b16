"""home's part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from exchange.models import materials_storage
from home.models import DataExport


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
