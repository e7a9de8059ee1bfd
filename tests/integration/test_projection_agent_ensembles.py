"""Agent mode on batches, local processes and Dask: the same seed, the same numbers.

As in the stochastic mode (tests/integration/test_projection_ensembles.py), replicate ``r``
draws from ``SeedSequence(seed).spawn(n)[r]`` only, so neither the number of batches, nor
of processes, nor where they run changes a single number; a scenario's ``uncertainty:``
draws its multipliers per replicate there too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from distributed import LocalCluster

from hrh.params.projection import load_projection_parameters
from hrh.projection.ensemble import serial_map
from hrh.projection.example import example_inputs
from hrh.projection.results import ProjectionResult
from hrh.projection.runner import Execution, run
from hrh.projection.scenarios import load_scenario
from hrh.services.ensembles import dask_execution, process_execution

PARAMS = load_projection_parameters()
SEED, REPLICATES, UNTIL = 2027, 4, 2027


def _run(execution: Execution | None, scenario: str = "baseline") -> ProjectionResult:
    return run(
        example_inputs(),
        PARAMS,
        load_scenario(scenario, PARAMS),
        2025,
        UNTIL,
        mode="agent",
        replicates=REPLICATES,
        seed=SEED,
        execution=execution,
    )


def _same(a: ProjectionResult, b: ProjectionResult) -> None:
    assert a.values.keys() == b.values.keys()
    for m in a.values:
        assert np.array_equal(a.values[m], b.values[m], equal_nan=True), m


@pytest.fixture(scope="module")
def reference() -> ProjectionResult:
    return _run(None)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as c:
        yield c


def test_agent_batches_and_processes_do_not_change_the_numbers(
    reference: ProjectionResult,
) -> None:
    assert reference.mode == "agent"
    for batches in (2, 4):
        _same(_run(Execution(serial_map, batches)), reference)
    with process_execution(2) as execution:
        _same(_run(execution), reference)


def test_agent_mode_on_a_dask_cluster_gives_the_same_numbers(
    reference: ProjectionResult, cluster: LocalCluster
) -> None:
    with dask_execution(cluster.scheduler_address) as execution:
        _same(_run(execution), reference)


def test_agent_parameter_uncertainty_applies_and_is_the_same_everywhere(
    tmp_path: Path, reference: ProjectionResult, cluster: LocalCluster
) -> None:
    f = tmp_path / "unsure.yaml"
    f.write_text(
        "name: unsure\ndescription: Uncertain attrition.\nbase: baseline\n"
        "uncertainty:\n  attrition.annual_rate: {low: 1.0, high: 3.0}\n"
    )
    here = _run(None, str(f))
    # attrition one to three times the baseline's: more leave on average
    assert here.values["attrition"].sum() > reference.values["attrition"].sum()
    with dask_execution(cluster.scheduler_address) as execution:
        _same(_run(execution, str(f)), here)
    with process_execution(2) as execution:
        _same(_run(execution, str(f)), here)
