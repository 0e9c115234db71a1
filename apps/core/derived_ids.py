"""Ids we derive instead of storing: stable for as long as what they are derived from is stable.

Screening question options and integration fields are values inside JSON columns, not rows, yet the contract
gives each an `id` that clients send back (`screening_question_answers[].answer` names option ids, the
integration-fields API names field ids). Deriving the id from the owner's id and the entry's key keeps it the
same across syncs without any bookkeeping by the writers.
"""

from __future__ import annotations

import hashlib

from apps.core.ids import BASE58_ALPHABET, ID_LENGTH

_SPACE = 58**ID_LENGTH


def derived_id(namespace: str, *parts: str) -> str:
    """A 24-character base58 id, a pure function of its inputs (not time-ordered, unlike `new_id`)."""
    digest = hashlib.sha256("\x1f".join((namespace, *parts)).encode()).digest()
    number = int.from_bytes(digest, "big") % _SPACE
    chars = []
    for _ in range(ID_LENGTH):
        number, remainder = divmod(number, 58)
        chars.append(BASE58_ALPHABET[remainder])
    return "".join(reversed(chars))


def screening_option_id(question_id: str, option_key: str) -> str:
    """The id of one option of a select question; `option_key` is the option's remote id (or its name)."""
    return derived_id("screening-option", question_id, option_key)


def integration_field_id(integration_id: str, model: str, key: str) -> str:
    """The id of one integration field, e.g. `integration_field_id(integration.id, "ats_jobs", "dept_code")`."""
    return derived_id("integration-field", integration_id, model, key)
