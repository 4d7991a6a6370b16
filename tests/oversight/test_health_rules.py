"""The health rules alone (oversight.health): each rule and its boundaries from fixed
scenarios, the reasons as an admin reads them, and properties that hold for any history."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight import health as rules
from oversight.health import CheckIn, PairingFacts, health_assess
from oversight.models import HealthStatus

# Also run on SQLite by `make test` (the embedded mode must compute the same).
pytestmark = pytest.mark.sqlite_too

TODAY = date(2026, 3, 2)  # a Monday
ON_TRACK, ATTENTION, AT_RISK = HealthStatus.values
SEVERITY = {ON_TRACK: 0, ATTENTION: 1, AT_RISK: 2}


@dataclass(frozen=True)
class CohortRules:
    """A cohort at the model's defaults."""

    cadence_days: int = 14
    first_session_in_person: bool = False
    ends_on: date | None = None
    health_quiet_gaps: float = 1.5
    health_silent_gaps: float = 1.9
    health_low_satisfaction: int = 2
    health_low_rating: float = 3.0


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _every(gap: int, *, paired_days_ago: int = 90, last_days_ago: int = 2) -> list[date]:
    """Session days every `gap` days, the last one `last_days_ago`, none before pairing."""
    days, day = [], _ago(last_days_ago)
    while day > _ago(paired_days_ago):
        days.append(day)
        day -= timedelta(days=gap)
    return sorted(days)


def _facts(
    *,
    paired_days_ago: int = 90,
    sessions: list[date] | None = None,
    messages: tuple[date, ...] = (),
    **overrides: object,
) -> PairingFacts:
    """A pairing meeting every 14 days, last 2 days ago, agreed: changed by the arguments."""
    session_days = _every(14, paired_days_ago=paired_days_ago) if sessions is None else sessions
    values = {
        "paired_on": _ago(paired_days_ago),
        "session_days": tuple(session_days),
        "contact_days": tuple(sorted(set(session_days) | set(messages))),
        "agreement_holds": True,
        "met_in_person": True,
        "recent_ratings": (4, 5),
    }
    values.update(overrides)
    return PairingFacts(**values)


def _codes(facts: PairingFacts, cohort: CohortRules | None = None, today: date = TODAY):
    return [
        r["code"] for r in health_assess(facts, cohort=cohort or CohortRules(), today=today).reasons
    ]


def _status(facts: PairingFacts, cohort: CohortRules | None = None, today: date = TODAY) -> str:
    return health_assess(facts, cohort=cohort or CohortRules(), today=today).status


