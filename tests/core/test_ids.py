from __future__ import annotations

import time

from apps.core.ids import BASE58_ALPHABET, ID_LENGTH, is_valid_id, is_valid_integration_id, new_id, new_integration_id


def test_new_id_is_24_base58_characters() -> None:
    value = new_id()

    assert len(value) == ID_LENGTH == 24
    assert set(value) <= set(BASE58_ALPHABET)
    assert is_valid_id(value)


def test_ids_sort_by_creation_time() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()

    assert first < second


def test_ids_do_not_repeat() -> None:
    assert len({new_id() for _ in range(5000)}) == 5000


def test_integration_id_is_tool_colon_id() -> None:
    value = new_integration_id("smartrecruiters")
    tool, _, object_id = value.partition(":")

    assert tool == "smartrecruiters"
    assert is_valid_id(object_id)
    assert is_valid_integration_id(value)


def test_validators_reject_lookalikes() -> None:
    assert not is_valid_id("0" * 24)  # 0 is not base58
    assert not is_valid_id("A" * 23)
    assert not is_valid_integration_id("sandbox-" + "A" * 24)
