"""Ensembles on local processes and on a Dask cluster: the same seed, the same numbers.

Replicate ``r`` always draws from ``SeedSequence(seed).spawn(n)[r]``, so neither the number
of batches, nor of processes, nor where they run changes a single number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from distributed import LocalCluster

from hrh.errors import ConfigError, Invalid
from hrh.params.projection import load_projection_parameters
from hrh.projection.ensemble import serial_map
from hrh.projection.example import example_inputs
from hrh.projection.results import ProjectionResult
from hrh.projection.runner import Execution, run
from hrh.projection.scenarios import load_scenario
from hrh.services.ensembles import dask_execution, execution_for, process_execution

PARAMS = load_projection_parameters()
SEED, REPLICATES, UNTIL = 2026, 8, 2031


def _run(execution: Execution | None, scenario: str = "baseline") -> ProjectionResult:
    chosen = load_scenario(scenario, PARAMS)
    return run(
        example_inputs(),
        PARAMS,
        chosen,
        2025,
        UNTIL,
        mode="stochastic",
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


@pytest.mark.parametrize("batches", [1, 2, 4, 8])
def test_batches_in_this_process_do_not_change_the_numbers(
    reference: ProjectionResult, batches: int
) -> None:
    _same(_run(Execution(serial_map, batches)), reference)


def test_one_two_and_four_local_processes_give_the_same_numbers(
    reference: ProjectionResult,
) -> None:
    for workers in (1, 2, 4):
        with process_execution(workers) as execution:
            _same(_run(execution), reference)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as c:
        yield c


def test_a_dask_cluster_gives_the_same_numbers_as_local_processes(
    reference: ProjectionResult, cluster: LocalCluster
) -> None:
    with dask_execution(cluster.scheduler_address) as execution:
        assert execution.batches == 4  # two per Dask worker
        _same(_run(execution), reference)
    with process_execution(2) as execution:
        _same(_run(execution), reference)


def test_parameter_uncertainty_is_the_same_everywhere(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    f = tmp_path / "unsure.yaml"
    f.write_text(
        "name: unsure\ndescription: Uncertain attrition.\nbase: baseline\n"
        "uncertainty:\n  attrition.annual_rate: {low: 0.7, high: 1.4}\n"
    )
    here = _run(None, str(f))
    with dask_execution(cluster.scheduler_address) as execution:
        _same(_run(execution, str(f)), here)
    with process_execution(3) as execution:
        _same(_run(execution, str(f)), here)


def test_where_an_ensemble_runs_by_default_and_clear_errors() -> None:
    with execution_for(10, 2025, 2030) as small:
        assert small is None  # 60 replicate-years: this process
    with execution_for(100, 2025, 2030, workers=1) as one:
        assert one is None
    with execution_for(3, 2025, 2030, workers=4) as capped:
        assert capped is not None and capped.batches == 3  # no more processes than replicates
    with (
        pytest.raises(Invalid, match="Workers 0: expected 1 to 64"),
        execution_for(10, 2025, 2030, workers=0),
    ):
        pass
    unreachable = r"Cannot reach the Dask scheduler at 'tcp://127\.0\.0\.1:9'"
    with pytest.raises(ConfigError, match=unreachable), dask_execution("tcp://127.0.0.1:9"):
        pass


def test_without_dask_the_scheduler_option_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    real = importlib.import_module

    def no_dask(name: str, package: str | None = None) -> object:
        if name == "distributed":
            raise ImportError("No module named 'distributed'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_dask)
    with pytest.raises(ConfigError) as err, dask_execution("tcp://127.0.0.1:8786"):
        pass
    assert "not installed" in err.value.message and "pip install 'hrh[dask]'" in err.value.hint
