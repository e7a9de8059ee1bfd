"""The ethical-recruitment compliance pages: findings, records, scorecards, registries, report.

- ``/compliance`` (``recruitment.read``): the findings list, filtered by a GET form, paginated.
- ``/compliance/records/{organisation}/{record_id}``: one record, its findings and evidence.
- ``/compliance/scorecards``: per agency, employer, source (residence) country and destination.
- ``/compliance/scorecards/{by}.csv|.xlsx``: one scorecard, one row per group and year.
- ``/compliance/agreements`` and ``/compliance/organisations``: see ``compliance_registry``.
- ``/compliance/report`` (``recruitment.read``): the WHO Code national reporting figures on a
  date, each table also as ``/compliance/report/<table>.csv`` or ``.xlsx``.
- ``/compliance/upload`` (``recruitment.write``): a CSV or .xlsx checked first (dry run), then
  imported by a second submit of the same file.

Every figure comes from :mod:`hrh.services.compliance`, which enforces the policy: a recruiter
sees only its organisation's records (another's record is "not found"), analysts and admins all;
on the report, a recruiter's counts cover its own records only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from hrh.domain.policy import may
from hrh.errors import M_, HrhError, Invalid, NotFound
from hrh.presentation.labels import CADRES, PROFESSION_CADRES
from hrh.services import compliance
from hrh.services import compliance_scorecards as scorecards_svc
from hrh.services.observatory import list_countries
from hrh.web.auth import WebAuth, request_principal, signed_in
from hrh.web.exports import FORMATS, Table, table_response
from hrh.web.forms import form_date
from hrh.web.i18n import N_
from hrh.web.sparkline import sparkline

PAGE_SIZE = 50
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")
_CHUNK = 1 << 20
FORBIDDEN_TITLE = N_("Not available")
READERS = N_("This page is for recruiters, analysts and administrators.")
WRITERS = N_("This page is for those who may upload recruitment records.")
BAD_FILTER_TITLE = N_("Filter not understood")
NOT_FOUND_TITLE = N_("Page not found")
NO_RECORD = N_("There is no recruitment record %(code)s that you may read.")
BAD_REPORT_TITLE = N_("Report date not understood")
BAD_REPORT = N_("The date must be written YYYY-MM-DD and the destination as an ISO3 code.")
NO_TABLE = N_("There is no such table in the report.")
CHANGED_FILE = N_("This is not the file that was checked. Check it first, then import it.")

#: Rule names shown on the pages (the rules are declared in ``hrh.compliance.rules``).
RULE_NAMES: dict[str, str] = {
    "ssl_active_recruitment": N_("Active recruitment from a country on the WHO safeguards list"),
    "amber_outside_agreement": N_("Recruitment from an amber country outside an agreement's terms"),
    "candidate_fee": N_("Fee charged to the candidate"),
    "repayment_clause": N_("Repayment clause beyond the code's limit"),
    "terms_below_domestic": N_("Salary below that of comparable domestic staff"),
    "agency_not_ethical_recruiter": N_("Agency not on the ethical recruiters list"),
}
assert set(RULE_NAMES) == {r.id for r in compliance.list_rules()}
SEVERITIES: dict[str, str] = {
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "info": N_("note (no finding)"),
}
GROUPS: dict[str, str] = {
    "agency": N_("Recruitment agencies"),
    "employer": N_("Employers"),
    "source": N_("Source countries (candidate's residence)"),
    "destination": N_("Destination countries"),
}
assert set(GROUPS) == set(scorecards_svc.SCORECARD_GROUPS)
STATUSES: dict[str, str] = {
    "listed": N_("on the ethical recruiters list"),
    "not_listed": N_("not on the ethical recruiters list"),
    "not_in_registry": N_("not in the organisations registry"),
    "partly_listed": N_("on the ethical recruiters list part of the year"),
}
ROUTES: dict[str, str] = {
    "active": N_("active recruitment"),
    "direct_application": N_("direct application"),
    "referral": N_("referral"),
    "g2g": N_("government-to-government"),
}

#: The tables of the WHO Code national report (``NationalReport.sections()``), in order.
REPORT_SECTIONS: dict[str, str] = {
    "inflows_records": N_("Foreign-trained inflows in the recruitment records"),
    "inflows_oecd": N_("Foreign-trained inflows in the published flows (OECD)"),
    "ssl_recruitment": N_("Recruitment from countries on the WHO safeguards list"),
    "agreements": N_("Agreements in force"),
}
REPORT_COLUMNS: dict[str, str] = {
    "destination": N_("Destination"),
    "country_of_training": N_("Country of training"),
    "source_country": N_("Country of residence"),
    "cadre": N_("Cadre"),
    "route": N_("Route"),
    "with_agreement": N_("Under an agreement"),
    "records": N_("Records"),
    "year": N_("Year"),
    "inflow": N_("Inflow"),
    "source": N_("Source"),
    "agreement_id": N_("Agreement"),
    "origin": N_("Origin"),
    "cadres": N_("Cadres"),
    "kind": N_("Kind"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
}
#: The header of a report table with no row (the service's column names, as the CLI's JSON).
EMPTY_COLUMNS: dict[str, tuple[str, ...]] = {
    "inflows_records": ("destination", "country_of_training", "cadre", "records"),
    "inflows_oecd": ("destination", "country_of_training", "cadre", "year", "inflow", "source"),
    "ssl_recruitment": (
        "destination",
        "source_country",
        "cadre",
        "route",
        "with_agreement",
        "records",
    ),
    "agreements": (
        "agreement_id",
        "origin",
        "destination",
        "cadres",
        "kind",
        "valid_from",
        "valid_to",
        "source",
    ),
}
assert set(EMPTY_COLUMNS) == set(REPORT_SECTIONS)
ORGANISATION_TYPES: dict[str, str] = {"agency": N_("agency"), "employer": N_("employer")}
#: Cadre names: the observatory's and the diaspora pages' (ISCO-08 codes are shown as given).
CADRE_NAMES: dict[str, str] = {**CADRES, **PROFESSION_CADRES}


def _labels() -> dict[str, object]:
    return {
        "rule_names": RULE_NAMES,
        "severities": SEVERITIES,
        "groups": GROUPS,
        "statuses": STATUSES,
        "routes": ROUTES,
        "organisation_types": ORGANISATION_TYPES,
        "cadre_labels": CADRE_NAMES,
        "report_sections": REPORT_SECTIONS,
        "report_columns": REPORT_COLUMNS,
        "explained": compliance.explanation_of,
    }


def _report_query(as_of: str, destination: str) -> tuple[date, str | None]:
    """Parse the report form: the date (empty: today, UTC) and an optional ISO3 destination."""
    day = form_date(as_of, "as_of") or datetime.now(UTC).date()
    place = destination.strip().upper()
    if place and not (len(place) == 3 and place.isalpha()):
        raise Invalid.of(
            M_("destination: %(value)s is not an ISO3 country code."), value=repr(destination[:20])
        )
    return day, place or None


def _report_table(report: compliance.NationalReport, section: str) -> Table:
    """One table of the report as a download (the service's column names, raw values)."""
    rows = report.sections()[section]
    columns = list(dict.fromkeys(k for row in rows for k in row)) or list(EMPTY_COLUMNS[section])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    return Table(f"who-code-report-{section}-{report.as_of.isoformat()}", columns, cells)


SCORECARD_COLUMNS = (
    "group",
    "year",
    "records",
    "flagged_records",
    "findings",
    "rate",
    "status_that_year",
    "status_source",
)


def scorecard_table(by: str, rows: Sequence[scorecards_svc.ScoreRow]) -> Table:
    """A scorecard as a download: one row per group and year (status: agencies, employers)."""
    cells: list[list[str | int | float | None]] = [
        [
            r.group,
            y.year,
            y.records,
            y.flagged_records,
            y.findings,
            y.rate,
            y.status.status if y.status else None,
            y.status.source if y.status else None,
        ]
        for r in rows
        for y in r.years
    ]
    return Table(f"compliance-scorecard-{by}", SCORECARD_COLUMNS, cells)


def _cell(value: object) -> str | int | float | None:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _read_upload(upload: UploadFile | None, limit_mb: int) -> tuple[str, bytes]:
    """Return an upload's name and bytes; refuse other suffixes and files over the limit."""
    name = Path(upload.filename or "").name if upload is not None else ""
    if upload is None or not name:
        raise Invalid.of(M_("Choose a file to upload."))
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise Invalid.of(
            M_("Only .csv and .xlsx files are accepted, not %(file)s."),
            hint=M_("Use the documented template (docs/formats.md)."),
            file=repr(name),
        )
    data = bytearray()
    while chunk := upload.file.read(_CHUNK):
        data += chunk
        if len(data) > limit_mb * 1024 * 1024:
            raise Invalid.of(M_("The upload is larger than %(mb)s MB."), mb=limit_mb)
    return name, bytes(data)


def make_compliance_router(auth: WebAuth) -> APIRouter:
    """Build the ``/compliance`` pages."""
    router = auth.router()

    def names() -> dict[str, tuple[str, str]]:
        return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}

    def gate(request: Request, action: str, who: str) -> Response | None:
        """Send the public to sign in; show others a 403 page unless they may ``action``."""
        principal = request_principal(request)
        if not signed_in(principal):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        if not may(principal, action):
            context = {"title": FORBIDDEN_TITLE, "message": who}
            return auth.render(request, "error.html", context, status_code=403)
        return None

    @router.get("/compliance", name="compliance")
    def findings(
        request: Request,
        rule: Annotated[str, Query(max_length=60)] = "",
        severity: Annotated[str, Query(max_length=10)] = "",
        organisation: Annotated[str, Query(max_length=120)] = "",
        destination: Annotated[str, Query(max_length=3)] = "",
        source: Annotated[str, Query(max_length=3)] = "",
        since: Annotated[str, Query(max_length=20)] = "",
        until: Annotated[str, Query(max_length=20)] = "",
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> Response:
        """The findings the reader may see, filtered, with their explanations."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        chosen = {
            "rule": rule.strip(),
            "severity": severity.strip(),
            "organisation": organisation.strip(),
            "destination": destination.strip().upper(),
            "source": source.strip().upper(),
            "since": since.strip(),
            "until": until.strip(),
        }
        error: HrhError | None = None
        result = None
        try:
            if chosen["rule"] and chosen["rule"] not in RULE_NAMES:
                raise Invalid.of(M_("Unknown rule %(rule)s."), rule=repr(chosen["rule"]))
            if chosen["severity"] and chosen["severity"] not in SEVERITIES:
                raise Invalid.of(
                    M_("Unknown severity %(severity)s."), severity=repr(chosen["severity"])
                )
            flt = compliance.FindingFilter(
                chosen["organisation"] or None,
                chosen["rule"] or None,
                chosen["severity"] or None,
                chosen["destination"] or None,
                chosen["source"] or None,
                form_date(chosen["since"], "since"),
                form_date(chosen["until"], "until"),
            )
            result = compliance.list_findings(
                auth.ctx,
                request_principal(request),
                flt,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except HrhError as exc:
            error = exc
        query = {k: v for k, v in chosen.items() if v}
        pages = max(1, -(-result.count // PAGE_SIZE)) if result else 1
        all_names = names()
        context = {
            **_labels(),
            "active": "compliance",
            "result": result,
            "chosen": chosen,
            "error": error,
            "page": page,
            "pages": pages,
            "prev_url": f"/compliance?{urlencode({**query, 'page': page - 1})}" if page > 1 else "",
            "next_url": f"/compliance?{urlencode({**query, 'page': page + 1})}"
            if page < pages
            else "",
            "names": all_names,
            "countries": sorted(all_names.items(), key=lambda kv: kv[1][1]),
        }
        status = 400 if error is not None else 200
        return auth.render(request, "compliance_findings.html", context, status_code=status)

    @router.get("/compliance/records/{organisation}/{record_id:path}", name="compliance_record")
    def record(request: Request, organisation: str, record_id: str) -> Response:
        """One record with its findings and their evidence (404 for another organisation's)."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        try:
            view = compliance.get_record(
                auth.ctx, request_principal(request), organisation[:120], record_id[:120]
            )
        except NotFound:
            missing = {"title": NOT_FOUND_TITLE, "message": NO_RECORD, "code": record_id[:80]}
            return auth.render(request, "error.html", missing, status_code=404)
        context = {**_labels(), "active": "compliance", "view": view, "names": names()}
        return auth.render(request, "compliance_record.html", context)

    @router.get("/compliance/scorecards", name="compliance_scorecards")
    def scorecards(request: Request) -> Response:
        """Records, findings, rate and yearly trend per agency, employer, source, destination."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        principal = request_principal(request)
        cards = {by: scorecards_svc.scorecard(auth.ctx, principal, by) for by in GROUPS}
        context = {
            **_labels(),
            "active": "compliance",
            "cards": cards,
            "names": names(),
            "sparkline": lambda row: sparkline([(y.year, y.rate) for y in row.years]),
        }
        return auth.render(request, "compliance_scorecards.html", context)

    @router.get("/compliance/scorecards/{by}.{fmt}", name="compliance_scorecard_download")
    def scorecard_download(request: Request, by: str, fmt: str) -> Response:
        """One scorecard as CSV or Excel: one row per group and recruitment year."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        if by not in GROUPS or fmt not in FORMATS:
            missing = {"title": NOT_FOUND_TITLE, "message": NO_TABLE}
            return auth.render(request, "error.html", missing, status_code=404)
        rows = scorecards_svc.scorecard(auth.ctx, request_principal(request), by)
        return table_response(scorecard_table(by, rows), fmt)

    @router.get("/compliance/report", name="compliance_report")
    def report(
        request: Request,
        as_of: Annotated[str, Query(max_length=20)] = "",
        destination: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        """The WHO Code national reporting figures on a date (a recruiter: its own records)."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        error: HrhError | None = None
        result = None
        try:
            day, place = _report_query(as_of, destination)
            result = compliance.national_report(
                auth.ctx, request_principal(request), day, destination=place
            )
        except HrhError as exc:
            error = exc
        chosen = {"as_of": as_of.strip(), "destination": destination.strip().upper()}
        if result is not None:
            chosen["as_of"] = result.as_of.isoformat()
        all_names = names()
        context = {
            **_labels(),
            "active": "compliance",
            "report": result,
            "chosen": chosen,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "error": error,
            "names": all_names,
            "countries": sorted(all_names.items(), key=lambda kv: kv[1][1]),
        }
        status = 400 if error is not None else 200
        return auth.render(request, "compliance_report.html", context, status_code=status)

    @router.get("/compliance/report/{section}.{fmt}", name="compliance_report_download")
    def report_download(
        request: Request,
        section: str,
        fmt: str,
        as_of: Annotated[str, Query(max_length=20)] = "",
        destination: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        """One table of the report as CSV or Excel, for the same date and destination."""
        if (blocked := gate(request, "recruitment.read", READERS)) is not None:
            return blocked
        if section not in REPORT_SECTIONS or fmt not in FORMATS:
            missing = {"title": NOT_FOUND_TITLE, "message": NO_TABLE}
            return auth.render(request, "error.html", missing, status_code=404)
        try:
            day, place = _report_query(as_of, destination)
        except HrhError:
            bad = {"title": BAD_REPORT_TITLE, "message": BAD_REPORT}
            return auth.render(request, "error.html", bad, status_code=400)
        result = compliance.national_report(
            auth.ctx, request_principal(request), day, destination=place
        )
        return table_response(_report_table(result, section), fmt)

    def render_upload(
        request: Request,
        result: compliance.ImportResult | None = None,
        error: HrhError | None = None,
        checked: str = "",
    ) -> Response:
        context = {
            **_labels(),
            "active": "compliance",
            "result": result,
            "error": error,
            "checked": checked,
            "limit_mb": auth.ctx.settings.max_upload_mb,
        }
        status = error.status if error is not None and error.status < 500 else 200
        return auth.render(request, "compliance_upload.html", context, status_code=status)

    @router.get("/compliance/upload", name="compliance_upload")
    def upload_form(request: Request) -> Response:
        """The upload form."""
        if (blocked := gate(request, "recruitment.write", WRITERS)) is not None:
            return blocked
        return render_upload(request)

    @router.post("/compliance/upload", dependencies=[auth.csrf])
    def upload(
        request: Request,
        file: Annotated[UploadFile | None, File()] = None,
        action: Annotated[str, Form(max_length=10)] = "check",
        checked: Annotated[str, Form(max_length=64)] = "",
    ) -> Response:
        """Check the file (dry run); with ``action=import`` and the checked file, store it."""
        if (blocked := gate(request, "recruitment.write", WRITERS)) is not None:
            return blocked
        try:
            name, data = _read_upload(file, auth.ctx.settings.max_upload_mb)
            digest = hashlib.sha256(data).hexdigest()
            store = action == "import"
            if store and digest != checked:
                raise Invalid(CHANGED_FILE)
            result = compliance.import_upload(
                auth.ctx, request_principal(request), data, name, dry_run=not store
            )
        except HrhError as exc:
            return render_upload(request, error=exc)
        return render_upload(request, result, checked="" if store else digest)

    return router
