"""The Toy ATS emulator (docs/connectors.md, step 5)."""
