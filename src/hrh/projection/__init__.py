"""Linked stock-and-flow projections of health workers, with scenarios and policy levers.

Pure: takes arrays and frozen dataclasses (``model.Inputs``), returns ``ProjectionResult``.
See docs/projections.md.
"""
