from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.core.api.cursors import INVALID_CURSOR_MESSAGE, decode_cursor, encode_cursor
from apps.core.api.errors import ApiError

LAST_ID = "3PJ8PZhZZa1eEdd2DtPNtVup"


def test_a_cursor_round_trips_and_does_not_show_the_id() -> None:
    cursor = encode_cursor(LAST_ID, endpoint="applications", integration_id="sandbox:B5DVmypWENfU6eMe6gYDyJG3")

    assert LAST_ID not in cursor
    assert decode_cursor(cursor, endpoint="applications", integration_id="sandbox:B5DVmypWENfU6eMe6gYDyJG3") == LAST_ID


@pytest.mark.parametrize(
    ("_case", "make_cursor"),
    [
        ("garbage", lambda: "garbage"),
        ("empty signature", lambda: "eyJhZnRlciI6IjEifQ:"),
        ("another list", lambda: encode_cursor(LAST_ID, endpoint="jobs", integration_id="sandbox:x")),
        ("another integration", lambda: encode_cursor(LAST_ID, endpoint="applications", integration_id="sandbox:y")),
        (
            "signed, but not an id",
            lambda: encode_cursor("not an id", endpoint="applications", integration_id="sandbox:x"),
        ),
    ],
)
def test_anything_but_our_own_cursor_is_input_invalid(_case: str, make_cursor: Callable[[], str]) -> None:
    with pytest.raises(ApiError) as caught:
        decode_cursor(make_cursor(), endpoint="applications", integration_id="sandbox:x")

    assert (caught.value.status, caught.value.code.value, caught.value.message) == (
        400,
        "PLATFORM.INPUT_INVALID",
        INVALID_CURSOR_MESSAGE,
    )
