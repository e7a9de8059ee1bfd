from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from hrh.web import auth, choropleth, geo, session


@pytest.mark.parametrize("module", [geo, choropleth, session, auth], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
