"""Lever (Data API v1 and the Postings apply API): connector and emulator."""
