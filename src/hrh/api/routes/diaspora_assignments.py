"""The diaspora assignment workflow: proposals, answers, confirmation, outcomes, returns.

Officers act on assignments of opportunities in their countries; a professional on their
own; anything else answers 404, so ids cannot be probed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import _In, _Out
from hrh.diaspora.workflow import Incentive, Outcome, PermanentReturn
from hrh.services import diaspora_assignments as workflow
from hrh.services import diaspora_returns as returns

router = APIRouter(tags=["diaspora assignments"])

_Id = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
AssignmentId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]


class ComponentPublic(_Out):
    """One part of the score the proposal was made with."""

    name: str
    points: float
    weight: float
    value: float
    reason: str


class OutcomePublic(_Out):
    """The outcome report of a completed assignment."""

    hours: float
    patients_seen: int
    staff_trained: int
    feedback: str
    reported_at: str


class NotificationPublic(_Out):
    """Whether the e-mail about one event went out (sent, failed, no_address, no_consent)."""

    event: str
    recipient: str
    status: str
    error: str
    at: str


class AssignmentPublic(_Out):
    """An assignment and where it stands."""

    assignment_id: str
    status: str
    profile_id: str | None
    opportunity_id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: str
    end: str
    score: float
    components: list[ComponentPublic]
    proposed_at: str
    responded_at: str | None
    confirmed_at: str | None
    started_at: str | None
    ended_at: str | None
    next_events: list[str]
    outcome: OutcomePublic | None
    notifications: list[NotificationPublic]
    contact: dict[str, str] = Field(
        description="Name and e-mail, for the opportunity's officers once the professional "
        "has accepted, and only with their consent to contact"
    )


class AssignmentsPublic(BaseModel):
    """Assignments, newest first."""

    data: list[AssignmentPublic]
    count: int


class AssignmentCreate(_In):
    """Propose one professional for one opportunity (the pair must be feasible)."""

    profile_id: _Id
    opportunity_id: _Id


class MatchProposal(_In):
    """Propose every pair of the current optimal match (optionally for one opportunity)."""

    opportunity_id: _Id | None = None


class AnswerCreate(_In):
    """The professional's answer."""

    accept: bool


class OutcomeCreate(_In):
    """What the assignment achieved; ``feedback`` is stored encrypted."""

    hours: Annotated[float, Field(ge=0, le=10_000)]
    patients_seen: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    staff_trained: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    feedback: Annotated[str, Field(max_length=4000)] = ""


class IncentiveIn(_In):
    """One incentive received (amount and ISO 4217 currency optional)."""

    kind: Annotated[str, Field(min_length=1, max_length=60)]
    amount: Annotated[float, Field(ge=0, le=1e9)] | None = None
    currency: Annotated[str, Field(max_length=3)] = ""


class ReturnCreate(_In):
    """A permanent return home with incentives and any bonding obligation."""

    profile_id: _Id
    country: Annotated[str, Field(min_length=3, max_length=3)]
    returned_on: date
    incentives: Annotated[list[IncentiveIn], Field(max_length=20, default_factory=list)]
    bonding_months: Annotated[int, Field(ge=1, le=240)] | None = None
    bonding_until: date | None = None


class IncentivePublic(_Out):
    """One incentive received."""

    kind: str
    amount: float | None
    currency: str


class ReturnPublic(_Out):
    """A permanent return."""

    return_id: int
    profile_id: str | None
    country: str
    cadre: str
    returned_on: str
    incentives: list[IncentivePublic]
    bonding_months: int | None
    bonding_until: str | None
    recorded_at: str


class ReturnsPublic(BaseModel):
    """Permanent returns."""

    data: list[ReturnPublic]
    count: int


class FigureCellPublic(_Out):
    """A published cell; null counts are suppressed (fewer than ``min_cell`` assignments)."""

    country: str
    cadre: str
    mode: str
    assignments: int | None
    virtual_hours: float | None
    suppressed: bool


class FiguresPublic(_Out):
    """Confirmed assignments and hours of virtual return by country × cadre × mode."""

    min_cell: int
    cells: list[FigureCellPublic]


def _many(rows: list[workflow.AssignmentView]) -> AssignmentsPublic:
    return AssignmentsPublic.model_validate({"data": rows, "count": len(rows)})


@router.get(
    "/diaspora/assignments",
    response_model=AssignmentsPublic,
    dependencies=[allow("assignments.read")],
)
def list_assignments(
    ctx: CtxDep,
    principal: PrincipalDep,
    opportunity_id: Annotated[str | None, Query(max_length=40)] = None,
) -> AssignmentsPublic:
    """Assignments the caller may see (officers: their countries; members: their own)."""
    return _many(workflow.list_assignments(ctx, principal, opportunity_id))


