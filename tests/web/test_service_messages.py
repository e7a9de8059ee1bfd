"""Messages from the services said in the page's language, English kept for the API and CLI.

The services raise errors with an English message (the API's envelope and the CLI print it
as it is) and, for the web pages, the same message as a template and values
(:mod:`hrh.presentation.messages`). French and Spanish pages show the translation, with the values
(file names, columns, what was typed) verbatim, and no ``lang="en"`` left on translated text.
"""

from __future__ import annotations

import gettext
import html
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import M_, Invalid, Problem, Text
from hrh.ingest._text import read_text
from hrh.presentation.messages import say, say_text
from hrh.services import accounts
from hrh.services.compliance_registry import load_bundled_agreements
from hrh.services.context import AppContext
from hrh.web.catalog import extract_template, read_language
from hrh.web.i18n import load_catalogs

DATA = Path(__file__).parents[1] / "data" / "compliance"
PASSWORD = "correct horse battery staple"
SRC = Path(__file__).parents[2] / "src" / "hrh"
MARKED = re.compile(r"\bM_\(\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)\)")


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


# -- the mechanism -------------------------------------------------------------------------


def test_the_english_message_is_unchanged_for_the_api_and_the_cli() -> None:
    error = Invalid.of(
        M_("%(file)s: %(n)s problem(s); nothing was imported."),
        hint=M_("Fix the rows named below and try again."),
        file="a.csv",
        n=2,
    )
    assert error.message == "a.csv: 2 problem(s); nothing was imported."
    assert (
        str(error)
        == "a.csv: 2 problem(s); nothing was imported. Fix the rows named below and try again."
    )
    problem = Problem.of("a.csv", 3, "route", "x", M_("one of %(options)s"), options="a|b")
    assert problem.expected == "one of a|b"
    assert problem.as_dict()["expected"] == "one of a|b"
    assert str(problem) == "a.csv:3, column 'route': got 'x'; expected one of a|b"


def test_a_missing_file_reads_the_same_in_english(tmp_path: Path) -> None:
    with pytest.raises(Invalid) as caught:
        read_text(tmp_path / "none.csv")
    assert caught.value.message == f"File not found: {tmp_path / 'none.csv'}."
    assert caught.value.text is not None
    assert caught.value.text.template == "File not found: %(path)s."


def test_values_stay_verbatim_and_untranslated_text_is_marked_english() -> None:
    fr = load_catalogs()["fr"]
    error = Invalid.of(M_("%(file)s is empty."), file="<rapport>.csv")
    assert say_text(fr, error) == "<rapport>.csv est vide."
    assert str(say(fr, "fr", error)) == "&lt;rapport&gt;.csv est vide."
    plain = Invalid("Something only the API says.", hint="Try again.")
    assert str(say(fr, "fr", plain)) == (
        '<span lang="en">Something only the API says.</span> <span lang="en">Try again.</span>'
    )
    assert (
        str(say(gettext.NullTranslations(), "en", plain))
        == "Something only the API says. Try again."
    )
    label = Text.of(
        M_("%(what)s: %(value)s is not a number."), what=Text("Interest rate"), value="'x'"
    )
    assert label.render(lambda m: fr.gettext(m)) == "Taux d'intérêt : 'x' n'est pas un nombre."