CASES = [
    # (name, facts, cohort, status, reason codes)
    ("doing well", _facts(), CohortRules(), ON_TRACK, []),
    (
        "brand new, nothing yet",
        _facts(paired_days_ago=3, sessions=[], agreement_holds=False, met_in_person=False),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    # Silence on a 14-day rhythm: quiet from 21 days (1.5 gaps), at risk from 27 (1.9 gaps)
    ("20 days is fine", _facts(sessions=_every(14, last_days_ago=20)), CohortRules(), ON_TRACK, []),
    (
        "quiet at 21",
        _facts(sessions=_every(14, last_days_ago=21)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    (
        "quiet at 26",
        _facts(sessions=_every(14, last_days_ago=26)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    (
        "silent at 27",
        _facts(sessions=_every(14, last_days_ago=27)),
        CohortRules(),
        AT_RISK,
        ["silent"],
    ),
    # A faster rhythm warns sooner: every 10 days, quiet at 15 and at risk at 19
    (
        "every 10, 14 days",
        _facts(sessions=_every(10, last_days_ago=14)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "every 10, 15 days",
        _facts(sessions=_every(10, last_days_ago=15)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    (
        "every 10, 19 days",
        _facts(sessions=_every(10, last_days_ago=19)),
        CohortRules(),
        AT_RISK,
        ["silent"],
    ),
    # A slower rhythm is judged by the cadence: every 20 days, quiet at 21 all the same
    (
        "every 20, 21 days",
        _facts(sessions=_every(20, last_days_ago=21)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    # ... and the usual gap is never less than half the cadence
    (
        "every 3, 11 days",
        _facts(sessions=_every(3, last_days_ago=11)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    ("every 3, 10 days", _facts(sessions=_every(3, last_days_ago=10)), CohortRules(), ON_TRACK, []),
    # A message is contact
    (
        "a message 3 days ago",
        _facts(sessions=_every(14, last_days_ago=24), messages=(_ago(3),)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    # A booked session: quiet waits for one within the usual gap, silent for one within half
    (
        "quiet, a session in 14 days",
        _facts(sessions=_every(14, last_days_ago=22), next_session_on=TODAY + timedelta(days=14)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "quiet, a session in 15 days",
        _facts(sessions=_every(14, last_days_ago=22), next_session_on=TODAY + timedelta(days=15)),
        CohortRules(),
        ATTENTION,
        ["quiet"],
    ),
    (
        "silent, a session in 7 days",
        _facts(sessions=_every(14, last_days_ago=28), next_session_on=TODAY + timedelta(days=7)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "silent, a session in 8 days",
        _facts(sessions=_every(14, last_days_ago=28), next_session_on=TODAY + timedelta(days=8)),
        CohortRules(),
        AT_RISK,
        ["silent"],
    ),
    # Sessions: only messages for 27 days is "behind", for 42 days "far behind"
    (
        "no session for 26 days",
        _facts(sessions=_every(14, last_days_ago=26), messages=(_ago(1),)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "no session for 27 days",
        _facts(sessions=_every(14, last_days_ago=27), messages=(_ago(1),)),
        CohortRules(),
        ATTENTION,
        ["behind"],
    ),
    (
        "no session for 27 days, one booked",
        _facts(
            sessions=_every(14, last_days_ago=27),
            messages=(_ago(1),),
            next_session_on=TODAY + timedelta(days=5),
        ),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "no session for 42 days",
        _facts(sessions=_every(14, last_days_ago=42), messages=(_ago(1),)),
        CohortRules(),
        AT_RISK,
        ["far_behind"],
    ),
    (
        "never met in 42 days",
        _facts(paired_days_ago=42, sessions=[], messages=(_ago(1),)),
        CohortRules(),
        AT_RISK,
        ["far_behind"],
    ),
    # Fading: each gap a quarter longer than the one before, the last past the cadence
    (
        "gaps 14, 21, 32",
        _facts(sessions=[_ago(69), _ago(55), _ago(34), _ago(2)]),
        CohortRules(),
        ATTENTION,
        ["fading"],
    ),
    (
        "gaps 14, 17, 21 grow too little",
        _facts(sessions=[_ago(54), _ago(40), _ago(23), _ago(2)]),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "gaps 8, 10, 13 stay within the cadence",
        _facts(sessions=[_ago(33), _ago(25), _ago(15), _ago(2)]),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    # The contact agreement
    (
        "no agreement on day 6",
        _facts(paired_days_ago=6, sessions=[], agreement_holds=False),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "no agreement on day 7",
        _facts(paired_days_ago=7, sessions=[], agreement_holds=False),
        CohortRules(),
        ATTENTION,
        ["agreement"],
    ),
    # Meeting in person
    (
        "not met, day 13",
        _facts(paired_days_ago=13, sessions=[_ago(4)], met_in_person=False),
        CohortRules(first_session_in_person=True),
        ON_TRACK,
        [],
    ),
    (
        "not met, day 14",
        _facts(paired_days_ago=14, sessions=[_ago(4)], met_in_person=False),
        CohortRules(first_session_in_person=True),
        ATTENTION,
        ["in_person"],
    ),
    # Ratings and check-ins, at the defaults and at a cohort's own thresholds
    ("ratings 2, 3, 3", _facts(recent_ratings=(2, 3, 3)), CohortRules(), ATTENTION, ["low_rating"]),
    ("ratings 3, 3, 3", _facts(recent_ratings=(3, 3, 3)), CohortRules(), ON_TRACK, []),
    (
        "ratings 3, 3, 3 below a cohort's 3.5",
        _facts(recent_ratings=(3, 3, 3)),
        CohortRules(health_low_rating=3.5),
        ATTENTION,
        ["low_rating"],
    ),
    (
        "satisfaction 2",
        _facts(check_ins=(CheckIn("mentee", satisfaction=2),)),
        CohortRules(),
        AT_RISK,
        ["low_satisfaction"],
    ),
    (
        "satisfaction 3",
        _facts(check_ins=(CheckIn("mentee", satisfaction=3),)),
        CohortRules(),
        ON_TRACK,
        [],
    ),
    (
        "satisfaction 3 at a cohort's 3",
        _facts(check_ins=(CheckIn("mentee", satisfaction=3),)),
        CohortRules(health_low_satisfaction=3),
        AT_RISK,
        ["low_satisfaction"],
    ),
    (
        "wants help",
        _facts(check_ins=(CheckIn("mentor", satisfaction=4, wants_help=True),)),
        CohortRules(),
        AT_RISK,
        ["wants_help"],
    ),
    (
        "contact not working",
        _facts(check_ins=(CheckIn("mentor", contact_working="no"),)),
        CohortRules(),
        ATTENTION,
        ["contact_not_working"],
    ),
]


@pytest.mark.parametrize(
    ("facts", "cohort", "status", "codes"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_and_its_boundaries(facts, cohort, status, codes):
    assessment = health_assess(facts, cohort=cohort, today=TODAY)

    assert assessment.status == status
    assert [reason["code"] for reason in assessment.reasons] == codes


def test_the_rules_speak_the_models_statuses():
    assert tuple(HealthStatus.values) == (rules.ON_TRACK, rules.NEEDS_ATTENTION, rules.AT_RISK)


def test_the_cohorts_thresholds_move_the_limits():
    strict = CohortRules(health_quiet_gaps=1.0, health_silent_gaps=1.5)
    facts = _facts(sessions=_every(14, last_days_ago=21))

    assert _codes(facts, strict) == ["silent"]
    assert rules.silence_limits(cohort=strict, usual_gap=14) == (14, 21)
    assert rules.silence_limits(cohort=CohortRules(), usual_gap=14) == (21, 27)
    assert rules.silence_limits(cohort=CohortRules(), usual_gap=10) == (15, 19)


# --- pauses -------------------------------------------------------------------------------

HOLIDAY = (_ago(20), TODAY + timedelta(days=5))  # running today


def test_while_a_pause_runs_silence_and_sessions_wait():
    facts = _facts(sessions=_every(14, last_days_ago=45), pauses=(HOLIDAY,))

    assessment = health_assess(facts, cohort=CohortRules(), today=TODAY)

    assert assessment.status == ON_TRACK
    assert assessment.paused_until == HOLIDAY[1]
    assert assessment.days_past_rhythm == 0


def test_a_pause_does_not_hide_what_a_check_in_said():
    facts = _facts(pauses=(HOLIDAY,), check_ins=(CheckIn("mentee", satisfaction=1),))

    assert _codes(facts) == ["low_satisfaction"]


def test_after_a_pause_its_days_are_not_silence():
    # Last contact 30 days ago; a 14-day pause ended 3 days ago: 16 days of silence count.
    pause = (_ago(17), _ago(4))
    facts = _facts(sessions=_every(14, last_days_ago=30), pauses=(pause,))

    assert _status(facts) == ON_TRACK
    # Six days later, 22 days count: quiet, in words that count only unpaused days.
    later = TODAY + timedelta(days=6)
    assessment = health_assess(facts, cohort=CohortRules(), today=later)
    assert assessment.reasons == [{"code": "quiet", "text": "No contact for 22 days"}]


def test_paused_days_are_not_expected_sessions():
    facts = _facts(paired_days_ago=70)
    paused = _facts(paired_days_ago=70, pauses=((_ago(40), _ago(27)),))

    assert rules.sessions_expected(facts, cohort=CohortRules(), today=TODAY) == 5
    assert rules.sessions_expected(paused, cohort=CohortRules(), today=TODAY) == 4


def test_gaps_stretched_by_a_pause_are_not_fading():
    # Gaps 14, 21 and 32, the last with a planned week away in it.
    sessions = [_ago(69), _ago(55), _ago(34), _ago(2)]

    assert _codes(_facts(sessions=sessions)) == ["fading"]
    assert _codes(_facts(sessions=sessions, pauses=((_ago(20), _ago(14)),))) == []


# --- reasons in words ---------------------------------------------------------------------


def test_reasons_carry_their_numbers_in_words():
    facts = _facts(
        sessions=[_ago(69), _ago(55), _ago(34), _ago(2)],
        agreement_holds=False,
        recent_ratings=(2,),
        check_ins=(CheckIn("mentee", satisfaction=1, contact_working="no"),),
    )

    texts = [r["text"] for r in health_assess(facts, cohort=CohortRules(), today=TODAY).reasons]

    assert texts == [
        "The mentee rated their satisfaction 1 of 5 at the last check-in",
        "Meeting less and less often: the last gaps between sessions were 14, 21 and 32 days",
        "No contact agreement in place 90 days after they were paired",
        "The last session was rated 2.0 of 5",
        "The mentee says the agreed contact is not working",
    ]


def test_silence_names_a_fast_rhythm_and_sessions_say_none_are_booked():
    fast = _facts(sessions=_every(10, last_days_ago=19))
    talking = _facts(sessions=_every(14, last_days_ago=30), messages=(_ago(1),))
    never = _facts(paired_days_ago=22, sessions=[])

    assert health_assess(fast, cohort=CohortRules(), today=TODAY).reasons[0]["text"] == (
        "No contact for 19 days (they usually meet every 10 days)"
    )
    assert health_assess(talking, cohort=CohortRules(), today=TODAY).reasons[0]["text"] == (
        "No session held for 30 days, and none booked"
    )
    assert health_assess(never, cohort=CohortRules(), today=TODAY).reasons[0]["text"] == (
        "No contact in the 22 days since they were paired"
    )


def test_the_most_serious_status_wins_and_every_reason_is_listed_most_serious_first():
    facts = _facts(
        sessions=_every(14, last_days_ago=35),
        agreement_holds=False,
        recent_ratings=(1, 2, 2),
        check_ins=(CheckIn("mentor", wants_help=True), CheckIn("mentee", contact_working="no")),
    )

    assessment = health_assess(facts, cohort=CohortRules(), today=TODAY)

    assert assessment.status == AT_RISK
    assert [r["code"] for r in assessment.reasons] == [
        "silent",
        "wants_help",
        "agreement",
        "low_rating",
        "contact_not_working",
    ]
    assert assessment.mean_rating == pytest.approx(1.67)
    assert assessment.days_past_rhythm == 35 - 14
    assert assessment.lowest_satisfaction is None


def test_a_snooze_holds_through_its_day_and_ends_after_it():
    until = TODAY + timedelta(days=3)
    assert rules.is_snoozed(snoozed_until=until, today=until)
    assert not rules.is_snoozed(snoozed_until=until, today=until + timedelta(days=1))
    assert not rules.is_snoozed(snoozed_until=None, today=TODAY)
    assert rules.snooze_until_problem(until=TODAY, today=TODAY) == "Choose a day after today."
    assert rules.snooze_until_problem(until=TODAY + timedelta(days=1), today=TODAY) is None
    assert rules.snooze_until_problem(until=TODAY + timedelta(days=60), today=TODAY) is None
    assert "at most 60 days" in rules.snooze_until_problem(
        until=TODAY + timedelta(days=61), today=TODAY
    )


# --- properties ---------------------------------------------------------------------------

RHYTHM_CODES = {"quiet", "silent", "behind", "far_behind", "fading"}
cadences = st.integers(min_value=7, max_value=28)


@st.composite
def histories(draw):
    """Any history: sessions, messages, pauses and a booking over the last 150 days."""
    paired_days_ago = draw(st.integers(min_value=1, max_value=150))
    offsets = st.integers(min_value=1, max_value=paired_days_ago)
    sessions = sorted({_ago(n) for n in draw(st.lists(offsets, max_size=12))})
    messages = tuple(_ago(n) for n in draw(st.lists(offsets, max_size=12)))
    pauses = []
    for start, length in draw(
        st.lists(st.tuples(offsets, st.integers(min_value=0, max_value=40)), max_size=2)
    ):
        pauses.append((_ago(start), _ago(start) + timedelta(days=length)))
    booked = draw(st.none() | st.integers(min_value=0, max_value=30))
    return _facts(
        paired_days_ago=paired_days_ago,
        sessions=sessions,
        messages=messages,
        pauses=tuple(pauses),
        next_session_on=None if booked is None else TODAY + timedelta(days=booked),
        agreement_holds=draw(st.booleans()),
        recent_ratings=tuple(draw(st.lists(st.integers(1, 5), max_size=3))),
        check_ins=tuple(
            CheckIn(role, satisfaction=draw(st.none() | st.integers(1, 5)))
            for role in draw(st.lists(st.sampled_from(["mentor", "mentee"]), unique=True))
        ),
    )


@settings(max_examples=300, deadline=None)
@given(
    cadence=cadences,
    gap=st.integers(min_value=3, max_value=28),
    paired_days_ago=st.integers(min_value=1, max_value=200),
    phase=st.integers(min_value=0, max_value=27),
)
def test_a_pair_that_keeps_its_rhythm_is_never_flagged_for_silence_or_sessions(
    cadence, gap, paired_days_ago, phase
):
    """Meeting every `gap` days (no longer than the cadence), first session within one gap
    of being paired, whatever the day the rules look."""
    gap = min(gap, cadence)
    first = _ago(paired_days_ago) + timedelta(days=min(phase, gap))
    sessions = []
    day = first
    while day < TODAY:
        sessions.append(day)
        day += timedelta(days=gap)
    facts = _facts(paired_days_ago=paired_days_ago, sessions=sessions)

    codes = set(_codes(facts, CohortRules(cadence_days=cadence)))

    assert not codes & RHYTHM_CODES


@settings(max_examples=300, deadline=None)
@given(facts=histories(), cadence=cadences, contact=st.integers(min_value=1, max_value=150))
def test_a_message_never_makes_the_status_worse(facts, cadence, contact):
    cohort = CohortRules(cadence_days=cadence)
    day = _ago(contact)
    if day < facts.paired_on:
        return
    more = PairingFacts(
        **{**facts.__dict__, "contact_days": tuple(sorted({*facts.contact_days, day}))}
    )

    assert SEVERITY[_status(more, cohort)] <= SEVERITY[_status(facts, cohort)]


@settings(max_examples=300, deadline=None)
@given(
    facts=histories(),
    cadence=cadences,
    start=st.integers(min_value=-10, max_value=150),
    length=st.integers(min_value=0, max_value=60),
)
def test_a_pause_never_makes_the_status_worse(facts, cadence, start, length):
    cohort = CohortRules(cadence_days=cadence)
    pause = (_ago(start), _ago(start) + timedelta(days=length))
    paused = PairingFacts(**{**facts.__dict__, "pauses": (*facts.pauses, pause)})

    assert SEVERITY[_status(paused, cohort)] <= SEVERITY[_status(facts, cohort)]
