"""Agent mode: one row per worker, numpy arrays per attribute, the cell model's transitions.

A population is a struct of arrays (:class:`Workers`): country of training, cadre, age, sex,
where the worker works (home, or the corridor abroad) and the year of graduation, one
element per worker. Each year, with the rates of :func:`hrh.projection.stockflow.year_rates`
(the same parameters and the same competing decrements as :func:`~hrh.projection.stockflow.step`):

- every worker draws **one** uniform ``U`` (31 random bits: ``U = bits / 2³¹``) and leaves
  with probability ``P = h + (1 - h) q + (1 - h)(1 - q) e Σσ`` at home,
  ``h + (1 - h) q + (1 - h)(1 - q) ρ`` abroad (``h``, ``q`` of the country where the worker
  works); the same ``U`` tells the outcome of those who leave (``U < h``: retirement;
  ``U < h + (1 - h) q``: attrition; else emigration, or return home for a worker abroad), so
  each worker's outcome has exactly the cell model's probabilities;
- an emigrant picks a corridor of the country of training with probability ``σ_n / Σσ``
  (one more uniform per emigrant);
- graduates ``G(c, k, t)`` are rounded stochastically and spread over entry ages and sexes
  by a multinomial (the cell model's :meth:`~hrh.projection.stockflow.Sampled.spread`), and
  enter next year at their entry age; everybody ages by one year (ages are kept as birth
  years, so ageing costs nothing); at 74 everyone retires.

Per worker and year the work is 31 random bits (half of one 64-bit output of the bit
generator), one look-up of the worker's threshold in a small table by its key (place,
cadre, birth year), one comparison and one scan, a chunk of 65,536 workers at a time so
that the temporaries stay in cache; the few who leave or move are then handled on their own
(their rows are overwritten by the last rows: no pass over the whole population). The
thresholds are ``round(p · 2³¹)``: outcome probabilities are exact to 2⁻³².

The flows are counted per country and cadre as
:meth:`~hrh.projection.stockflow.Flows.totals` counts them, so the accounting identity
holds exactly (tested against a fresh count of the population), and the mean over
replicates agrees with the deterministic mode (tested).

Modules: :mod:`~hrh.projection.agents.population` (:class:`Workers`, expansion from cell
stocks), :mod:`~hrh.projection.agents.pool` (the packed population, keys, thresholds, the
yearly draw), :mod:`~hrh.projection.agents.step` (transitions, corridors, graduates),
:mod:`~hrh.projection.agents.run` (a run, replicates),
:mod:`~hrh.projection.agents.registry` (a registry of individual workers).
"""

from hrh.projection.agents.population import HOME, UNKNOWN, Workers, workers_from_state
from hrh.projection.agents.run import AgentPath, run_agent_replicates, simulate_agents

__all__ = [
    "HOME",
    "UNKNOWN",
    "AgentPath",
    "Workers",
    "run_agent_replicates",
    "simulate_agents",
    "workers_from_state",
]