def test_outcome_and_return_checks_list_every_problem_in_the_readers_language() -> None:
    from hrh.diaspora.workflow import Outcome, PermanentReturn, check_outcome, check_return

    fr, es = load_catalogs()["fr"], load_catalogs()["es"]
    with pytest.raises(Invalid) as outcome:
        check_outcome(Outcome(-1, 5, 2_000_000, "x" * 5000))
    assert str(outcome.value) == (  # the API and the CLI: the same English as before
        "The outcome report is not valid: hours must be between 0 and 10,000; "
        "staff_trained must be between 0 and 1,000,000; feedback must be at most 4000 "
        "characters."
    )
    assert say_text(fr, outcome.value) == (  # field names and numbers verbatim
        "Le compte rendu des résultats n’est pas valable : hours doit être compris entre 0 "
        "et 10,000; staff_trained doit être compris entre 0 et 1,000,000; feedback ne doit "
        "pas dépasser 4000 caractères."
    )
    assert 'lang="en"' not in str(say(fr, "fr", outcome.value))
    with pytest.raises(Invalid) as back:
        check_return(PermanentReturn("GHA", date(2026, 1, 1), (), 0, date(2025, 1, 1)))
    spanish = say_text(es, back.value)
    assert spanish.startswith("El registro de retorno no es válido: ")
    assert "bonding_months debe estar entre 1 y 240" in spanish
    assert "bonding_until debe ser posterior a la fecha de retorno" in spanish
    assert 'lang="en"' not in str(say(es, "es", back.value))


