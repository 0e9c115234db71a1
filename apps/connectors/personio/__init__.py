"""Personio Recruiting connector."""
