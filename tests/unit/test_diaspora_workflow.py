"""The assignment state machine and the checks on outcomes and returns (pure)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.diaspora.workflow import (
    HOLDS_SLOT,
    STATUSES,
    TRANSITIONS,
    Incentive,
    Outcome,
    PermanentReturn,
    allowed_events,
    check_capacity,
    check_outcome,
    check_return,
    next_status,
)
from hrh.errors import Conflict, Invalid

#: The whole table, written out by hand: (status, event) → new status.
EXPECTED = {
    ("proposed", "accept"): "accepted",
    ("proposed", "decline"): "declined",
    ("proposed", "cancel"): "cancelled",
    ("accepted", "confirm"): "confirmed",
    ("accepted", "cancel"): "cancelled",
    ("confirmed", "start"): "started",
    ("confirmed", "complete"): "completed",
    ("confirmed", "cancel"): "cancelled",
    ("started", "complete"): "completed",
    ("started", "cancel"): "cancelled",
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("event", list(TRANSITIONS))
def test_every_move_is_allowed_or_refused_with_the_reason(status: str, event: str) -> None:
    if (status, event) in EXPECTED:
        assert next_status(status, event) == EXPECTED[(status, event)]
        assert event in allowed_events(status)
    else:
        with pytest.raises(Conflict) as err:
            next_status(status, event)
        assert f"that is {status} cannot be" in err.value.message
        assert event not in allowed_events(status)


def test_final_states_allow_nothing() -> None:
    assert [s for s in STATUSES if not allowed_events(s)] == ["declined", "completed", "cancelled"]
    with pytest.raises(Conflict, match=r"\(it is final\)"):
        next_status("completed", "cancel")


def test_unknown_events_and_statuses_are_invalid() -> None:
    with pytest.raises(Invalid, match="Unknown event 'teleport'"):
        next_status("proposed", "teleport")
    with pytest.raises(Invalid, match="Unknown assignment status"):
        next_status("lost", "accept")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(0, 7), st.sampled_from(list(TRANSITIONS))), max_size=60),
)
def test_random_moves_never_overfill_the_slots(slots: int, moves: list[tuple[int, str]]) -> None:
    """Apply moves the way the service does; slot holders never exceed the slots."""
    states = ["proposed"] * 8
    for who, event in moves:
        try:
            target = next_status(states[who], event)
            if event == "confirm":
                check_capacity(sum(s in HOLDS_SLOT for s in states), slots, "O1")
        except Conflict:
            continue
        states[who] = target
        assert sum(s in HOLDS_SLOT for s in states) <= slots


def test_outcome_checks_name_each_field() -> None:
    check_outcome(Outcome(0, 0, 0, ""))
    with pytest.raises(Invalid) as err:
        check_outcome(Outcome(-1, -2, 2_000_000, "x" * 4001))
    for field in ("hours", "patients_seen", "staff_trained", "feedback"):
        assert field in err.value.message


def test_return_checks_name_each_field() -> None:
    ok = PermanentReturn("GHA", date(2026, 1, 1), (Incentive("grant", 10.0, "USD"),), 12)
    check_return(ok)
    bad = PermanentReturn(
        "GHA",
        date(2026, 1, 1),
        (Incentive(" ", 1.0, "US"), Incentive("housing", None, "USD")),
        bonding_months=300,
        bonding_until=date(2025, 1, 1),
    )
    with pytest.raises(Invalid) as err:
        check_return(bad)
    message = err.value.message
    for part in (
        "incentives[0].kind",
        "incentives[0].currency",
        "incentives[1].currency needs an amount",
        "bonding_months",
        "bonding_until",
    ):
        assert part in message
