"""Dated parameters as YAML with units, descriptions and references."""
