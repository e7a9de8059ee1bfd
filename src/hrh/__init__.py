"""HRH Observatory: health workforce migration data, projections and compliance."""

__version__ = "0.1.0"
