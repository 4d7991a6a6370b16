"""Reading a cohort's channels, for its admins only (anyone else gets 404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from chat.models import ChatConnection
from programmes.models import Cohort
from programmes.selectors import cohorts_for_admin


def chat_connections_for_cohort(*, cohort: Cohort) -> QuerySet[ChatConnection]:
    """The cohort's channels, oldest first."""
    return ChatConnection.objects.filter(cohort=cohort).order_by("created_at", "pk")


def chat_connection_get_for_admin(*, user: User, connection_id: int) -> ChatConnection:
    """A channel of a cohort the person runs; 404 for any other."""
    return get_object_or_404(
        ChatConnection.objects.select_related("cohort").filter(
            cohort__in=cohorts_for_admin(user=user)
        ),
        pk=connection_id,
    )
