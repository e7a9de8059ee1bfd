"""The compliance registry pages: agreements and organisations, with their edit and delete forms.

- ``/compliance/agreements`` (public, like the API's ``reference.read``): the agreements the
  rules read; analysts and admins (``agreements.write``) see an edit form under each (an
  agreement that ended gets a "valid to" date), admins (``agreements.delete``) a delete form.
- ``/compliance/organisations`` (``organisations.read``): the organisations registry (a
  recruiter: its own); ``organisations.write`` edits, ``organisations.delete`` deletes.
- ``/compliance/agreements.csv|xlsx`` and ``/compliance/organisations.csv|xlsx``: the same
  tables to download, with the same access (one row per listing period for organisations).

The forms post with the CSRF token; the service checks the policy again and audits every
change. A success redirects back (303) with a notice; a refusal shows the page again with the
located problems (field, value, what was expected) and the entry's form open.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from hrh.domain.policy import may
from hrh.domain.recruitment import Agreement, Organisation
from hrh.errors import M_, HrhError, Invalid, Problem
from hrh.services import compliance_registry as registry
from hrh.services.observatory import list_countries
from hrh.web.auth import WebAuth, request_principal, signed_in
from hrh.web.compliance import FORBIDDEN_TITLE, READERS, _labels
from hrh.web.exports import FORMATS, Cell, Table, table_response
from hrh.web.i18n import N_

EDITORS = N_("Only analysts and administrators may change the registries.")
DONE: dict[str, str] = {
    "updated": N_("The change was saved and recorded in the audit trail."),
    "deleted": N_("The entry was deleted and the deletion recorded in the audit trail."),
}
LISTING_LINE = "FROM | TO | SOURCE"
BAD_DOWNLOAD_TITLE = N_("Filter not understood")
BAD_DOWNLOAD = N_("This download has no format %(code)s: use csv or xlsx.")
AGREEMENT_COLUMNS = (
    "agreement_id", "origin", "destination", "cadres", "kind", "valid_from", "valid_to",
    "routes", "terms", "source",
)  # fmt: skip
ORGANISATION_COLUMNS = (
    "name", "country", "kind", "listed_from", "listed_to", "listing_source", "source",
)  # fmt: skip


def _back(path: str, anchor: str = "", **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    target = path + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303)


def parse_listings(text: str) -> list[dict[str, str]]:
    r"""Parse the listings box: one period a line, ``FROM | TO | SOURCE`` (TO empty: open).

    >>> parse_listings("2022-01-01 | 2023-06-30 | NHS list\n\n2024-03-01 |  | NHS list")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'valid_from': '2022-01-01', 'valid_to': '2023-06-30', 'source': 'NHS list'},
     {'valid_from': '2024-03-01', 'valid_to': '', 'source': 'NHS list'}]
    """
    out = []
    problems = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            problems.append(
                Problem.of(
                    "listings", n, "listings", line[:80], M_("FROM | TO | SOURCE, one a line")
                )
            )
            continue
        out.append({"valid_from": parts[0], "valid_to": parts[1], "source": parts[2]})
    if problems:
        raise Invalid.of(M_("The listing periods are not understood."), problems=problems)
    return out


def listings_text(o: Organisation) -> str:
    """Return an organisation's periods as the listings box shows them."""
    return "\n".join(
        f"{p.valid_from.isoformat()} | {p.valid_to.isoformat() if p.valid_to else ''} | {p.source}"
        for p in o.listings
    )


def _agreement_row(a: Agreement) -> list[Cell]:
    """One agreement as a download row (sets joined with ";", dates ISO, open end empty)."""
    return [
        a.agreement_id,
        a.origin,
        a.destination,
        ";".join(sorted(a.cadres)),
        a.kind,
        a.valid_from.isoformat(),
        a.valid_to.isoformat() if a.valid_to else None,
        ";".join(sorted(a.routes)),
        a.terms,
        a.source,
    ]


