"""Modules imported on first use, so that ``hrh --help`` does not load every service.

The command modules name the services they call at the top, as usual for type checkers::

    if TYPE_CHECKING:
        from hrh.services import projections as svc
    else:
        svc = lazy("hrh.services.projections")

At run time ``svc`` is the real module object, whose code (and its imports: SQLAlchemy,
numpy, scipy, …) runs when one of its attributes is first read, i.e. inside a command
(:class:`importlib.util.LazyLoader`). Reading an attribute at import time (an option's
default) loads the module then: keep such constants out of heavy modules.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType

_LOCK = threading.Lock()


def lazy(name: str) -> ModuleType:
    """Return module ``name``, loaded (executed) when an attribute is first read."""
    with _LOCK:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        loader = importlib.util.LazyLoader(spec.loader)
        spec.loader = loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)
        return module
