"""The PDF country brief: the service's content, the web route and ``hrh report``.

Over all the bundled reference data; the PDFs are read back with pypdf (pages and text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from hrh.cli import app as cli_app
from hrh.domain.policy import ANONYMOUS
from hrh.errors import NotFound
from hrh.presentation.brief import brief_html, brief_pdf
from hrh.services.brief import country_brief
from hrh.services.context import AppContext


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def pdf_text(body: bytes) -> tuple[int, str]:
    """The number of pages and the text of a PDF, white space collapsed."""
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_the_brief_gathers_indicators_projection_ssl_corridors_and_sources(
    reference_ctx: AppContext,
) -> None:
    b = country_brief(reference_ctx, "gha", ANONYMOUS, date(2026, 1, 5))
    assert b.country.name == "Ghana"
    dnm = next(h for h in b.headlines if h.id == "dnm_density_per_10k")
    assert (round(dnm.value or 0, 1), dnm.year) == (37.9, 2020)
    assert [p.cadre for p in b.projection] == ["medical_doctors", "nursing_midwifery"]
    nurses = b.projection[1]
    assert nurses.years[0] == 2025 and nurses.years[-1] == 2050
    assert all(n is not None and n > s for s, n in zip(nurses.supply, nurses.need, strict=True))
    assert b.ssl is not None and b.ssl.eligible and b.ssl.official
    assert [c.destination for c in b.outbound[:2]] == ["USA", "GBR"]
    assert b.inbound == [] and b.inbound_count == 0
    keys = {s.key for s in b.sources}
    assert {"who-gho", "oecd-health-wfmi"} <= keys
    assert b.iso2["USA"] == "US"


def test_unknown_country_is_not_found(reference_ctx: AppContext) -> None:
    with pytest.raises(NotFound):
        country_brief(reference_ctx, "XYZ", ANONYMOUS, date(2026, 1, 5))


def test_the_html_names_headings_and_figures_in_the_language(reference_ctx: AppContext) -> None:
    b = country_brief(reference_ctx, "GHA", ANONYMOUS, date(2026, 1, 5))
    en = brief_html(b, "en")
    assert "<h1>Ghana</h1>" in en
    assert 'id="dnm-value">37.9<' in en
    assert "Jan 5, 2026" in en
    assert "Projection under the baseline, 2025–2050" in en
    assert "In 2050 the supply would cover 60% of the need." in en  # doctors: 6,086 of 10,151
    es = brief_html(b, "es")
    assert 'id="dnm-value">37,9<' in es
    assert "Indicadores principales" in es and "Estados Unidos" in es


def test_brief_pdf_in_english(client: TestClient) -> None:
    response = client.get("/countries/GHA/brief.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="hrh-GHA-brief.pdf"' in response.headers["content-disposition"]
    pages, text = pdf_text(response.content)
    assert 2 <= pages <= 4
    assert "Ghana" in text
    assert "37.9" in text and "21,046" in text  # DNM density and the SDG gap
    assert "Headline indicators" in text
    assert "WHO Support and Safeguards List 2023" in text
    assert "United States of America" in text  # the largest corridor
    assert "Global Health Observatory" in text  # a source, by its title


def test_brief_pdf_in_french_has_french_headings(client: TestClient) -> None:
    response = client.get("/countries/GHA/brief.pdf?lang=fr")
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert 2 <= pages <= 4
    assert "Indicateurs clés" in text
    assert "En bref" in text
    assert "37,9" in text
    assert "Headline indicators" not in text


def test_every_country_brief_has_two_to_four_pages(client: TestClient) -> None:
    # the largest destination (most corridors in) and a territory outside the SSL
    for code in ("USA", "GBR", "PRI"):
        response = client.get(f"/countries/{code}/brief.pdf")
        assert response.status_code == 200, code
        pages, _ = pdf_text(response.content)
        assert 2 <= pages <= 4, code


def test_unknown_country_brief_is_a_404_page(client: TestClient) -> None:
    response = client.get("/countries/XYZ/brief.pdf?lang=fr")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "XYZ" in response.text
    assert "Page introuvable" in response.text


def test_the_profile_links_to_the_brief(client: TestClient) -> None:
    html = client.get("/countries/GHA?lang=en").text
    assert re.search(r'<a id="brief-pdf" href="/countries/GHA/brief.pdf\?lang=en" download>', html)
    assert "Download the brief (PDF)" in html


def test_hrh_report_writes_the_brief(reference_ctx: AppContext, tmp_path: Path) -> None:
    out = tmp_path / "ghana.pdf"
    env = {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(tmp_path),
    }
    runner = CliRunner()
    r = runner.invoke(cli_app, ["report", "GHA", "--out", str(out), "--lang", "es"], env=env)
    assert r.exit_code == 0, r.output
    pages, text = pdf_text(out.read_bytes())
    assert 2 <= pages <= 4
    assert "Ghana" in text and "Indicadores principales" in text
    bad = runner.invoke(cli_app, ["report", "XYZ", "--out", str(out)], env=env)
    assert bad.exit_code == 1
    assert "Unknown country 'XYZ'" in bad.output
    lang = runner.invoke(cli_app, ["report", "GHA", "--out", str(out), "--lang", "de"], env=env)
    assert lang.exit_code == 1
    assert "Use en, fr or es" in lang.output


def test_the_brief_draws_the_pages_charts_with_vl_convert(reference_ctx: AppContext) -> None:
    b = country_brief(reference_ctx, "GHA", ANONYMOUS, date(2026, 1, 5))
    fr = brief_html(b, "fr")
    # three inline SVGs drawn from the pages' Vega-Lite specs: the densities, two projections
    assert fr.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert fr.count('class="mark-area role-mark') == 2  # each projection's fan
    assert fr.count('stroke-dasharray="6,4"') >= 2  # each projection's need, dashed
    assert "<title>Médecins: effectifs et besoin, 2025–2050, Ghana</title>" in fr
    for svg in re.findall(r"<svg .*?</svg>", fr, re.S):
        assert "<image" not in svg and "href" not in svg  # nothing to fetch
    pages, text = pdf_text(brief_pdf(b, "fr"))
    assert 2 <= pages <= 4
    # the charts are vectors with their text: axis titles and the French thousands separator
    assert "Année" in text and "Personnels" in text
    assert re.search(r"\b\d{1,3}[\u202f\xa0 ]000\b", text)


def test_the_brief_says_why_the_computed_list_differs_in_the_readers_language(
    reference_ctx: AppContext,
) -> None:
    b = country_brief(reference_ctx, "ZWE", ANONYMOUS, date(2026, 1, 5))
    en = brief_html(b, "en")
    assert "on the published list, but in the stored data UHC index 55.4" in en
    fr = brief_html(b, "fr")
    assert "l’indice CSU de 55,4 n’est pas inférieur à 55" in fr
    assert "in the stored data" not in fr and 'lang="en"' not in fr.split("<body", 1)[1]
