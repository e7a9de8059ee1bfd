"""Diaspora matching at scale: 100,000 professionals × 10,000 opportunities.

Value: all-pairs throughput of ``hrh.diaspora.matching.assign`` (candidate generation by
blocking on the hard constraints, numpy scoring of the surviving pairs, the exact assignment
under slot capacities and the explanation of the chosen pairs), as the pairs of the full
cross product per second of its wall time. Baseline: the naive way, ``failures`` then
``score`` on every pair, timed on a random sample of pairs and extrapolated per pair to the
whole cross product (10⁹ pairs; running it would take hours). The ratio is the speed-up.

Checked before timing: on the sample, a pair is among the generated candidates exactly when
the naive filter finds it feasible, with the same score.
"""

from __future__ import annotations

import time

import numpy as np

from bench import _diaspora as synthetic
from bench._report import Figure
from hrh.diaspora.matching import assign, failures, feasible_pairs, score

NAME = "diaspora_matching_pairs_per_s"
UNIT = "pairs/s"
GOAL = 50.0
LOWER_IS_BETTER = False
SEED = 2026


def _naive_seconds_per_pair(
    ps: list, os_: list, sample: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Return the wall and CPU seconds per pair of the naive filter-and-score loop."""
    pi = rng.integers(0, len(ps), sample)
    oj = rng.integers(0, len(os_), sample)
    pairs = [(ps[i], os_[j]) for i, j in zip(pi.tolist(), oj.tolist(), strict=True)]
    start, start_cpu = time.perf_counter(), time.process_time()
    for p, o in pairs:
        if not failures(p, o):
            score(p, o)
    return (time.perf_counter() - start) / sample, (time.process_time() - start_cpu) / sample


def _check_sample(ps: list, os_: list, sample: int, rng: np.random.Generator) -> int:
    """Compare the generated candidates with the naive filter on sampled pairs."""
    pairs = feasible_pairs(ps, os_)
    p_at = {p.id: k for k, p in enumerate(pairs.profiles)}
    o_at = {o.id: k for k, o in enumerate(pairs.openings)}
    width = len(pairs.profiles)
    keys = pairs.opening * width + pairs.profile  # pairs come by opportunity, then profile
    feasible = 0
    for i, j in zip(
        rng.integers(0, len(ps), sample), rng.integers(0, len(os_), sample), strict=True
    ):
        p, o = ps[int(i)], os_[int(j)]
        key = o_at[o.id] * width + p_at[p.id]
        at = int(np.searchsorted(keys, key))
        found = at < keys.size and keys[at] == key
        naive = not failures(p, o)
        if found != naive or (found and float(pairs.score[at]) != score(p, o)):
            raise AssertionError(
                f"candidate generation disagrees with the filter on {p.id}, {o.id}"
            )
        feasible += naive
    # and a sample of generated pairs must all be feasible
    for k in rng.integers(0, len(pairs), min(sample, len(pairs))):
        p, o = pairs.profiles[pairs.profile[k]], pairs.openings[pairs.opening[k]]
        if failures(p, o):
            raise AssertionError(f"infeasible pair generated: {p.id}, {o.id}")
    print(f"    {len(pairs):,} feasible pairs ({len(pairs) / (len(ps) * len(os_)):.2%} of all)")
    return feasible


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    n, m = (20_000, 2_000) if quick else (100_000, 10_000)
    repeat = 1 if quick else 3
    rng = np.random.default_rng(SEED)
    ps, os_ = synthetic.profiles(n, rng), synthetic.openings(m, rng)
    _check_sample(ps, os_, 20_000, np.random.default_rng(SEED + 1))
    naive = [
        _naive_seconds_per_pair(ps, os_, 50_000 if quick else 200_000, np.random.default_rng(s))
        for s in range(repeat)
    ]
    per_pair = min(wall for wall, _ in naive)
    per_pair_cpu = min(cpu for _, cpu in naive)
    total = float(n) * float(m)
    times = []
    cpu = []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = assign(ps, os_)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    took = min(times)
    assert result is not None
    slots = sum(o.slots for o in os_)
    print(
        f"    {n:,} × {m:,}: assign {took:.1f} s (best of {repeat}; runs "
        + ", ".join(f"{t:.1f}" for t in times)
        + f"; CPU {min(cpu):.1f} s); {len(result.assignments):,} assigned of {slots:,} slots, "
        f"total score "
        f"{result.total_score:.4f}"
    )
    print(
        f"    naive: {per_pair * 1e6:.2f} µs per pair (CPU {per_pair_cpu * 1e6:.2f} µs), "
        f"{per_pair * total:,.0f} s extrapolated to {total:,.0f} pairs; "
        f"CPU-time ratio {per_pair_cpu * total / min(cpu):.0f}"
    )
    return Figure.measured(
        NAME, total / took, UNIT, baseline=1.0 / per_pair, goal=GOAL, lower_is_better=False
    )
