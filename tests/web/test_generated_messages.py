"""What the code writes on the pages (reasons, notes, refusals) in the reader's language.

The services and the calculations write these sentences in English for the API and the CLI
(unchanged there); the pages say them in French or Spanish from the text and values they keep,
numbers written the page's way, and no ``lang="en"`` left on what is translated.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import accounts, diaspora, diaspora_matching
from hrh.services.context import AppContext

DIASPORA = Path(__file__).parents[1] / "data" / "diaspora"
PASSWORD = "correct horse battery staple"


def _text(page: str) -> str:
    """The page's visible text, entities decoded, spaces collapsed."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", plain.replace("\u202f", " ").replace("\xa0", " "))


def _alert(page: str) -> str:
    """The HTML of the page's first ``role="alert"`` block (where errors are shown)."""
    match = re.search(r'<(\w+)[^>]*role="alert"[^>]*>(.*?)</\1>', page, re.S)
    assert match is not None, "no alert on the page"
    return match[2]


def _token(page: str) -> str:
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page)
    assert match is not None, "no CSRF field on the page"
    return match[1]


def _sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    token = _token(client.get("/login").text)
    form = {"csrf_token": token, "username": username, "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 303


# -- the diaspora console ----------------------------------------------------------------------


@pytest.fixture
def console(ctx: AppContext, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """A programme officer signed in, and a profile that cannot take O-GHA-1."""
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DIASPORA / "opportunities.csv")
    reg = diaspora.Registration(
        username="kofi",
        password=PASSWORD,
        cadre="medical_doctors",
        origin="GHA",
        residence="GBR",
        modes=["virtual"],
        languages="en:C2",
        consent_matching=True,
    )
    profile = diaspora.register(ctx, LOCAL_ADMIN, reg).profile_id
    accounts.add_user(
        ctx, LOCAL_ADMIN, "po", "programme_officer", countries=["GHA"], password=PASSWORD
    )
    settings = ctx.settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    with TestClient(create_app(settings), follow_redirects=False) as c:
        _sign_in(c, "po")
        yield c, profile


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "Le profil {p} ne peut pas prendre l’opportunité O-GHA-1 : mode short non accepté; "
            "aucune autorisation d’exercer de GHA valable au 2026-06-01.",
        ),
        (
            "es",
            "El perfil {p} no puede aceptar la oportunidad O-GHA-1: modalidad short no aceptada; "
            "ninguna licencia de GHA vigente el 2026-06-01.",
        ),
    ],
)
def test_an_infeasible_proposal_is_explained_in_the_readers_language(
    console: tuple[TestClient, str], lang: str, said: str
) -> None:
    client, profile = console
    page = client.get(f"/diaspora/console?lang={lang}")
    form = {"csrf_token": _token(page.text), "profile_id": profile, "opportunity_id": "O-GHA-1"}
    r = client.post(f"/diaspora/console/propose?lang={lang}", data=form)
    assert r.status_code == 422
    alert = _alert(r.text)
    assert said.format(p=profile) in _text(alert)
    assert 'lang="en"' not in alert and "cannot take" not in alert


def test_an_unknown_step_is_explained_in_french(console: tuple[TestClient, str]) -> None:
    client, _ = console
    page = client.get("/diaspora/console?lang=fr")
    r = client.post(
        "/diaspora/console/assignments/as-x?lang=fr",
        data={"csrf_token": _token(page.text), "event": "jump"},
    )
    assert r.status_code == 422
    alert = _text(_alert(r.text))
    assert "Étape inconnue : 'jump'. Étapes possibles : confirm, start, complete, cancel" in alert
    assert "Unknown step" not in r.text


def test_the_english_of_an_infeasible_proposal_is_unchanged(
    console: tuple[TestClient, str], ctx: AppContext
) -> None:
    from hrh.errors import Invalid
    from hrh.services import diaspora_assignments

    _, profile = console
    with pytest.raises(Invalid) as caught:
        diaspora_assignments.propose(ctx, LOCAL_ADMIN, profile, "O-GHA-1")
    assert str(caught.value) == (
        f"Profile {profile} cannot take opportunity O-GHA-1: mode short not accepted; "
        "no licence from GHA valid on 2026-06-01. "
        "Only feasible pairs (see `hrh diaspora scores`) may be proposed."
    )


# -- pages over the bundled reference data ------------------------------------------------------


