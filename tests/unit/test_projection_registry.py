"""A registry of individual workers on the model's axes (hrh.projection.agents.registry)."""

from __future__ import annotations

import numpy as np
import pytest

from hrh.errors import Invalid
from hrh.projection.agents import HOME
from hrh.projection.agents.registry import Registry, place_registry
from hrh.projection.model import N_AGES, Corridors, State

ISO3 = ("AAA", "BBB", "CCC")
CADRES = ("medical_doctors", "nursing_midwifery")
CORRIDORS = Corridors(np.array([0, 2]), np.array([1, 1]), 3)  # AAA→BBB, CCC→BBB


def _registry(workplace: list[int], born: list[int], by_age: bool = False) -> Registry:
    n = len(workplace)
    return Registry(
        "synthetic.csv",
        ("AAA", "BBB", "CCC"),
        ("nursing_professionals", "generalist_doctors"),
        np.zeros(n, np.int16),
        np.array(workplace, np.int16),
        np.array([i % 2 for i in range(n)], np.int8),
        np.array(born, np.int16),
        by_age,
        np.array([1, 0] * (n // 2) + [0] * (n % 2), np.int8),
        np.zeros(n, np.int16),
    )


def test_registry_workers_get_corridors_model_cadres_and_ages() -> None:
    reg = _registry([0, 1, 0, 0], [1980, 1990, 2010, 1950])
    placed = place_registry(reg, ISO3, CADRES, CORRIDORS, 2025)
    w = placed.workers
    assert placed.left_out == 2  # 15 and 75 in 2025
    assert w.age.tolist() == [45, 35]
    assert w.corridor.tolist() == [HOME, 0]  # at home; abroad on AAA→BBB
    assert w.cadre.tolist() == [1, 0]  # 2221 → nursing_midwifery, 2211 → medical_doctors
    assert placed.replaced == (0,)
    by_age = place_registry(_registry([0, 1], [45, 35], by_age=True), ISO3, CADRES, CORRIDORS, 2025)
    assert by_age.workers.age.tolist() == [45, 35]


def test_the_registry_replaces_the_stocks_of_its_countries_only() -> None:
    home = np.full((3, 2, N_AGES, 2), 2.5)
    abroad = np.full((2, 2, N_AGES, 2), 1.5)
    state = State(2025, home, abroad)
    placed = place_registry(_registry([0, 1], [1980, 1990]), ISO3, CADRES, CORRIDORS, 2025)
    got = placed.stocks(state, CORRIDORS)
    assert got.home[0].sum() == 1 and got.abroad[0].sum() == 1  # AAA: the registry's two
    assert np.array_equal(got.home[1:], home[1:]) and np.array_equal(got.abroad[1], abroad[1])
    rest = placed.without(state, CORRIDORS)
    assert rest.home[0].sum() == 0 and rest.abroad[0].sum() == 0
    note = placed.assumption(_registry([0, 1], [1980, 1990]), ISO3)
    assert note.countries == ("AAA",) and "2 workers from synthetic.csv" in note.value


def test_workplaces_without_a_corridor_are_listed() -> None:
    with pytest.raises(Invalid, match=r"no corridor is stored: AAA→CCC \(2\)"):
        place_registry(_registry([2, 2, 0], [1980] * 3), ISO3, CADRES, CORRIDORS, 2025)