def make_compliance_registry_router(auth: WebAuth) -> APIRouter:
    """Build ``/compliance/agreements`` and ``/compliance/organisations`` with their forms."""
    router = auth.router()

    def names() -> dict[str, tuple[str, str]]:
        return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}

    def refuse(request: Request, action: str, who: str) -> Response | None:
        principal = request_principal(request)
        if not signed_in(principal):
            return RedirectResponse("/login?" + urlencode({"next": request.url.path}), 303)
        if not may(principal, action):
            context = {"title": FORBIDDEN_TITLE, "message": who}
            return auth.render(request, "error.html", context, status_code=403)
        return None

    def render_agreements(
        request: Request, done: str = "", error: HrhError | None = None, open_id: str = ""
    ) -> Response:
        principal = request_principal(request)
        context = {
            **_labels(),
            "active": "compliance",
            "agreements": registry.list_agreements(auth.ctx),
            "names": names(),
            "can_edit": may(principal, "agreements.write"),
            "can_delete": may(principal, "agreements.delete"),
            "done": DONE.get(done, ""),
            "error": error,
            "open_id": open_id,
            "fields_of": registry.agreement_fields,
        }
        status = error.status if error is not None and error.status < 500 else 200
        return auth.render(request, "compliance_agreements.html", context, status_code=status)

    def bad_format(request: Request, fmt: str) -> Response:
        context = {"title": BAD_DOWNLOAD_TITLE, "message": BAD_DOWNLOAD, "code": fmt[:10]}
        return auth.render(request, "error.html", context, status_code=400)

    @router.get("/compliance/agreements.{fmt}", name="compliance_agreements_download")
    def agreements_download(request: Request, fmt: str) -> Response:
        """The agreements registry as CSV or Excel (public reference, as the page)."""
        if fmt not in FORMATS:
            return bad_format(request, fmt)
        rows = [_agreement_row(a) for a in registry.list_agreements(auth.ctx)]
        return table_response(Table("agreements", AGREEMENT_COLUMNS, rows), fmt)

    @router.get("/compliance/organisations.{fmt}", name="compliance_organisations_download")
    def organisations_download(request: Request, fmt: str) -> Response:
        """The organisations registry as CSV or Excel: one row per listing period."""
        if (blocked := refuse(request, "organisations.read", READERS)) is not None:
            return blocked
        if fmt not in FORMATS:
            return bad_format(request, fmt)
        rows: list[list[Cell]] = []
        for o in registry.list_organisations(auth.ctx, request_principal(request)):
            periods = o.listings or (None,)
            for p in periods:
                listed = [None, None, None] if p is None else [
                    p.valid_from.isoformat(),
                    p.valid_to.isoformat() if p.valid_to else None,
                    p.source,
                ]  # fmt: skip
                rows.append([o.name, o.country, o.kind, *listed, o.source])
        return table_response(Table("organisations", ORGANISATION_COLUMNS, rows), fmt)

    @router.get("/compliance/agreements", name="compliance_agreements")
    def agreements(request: Request, done: str = "") -> Response:
        """The agreements registry the rules read (public reference, as in the API)."""
        return render_agreements(request, done[:10])

    @router.post("/compliance/agreements/{agreement_id}/edit", dependencies=[auth.csrf])
    def edit_agreement(
        request: Request,
        agreement_id: str,
        origin: Annotated[str, Form(max_length=3)] = "",
        destination: Annotated[str, Form(max_length=3)] = "",
        cadres: Annotated[str, Form(max_length=400)] = "",
        valid_from: Annotated[str, Form(max_length=20)] = "",
        valid_to: Annotated[str, Form(max_length=20)] = "",
        kind: Annotated[str, Form(max_length=10)] = "",
        source: Annotated[str, Form(max_length=400)] = "",
        routes: Annotated[str, Form(max_length=200)] = "",
        terms: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Save the edit form of one agreement (every field, as shown)."""
        if (blocked := refuse(request, "agreements.write", EDITORS)) is not None:
            return blocked
        changes = {
            "origin": origin.strip().upper(),
            "destination": destination.strip().upper(),
            "cadres": cadres.strip(),
            "valid_from": valid_from.strip(),
            "valid_to": valid_to.strip(),
            "kind": kind.strip(),
            "source": source.strip(),
            "routes": routes.strip(),
            "terms": terms.strip(),
        }
        try:
            registry.update_agreement(
                auth.ctx, request_principal(request), agreement_id[:80], changes
            )
        except HrhError as exc:
            return render_agreements(request, error=exc, open_id=agreement_id[:80])
        return _back("/compliance/agreements", f"agreement-{agreement_id}", done="updated")

    @router.post("/compliance/agreements/{agreement_id}/delete", dependencies=[auth.csrf])
    def delete_agreement(
        request: Request,
        agreement_id: str,
        reason: Annotated[str, Form(max_length=400)] = "",
    ) -> Response:
        """Delete one agreement (admins)."""
        if (blocked := refuse(request, "agreements.delete", EDITORS)) is not None:
            return blocked
        try:
            registry.delete_agreement(
                auth.ctx, request_principal(request), agreement_id[:80], reason=reason.strip()
            )
        except HrhError as exc:
            return render_agreements(request, error=exc, open_id=agreement_id[:80])
        return _back("/compliance/agreements", done="deleted")

    def render_organisations(
        request: Request,
        done: str = "",
        error: HrhError | None = None,
        open_name: str = "",
    ) -> Response:
        principal = request_principal(request)
        context = {
            **_labels(),
            "active": "compliance",
            "organisations": registry.list_organisations(auth.ctx, principal),
            "names": names(),
            "can_edit": may(principal, "organisations.write"),
            "can_delete": may(principal, "organisations.delete"),
            "done": DONE.get(done, ""),
            "error": error,
            "open_name": open_name,
            "listings_text": listings_text,
            "listing_line": LISTING_LINE,
        }
        status = error.status if error is not None and error.status < 500 else 200
        return auth.render(request, "compliance_organisations.html", context, status_code=status)

    @router.get("/compliance/organisations", name="compliance_organisations")
    def organisations(request: Request, done: str = "") -> Response:
        """The organisations registry (a recruiter sees its own organisation only)."""
        if (blocked := refuse(request, "organisations.read", READERS)) is not None:
            return blocked
        return render_organisations(request, done[:10])

    @router.post("/compliance/organisations/{name}/edit", dependencies=[auth.csrf])
    def edit_organisation(
        request: Request,
        name: str,
        country: Annotated[str, Form(max_length=3)] = "",
        kind: Annotated[str, Form(max_length=10)] = "",
        source: Annotated[str, Form(max_length=400)] = "",
        listings: Annotated[str, Form(max_length=8000)] = "",
    ) -> Response:
        """Save the edit form of one organisation (the listings box replaces every period)."""
        if (blocked := refuse(request, "organisations.write", EDITORS)) is not None:
            return blocked
        changes = {"country": country.strip().upper(), "type": kind.strip(), "source": source}
        try:
            periods = parse_listings(listings)
            registry.update_organisation(
                auth.ctx, request_principal(request), name[:120], changes, periods
            )
        except HrhError as exc:
            return render_organisations(request, error=exc, open_name=name[:120])
        return _back("/compliance/organisations", f"organisation-{name}", done="updated")

    @router.post("/compliance/organisations/{name}/delete", dependencies=[auth.csrf])
    def delete_organisation(
        request: Request, name: str, reason: Annotated[str, Form(max_length=400)] = ""
    ) -> Response:
        """Delete one organisation (admins); its records and stored findings stay."""
        if (blocked := refuse(request, "organisations.delete", EDITORS)) is not None:
            return blocked
        try:
            registry.delete_organisation(
                auth.ctx, request_principal(request), name[:120], reason=reason.strip()
            )
        except HrhError as exc:
            return render_organisations(request, error=exc, open_name=name[:120])
        return _back("/compliance/organisations", done="deleted")

    return router
