"""Diaspora matching: hard filters, explained soft scores and an optimal assignment (pure)."""
