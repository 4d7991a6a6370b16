"""Reads of opportunities: a mentor sees what they sent and every answer to it; a mentee sees
only what was passed on to them. Anyone else gets 404, so ids leak nothing."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from exchange.models import Opportunity, OpportunityRecipient
from pairings.models import Pairing


def opportunities_sent_by(*, mentor: User) -> QuerySet[Opportunity]:
    """What the mentor passed on, newest first, each with its recipients and their answers
    (one query for the page, one for all its recipients)."""
    return Opportunity.objects.filter(mentor=mentor).prefetch_related(
        Prefetch(
            "recipients",
            queryset=OpportunityRecipient.objects.select_related("mentee").order_by(
                "mentee__display_name", "pk"
            ),
        )
    )


def opportunity_rows_for_mentee(*, mentee: User) -> QuerySet[OpportunityRecipient]:
    """What was passed on to the mentee, newest first, as their own rows (with the answer)."""
    return (
        OpportunityRecipient.objects.filter(mentee=mentee)
        .select_related("opportunity__mentor", "pairing")
        .order_by("-opportunity__created_at", "-pk")
    )


def opportunity_get_for_user(*, user: User, opportunity_id: int) -> Opportunity:
    """The opportunity, for its mentor or one of its recipients; 404 for anyone else."""
    received = OpportunityRecipient.objects.filter(opportunity=OuterRef("pk"), mentee=user)
    visible = Opportunity.objects.filter(Q(mentor=user) | Q(Exists(received)))
    return get_object_or_404(visible.select_related("mentor"), pk=opportunity_id)


def opportunity_row_get_for_mentee(*, user: User, opportunity_id: int) -> OpportunityRecipient:
    """The user's own row for the opportunity; 404 unless it was passed on to them."""
    return get_object_or_404(
        OpportunityRecipient.objects.select_related("opportunity__mentor", "pairing"),
        opportunity_id=opportunity_id,
        mentee=user,
    )


def opportunity_recipients_of(*, opportunity: Opportunity) -> QuerySet[OpportunityRecipient]:
    """Who received it and what each answered, by name (for its mentor)."""
    return opportunity.recipients.select_related("mentee", "pairing").order_by(
        "mentee__display_name", "pk"
    )


def pairings_to_share_with(*, mentor: User) -> QuerySet[Pairing]:
    """The mentor's active pairings: whom they may pass an opportunity on to."""
    return (
        Pairing.objects.filter(mentor=mentor, status=Pairing.Status.ACTIVE)
        .select_related("mentee", "cohort")
        .order_by("mentee__display_name", "pk")
    )


def with_answer_counts(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """`pairings` with `opportunity_answers`: how many opportunities each mentee has answered,
    counted in the same query (the dashboard's query count stays flat)."""
    answered = (
        OpportunityRecipient.objects.filter(pairing=OuterRef("pk"))
        .exclude(response=OpportunityRecipient.Response.NONE)
        .order_by()
        .values("pairing")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return pairings.annotate(
        opportunity_answers=Coalesce(Subquery(answered, output_field=IntegerField()), 0)
    )
