"""The diaspora pages: self-registration, "for me" (proposals) and the matching console.

- ``/diaspora/register`` (anonymous): an account and a profile with consent per purpose;
  the new member is signed in and sent to ``/diaspora/me``.
- ``/diaspora/me`` (diaspora members): their assignments with the score's components, and
  accept / decline buttons on proposals.
- ``/diaspora/console`` (programme officers, administrators): the opportunities of their
  countries with ranked candidates and their components; propose, confirm, start, complete,
  cancel.

Every form carries the CSRF token; every action goes through the same services as the API,
so the policy decides who may do what.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from hrh.diaspora.workflow import Outcome
from hrh.domain.policy import may
from hrh.errors import M_, HrhError, Invalid
from hrh.presentation.labels import PROFESSION_CADRES
from hrh.services import diaspora, diaspora_matching
from hrh.services import diaspora_assignments as workflow
from hrh.services.accounts import sign_in
from hrh.services.observatory import list_countries
from hrh.web.auth import WebAuth, request_principal, signed_in
from hrh.web.forms import form_date
from hrh.web.i18n import N_

MODES: dict[str, str] = {
    "virtual": N_("Virtual (teaching, tele-consultation)"),
    "short": N_("Short assignment (3 weeks to 3 months)"),
    "long": N_("Long assignment"),
    "permanent": N_("Permanent return"),
}
PURPOSES: dict[str, str] = {
    "matching": N_("Match me with opportunities"),
    "contact": N_("Programme officers may contact me by e-mail"),
    "statistics": N_("Count me in anonymous statistics"),
}
STATUSES: dict[str, str] = {
    "proposed": N_("Proposed"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "confirmed": N_("Confirmed"),
    "started": N_("Started"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}
COMPONENTS: dict[str, str] = {
    "specialty": N_("Specialty"),
    "language": N_("Language"),
    "experience": N_("Experience"),
    "origin": N_("Return to country of origin"),
    "preference": N_("Preferred country"),
}
STEPS: dict[str, str] = {
    "confirm": N_("Confirm"),
    "start": N_("Mark started"),
    "complete": N_("Mark completed"),
    "cancel": N_("Cancel"),
}
REGISTER_FAILED = N_("The registration was not accepted. Check the fields below.")
ACTION_FAILED = N_("That could not be done:")
MEMBERS = N_("This page is for registered diaspora professionals.")
OFFICERS = N_("This page is for programme officers and administrators.")
FORBIDDEN_TITLE = N_("Not available")


def _labels() -> dict[str, object]:
    return {
        "modes": MODES,
        "purposes": PURPOSES,
        "cadres": PROFESSION_CADRES,
        "statuses": STATUSES,
        "component_names": COMPONENTS,
        "steps": STEPS,
    }


def _back(path: str, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def _int(text: str, field: str) -> int:
    if not text.strip():
        return 0
    try:
        return int(text)
    except ValueError:
        raise Invalid.of(
            M_("%(field)s: %(value)s is not a whole number."), field=field, value=repr(text[:20])
        ) from None


def _float(text: str, field: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise Invalid.of(
            M_("%(field)s: %(value)s is not a number."), field=field, value=repr(text[:20])
        ) from None


def make_diaspora_router(auth: WebAuth) -> APIRouter:
    """Build the diaspora pages."""
    router = auth.router()

    def names() -> dict[str, tuple[str, str]]:
        return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}

    def countries() -> list[tuple[str, tuple[str, str]]]:
        return sorted(names().items(), key=lambda kv: kv[1][1])

    def gate(request: Request, action: str, who: str) -> Response | None:
        """Send the public to sign in; show others a 403 page unless they may ``action``."""
        principal = request_principal(request)
        if not signed_in(principal):
            return _back("/login", next=request.url.path)
        if not may(principal, action):
            context = {"title": FORBIDDEN_TITLE, "message": who}
            return auth.render(request, "error.html", context, status_code=403)
        return None

    @router.get("/diaspora/register", name="diaspora_register")
    def register_form(request: Request) -> Response:
        """The self-registration form."""
        context = {**_labels(), "countries": countries(), "form": {}, "error": None}
        return auth.render(request, "diaspora_register.html", context)

    @router.post("/diaspora/register", dependencies=[auth.csrf])
    async def register_submit(request: Request) -> Response:
        """Create the account and profile, sign the new member in, go to their page."""
        form = {k: str(v) for k, v in (await request.form()).multi_items() if k != "modes"}
        modes = [str(m) for m in (await request.form()).getlist("modes")]
        try:
            reg = diaspora.Registration(
                username=form.get("username", ""),
                password=form.get("password", ""),
                cadre=form.get("cadre", ""),
                origin=form.get("origin", ""),
                residence=form.get("residence", ""),
                modes=modes,
                specialty=form.get("specialty", "")[:120],
                languages=form.get("languages", "")[:150],
                licences=form.get("licences", "")[:300],
                experience_years=_float(form.get("experience_years", ""), "experience_years")
                or 0.0,
                available_from=form_date(form.get("available_from", ""), "available_from"),
                available_to=form_date(form.get("available_to", ""), "available_to"),
                virtual_hours_per_week=_float(
                    form.get("virtual_hours_per_week", ""), "virtual_hours_per_week"
                ),
                consent_matching="consent_matching" in form,
                consent_contact="consent_contact" in form,
                consent_statistics="consent_statistics" in form,
                personal={k: form[k][:120] for k in ("name", "email") if form.get(k)},
            )
            diaspora.register(auth.ctx, request_principal(request), reg)
            session = sign_in(auth.ctx, reg.username, reg.password)
        except HrhError as exc:
            kept = {k: v for k, v in form.items() if k != "password"}
            context = {
                **_labels(),
                "countries": countries(),
                "form": {**kept, "modes": modes},
                "error": exc,
            }
            return auth.render(request, "diaspora_register.html", context, status_code=422)
        response = _back("/diaspora/me", done="registered")
        user_id = session.principal.user_id
        assert user_id is not None  # sign_in always names a user
        auth.start_session(response, user_id, session.session_version)
        return response

    def render_me(
        request: Request, done: str, failed: HrhError | None = None, status: int = 200
    ) -> Response:
        rows = workflow.list_assignments(auth.ctx, request_principal(request))
        shown = done if done in STATUSES or done in ("registered", "reported") else ""
        context = {**_labels(), "rows": rows, "done": shown, "failed": failed, "names": names()}
        return auth.render(request, "diaspora_me.html", context, status_code=status)

    @router.get("/diaspora/me", name="diaspora_me")
    def for_me(request: Request, done: str = "") -> Response:
        """A professional's proposals and assignments."""
        if (blocked := gate(request, "assignments.respond", MEMBERS)) is not None:
            return blocked
        return render_me(request, done)

    @router.post("/diaspora/me/assignments/{assignment_id}", dependencies=[auth.csrf])
    def answer(
        request: Request, assignment_id: str, answer: Annotated[str, Form()] = ""
    ) -> Response:
        """Accept or decline a proposal."""
        if (blocked := gate(request, "assignments.respond", MEMBERS)) is not None:
            return blocked
        try:
            if answer not in ("accept", "decline"):
                raise Invalid.of(M_("Answer accept or decline."))
            view = workflow.respond(
                auth.ctx, request_principal(request), assignment_id[:40], answer == "accept"
            )
        except HrhError as exc:
            return render_me(request, "", exc, exc.status)
        return _back("/diaspora/me", done=view.status)

    @router.post("/diaspora/me/assignments/{assignment_id}/outcome", dependencies=[auth.csrf])
    def outcome(
        request: Request,
        assignment_id: str,
        hours: Annotated[str, Form()] = "",
        patients_seen: Annotated[str, Form()] = "",
        staff_trained: Annotated[str, Form()] = "",
        feedback: Annotated[str, Form()] = "",
    ) -> Response:
        """Report the outcome of one's completed assignment."""
        if (blocked := gate(request, "outcomes.write", MEMBERS)) is not None:
            return blocked
        try:
            report = Outcome(
                _float(hours, "hours") or 0.0,
                _int(patients_seen, "patients_seen"),
                _int(staff_trained, "staff_trained"),
                feedback[:4000],
            )
            workflow.report_outcome(
                auth.ctx, request_principal(request), assignment_id[:40], report
            )
        except HrhError as exc:
            return render_me(request, "", exc, exc.status)
        return _back("/diaspora/me", done="reported")

    @router.get("/diaspora/console", name="diaspora_console")
    def console(request: Request, done: str = "") -> Response:
        """Opportunities in the officer's countries with ranked candidates and assignments."""
        if (blocked := gate(request, "assignments.propose", OFFICERS)) is not None:
            return blocked
        return render_console(request, done)

    def render_console(
        request: Request, done: str, failed: HrhError | None = None, status: int = 200
    ) -> Response:
        principal = request_principal(request)
        opportunities = diaspora_matching.list_opportunities(auth.ctx, principal)
        pairs = diaspora_matching.scores(auth.ctx, principal)
        best = {
            (a.profile_id, a.opportunity_id)
            for a in diaspora_matching.match(auth.ctx, principal).assignments
        }
        assignments = workflow.list_assignments(auth.ctx, principal)
        by_opp: dict[str, list[object]] = {o.opportunity_id: [] for o in opportunities}
        for e in sorted(pairs, key=lambda e: (-e.score, e.profile_id)):
            by_opp.setdefault(e.opportunity_id, []).append(e)
        context = {
            **_labels(),
            "opportunities": opportunities,
            "candidates": by_opp,
            "best": best,
            "assignments": assignments,
            "under_way": {
                (a.profile_id, a.opportunity_id)
                for a in assignments
                if a.status in ("proposed", "accepted", "confirmed", "started")
            },
            "names": names(),
            "done": done if done in STATUSES else "",
            "failed": failed,
        }
        return auth.render(request, "diaspora_console.html", context, status_code=status)

    @router.post("/diaspora/console/propose", dependencies=[auth.csrf])
    def propose(
        request: Request,
        profile_id: Annotated[str, Form()] = "",
        opportunity_id: Annotated[str, Form()] = "",
    ) -> Response:
        """Propose one candidate."""
        if (blocked := gate(request, "assignments.propose", OFFICERS)) is not None:
            return blocked
        try:
            workflow.propose(
                auth.ctx, request_principal(request), profile_id[:40], opportunity_id[:40]
            )
        except HrhError as exc:
            return render_console(request, "", exc, exc.status)
        return _back("/diaspora/console", done="proposed")

    @router.post("/diaspora/console/assignments/{assignment_id}", dependencies=[auth.csrf])
    def step(request: Request, assignment_id: str, event: Annotated[str, Form()] = "") -> Response:
        """Confirm, start, complete or cancel an assignment."""
        if (blocked := gate(request, "assignments.confirm", OFFICERS)) is not None:
            return blocked
        try:
            view = workflow.advance(
                auth.ctx, request_principal(request), assignment_id[:40], event[:12]
            )
        except HrhError as exc:
            return render_console(request, "", exc, exc.status)
        return _back("/diaspora/console", done=view.status)

    return router
