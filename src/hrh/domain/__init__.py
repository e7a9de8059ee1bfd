"""Pure domain types: codes, value objects and records. No I/O."""
