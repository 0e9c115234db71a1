"""The orjson renderer writes exactly DRF's JSONRenderer bytes, including where it has to fall back to it."""

from __future__ import annotations

import random
import struct
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from apps.core.api.renderers import FastJSONRenderer, dumps

VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63 - 1,
    2**64 - 1,
    2**64,  # beyond orjson: falls back
    -(2**70),
    0.1,
    -0.0,
    65000.0,
    1e16,
    1e22,
    1.7976931348623157e308,
    1e-4,
    9.99e-5,  # Python writes 9.99e-05: falls back
    1e-07,
    5e-324,
    "",
    'Zoë "Ünal" \\ 東京 🚀',
    "line\u2028sep\u2029para",
    "\x00\x01\x1f\x7f\b\f\n\r\t",
    "re-apply 1e-5 0.00001 in text",
    datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 0),  # noqa: DTZ001 - naive on purpose
    date(2024, 5, 1),
    time(8, 30, 1, 5),
    Decimal("12.50"),
    Decimal("0.00001"),
    uuid.UUID(int=7),
    gettext_lazy("Not found."),
    (1, "a"),
    {"z": 1, "a": [1, {"ü": None}], "": {}},
    [[], {}, [[[]]]],
    {1: "int key"},  # orjson refuses: falls back
    {"nested": {"deep": [2**80, 0.5]}},
    b"bytes",
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(value)[:40] for value in VALUES])
def test_each_value_renders_as_drf_renders_it(value: Any) -> None:
    expected = JSONRenderer().render({"data": value})

    assert FastJSONRenderer().render({"data": value}) == expected


def test_random_floats_render_as_drf_renders_them() -> None:
    rng = random.Random(25)
    floats = [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(3000)]
    floats += [rng.random() * 10 ** rng.randint(-8, 25) for _ in range(3000)]
    floats = [value for value in floats if value == value and abs(value) != float("inf")]
    for value in floats:
        assert FastJSONRenderer().render([value]) == JSONRenderer().render([value]), value


def test_orjson_does_the_work_for_ordinary_bodies_and_drf_the_rest() -> None:
    assert dumps({"a": [1, 2.5, "ü\u2028"], "b": None}) == b'{"a":[1,2.5,"\xc3\xbc\\u2028"],"b":null}'
    assert dumps({"a": 1e-07}) is None
    assert dumps({"a": 2**64}) is None
    assert dumps({1: 2}) is None


def test_pretty_printing_and_no_body_are_drf_s() -> None:
    body = {"status": "success", "data": {"a": 1}}
    pretty = "application/json; indent=4"

    assert FastJSONRenderer().render(body, pretty) == JSONRenderer().render(body, pretty)
    assert b"\n    " in FastJSONRenderer().render(body, pretty)
    assert FastJSONRenderer().render(None) == b""


def test_nan_is_null_where_drf_refuses_it() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        JSONRenderer().render({"a": float("nan")})

    assert FastJSONRenderer().render({"a": float("nan"), "b": float("inf")}) == b'{"a":null,"b":null}'


@pytest.mark.parametrize(
    ("encoded", "held"),
    [
        (b'{"a":1e-7}', True),
        (b'{"a":2.5e-5}', True),
        (b'{"a":0.000025}', True),
        (b'{"a":"stage-3","b":"e-mail","c":"xe-"}', False),
        (b"e-", False),
        (b"9e-", True),
        (b'{"a":1e16,"b":0.001,"c":"2026-12-03"}', False),
        (b'{"t":"x 0.00001"}', True),  # inside text too: the check is conservative
    ],
)
def test_the_small_float_check_finds_digit_e_minus_and_four_zeros(encoded: bytes, held: bool) -> None:
    from apps.core.api.renderers import _may_hold_small_float

    assert _may_hold_small_float(encoded) is held
