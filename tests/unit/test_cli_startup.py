"""`hrh --help` loads no service, database, numeric or web library (they load in commands)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "fastapi",
    "weasyprint",
    "altair",
    "babel",
    "hrh.services.context",
    "hrh.services.projections",
    "hrh.store",
)

SCRIPT = f"""
import json, sys
from typer.main import get_command
from hrh.cli import app
get_command(app)  # every command and option, as `hrh --help` builds them
# a module registered by hrh.cli._lazy but not yet used is a _LazyModule (type() does not
# load it; reading an attribute would)
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules
                        and type(sys.modules[m]).__name__ != "_LazyModule")))
"""


def test_building_the_cli_imports_no_heavy_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_a_lazy_service_loads_on_first_use() -> None:
    script = (
        "import sys; from hrh.cli import projection as p; "
        "before = 'numpy' in sys.modules; p.svc.list_scenarios(); "
        "print(before, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
