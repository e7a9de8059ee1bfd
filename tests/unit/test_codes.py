from __future__ import annotations

import pytest

from hrh.domain.codes import CADRES, normalise_age_band, resolve_cadre
from hrh.errors import Invalid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2211", "generalist_doctors"),
        ("2212", "specialist_doctors"),
        ("221", "medical_doctors"),
        ("3253", "community_health_workers"),
        ("nursing midwifery", "nursing_midwifery"),
        ("Nurses", "nurses"),
    ],
)
def test_cadres_by_id_or_isco(text: str, expected: str) -> None:
    assert resolve_cadre(text).id == expected


def test_every_cadre_resolves_by_its_id() -> None:
    assert all(resolve_cadre(c.id) is c for c in CADRES)


def test_unknown_cadre_lists_the_known_ones() -> None:
    with pytest.raises(Invalid) as err:
        resolve_cadre("surgeon")
    assert "medical_doctors" in err.value.hint


def test_age_bands() -> None:
    assert normalise_age_band("") == "total"
    with pytest.raises(Invalid):
        normalise_age_band("30-20")
