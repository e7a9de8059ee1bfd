"""What the front doors show people, without a request: shared by ``hrh report`` and the web.

The interface languages, their catalogs and locale formatting (:mod:`~hrh.presentation.l10n`),
the names shown for codes (:mod:`~hrh.presentation.labels`), the line charts as Vega-Lite specs
(:mod:`~hrh.presentation.vegalite`, :mod:`~hrh.presentation.charts`) drawn on the server by
vl-convert (:mod:`~hrh.presentation.chartimages`), and the country brief as HTML and PDF
(:mod:`~hrh.presentation.brief`). It sits between the front doors (``hrh.cli``, ``hrh.api``,
``hrh.web``) and ``hrh.services`` in the import layers, so the CLI writes the same PDF brief as
the web page without importing the web package.
"""
