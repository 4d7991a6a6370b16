"""matching's part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from matching.models import MentorRequest
from matching.services.requests import request_decline


@receiver(user_leaving, dispatch_uid="matching_answer_the_leavers_requests")
def _answer_the_leavers_requests(sender: type, *, user: User, **kwargs: object) -> None:
    """A leaving mentee's requests waiting for an answer are withdrawn; a leaving mentor's are
    declined, so each mentee's next choice is asked at once."""
    waiting = MentorRequest.objects.filter(status=MentorRequest.Status.PENDING)
    waiting.filter(mentee=user).update(status=MentorRequest.Status.WITHDRAWN)
    for request in waiting.filter(mentor=user):
        request_decline(mentor_request=request, by=user)