@pytest.fixture(scope="module")
def reference_client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


@pytest.mark.parametrize(
    ("query", "said", "english"),
    [
        ({"year": "1200", "lang": "fr"}, "L’année 1200 est hors limites.", "out of range"),
        (
            {"country": "G1", "lang": "es"},
            "'G1' no es un código de país ISO 3166-1 alfa-3.",
            "is not an ISO",
        ),
        ({"type": "treaty", "lang": "fr"}, "Type de pratique inconnu : 'treaty'.", "Unknown"),
        ({"year": "abc", "lang": "fr"}, "L’année 'abc' n’est pas un nombre entier.", "whole"),
    ],
)
def test_a_bad_library_filter_is_explained_in_the_readers_language(
    reference_client: TestClient, query: dict[str, str], said: str, english: str
) -> None:
    r = reference_client.get("/library", params=query)
    assert r.status_code == 400
    alert = _alert(r.text)
    assert said in _text(alert)
    assert english not in alert and 'lang="en"' not in alert


@pytest.mark.parametrize(
    ("lang", "iso3", "said"),
    [
        (
            "fr",
            "KEN",
            "les deux critères sont remplis dans les données stockées (densité 13,2 < 49, "
            "indice CSU 51,5 < 55), mais le pays n’est pas sur la liste publiée (marge du seuil : "
            "à moins de 10 % d’un seuil ; version des données)",
        ),
        (
            "es",
            "ZWE",
            "en la lista publicada, aunque en los datos almacenados, el índice de CSU de 55,4 no "
            "es inferior a 55 (margen del umbral: a menos del 10 % de 55; versión de los datos)",
        ),
    ],
)
def test_the_ssl_disagreements_are_explained_in_the_readers_language(
    reference_client: TestClient, lang: str, iso3: str, said: str
) -> None:
    page = reference_client.get(f"/ssl?lang={lang}").text
    match = re.search(rf'<li><a href="/countries/{iso3}">[^<]*</a>:(.*?)</li>', page, re.S)
    assert match is not None
    assert _text(match[1]).strip() == said  # numbers written the page's way (13,2; 10 %)
    assert 'lang="en"' not in match[1]


def test_the_api_keeps_the_english_reasons(reference_client: TestClient) -> None:
    countries = reference_client.get("/api/v1/ssl/2023").json()["countries"]
    reasons = {c["iso3"]: c["reason"] for c in countries}
    assert reasons["KEN"] == (
        "both criteria met in the stored data (density 13.2 < 49, UHC index 51.5 < 55) but not "
        "on the published list (threshold margin: within 10% of a threshold; data vintage)"
    )
    assert reasons["ZWE"].startswith("on the published list, but in the stored data UHC index 55.4")


def test_the_profile_says_its_ssl_reason_and_missing_data_notes_in_french(
    reference_client: TestClient,
) -> None:
    page = reference_client.get("/countries/ZWE?lang=fr").text
    text = _text(page)
    assert (
        "Le résultat calculé diffère de la liste publiée : sur la liste publiée, alors que dans "
        "les données stockées, l’indice CSU de 55,4 n’est pas inférieur à 55" in text
    )
    ghana = reference_client.get("/countries/GHA?lang=fr").text
    note = re.search(r'<span class="note-inline"[^>]*>(.*?)</span>', ghana, re.S)
    assert note is not None
    assert _text(note[1]) == (
        "aucun effectif formé à l’étranger avec un effectif total pour la même période "
        "(les données de l’OCDE ne couvrent que les pays de destination de l’OCDE)"
    )
    assert 'lang="en"' not in note[0]
    assert "in the stored data" not in page and "no foreign-trained" not in ghana


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            "origin=KEN&destination=JPN&lang=fr",
            [
                "Aucun effectif de medical_doctors venant de KEN n’est enregistré en JPN : "
                "les totaux sont laissés de côté."
            ],
        ),
        (
            "origin=KEN&cadre=nurses&destination=ISL&lang=es",
            [
                "No hay efectivos en el extranjero almacenados para KEN.",
                "No se ha almacenado ningún efectivo de nurses procedente de KEN en ISL: "
                "los totales quedan fuera.",
            ],
        ),
    ],
)
def test_the_economics_notes_in_the_readers_language(
    reference_client: TestClient, query: str, said: list[str]
) -> None:
    r = reference_client.get(f"/economics?{query}")
    assert r.status_code == 200
    notes = re.findall(r'<p class="note"([^>]*)>(.*?)</p>', r.text, re.S)
    assert [_text(n) for _, n in notes] == said
    assert all('lang="en"' not in attrs for attrs, _ in notes)


