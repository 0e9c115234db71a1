"""Toy ATS: a connector and its emulator built by following docs/connectors.md step by step (a test fixture)."""
