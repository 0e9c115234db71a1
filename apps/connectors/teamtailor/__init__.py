"""Teamtailor (public JSON:API `/v1`): connector and emulator."""
