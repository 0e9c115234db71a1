"""Input fields shared by the /v1 request serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings.

    DRF's CharField turns numbers into text (`123` → "123", `1e30` → "1e+30"); the contract's string fields are
    strings, and a number sent for one is a client bug to report, not data to store."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]
