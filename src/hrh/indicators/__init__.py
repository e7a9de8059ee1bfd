"""Pure indicator calculations over observation series (no database, no web)."""
