"""Records per second of the compliance engine, against a plain Python loop over the same rules.

The records are synthetic but shaped like a destination's monitoring data: most candidates
live in countries the UK Code grades green (India, the Philippines …), about a sixth in
countries on the WHO safeguards list 2023 (mostly direct applications, which give ``info``
notes), a few in amber countries; 2% were charged a fee, 10% have a repayment clause.

Both sides get the same records, already in memory, in the form each one reads: the loop
(``evaluate_per_record``: every rule's check on every record) a list of ``RecruitmentRecord``
objects, the engine (``evaluate_columns``) the same records as a ``RecordTable`` (columns),
which is what the importer hands it in the product. Built before timing: the records, their
table, the safeguards list 2023 (bundled CSV), the bundled agreements and the code editions.
Timed: one call each, returning the complete findings, sorted. The loop returns a list of
``Finding`` objects; the engine a ``FindingTable``: per finding its record, rule id,
severity, source, explanation and evidence as columns in dictionary form (the texts and
evidence mappings fully rendered, once per distinct combination of what they name, and
shared by the findings that say the same), from which the ``Finding`` objects are built when
read. Not timed: building those objects from the engine's table (``FindingTable.to_list``,
what ``evaluate`` adds, done at the edges: a page, the CLI, the store), which is printed
beside the figure, then the two results are compared, finding for finding (every field,
evidence included). How long building the record table from record objects takes is printed
too. The inputs are frozen out of the cyclic garbage collector (``gc.freeze``) for both
sides while timing.
"""

from __future__ import annotations

import csv
import gc
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from bench._report import Figure, timed
from hrh.compliance.engine import evaluate_columns, evaluate_per_record
from hrh.compliance.rules import RULES, Context
from hrh.domain.finding_table import FindingTable
from hrh.domain.recruitment import Finding, RecruitmentRecord, SafeguardList
from hrh.domain.recruitment_table import RecordTable
from hrh.ingest.reference import REFERENCE_DIR, read_country_reference
from hrh.params.codes_of_practice import load_editions
from hrh.services.compliance import bundled_agreements

NAME = "compliance_check_records_per_s"
UNIT = "records/s"
GOAL = 20.0  # the engine is at least 20 times as fast as the plain loop
LOWER_IS_BETTER = False
RECORDS, QUICK_RECORDS = 1_000_000, 200_000
SSL_FILE = REFERENCE_DIR / "who_ssl_2023" / "who_health_workforce_support_safeguards_list_2023.csv"

# residence → weight (per mille); NGA, GHA, ZWE, PAK, SEN are on the 2023 list, KEN and NPL amber
RESIDENCE = {
    "IND": 350, "PHL": 250, "ZAF": 40, "AUS": 30, "USA": 30, "LKA": 30, "MYS": 20,
    "JAM": 30, "EGY": 30, "NGA": 80, "GHA": 40, "ZWE": 30, "PAK": 10, "SEN": 5,
    "KEN": 20, "NPL": 5,
}  # fmt: skip
ROUTES = {"direct_application": 700, "active": 200, "referral": 80, "g2g": 20}
CADRES = ("nursing_professionals", "medical_doctors", "midwifery_professionals")


def context() -> Context:
    """The safeguards list 2023, the bundled agreements and the code editions."""
    with SSL_FILE.open(encoding="utf-8", newline="") as f:
        listed = frozenset(r["iso3"] for r in csv.DictReader(f))
    countries = {c.iso3 for c in read_country_reference().countries}
    ssl = (SafeguardList("2023", date(2023, 3, 14), listed),)
    return Context(ssl, tuple(bundled_agreements(countries)), load_editions())


def records(n: int, seed: int = 20240601) -> list[RecruitmentRecord]:
    """Return ``n`` seeded synthetic records (see the module's docstring)."""
    rng = random.Random(seed)
    res = rng.choices(list(RESIDENCE), weights=list(RESIDENCE.values()), k=n)
    routes = rng.choices(list(ROUTES), weights=list(ROUTES.values()), k=n)
    start = date(2021, 1, 1)
    out = []
    for i in range(n):
        fee = rng.choice((150.0, 900.0)) if rng.random() < 0.02 else 0.0
        clause = rng.random() < 0.10
        out.append(
            RecruitmentRecord(
                f"R{i:07d}",
                f"org{i % 50:02d}",
                "agency" if i % 3 else "employer",
                "GBR",
                res[i],
                res[i],
                CADRES[i % 3],
                routes[i],
                rng.random() < 0.5,
                start + timedelta(days=rng.randrange(1800)),
                fee,
                "GBP" if fee else "",
                2000.0 if clause else 0.0,
                float(rng.choice((12, 18, 24, 36))) if clause else 0.0,
            )
        )
    return out


def run(quick: bool = False) -> Figure:
    """Measure the figure (best of 3, or 1 with ``quick``)."""
    n = QUICK_RECORDS if quick else RECORDS
    repeat = 1 if quick else 3
    recs = records(n)
    ctx = context()
    tables: list[RecordTable] = []
    built = timed(lambda: tables.append(RecordTable.from_records(recs)))
    table = tables[0]
    results: dict[str, list[Finding] | FindingTable] = {}

    cpu: dict[str, list[float]] = {"loop": [], "engine": []}

    def measure(side: str, fn: Callable[[], list[Finding] | FindingTable]) -> float:
        results.pop(side, None)  # the previous run's findings are freed before timing
        start = time.process_time()
        took = timed(lambda: results.__setitem__(side, fn()))
        cpu[side].append(time.process_time() - start)
        return took

    # The inputs (a million record objects for the loop) are moved out of the cyclic garbage
    # collector's reach, for both sides: otherwise each full collection triggered by the
    # findings either side allocates walks them all, a cost of holding the loop's input.
    gc.collect()
    gc.freeze()
    loop: list[float] = []
    engine: list[float] = []
    try:  # alternated, so that a change of load on the machine hits both sides alike
        for _ in range(repeat):
            loop.append(measure("loop", lambda: evaluate_per_record(recs, RULES, ctx)))
            engine.append(measure("engine", lambda: evaluate_columns(table, RULES, ctx)))
    finally:
        gc.unfreeze()
    base, took = min(loop), min(engine)
    found = results["engine"]
    assert isinstance(found, FindingTable)
    objects: list[list[Finding]] = []
    gc.collect()
    built_findings = timed(lambda: objects.append(found.to_list()))
    if objects[0] != results["loop"]:
        raise RuntimeError("the engine and the per-record loop disagree")
    print(
        f"  {n:,} records, {len(results['loop']):,} findings (notes included); "
        f"loop {base:.3f} s, engine {took:.3f} s (process CPU time: loop "
        f"{min(cpu['loop']):.3f} s, engine {min(cpu['engine']):.3f} s, ratio "
        f"{min(cpu['loop']) / min(cpu['engine']):.1f}); not timed above: building the "
        f"engine's {len(found):,} Finding objects from its table {built_findings:.3f} s, "
        f"building the record table from record objects {built:.3f} s",
        flush=True,
    )
    return Figure.measured(NAME, n / took, UNIT, baseline=n / base, goal=GOAL)
