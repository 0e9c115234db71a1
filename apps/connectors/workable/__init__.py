"""Workable (API v3): connector and emulator."""
