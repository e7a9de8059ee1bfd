"""Ethical international recruitment: codes of practice as rules, checked on records (pure)."""