@pytest.mark.parametrize(
    ("lang", "iso3", "said"),
    [
        (
            "fr",
            "MCO",
            "Aucun effectif de médecins ni de personnel infirmier et de sages-femmes dans les "
            "10 ans précédant 2025 pour MCO.",
        ),
        (
            "es",
            "SOM",
            "No hay efectivos de médicos ni de personal de enfermería y partería en los 10 años "
            "anteriores a 2025 para SOM.",
        ),
    ],
)
def test_why_there_is_no_projection_in_the_readers_language(
    reference_client: TestClient, lang: str, iso3: str, said: str
) -> None:
    r = reference_client.get(f"/countries/{iso3}/projection?lang={lang}")
    assert r.status_code == 200
    notes = re.findall(r'<p class="note"([^>]*)>(.*?)</p>', r.text, re.S)
    assert [_text(n) for _, n in notes] == [said]
    assert 'lang="en"' not in notes[0][0] and "No headcount" not in r.text


def test_a_bad_run_is_refused_in_english_and_said_in_spanish() -> None:
    from hrh.errors import Invalid
    from hrh.presentation.messages import say_text
    from hrh.services.projections import check_run
    from hrh.web.i18n import load_catalogs

    with pytest.raises(Invalid) as caught:
        check_run("deterministic", 1990, 2030)
    assert caught.value.message == (
        "Years 1990-2030: expected 2000 <= from <= until <= 2100 "
        "(population projections end in 2100)."
    )
    assert say_text(load_catalogs()["es"], caught.value, "es") == (
        "Años 1990-2030: se esperaba 2000 <= inicio <= fin <= 2100 "
        "(las proyecciones de población terminan en 2100)."
    )
    with pytest.raises(Invalid, match=r"^Mode 'fast': expected one of "):
        check_run("fast", 2025, 2030)


# -- compliance ----------------------------------------------------------------------------------

COMPLIANCE = Path(__file__).parents[1] / "data" / "compliance"
RECORDS = (
    "record_id,organisation,organisation_type,destination,candidate_residence,"
    "candidate_nationality,cadre,route,referral_bonus_paid,recruitment_date,"
    "fee_charged_to_candidate,fee_currency,repayment_clause_amount,repayment_clause_months,"
    "contract_start,salary_offered,domestic_salary\n"
    "F1,acme,agency,GBR,IND,IND,2221,active,false,2024-01-10,500,GBP,0,0,,30000,35000\n"
    "F2,zeta,employer,GBR,IND,IND,2221,active,false,2024-01-12,0,,0,0,,,\n"
)
FEE_FR = (
    "Des frais de recrutement de 500 GBP ont été facturés au candidat. Le code interdit de "
    "facturer des frais aux candidats, quels qu’en soient le montant ou la devise."
)
TERMS_FR = (
    "Le salaire proposé (30000 par an) est inférieur de 5000 à celui du personnel national "
    "comparable (35000 par an, même devise)."
)
AGENCY_FR = (
    "L’agence acme ne figurait pas sur la liste des recruteurs éthiques le 2024-01-10, selon "
    "le registre des organisations (ses périodes sur la liste : 2022-01-01"
)


@pytest.fixture
def compliance_client(ctx: AppContext) -> Iterator[TestClient]:
    from hrh.services.compliance_registry import import_organisations, load_bundled_agreements

    load_bundled_agreements(ctx)
    import_organisations(ctx, LOCAL_ADMIN, COMPLIANCE / "organisations.csv")
    accounts.add_user(ctx, LOCAL_ADMIN, "adm", "admin", password=PASSWORD)
    with TestClient(create_app(ctx.settings), follow_redirects=False) as c:
        _sign_in(c, "adm")
        yield c


def _explanations(page: str) -> list[tuple[str, str]]:
    """Each finding's explanation: its ``<p>`` attributes and its text."""
    items = re.findall(r'<li class="finding[^"]*">(.*?)</li>', page, re.S)
    out = []
    for item in items:
        match = re.search(r"</h3>\s*<p([^>]*)>(.*?)</p>", item, re.S)
        assert match is not None
        out.append((match[1], _text(match[2])))
    return out


