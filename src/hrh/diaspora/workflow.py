"""The assignment workflow as a pure state machine, and the checks on outcomes and returns.

An assignment moves through these states::

    proposed ──accept──▶ accepted ──confirm──▶ confirmed ──start──▶ started ──complete──▶ completed
        │                    │                     │                   │
        └─decline─▶ declined └──────cancel─────────┴───────cancel──────┴──▶ cancelled

(``complete`` is also allowed straight from ``confirmed``.)

``decline`` is the professional's answer to a proposal; ``cancel`` is the officer's (any
state before ``completed``). A completed assignment may get one outcome report. Every
other move is refused with :class:`~hrh.errors.Conflict`, naming the state and the moves
that are allowed from it.

>>> next_status("proposed", "accept")
'accepted'
>>> next_status("declined", "confirm")
Traceback (most recent call last):
...
hrh.errors.Conflict: An assignment that is declined cannot be confirmed (it is final).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hrh.errors import M_, Conflict, Invalid, Text

STATUSES: tuple[str, ...] = (
    "proposed",
    "accepted",
    "declined",
    "confirmed",
    "started",
    "completed",
    "cancelled",
)
#: Statuses that hold one of the opportunity's slots.
HOLDS_SLOT: frozenset[str] = frozenset({"confirmed", "started", "completed"})
#: Statuses of an assignment still under way (a pair may have only one).
ACTIVE: frozenset[str] = frozenset({"proposed", "accepted", "confirmed", "started"})
FINAL: frozenset[str] = frozenset({"declined", "completed", "cancelled"})

#: event → (statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"proposed"}), "accepted"),
    "decline": (frozenset({"proposed"}), "declined"),
    "confirm": (frozenset({"accepted"}), "confirmed"),
    "start": (frozenset({"confirmed"}), "started"),
    "complete": (frozenset({"confirmed", "started"}), "completed"),
    "cancel": (frozenset({"proposed", "accepted", "confirmed", "started"}), "cancelled"),
}
#: The past participle of each event, for messages.
_DONE = {
    "accept": M_("accepted"),
    "decline": M_("declined"),
    "confirm": M_("confirmed"),
    "start": M_("started"),
    "complete": M_("completed"),
    "cancel": M_("cancelled"),
}
#: The statuses as words in a sentence (translated on the web pages).
_STATUS_WORDS = {**{v: v for v in _DONE.values()}, "proposed": M_("proposed")}


def allowed_events(status: str) -> list[str]:
    """Return the events allowed from ``status``, in a fixed order.

    >>> allowed_events("accepted")
    ['confirm', 'cancel']
    """
    return [e for e, (src, _) in TRANSITIONS.items() if status in src]


def next_status(status: str, event: str) -> str:
    """Return the status that ``event`` leads to from ``status``, or raise :class:`Conflict`."""
    if event not in TRANSITIONS:
        raise Invalid.of(
            M_("Unknown event %(event)s."),
            hint=M_("Events: %(events)s."),
            event=repr(event),
            events=", ".join(TRANSITIONS),
        )
    if status not in STATUSES:
        raise Invalid.of(M_("Unknown assignment status %(status)s."), status=repr(status))
    sources, target = TRANSITIONS[event]
    if status in sources:
        return target
    moves = allowed_events(status)
    word, done = Text(_STATUS_WORDS.get(status, status)), Text(_DONE[event])
    if moves:
        raise Conflict.of(
            M_(
                "An assignment that is %(status)s cannot be %(done)s (from %(status)s it may be: "
                "%(moves)s)."
            ),
            status=word,
            done=done,
            moves=", ".join(moves),
        )
    raise Conflict.of(
        M_("An assignment that is %(status)s cannot be %(done)s (it is final)."),
        status=word,
        done=done,
    )


def check_capacity(holding: int, slots: int, opportunity_id: str) -> None:
    """Refuse a confirmation that would fill more than the opportunity's slots.

    >>> check_capacity(1, 2, "O1")
    >>> check_capacity(2, 2, "O1")
    Traceback (most recent call last):
    ...
    hrh.errors.Conflict: Opportunity O1 has all its 2 slot(s) filled by confirmed assignments. Cancel a confirmed assignment first, or add slots to the opportunity.
    """  # noqa: E501
    if holding >= slots:
        raise Conflict.of(
            M_("Opportunity %(id)s has all its %(slots)s slot(s) filled by confirmed assignments."),
            hint=M_("Cancel a confirmed assignment first, or add slots to the opportunity."),
            id=opportunity_id,
            slots=slots,
        )


@dataclass(frozen=True)
class Outcome:
    """What a completed assignment achieved (``feedback`` is personal free text)."""

    hours: float
    patients_seen: int
    staff_trained: int
    feedback: str = ""


MAX_HOURS = 10_000.0
MAX_COUNT = 1_000_000
MAX_FEEDBACK = 4000


BETWEEN = M_("%(field)s must be between 0 and %(max)s")


def joined(parts: Sequence[Text]) -> Text:
    """Return ``parts`` as one text separated by semicolons (each part translated alone).

    >>> str(joined([Text.of(BETWEEN, field="hours", max="10"), Text("a")]))
    'hours must be between 0 and 10; a'
    """
    return Text.join(parts)


def check_outcome(o: Outcome) -> None:
    """Refuse an outcome with a negative or implausible figure, naming the field."""
    problems = []
    if not 0 <= o.hours <= MAX_HOURS:
        problems.append(Text.of(BETWEEN, field="hours", max=f"{MAX_HOURS:,.0f}"))
    if not 0 <= o.patients_seen <= MAX_COUNT:
        problems.append(Text.of(BETWEEN, field="patients_seen", max=f"{MAX_COUNT:,}"))
    if not 0 <= o.staff_trained <= MAX_COUNT:
        problems.append(Text.of(BETWEEN, field="staff_trained", max=f"{MAX_COUNT:,}"))
    if len(o.feedback) > MAX_FEEDBACK:
        problems.append(
            Text.of(
                M_("%(field)s must be at most %(max)s characters"),
                field="feedback",
                max=str(MAX_FEEDBACK),
            )
        )
    if problems:
        raise Invalid.of(
            M_("The outcome report is not valid: %(reasons)s."), reasons=joined(problems)
        )


@dataclass(frozen=True)
class Incentive:
    """One incentive a returning professional received."""

    kind: str  # e.g. relocation grant, salary top-up, housing
    amount: float | None
    currency: str  # ISO 4217, "" when there is no amount


@dataclass(frozen=True)
class PermanentReturn:
    """A permanent return home, with its incentives and any bonding obligation."""

    country: str
    returned_on: date
    incentives: tuple[Incentive, ...] = ()
    bonding_months: int | None = None
    bonding_until: date | None = None


def check_return(r: PermanentReturn) -> None:
    """Refuse a return with a malformed incentive or bonding obligation, naming the field."""
    problems: list[Text] = []
    for i, inc in enumerate(r.incentives):
        where = f"incentives[{i}]"
        if not inc.kind.strip() or len(inc.kind) > 60:
            problems.append(Text.of(M_("%(field)s must be 1-60 characters"), field=f"{where}.kind"))
        if inc.amount is not None and not 0 <= inc.amount <= 1e9:
            problems.append(Text.of(BETWEEN, field=f"{where}.amount", max="1,000,000,000"))
        if inc.amount is not None and not (len(inc.currency) == 3 and inc.currency.isalpha()):
            problems.append(
                Text.of(
                    M_("%(field)s must be an ISO 4217 code such as USD"),
                    field=f"{where}.currency",
                )
            )
        if inc.amount is None and inc.currency:
            problems.append(Text.of(M_("%(field)s needs an amount"), field=f"{where}.currency"))
    if r.bonding_months is not None and not 1 <= r.bonding_months <= 240:
        problems.append(Text.of(M_("%(field)s must be between 1 and 240"), field="bonding_months"))
    if r.bonding_until is not None and r.bonding_until <= r.returned_on:
        problems.append(
            Text.of(M_("%(field)s must be after the return date"), field="bonding_until")
        )
    if problems:
        raise Invalid.of(
            M_("The return record is not valid: %(reasons)s."), reasons=joined(problems)
        )
