"""Keeping the translation catalogs in step with the templates and code.

The interface text is extracted from the templates (``_()``, ``gettext``, ``{% trans %}``),
from the web package's Python (``_()``, ``N_()`` and ``M_()``) and from the rest of the
package's Python (``M_()`` only: the service messages the pages translate, see
:mod:`hrh.presentation.messages`). After changing interface text::

    python -m hrh.web.catalog            # add new msgids to fr and es, mark vanished ones obsolete

then translate the new empty ``msgstr`` entries; a test fails while any is empty.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from hrh.web.i18n import DEFAULT_LANGUAGE, LANGUAGES

METHOD_MAP = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS_MAP = {
    "templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"},
}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "M_": None}
#: Outside the web package only ``M_()`` marks a message (``_`` is an ordinary name there).
SERVICE_METHOD_MAP = [("web/**", "ignore"), ("**.py", "python")]
SERVICE_KEYWORDS = {"M_": None}


def package_dir() -> Path:
    """Return the folder of the ``hrh.web`` package."""
    return Path(str(files("hrh.web")))


def extract_template() -> Catalog:
    """Extract every interface message of the web package into a template catalog."""
    template = Catalog(project="hrh", charset="utf-8")
    root = package_dir()
    extracted = [
        *extract_from_dir(root, METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS),
        # the brief and the shared labels (hrh.presentation) are interface text too
        *extract_from_dir(root.parent / "presentation", METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS),
        *extract_from_dir(root.parent, SERVICE_METHOD_MAP, keywords=SERVICE_KEYWORDS),
    ]
    for filename, lineno, message, comments, context in extracted:
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def po_path(lang: str) -> Path:
    """Return the ``.po`` file of a language."""
    return package_dir() / "locale" / lang / "LC_MESSAGES" / "messages.po"


def read_language(lang: str) -> Catalog:
    """Read a language's catalog."""
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def update_catalogs() -> None:
    """Merge the extracted messages into each translated language's ``.po`` file."""
    template = extract_template()
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read_language(lang) if path.exists() else Catalog(locale=lang)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=False)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    update_catalogs()