def test_an_upload_says_its_findings_and_warnings_in_french(
    compliance_client: TestClient,
) -> None:
    token = _token(compliance_client.get("/compliance/upload?lang=fr").text)
    r = compliance_client.post(
        "/compliance/upload?lang=fr",
        data={"csrf_token": token},
        files={"file": ("records.csv", RECORDS, "text/csv")},
    )
    assert r.status_code == 200, r.text[:500]
    notes = [_text(n) for n in re.findall(r'<p class="note"[^>]*>(.*?)</p>', r.text, re.S)]
    assert (
        "Aucune liste de sauvegarde de l’OMS n’est enregistrée, donc ssl_active_recruitment "
        "n’a rien trouvé ; lancez `hrh load reference` pour charger la liste 2023." in notes
    )
    assert (
        "1 organisation(s) absente(s) du registre des organisations : zeta (leurs dossiers "
        "sont vérifiés ; agency_not_ethical_recruiter ne peut pas s’appliquer)." in notes
    )
    said = _explanations(r.text)
    assert len(said) == 3
    assert all('lang="en"' not in attrs for attrs, _ in said)
    texts = " | ".join(t for _, t in said)
    for french in (FEE_FR, TERMS_FR, AGENCY_FR):
        assert french in texts
    assert "The candidate was charged" not in r.text and "No WHO safeguards" not in r.text


def test_stored_findings_are_said_again_in_spanish_and_stored_in_english(
    compliance_client: TestClient, ctx: AppContext
) -> None:
    from hrh.services import compliance

    compliance.import_text(ctx, LOCAL_ADMIN, RECORDS, "records.csv")
    page = compliance_client.get("/compliance?lang=es&rule=candidate_fee").text
    (said,) = _explanations(page)
    assert said == (
        "",
        "Se cobró al candidato una tasa de contratación de 500 GBP. El código prohíbe cobrar "
        "tasas a los candidatos, cualesquiera que sean el importe o la moneda.",
    )
    flt = compliance.FindingFilter(rule_id="candidate_fee")
    stored = compliance.list_findings(ctx, LOCAL_ADMIN, flt).data
    assert [f.explanation for f in stored] == [
        "The candidate was charged a recruitment fee of 500 GBP. The code forbids charging "
        "candidates any fee, whatever the amount or currency."
    ]


def test_the_direct_application_note_is_said_again_and_other_words_stay_english() -> None:
    from hrh.compliance.rules import TEXTS, explanation_text
    from hrh.presentation.messages import say, say_text
    from hrh.web.i18n import load_catalogs

    why = "the candidate applied directly to an advertised post"
    evidence = {"residence": "GHA", "ssl_version": "2023", "route": "direct_application"}
    evidence["route_reading"] = why
    stored = TEXTS.fill(TEXTS.ssl_note, residence="GHA", version="2023", why=why)
    text = explanation_text("ssl_active_recruitment", evidence, stored)
    assert text is not None and str(text) == stored
    assert say_text(load_catalogs()["fr"], text) == (
        "Aucune infraction : GHA figure sur la liste de sauvegarde de l’OMS 2023, mais le "
        "candidat a postulé directement à un poste publié, ce qui n’est pas un recrutement actif."
    )
    # a finding stored by another version, in other words: kept as stored, in English
    assert explanation_text("ssl_active_recruitment", evidence, stored + " Old words.") is None
    assert explanation_text("candidate_fee", {}, stored) is None  # evidence without its values
    english = say(load_catalogs()["es"], "es", stored + " Old words.")
    assert english.startswith('<span lang="en">')


def test_the_report_says_where_its_figures_come_from_in_french(
    compliance_client: TestClient,
) -> None:
    r = compliance_client.get("/compliance/report?lang=fr")
    assert r.status_code == 200
    sources = re.findall(r'<p class="source"><small([^>]*)>(.*?)</small>', r.text, re.S)
    said = [_text(s) for _, s in sources]
    assert (
        "Dossiers de recrutement enregistrés (hrh compliance import), recrutements à la date de "
        "référence ou avant ; pays de formation tiré de la colonne supplémentaire "
        "`country_of_training` du dossier lorsqu’elle est renseignée, sinon pays de résidence "
        "du candidat." in said
    )
    assert len(said) == 4 and all('lang="en"' not in attrs for attrs, _ in sources)
    assert "Stored recruitment records" not in r.text
