"""Object ids: 24-character base58 strings, as the Kombo contract shows them.

The first 8 characters encode the creation time in milliseconds, so ids sort (bytewise) roughly by creation
time and keyset pagination over them shows newly created records at the end. The other 16 characters are
random (about 94 bits).
"""

from __future__ import annotations

import re
import secrets
import time

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 24
_TIME_CHARS = 8
_ID_PATTERN = re.compile(rf"^[{BASE58_ALPHABET}]{{{ID_LENGTH}}}$")
_INTEGRATION_ID_PATTERN = re.compile(rf"^[a-z0-9]+:[{BASE58_ALPHABET}]{{{ID_LENGTH}}}$")


def _encode_fixed(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, remainder = divmod(number, 58)
        chars.append(BASE58_ALPHABET[remainder])
    return "".join(reversed(chars))


_RANDOM_SPACE = 58 ** (ID_LENGTH - _TIME_CHARS)


def new_id() -> str:
    timestamp = _encode_fixed(time.time_ns() // 1_000_000, _TIME_CHARS)
    # One draw of the whole random space: uniform like 16 separate choices, ten times cheaper (bulk syncs).
    random_part = _encode_fixed(secrets.randbelow(_RANDOM_SPACE), ID_LENGTH - _TIME_CHARS)
    return timestamp + random_part


def new_integration_id(tool: str) -> str:
    return f"{tool}:{new_id()}"


def is_valid_id(value: str) -> bool:
    return bool(_ID_PATTERN.match(value))


def is_valid_integration_id(value: str) -> bool:
    return bool(_INTEGRATION_ID_PATTERN.match(value))
