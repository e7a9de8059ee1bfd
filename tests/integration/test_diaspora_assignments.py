"""The assignment workflow end to end: proposals, answers, confirmation, outcomes, returns,
notifications through a real SMTP server (aiosmtpd), published figures, erasure."""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pydantic import SecretStr
from sqlalchemy import text
from typer.testing import CliRunner

from hrh.cli import app
from hrh.diaspora.workflow import Incentive, Outcome, PermanentReturn
from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Conflict, Forbidden, Invalid, NotFound
from hrh.services import accounts, audit, diaspora, diaspora_matching, privacy
from hrh.services import diaspora_assignments as wf
from hrh.services import diaspora_returns as returns
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "diaspora"
PASSWORD = "a-long-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_smtp(ctx: AppContext, port: int) -> AppContext:
    settings = ctx.settings.model_copy(update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{port}")})
    return dataclasses.replace(ctx, settings=settings)


def _load(ctx: AppContext) -> None:
    diaspora.import_profiles(ctx, LOCAL_ADMIN, DATA / "profiles.csv")
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")


def _officer(
    ctx: AppContext, name: str = "po", country: str = "GHA", email: str | None = None
) -> Principal:
    accounts.add_user(
        ctx,
        LOCAL_ADMIN,
        name,
        "programme_officer",
        countries=[country],
        password=PASSWORD,
        email=email,
    )
    return accounts.login(ctx, name, PASSWORD)


def _member(ctx: AppContext, username: str, contact: bool = True) -> tuple[Principal, str]:
    reg = diaspora.Registration(
        username=username,
        password=PASSWORD,
        cadre="medical_doctors",
        specialty="paediatric surgery",
        origin="GHA",
        residence="GBR",
        modes=["short"],
        languages="en:C2",
        licences="GHA:2030-01-01",
        experience_years=15.0,
        consent_matching=True,
        consent_contact=contact,
        personal={"name": f"Dr {username}", "email": f"{username}@example.org"},
    )
    pid = diaspora.register(ctx, LOCAL_ADMIN, reg).profile_id
    return accounts.login(ctx, username, PASSWORD), pid


def _statuses(view: wf.AssignmentView) -> list[tuple[str, str, str]]:
    return [(n.event, n.recipient, n.status) for n in view.notifications]


def test_propose_accept_confirm_complete_with_mail(
    ctx: AppContext, smtp: tuple[Any, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    handler, port = smtp
    live = _with_smtp(ctx, port)
    _load(live)
    po = _officer(live, email="officer@example.org")
    kofi, pid = _member(live, "kofi")

    a = wf.propose(live, po, pid, "O-GHA-1")
    assert (a.status, a.profile_id, a.opportunity_id) == ("proposed", pid, "O-GHA-1")
    assert a.components[0].name == "specialty"
    assert a.next_events == ["accept", "decline", "cancel"]
    assert _statuses(a) == [("proposed", "member", "sent")]
    assert [m["To"] for m in handler.messages] == ["kofi@example.org"]
    assert "O-GHA-1" in handler.messages[0].get_payload()
    assert "/diaspora/me" in handler.messages[0].get_payload()

    mine = wf.list_assignments(live, kofi)
    assert [m.assignment_id for m in mine] == [a.assignment_id]
    assert a.contact == {}  # not before the professional accepts
    a = wf.respond(live, kofi, a.assignment_id, accept=True)
    assert a.contact == {}  # the professional's own view
    seen = wf.get_assignment(live, po, a.assignment_id)
    assert seen.contact == {"name": "Dr kofi", "email": "kofi@example.org"}
    assert a.status == "accepted" and a.responded_at is not None
    assert _statuses(a)[-1] == ("accepted", "officer", "sent")
    assert handler.messages[-1]["To"] == "officer@example.org"
    assert handler.messages[-1]["Subject"] == "HRH Observatory: proposal accepted"

    a = wf.advance(live, po, a.assignment_id, "confirm")
    assert a.status == "confirmed"
    assert _statuses(a)[-1] == ("confirmed", "member", "sent")
    assert handler.messages[-1]["Subject"] == "HRH Observatory: your assignment is confirmed"

    a = wf.advance(live, po, a.assignment_id, "start")
    a = wf.advance(live, po, a.assignment_id, "complete")
    assert a.status == "completed" and a.next_events == []
    a = wf.report_outcome(
        live, kofi, a.assignment_id, Outcome(120.0, 340, 12, "Theatre lists ran late")
    )
    assert a.outcome is not None
    assert (a.outcome.hours, a.outcome.patients_seen, a.outcome.feedback) == (
        120.0,
        340,
        "Theatre lists ran late",
    )
    with pytest.raises(Conflict, match="already has an outcome"):
        wf.report_outcome(live, po, a.assignment_id, Outcome(1, 1, 1))
    (held,) = privacy.export(live, kofi, pid).assignments  # the person's own data
    assert (held["status"], held["outcome"]["feedback"]) == ("completed", "Theatre lists ran late")

    with live.engine.connect() as conn:
        stored = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM diaspora_outcomes"))], default=str
        )
        trail = [
            (r[0], r[1])
            for r in conn.execute(
                text("SELECT action, detail FROM audit_events WHERE target = :t ORDER BY id"),
                {"t": f"assignment:{a.assignment_id}"},
            )
        ]
    assert "Theatre lists" not in stored and "v1:" in stored
    assert [t[0] for t in trail] == [
        "assignments.propose",
        "assignments.respond",
        "assignments.confirm",
        "assignments.start",
        "assignments.complete",
        "outcomes.write",
    ]
    assert json.loads(trail[1][1])["to"] == "accepted"
    assert audit.verify(live).ok
    ours = [r for r in caplog.records if r.name.startswith("hrh")]
    logged = "".join(r.getMessage() for r in ours)
    assert "mail handed to" in logged
    for secret in ("kofi@example.org", "officer@example.org", "Theatre"):
        assert secret not in logged


def test_illegal_moves_are_refused_and_scoped(ctx: AppContext) -> None:
    _load(ctx)
    po = _officer(ctx)
    ngo = _officer(ctx, "po-nga", "NGA")
    kofi, pid = _member(ctx, "kofi")
    ama, _ = _member(ctx, "ama")
    a = wf.propose(ctx, po, pid, "O-GHA-1")
    with pytest.raises(Conflict, match="proposed cannot be confirmed"):
        wf.advance(ctx, po, a.assignment_id, "confirm")
    with pytest.raises(Conflict, match="under way"):
        wf.propose(ctx, po, pid, "O-GHA-1")
    with pytest.raises(NotFound):
        wf.respond(ctx, ama, a.assignment_id, accept=True)  # another member's
    with pytest.raises(NotFound):
        wf.advance(ctx, ngo, a.assignment_id, "cancel")  # another country's
    with pytest.raises(NotFound):
        wf.propose(ctx, ngo, pid, "O-GHA-1")
    with pytest.raises(Forbidden):
        wf.respond(ctx, po, a.assignment_id, accept=True)  # officers do not answer
    with pytest.raises(Invalid, match="cadre"):
        wf.propose(ctx, po, pid, "O-GHA-2")  # a doctor for a nursing opportunity
    with pytest.raises(Invalid, match="Unknown step"):
        wf.advance(ctx, po, a.assignment_id, "teleport")
    a = wf.respond(ctx, kofi, a.assignment_id, accept=False)
    assert a.status == "declined"
    assert wf.get_assignment(ctx, po, a.assignment_id).contact == {}  # declined
    assert _statuses(a)[-1] == ("declined", "officer", "no_address")  # recorded, not lost
    with pytest.raises(Conflict, match="declined cannot be accepted"):
        wf.respond(ctx, kofi, a.assignment_id, accept=True)
    with pytest.raises(Conflict, match="only a completed one"):
        wf.report_outcome(ctx, po, a.assignment_id, Outcome(1, 1, 1))
    with pytest.raises(Invalid, match="hours must be"):
        wf.report_outcome(ctx, po, a.assignment_id, Outcome(-1, 1, 1))
    again = wf.propose(ctx, po, pid, "O-GHA-1")  # a declined pair may be proposed again
    assert again.assignment_id != a.assignment_id
    assert [v.opportunity_id for v in wf.list_assignments(ctx, ngo)] == []
    assert len(wf.list_assignments(ctx, po)) == 2


def test_confirmations_never_exceed_the_slots(ctx: AppContext) -> None:
    _load(ctx)
    po = _officer(ctx)
    kofi, pid = _member(ctx, "kofi")
    first = wf.propose(ctx, po, pid, "O-GHA-1")  # one slot
    second = wf.propose(ctx, po, "P001", "O-GHA-1")
    wf.respond(ctx, kofi, first.assignment_id, accept=True)
    wf.respond(ctx, LOCAL_ADMIN, second.assignment_id, accept=True)  # a reply by phone
    assert wf.get_assignment(ctx, po, second.assignment_id).contact == {}  # no consent to contact
    wf.advance(ctx, po, first.assignment_id, "confirm")
    with pytest.raises(Conflict, match="all its 1 slot"):
        wf.advance(ctx, po, second.assignment_id, "confirm")
    assert wf.get_assignment(ctx, po, second.assignment_id).status == "accepted"
    wf.advance(ctx, po, first.assignment_id, "cancel")
    assert wf.advance(ctx, po, second.assignment_id, "confirm").status == "confirmed"


def test_simultaneous_confirmations_fill_one_slot_once(ctx: AppContext) -> None:
    _load(ctx)
    _, pid = _member(ctx, "kofi")
    first = wf.propose(ctx, LOCAL_ADMIN, pid, "O-GHA-1")  # one slot
    second = wf.propose(ctx, LOCAL_ADMIN, "P001", "O-GHA-1")
    for a in (first, second):
        wf.respond(ctx, LOCAL_ADMIN, a.assignment_id, accept=True)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def confirm(aid: str) -> None:
        start.wait()
        try:
            outcomes[aid] = wf.advance(ctx, LOCAL_ADMIN, aid, "confirm").status
        except Conflict as exc:
            outcomes[aid] = exc.code

    threads = [threading.Thread(target=confirm, args=(a.assignment_id,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["confirmed", "conflict"]
    statuses = sorted(v.status for v in wf.list_assignments(ctx, LOCAL_ADMIN))
    assert statuses == ["accepted", "confirmed"]


def test_a_mail_failure_keeps_the_transition(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dead = _with_smtp(ctx, _free_port())  # nothing listens there
    _load(dead)
    po = _officer(dead)
    _, pid = _member(dead, "kofi")
    a = wf.propose(dead, po, pid, "O-GHA-1")
    assert a.status == "proposed"
    (notice,) = a.notifications
    assert (notice.status, notice.recipient) == ("failed", "member")
    assert notice.error.startswith("mail_failed: The mail server 127.0.0.1:")
    assert "kofi@example.org" not in caplog.text
    assert f"assignment {a.assignment_id} not sent" in caplog.text


def test_no_mail_without_consent_to_contact(ctx: AppContext, tmp_path: Path) -> None:
    settings = ctx.settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    ctx = dataclasses.replace(ctx, settings=settings)
    _load(ctx)
    po = _officer(ctx)
    _, pid = _member(ctx, "kofi", contact=False)
    a = wf.propose(ctx, po, pid, "O-GHA-1")
    assert _statuses(a) == [("proposed", "member", "no_consent")]
    assert not (tmp_path / "outbox").exists()
    _, other = _member(ctx, "ama", contact=True)
    b = wf.propose(ctx, po, other, "O-GHA-1")
    assert _statuses(b) == [("proposed", "member", "sent")]  # to the offline outbox
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert "To: ama@example.org" in eml.read_text()


def test_propose_the_optimal_match_in_ones_countries(ctx: AppContext) -> None:
    _load(ctx)
    po = _officer(ctx)
    made = wf.propose_matches(ctx, po)
    assert sorted((v.profile_id, v.opportunity_id) for v in made) == [
        ("P001", "O-GHA-1"),
        ("P003", "O-GHA-2"),
    ]
    assert wf.propose_matches(ctx, po) == []  # already under way
    admin_made = wf.propose_matches(ctx, LOCAL_ADMIN)
    assert [(v.profile_id, v.opportunity_id) for v in admin_made] == [("P002", "O-NGA-1")]


def _virtual_pool(ctx: AppContext, tmp_path: Path, n: int) -> list[str]:
    header = (DATA / "profiles.csv").read_text().splitlines()[0]
    rows = [f"V{i},2221,midwifery,GHA,GBR,en:C1,,5,,,virtual,4,true,true,,,," for i in range(n)]
    path = tmp_path / "v.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    diaspora.import_profiles(ctx, LOCAL_ADMIN, path)
    cells = {
        "opportunity_id": "O-VIRT",
        "country": "GHA",
        "facility": "Tele-mentoring hub",
        "cadre": "2221",
        "specialty": "midwifery",
        "mode": "virtual",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "language": "en",
        "language_level": "B2",
        "licence_required": "false",
        "slots": "10",
    }
    diaspora_matching.add_opportunity(ctx, LOCAL_ADMIN, cells)
    done = []
    for i in range(n):
        a = wf.propose(ctx, LOCAL_ADMIN, f"V{i}", "O-VIRT")
        wf.respond(ctx, LOCAL_ADMIN, a.assignment_id, accept=True)
        for step in ("confirm", "complete"):
            wf.advance(ctx, LOCAL_ADMIN, a.assignment_id, step)
        wf.report_outcome(ctx, LOCAL_ADMIN, a.assignment_id, Outcome(10.5, 3, 1, "fine"))
        done.append(a.assignment_id)
    return done


def test_published_figures_suppress_small_cells(ctx: AppContext, tmp_path: Path) -> None:
    _virtual_pool(ctx, tmp_path, 4)
    figures = returns.figures(ctx, LOCAL_ADMIN)
    assert [
        (c.country, c.mode, c.assignments, c.virtual_hours, c.suppressed) for c in figures.cells
    ] == [("GHA", "virtual", None, None, True)]


def test_a_small_cell_cannot_be_recovered_from_the_totals(ctx: AppContext, tmp_path: Path) -> None:
    _virtual_pool(ctx, tmp_path, 5)
    header = (DATA / "profiles.csv").read_text().splitlines()[0]
    rows = [f"S{i},2221,midwifery,GHA,GBR,en:C1,,5,,,short,,true,true,,,," for i in range(2)]
    path = tmp_path / "s.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    diaspora.import_profiles(ctx, LOCAL_ADMIN, path)
    cells = {
        "opportunity_id": "O-SHORT",
        "country": "GHA",
        "facility": "Tamale",
        "cadre": "2221",
        "mode": "short",
        "start": "2026-03-01",
        "end": "2026-04-30",
        "slots": "2",
    }
    diaspora_matching.add_opportunity(ctx, LOCAL_ADMIN, cells)
    for i in range(2):
        a = wf.propose(ctx, LOCAL_ADMIN, f"S{i}", "O-SHORT")
        wf.respond(ctx, LOCAL_ADMIN, a.assignment_id, accept=True)
        wf.advance(ctx, LOCAL_ADMIN, a.assignment_id, "confirm")
    figures = returns.figures(ctx, LOCAL_ADMIN)
    # 2 short is under 5; 5 virtual would give it away from the 7 of GHA nurses: both hidden
    assert [(c.mode, c.assignments, c.suppressed) for c in figures.cells] == [
        ("short", None, True),
        ("virtual", None, True),
    ]


def test_figures_survive_erasure(ctx: AppContext, tmp_path: Path) -> None:
    done = _virtual_pool(ctx, tmp_path, 5)
    before = returns.figures(ctx, LOCAL_ADMIN)
    assert [(c.assignments, c.virtual_hours, c.suppressed) for c in before.cells] == [
        (5, 52.5, False)
    ]
    privacy.erase(ctx, LOCAL_ADMIN, "V0")
    assert returns.figures(ctx, LOCAL_ADMIN) == before
    gone = wf.get_assignment(ctx, LOCAL_ADMIN, done[0])
    assert gone.profile_id is None
    assert gone.outcome is not None and gone.outcome.feedback == ""


def test_permanent_returns_with_incentives_and_bonding(ctx: AppContext) -> None:
    _load(ctx)
    po = _officer(ctx)
    r = PermanentReturn(
        "GHA",
        date(2026, 9, 1),
        (Incentive("relocation grant", 5000.0, "usd"), Incentive("housing", None, "")),
        bonding_months=24,
        bonding_until=date(2028, 9, 1),
    )
    view = returns.record_return(ctx, po, "P001", r)
    assert (view.profile_id, view.cadre, view.bonding_months) == ("P001", "medical_doctors", 24)
    assert [(i.kind, i.amount, i.currency) for i in view.incentives] == [
        ("relocation grant", 5000.0, "USD"),
        ("housing", None, ""),
    ]
    with pytest.raises(Forbidden):
        returns.record_return(ctx, po, "P002", dataclasses.replace(r, country="NGA"))
    bad = PermanentReturn(
        "GHA", date(2026, 9, 1), (Incentive("", -1.0, "dollars"),), 0, date(2026, 1, 1)
    )
    with pytest.raises(Invalid) as err:
        returns.record_return(ctx, po, "P001", bad)
    for field in ("kind", "amount", "currency", "bonding_months", "bonding_until"):
        assert field in err.value.message
    with pytest.raises(NotFound):
        returns.record_return(ctx, po, "nobody", r)
    assert [v.profile_id for v in returns.list_returns(ctx, po)] == ["P001"]
    assert returns.list_returns(ctx, _officer(ctx, "po-nga", "NGA")) == []


def test_cli_workflow(ctx: AppContext, tmp_path: Path) -> None:
    env = {
        "HRH_DATABASE_URL": ctx.settings.database_url,
        "HRH_VAR_DIR": str(ctx.settings.var_dir),
        "HRH_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    _load(ctx)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, ["diaspora", *args], env=env)

    r = run("propose", "--opportunity", "O-GHA-1", "--format", "json")
    assert r.exit_code == 0, r.output
    (made,) = json.loads(r.stdout)
    aid = made["assignment_id"]
    assert (made["profile_id"], made["status"]) == ("P001", "proposed")
    assert made["notifications"][0]["status"] == "no_consent"
    r = run("confirm", aid)
    assert r.exit_code == 1
    assert "proposed cannot be confirmed" in r.output
    for args in (("respond", aid, "--accept"), ("confirm", aid), ("complete", aid)):
        r = run(*args)
        assert r.exit_code == 0, r.output
    r = run("outcome", aid, "--hours", "40", "--patients", "90", "--feedback", "ok", "-f", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["outcome"]["patients_seen"] == 90
    r = run("assignments", "--format", "json")
    assert [a["status"] for a in json.loads(r.stdout)["data"]] == ["completed"]
    r = run(
        "record-return",
        "P001",
        "--country",
        "GHA",
        "--on",
        "2026-09-01",
        "--incentive",
        "relocation grant:5000:USD",
        "--incentive",
        "housing",
        "--bonding-months",
        "24",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["incentives"][0] == {
        "kind": "relocation grant",
        "amount": 5000.0,
        "currency": "USD",
    }
    r = run("record-return", "P001", "--country", "GHA", "--on", "soon")
    assert r.exit_code == 1 and "YYYY-MM-DD" in r.output
    r = run("assignment-stats", "--format", "json")
    assert json.loads(r.stdout)["cells"][0]["suppressed"] is True
