"""The strict request schemas' patterns mean the same in every regex dialect a client or fuzzer may read them in."""

from __future__ import annotations

import re

import pytest
from rest_framework import serializers

from apps.applications.writes.serializers import HTTP_URL_PATTERN, HttpUrlField
from apps.core.api.schema_strict import NON_BLANK, SPACE

BMP = [chr(code) for code in range(1, 0x10000) if not 0xD800 <= code <= 0xDFFF]


@pytest.mark.parametrize("pattern", [NON_BLANK, HTTP_URL_PATTERN])
def test_patterns_spell_out_their_space_characters(pattern: str) -> None:
    """`\\s` is dialect-dependent (ECMA-262's leaves out \\x1c-\\x1f and \\x85, which Python strips)."""
    assert "\\s" not in pattern
    assert "\\S" not in pattern


def test_non_blank_refuses_exactly_what_drf_trims_to_blank() -> None:
    field = serializers.CharField()
    blank_to_drf = []
    for char in BMP:
        try:
            field.run_validation(char)
        except serializers.ValidationError:
            blank_to_drf.append(char)

    refused_by_schema = [char for char in BMP if re.fullmatch(NON_BLANK, char) is None]

    assert refused_by_schema == blank_to_drf
    assert "\x1e" in refused_by_schema
    assert "\ufeff" not in refused_by_schema  # ECMA's \s has it; Python neither strips nor matches it
    assert re.fullmatch(f"[{SPACE}]", "\x85")


def test_a_url_the_schema_allows_is_one_the_validator_takes() -> None:
    field = HttpUrlField()
    for char in BMP:
        url = f"https://files.example.com/cv{char}.pdf"
        if re.fullmatch(HTTP_URL_PATTERN, url) is None:
            continue
        field.run_validation(url)  # raises on any character the pattern lets through and the validator refuses
