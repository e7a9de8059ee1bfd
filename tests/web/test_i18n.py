"""The translation catalogs: complete, consistent with the templates, compiled on start."""

from __future__ import annotations

import re

import pytest

from hrh.web.catalog import extract_template, read_language
from hrh.web.i18n import LANGUAGES, Formatter, choose_language, load_catalogs

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    return {m.id for m in extract_template() if m.id and isinstance(m.id, str)}


def test_extraction_finds_template_and_code_messages(msgids: set[str]) -> None:
    assert "Headline indicators" in msgids  # a template
    assert "Nurses and midwives per 10,000 population" in msgids  # labels.py, N_()
    assert "Form not accepted" in msgids  # auth.py
    assert len(msgids) > 150


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str, msgids: set[str]) -> None:
    catalog = read_language(lang)
    missing = sorted(i for i in msgids if not (catalog.get(i) and catalog.get(i).string))  # type: ignore[union-attr]
    assert missing == [], f"{lang}: run `python -m hrh.web.catalog` and translate these"
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang: str, msgids: set[str]) -> None:
    catalog = read_language(lang)
    for msgid in msgids:
        message = catalog.get(msgid)
        assert message is not None
        assert set(PLACEHOLDER.findall(str(message.string))) == set(PLACEHOLDER.findall(msgid)), (
            msgid
        )
        assert str(message.string).count("%") == msgid.count("%"), msgid


def test_catalogs_compile_in_memory() -> None:
    catalogs = load_catalogs()
    assert set(catalogs) == {"en", "fr", "es"}
    assert catalogs["fr"].gettext("World map") == "Carte du monde"
    assert catalogs["es"].gettext("World map") == "Mapa mundial"
    assert catalogs["en"].gettext("World map") == "World map"


def test_language_choice_order() -> None:
    assert choose_language("es", "fr", "fr") == ("es", True)
    assert choose_language(None, "fr", "es") == ("fr", False)
    assert choose_language(None, None, "es-MX,es;q=0.8") == ("es", False)
    assert choose_language(None, "de", "de-DE") == ("en", False)


def test_numbers_and_dates_follow_the_locale() -> None:
    assert [Formatter(lang).number(37.4) for lang in ("en", "fr", "es")] == ["37.4", "37,4", "37,4"]
    assert Formatter("en").number(21046, 0) == "21,046"
    assert Formatter("fr").date("2022-01-24") == "24 janv. 2022"
    assert Formatter("es").date("2022-01-24") == "24 ene 2022"
    assert Formatter("en").percent(0.1970) == "19.7%"
    assert Formatter("fr").date("2022-07") == "2022-07"
