"""Greenhouse (Harvest v3) connector."""
