"""The vendored front-end files are the ones recorded in static/vendor/README.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import hrh.web

VENDOR = Path(hrh.web.__file__).parent / "static" / "vendor"
RECORD = re.compile(r"^([0-9a-f]{64})  (\S+)$", re.M)
NOT_CODE = ("README.md", "LICENSE", "NOTICE")


def recorded() -> dict[str, str]:
    return {path: digest for digest, path in RECORD.findall((VENDOR / "README.md").read_text())}


def test_every_recorded_hash_matches_its_file() -> None:
    hashes = recorded()
    assert "htmx/htmx.min.js" in hashes
    for path, digest in hashes.items():
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_every_vendored_script_and_stylesheet_is_recorded() -> None:
    hashes = recorded()
    files = [
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and not p.name.startswith(NOT_CODE)
    ]
    unrecorded = [f for f in files if f.endswith((".js", ".css")) and f not in hashes]
    assert not unrecorded, f"record these in static/vendor/README.md: {unrecorded}"
