"""The code version recorded with every projection run: the package version and git commit."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from hrh import __version__


@functools.cache
def code_version() -> str:
    """Return ``hrh.__version__``, plus ``+g<commit>`` when the code runs from a git checkout.

    Read offline (``git rev-parse``, 2 s at most); the version alone when git or the
    repository is not there (an installed wheel).
    """
    git = shutil.which("git")
    if git is None:
        return __version__
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return __version__
    commit = done.stdout.strip()
    if done.returncode != 0 or not commit.isalnum():
        return __version__
    return f"{__version__}+g{commit}"