@router.post(
    "/diaspora/assignments",
    response_model=AssignmentPublic,
    status_code=201,
    dependencies=[allow("assignments.propose")],
)
def propose(body: AssignmentCreate, ctx: CtxDep, principal: PrincipalDep) -> AssignmentPublic:
    """Propose a feasible professional × opportunity pair; the professional is e-mailed."""
    view = workflow.propose(ctx, principal, body.profile_id, body.opportunity_id)
    return AssignmentPublic.model_validate(view)


@router.post(
    "/diaspora/assignments/from-match",
    response_model=AssignmentsPublic,
    status_code=201,
    dependencies=[allow("assignments.propose")],
)
def propose_matches(body: MatchProposal, ctx: CtxDep, principal: PrincipalDep) -> AssignmentsPublic:
    """Propose every pair of the current optimal match in the caller's countries."""
    return _many(workflow.propose_matches(ctx, principal, body.opportunity_id))


@router.get(
    "/diaspora/assignments/{assignment_id}",
    response_model=AssignmentPublic,
    dependencies=[allow("assignments.read")],
)
def get_assignment(
    assignment_id: AssignmentId, ctx: CtxDep, principal: PrincipalDep
) -> AssignmentPublic:
    """One assignment with its score components, outcome and notifications."""
    return AssignmentPublic.model_validate(workflow.get_assignment(ctx, principal, assignment_id))


@router.post(
    "/diaspora/assignments/{assignment_id}/respond",
    response_model=AssignmentPublic,
    dependencies=[allow("assignments.respond")],
)
def respond(
    assignment_id: AssignmentId, body: AnswerCreate, ctx: CtxDep, principal: PrincipalDep
) -> AssignmentPublic:
    """Accept or decline a proposal; the proposing officer is e-mailed."""
    view = workflow.respond(ctx, principal, assignment_id, body.accept)
    return AssignmentPublic.model_validate(view)


def _step(event: str, summary: str) -> None:
    def handler(
        assignment_id: AssignmentId, ctx: CtxDep, principal: PrincipalDep
    ) -> AssignmentPublic:
        return AssignmentPublic.model_validate(
            workflow.advance(ctx, principal, assignment_id, event)
        )

    handler.__name__ = f"{event}_assignment"
    handler.__doc__ = summary
    router.add_api_route(
        f"/diaspora/assignments/{{assignment_id}}/{event}",
        handler,
        methods=["POST"],
        response_model=AssignmentPublic,
        dependencies=[allow("assignments.confirm")],
    )


_step(
    "confirm",
    "Confirm an accepted assignment (never beyond the slots); the professional is e-mailed.",
)
_step("start", "Mark a confirmed assignment as started.")
_step("complete", "Mark a confirmed or started assignment as completed.")
_step("cancel", "Cancel an assignment that is not yet completed.")


@router.post(
    "/diaspora/assignments/{assignment_id}/outcome",
    response_model=AssignmentPublic,
    status_code=201,
    dependencies=[allow("outcomes.write")],
)
def report_outcome(
    assignment_id: AssignmentId, body: OutcomeCreate, ctx: CtxDep, principal: PrincipalDep
) -> AssignmentPublic:
    """Report the outcome of a completed assignment (once)."""
    outcome = Outcome(body.hours, body.patients_seen, body.staff_trained, body.feedback)
    return AssignmentPublic.model_validate(
        workflow.report_outcome(ctx, principal, assignment_id, outcome)
    )


@router.get("/diaspora/returns", response_model=ReturnsPublic, dependencies=[allow("returns.read")])
def list_returns(ctx: CtxDep, principal: PrincipalDep) -> ReturnsPublic:
    """Permanent returns to the caller's countries, with incentives and bonding."""
    rows = returns.list_returns(ctx, principal)
    return ReturnsPublic.model_validate({"data": rows, "count": len(rows)})


@router.post(
    "/diaspora/returns",
    response_model=ReturnPublic,
    status_code=201,
    dependencies=[allow("returns.write")],
)
def record_return(body: ReturnCreate, ctx: CtxDep, principal: PrincipalDep) -> ReturnPublic:
    """Record a permanent return to one of the caller's countries."""
    r = PermanentReturn(
        body.country.upper(),
        body.returned_on,
        tuple(Incentive(i.kind, i.amount, i.currency) for i in body.incentives),
        body.bonding_months,
        body.bonding_until,
    )
    return ReturnPublic.model_validate(returns.record_return(ctx, principal, body.profile_id, r))


@router.get(
    "/diaspora/statistics/assignments",
    response_model=FiguresPublic,
    dependencies=[allow("aggregates.read")],
)
def figures(ctx: CtxDep, principal: PrincipalDep) -> FiguresPublic:
    """Confirmed assignments and hours of virtual return (cells under 5 suppressed)."""
    return FiguresPublic.model_validate(returns.figures(ctx, principal))
