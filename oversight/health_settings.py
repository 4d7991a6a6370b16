"""What a cohort's health settings mean for its pairings, in words an admin can check, worked
out with the rules' own function (oversight.health.silence_limits)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oversight import health
from programmes.models import Cohort


def _every(days: int) -> str:
    return ngettext("every day", "every %(days)d days", days) % {"days": days}


def usual_gaps_shown(cadence: int) -> list[int]:
    """The two ends a pair's usual gap can take: the cadence, and half of it (rounded up, at
    least a day), longest first; one when they are the same."""
    half = max(1, -(-cadence // 2))
    return sorted({cadence, half}, reverse=True)


def health_settings_in_words(*, cohort: Cohort) -> list[str]:
    """One sentence per consequence of the cohort's saved settings: when silence flags a
    pair that meets as often as the cadence, and one that meets twice as often; the
    check-in and rating thresholds; the longest pause without an admin's agreement."""
    cadence = cohort.cadence_days
    gaps = usual_gaps_shown(cadence)
    attention, at_risk = health.silence_limits(cohort=cohort, usual_gap=gaps[0])
    silence = _(
        "With a session %(cadence)s: a pair that meets %(every)s needs attention after "
        "%(attention)d days without contact and is at risk after %(at_risk)d"
    ) % {
        "cadence": _every(cadence),
        "every": _every(gaps[0]),
        "attention": attention,
        "at_risk": at_risk,
    }
    for gap in gaps[1:]:
        attention, at_risk = health.silence_limits(cohort=cohort, usual_gap=gap)
        silence += _("; a pair that meets %(every)s after %(attention)d and %(at_risk)d") % {
            "every": _every(gap),
            "attention": attention,
            "at_risk": at_risk,
        }
    words = [silence + "."]
    words.append(
        _(
            "A partner who rates their satisfaction %(score)d of 5 or lower at a check-in "
            "puts the pair at risk."
        )
        % {"score": cohort.health_low_satisfaction}
    )
    words.append(
        ngettext(
            "A pair whose last session was rated below %(rating)s of 5 needs attention.",
            "A pair whose last %(count)d sessions were rated below %(rating)s of 5 on average "
            "needs attention.",
            health.RECENT_RATINGS,
        )
        % {
            "count": health.RECENT_RATINGS,
            "rating": number_format(cohort.health_low_rating, decimal_pos=1),
        }
    )
    days = cohort.pause_max_days
    if days % 7 == 0:
        longest = ngettext("%(n)d week", "%(n)d weeks", days // 7) % {"n": days // 7}
    else:
        longest = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    words.append(
        _("A pause longer than %(longest)s waits for your agreement.") % {"longest": longest}
    )
    return words


def usual_gap_in_words(*, cohort: Cohort) -> str:
    """How the rules find a pair's usual gap, and what holds a silence flag back."""
    return _(
        "A pair's usual gap is the median of its last %(gaps)d gaps between sessions held, "
        "kept between half the cohort's cadence and the cadence (%(cadence)d days); until a "
        "pair has had two gaps, it is the cadence. Days of an agreed pause are not silence. "
        "A session booked within the pair's usual gap holds back “needs attention”, one "
        "booked within half of it holds back “at risk”."
    ) % {"gaps": health.RECENT_GAPS, "cadence": cohort.cadence_days}
