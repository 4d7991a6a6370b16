"""The "Pauses" section of the pairing page (home sits above pairings and includes it): what is
planned, and the form to plan one. The tag reads the pauses while the page renders.

    {% load pairing_pauses %}
    {% pairing_pauses pairing %}             a fresh form
    {% pairing_pauses pairing form=form %}   a refused form, with what was typed and why
"""

from dataclasses import dataclass
from datetime import date

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from pairings.forms.pauses import PauseForm
from pairings.models import Pairing, PairingPause
from pairings.selectors.pauses import pauses_current_and_coming

register = template.Library()


def _day(day: date, today: date) -> str:
    return date_format(day, "j F" if day.year == today.year else "j F Y")


@dataclass(frozen=True)
class PauseRow:
    pause: PairingPause
    starts: str
    ends: str
    running: bool  # started today or before
    by: str  # who planned it
    by_you: bool  # the viewer did
    can_end: bool
    withdraws: bool  # ending it withdraws it: it has not started before today


@register.inclusion_tag("pairings/pauses/_section.html", takes_context=True)
def pairing_pauses(
    context: template.Context, pairing: Pairing, form: PauseForm | None = None
) -> dict:
    """The pairing's current and coming pauses (one query), in the viewer's own dates."""
    user = context["user"]
    today = timezone.localdate()  # the viewer's own date (accounts.middleware)
    rows = []
    for pause in pauses_current_and_coming(pairing=pairing, today=today):
        by = pause.requested_by
        live = pause.status in (PairingPause.Status.AGREED, PairingPause.Status.AWAITING)
        rows.append(
            PauseRow(
                pause=pause,
                starts=_day(pause.starts_on, today),
                ends=_day(pause.ends_on, today),
                running=pause.starts_on <= today,
                by=by.name if by else "",
                by_you=by is not None and by.pk == user.pk,
                can_end=live and pairing.status == Pairing.Status.ACTIVE,
                withdraws=pause.starts_on >= today,
            )
        )
    active = pairing.status == Pairing.Status.ACTIVE
    if active and form is None:
        form = PauseForm(today=today, max_days=pairing.cohort.pause_max_days)
    return {
        "pairing": pairing,
        "rows": rows,
        "form": form if active else None,
        "max_days": pairing.cohort.pause_max_days,
        "csrf_token": context.get("csrf_token"),
    }
