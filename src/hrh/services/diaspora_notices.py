"""E-mail notices of the assignment workflow, sent after the transition is committed.

- to the professional when proposed and when confirmed (their e-mail is an encrypted
  profile field; only when they consent to **contact**);
- to the proposing officer when the professional accepts or declines.

Whether each notice went out is stored (``sent``, ``failed`` with the error's code,
``no_address``, ``no_consent``) and shown on the assignment, so a failure is reported, never
lost, and never undoes the transition. Logs name the assignment and the event only, never
an address or a body.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hrh.errors import HrhError
from hrh.services import mail
from hrh.services.accounts import email_of
from hrh.services.context import AppContext
from hrh.services.keys import field_cipher
from hrh.store import diaspora as profiles
from hrh.store import diaspora_assignments as store
from hrh.store.tables_diaspora import DiasporaOpportunity, DiasporaProfile
from hrh.store.tables_diaspora_workflow import DiasporaAssignment

log = logging.getLogger(__name__)

#: Who is told about each event.
RECIPIENT = {
    "proposed": "member",
    "confirmed": "member",
    "accepted": "officer",
    "declined": "officer",
}


@dataclass(frozen=True)
class NoticeView:
    """Whether the notice about one event went out."""

    event: str
    recipient: str  # member | officer
    status: str  # sent | failed | no_address | no_consent
    error: str
    at: str


@dataclass(frozen=True)
class Notice:
    """A notice to send once the transaction is committed (``to`` None: none can be sent)."""

    assignment_pk: int
    assignment_id: str
    event: str
    recipient: str
    to: str | None
    reason: str  # why there is no address: no_address | no_consent
    subject: str
    body: str


def officer_email(s: Session, ctx: AppContext, user_id: int | None) -> str | None:
    """Return the proposing officer's e-mail address (None: no account, none set, disabled)."""
    return None if user_id is None else email_of(ctx, user_id, session=s)


def _member_email(s: Session, ctx: AppContext, p: DiasporaProfile | None) -> tuple[str | None, str]:
    if p is None:
        return None, "no_address"
    if not profiles.current_consents(s).get(p.id, {}).get("contact", False):
        return None, "no_consent"
    if not p.email_enc:
        return None, "no_address"
    return field_cipher(ctx.settings).decrypt(p.email_enc, context="profile.email"), ""


def _text(event: str, a: DiasporaAssignment, o: DiasporaOpportunity, url: str) -> tuple[str, str]:
    what = (
        f"opportunity {o.opportunity_id} ({o.mode}, {o.facility}, {o.country}, "
        f"{o.starts_on.isoformat()} to {o.ends_on.isoformat()})"
    )
    me = f"{url.rstrip('/')}/diaspora/me"
    console = f"{url.rstrip('/')}/diaspora/console"
    if event == "proposed":
        return (
            "HRH Observatory: you are proposed for an assignment",
            f"You have been proposed for {what}.\n\nPlease accept or decline it on your "
            f"page: {me}\n\nAssignment {a.assignment_id}.\n",
        )
    if event == "confirmed":
        return (
            "HRH Observatory: your assignment is confirmed",
            f"Your assignment to {what} is confirmed.\n\nDetails: {me}\n\n"
            f"Assignment {a.assignment_id}.\n",
        )
    return (
        f"HRH Observatory: proposal {event}",
        f"The professional you proposed for {what} has {event} it.\n\n"
        f"Matching console: {console}\n\nAssignment {a.assignment_id}.\n",
    )


def notice_for(
    s: Session,
    ctx: AppContext,
    event: str,
    row: tuple[DiasporaAssignment, DiasporaOpportunity, DiasporaProfile | None],
) -> Notice:
    """Build the notice about ``event`` (inside the transaction, while the rows are loaded)."""
    a, o, p = row
    recipient = RECIPIENT[event]
    if recipient == "member":
        to, reason = _member_email(s, ctx, p)
    else:
        to = officer_email(s, ctx, a.proposed_by_user_id)
        reason = "" if to else "no_address"
    subject, body = _text(event, a, o, ctx.settings.public_url)
    return Notice(a.id, a.assignment_id, event, recipient, to, reason, subject, body)


def deliver(ctx: AppContext, notices: list[Notice]) -> None:
    """Send the notices and record how each went (a failure is recorded, not raised)."""
    results = []
    for n in notices:
        status, error = n.reason, ""
        if n.to is not None:
            try:
                mail.send(ctx.settings, mail.Mail(n.to, n.subject, n.body))
                status = "sent"
            except HrhError as exc:
                status, error = "failed", f"{exc.code}: {exc.message}"
                log.warning(
                    "notice %s of assignment %s not sent (%s)", n.event, n.assignment_id, exc.code
                )
        results.append((n, status, error))
    if not results:
        return
    now = datetime.now(UTC)
    with ctx.unit() as s:
        for n, status, error in results:
            store.add_notification(s, n.assignment_pk, n.event, n.recipient, status, error, now)