def _marked_outside_web() -> set[str]:
    """Every ``M_("…")`` template written outside the web package, read from the source."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "web" in path.relative_to(SRC).parts:
            continue
        source = path.read_text(encoding="utf-8")
        for match in MARKED.finditer(source):
            if ">>>" in source[source.rfind("\n", 0, match.start()) : match.start()]:
                continue  # a docstring example
            parts = re.findall(r"\"((?:[^\"\\]|\\.)*)\"", match[1])
            found.add(
                "".join(p.encode().decode("unicode_escape") if "\\" in p else p for p in parts)
            )
    return found


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_service_message_id_is_extracted_and_translated(lang: str) -> None:
    marked = _marked_outside_web()
    assert "%(file)s is empty." in marked and "true or false" in marked
    extracted = {m.id for m in extract_template() if isinstance(m.id, str)}
    assert marked - extracted == set(), "the catalog extraction misses these"
    catalog = read_language(lang)
    missing = sorted(m for m in marked if not (catalog.get(m) and catalog.get(m).string))  # type: ignore[union-attr]
    assert missing == []


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def compliance_client(ctx: AppContext) -> Iterator[TestClient]:
    load_bundled_agreements(ctx)
    accounts.add_user(ctx, LOCAL_ADMIN, "rec", "recruiter", password=PASSWORD, organisation="acme")
    with TestClient(create_app(ctx.settings), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    ("lang", "said", "expected"),
    [
        (
            "fr",
            "bad_records.csv : 5 problème(s) ; rien n'a été importé. "
            "Corrigez les lignes indiquées ci-dessous et réessayez.",
            [
                "un code de pays ISO 3166-1 alpha-3, par ex. KEN",
                "true ou false",
                "une date AAAA-MM-JJ",
            ],
        ),
        (
            "es",
            "bad_records.csv: 5 problema(s); no se importó nada. "
            "Corrija las filas indicadas abajo y vuelva a intentarlo.",
            [
                "un código de país ISO 3166-1 alfa-3, p. ej., KEN",
                "true o false",
                "una fecha AAAA-MM-DD",
            ],
        ),
    ],
)
def test_a_bad_upload_is_explained_in_the_readers_language(
    compliance_client: TestClient, lang: str, said: str, expected: list[str]
) -> None:
    _sign_in(compliance_client, "rec")
    token = _token(compliance_client.get(f"/compliance/upload?lang={lang}").text)
    bad = (DATA / "bad_records.csv").read_text(encoding="utf-8")
    r = compliance_client.post(
        f"/compliance/upload?lang={lang}",
        data={"csrf_token": token},
        files={"file": ("bad_records.csv", bad, "text/csv")},
    )
    assert r.status_code == 422
    alert = _alert(r.text)
    text = _text(alert)
    assert said in text
    for phrase in expected:
        assert phrase in text
    assert "bad_records.csv:3 · candidate_residence" in text  # the located frame, verbatim
    assert 'lang="en"' not in alert
    for english in ("nothing was imported", "Fix the rows", "country code", "a date YYYY"):
        assert english not in text
    pdf = compliance_client.post(
        f"/compliance/upload?lang={lang}",
        data={"csrf_token": token},
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert pdf.status_code == 422
    assert "'x.pdf'" in _text(_alert(pdf.text))
    assert "Only .csv" not in pdf.text


@pytest.fixture
def plain_client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    ("lang", "origin_said", "password_said"),
    [
        (
            "fr",
            "origin: un code de pays ISO3",
            "Un mot de passe doit compter au moins 12 caractères.",
        ),
        (
            "es",
            "origin: un código de país ISO3",
            "La contraseña debe tener al menos 12 caracteres.",
        ),
    ],
)
def test_diaspora_registration_errors_in_the_readers_language(
    plain_client: TestClient, lang: str, origin_said: str, password_said: str
) -> None:
    form = {
        "username": "kofi",
        "password": PASSWORD,
        "cadre": "medical_doctors",
        "origin": "XXX",
        "residence": "GBR",
        "modes": ["virtual"],
        "consent_matching": "true",
    }
    token = _token(plain_client.get(f"/diaspora/register?lang={lang}").text)
    r = plain_client.post(f"/diaspora/register?lang={lang}", data={"csrf_token": token, **form})
    assert r.status_code == 422
    alert = _alert(r.text)
    assert origin_said in _text(alert)
    assert "an ISO3 country code" not in alert and 'lang="en"' not in alert
    short = {**form, "origin": "GHA", "password": "short"}
    r = plain_client.post(f"/diaspora/register?lang={lang}", data={"csrf_token": token, **short})
    assert r.status_code == 422
    assert password_said in _text(_alert(r.text))
    assert "A password needs" not in r.text


@pytest.mark.parametrize(
    ("lang", "token", "said"),
    [
        ("fr", "", "Ce lien de réinitialisation"),
        ("es", "not-a-token", "Este enlace"),
    ],
)
def test_a_bad_reset_link_is_explained_in_the_readers_language(
    plain_client: TestClient, lang: str, token: str, said: str
) -> None:
    r = plain_client.get(f"/reset-password?token={token}&lang={lang}")
    assert r.status_code == 400
    assert said in _text(r.text)
    assert "This reset link is invalid" not in r.text


# -- pages over the bundled reference data -----------------------------------------------------


@pytest.fixture(scope="module")
def reference_client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


@pytest.mark.parametrize(
    ("params", "said", "english"),
    [
        (
            {"cost": "lots", "lang": "fr"},
            "Coût de la formation : 'lots' n'est pas un nombre.",
            "is not a number",
        ),
        (
            {"rate": "-150", "lang": "fr"},
            "Taux d'intérêt -1.5 vaut −100 % ou moins",
            "or less",
        ),
        (
            {"years": "-3", "lang": "es"},
            "Años: -3.0 es negativo; se esperan 0 o más años de capitalización.",
            "is negative",
        ),
        (
            {"origin": "ZZZ", "lang": "es"},
            "No se incluye ningún coste de formación para ZZZ medical_doctors.",
            "No education cost",
        ),
    ],
)
def test_economics_input_errors_in_the_readers_language(
    reference_client: TestClient, params: dict[str, str], said: str, english: str
) -> None:
    r = reference_client.get("/economics", params=params)
    assert r.status_code == 400
    alert = _alert(r.text)
    assert said in _text(alert)
    assert english not in alert and 'lang="en"' not in alert


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "La valeur d’un levier est hors de sa plage : training."),
        ("es", "El valor de una palanca está fuera de su rango: training."),
    ],
)
def test_a_bad_lever_is_explained_in_the_readers_language(
    reference_client: TestClient, lang: str, said: str
) -> None:
    r = reference_client.get(f"/scenarios?training=999&lang={lang}")
    assert r.status_code == 400
    assert said in _text(_alert(r.text))
    assert "outside its range" not in r.text
