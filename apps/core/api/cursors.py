"""Opaque, tamper-evident keyset cursors for the /v1/ats lists.

A cursor is the id of the last record of the previous page, signed with the endpoint and integration in the
salt: a cursor cannot be forged, edited, or replayed against another list or integration. Lists order by id,
and ids are time-ordered, so records inserted while a client pages through show up at the end: nothing is
skipped or repeated.
"""

from __future__ import annotations

from django.core import signing

from apps.core.api.errors import input_invalid
from apps.core.ids import is_valid_id

INVALID_CURSOR_MESSAGE = "cursor: invalid cursor; pass the `next` value of the previous page unchanged."


def _signer(endpoint: str, integration_id: str) -> signing.Signer:
    return signing.Signer(salt=f"tributary.ats-cursor:{endpoint}:{integration_id}")


def encode_cursor(last_id: str, *, endpoint: str, integration_id: str) -> str:
    return _signer(endpoint, integration_id).sign_object({"after": last_id})


def decode_cursor(cursor: str, *, endpoint: str, integration_id: str) -> str:
    """The id after which the next page starts. Raises a 400 `PLATFORM.INPUT_INVALID` for anything else."""
    try:
        payload = _signer(endpoint, integration_id).unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError):
        raise input_invalid(INVALID_CURSOR_MESSAGE) from None
    after = payload.get("after") if isinstance(payload, dict) else None
    if not isinstance(after, str) or not is_valid_id(after):
        raise input_invalid(INVALID_CURSOR_MESSAGE)
    return after
