"""Use cases and transaction boundaries: what the CLI, the API and the web pages call."""
