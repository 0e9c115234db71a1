"""Query-string input of the /v1/ats lists: DRF fields that parse it, and the typed `ListQuery` they produce.

The SDK sends CSV lists as one comma-joined parameter (`ids=a%2Cb`), booleans as `true`/`false` and datetimes as
ISO-8601 (`...Z`, or naive = UTC). Every failure names its parameter, e.g. `page_size: Ensure this value is
less than or equal to 250.`
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.core.timeutils import parse_datetime

MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 100


class CsvField(serializers.Field):
    """A comma-separated list; with `choices`, every item must be one of them. Blank means "no filter"."""

    default_error_messages = {
        "invalid_choice": "unknown value {value!r}; expected a comma-separated list of {choices}.",
        "too_long": "at most {max_items} values are allowed.",
    }

    def __init__(self, *, choices: Sequence[str] | None = None, max_items: int = 1000, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        self.choices = tuple(choices) if choices is not None else None
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str] | None:
        if not isinstance(data, str):
            raise serializers.ValidationError("expected a comma-separated string.")
        items = [item.strip() for item in data.split(",") if item.strip()]
        if not items:
            return None
        if len(items) > self.max_items:
            self.fail("too_long", max_items=self.max_items)
        if self.choices is not None:
            for item in items:
                if item not in self.choices:
                    self.fail("invalid_choice", value=item, choices=", ".join(self.choices))
        return list(dict.fromkeys(items))

    def to_representation(self, value: Any) -> str:
        return ",".join(value)


class IsoDateTimeField(serializers.Field):
    """ISO-8601 datetime: `2024-05-01T12:00:00.000Z`, an offset, no zone (= UTC) or a bare date."""

    default_error_messages = {"invalid": "expected an ISO-8601 datetime such as 2024-05-01T12:00:00.000Z."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> datetime:
        try:
            return parse_datetime(str(data))
        except (ValueError, OverflowError):
            raise serializers.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class TextFilterField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)


class ListInputSerializer(serializers.Serializer):
    """The parameters every ATS list takes; each API subclasses it with its own filters."""

    cursor = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    updated_after = IsoDateTimeField()
    include_deleted = serializers.BooleanField(required=False, default=False)
    ignore_unsupported_filters = serializers.BooleanField(required=False, default=False)
    ids = CsvField()
    remote_ids = CsvField()

    COMMON = (
        "cursor",
        "page_size",
        "updated_after",
        "include_deleted",
        "ignore_unsupported_filters",
        "ids",
        "remote_ids",
    )


@dataclass(frozen=True)
class ListQuery:
    """A parsed list request. `filters` holds the endpoint's own filters that were given (value not None)."""

    cursor: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE
    updated_after: datetime | None = None
    include_deleted: bool = False
    ignore_unsupported_filters: bool = False
    ids: list[str] | None = None
    remote_ids: list[str] | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)


def list_query_from(validated: Mapping[str, Any]) -> ListQuery:
    filters = {
        name: value
        for name, value in validated.items()
        if name not in ListInputSerializer.COMMON and value not in (None, "")
    }
    return ListQuery(
        cursor=validated.get("cursor") or None,
        page_size=validated.get("page_size") or DEFAULT_PAGE_SIZE,
        updated_after=validated.get("updated_after"),
        include_deleted=bool(validated.get("include_deleted")),
        ignore_unsupported_filters=bool(validated.get("ignore_unsupported_filters")),
        ids=validated.get("ids"),
        remote_ids=validated.get("remote_ids"),
        filters=filters,
    )


def openapi_parameters(serializer_class: type[serializers.Serializer]) -> list[OpenApiParameter]:
    """Query parameters as the SDK sends them: CSV lists are `style=form, explode=false` arrays."""
    parameters = []
    for name, item in serializer_class().fields.items():
        if isinstance(item, CsvField):
            items: dict[str, Any] = {"type": "string"}
            if item.choices is not None:
                items["enum"] = list(item.choices)
            schema: Any = {"type": "array", "items": items}
            parameters.append(OpenApiParameter(name, schema, OpenApiParameter.QUERY, style="form", explode=False))
        elif isinstance(item, IsoDateTimeField):
            parameters.append(OpenApiParameter(name, OpenApiTypes.DATETIME, OpenApiParameter.QUERY))
        elif isinstance(item, serializers.BooleanField):
            parameters.append(OpenApiParameter(name, OpenApiTypes.BOOL, OpenApiParameter.QUERY, default=False))
        elif isinstance(item, serializers.IntegerField):
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}
            parameters.append(OpenApiParameter(name, schema, OpenApiParameter.QUERY))
        else:
            parameters.append(OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY))
    return parameters


_PLAIN_PAGE_SIZE = re.compile(r"[1-9][0-9]{0,2}")
_PLAIN_CURSOR = re.compile(r"[A-Za-z0-9_.:=-]{1,2000}")
_PLAIN_BOOLEANS = {"true": True, "false": False}


def plain_list_query(params: Mapping[str, str]) -> ListQuery | None:
    """The `ListQuery` of the common paging request (only `page_size`, `cursor`, `include_deleted` and
    `ignore_unsupported_filters`, in the forms the SDK sends), without a serializer (which costs a third of a
    millisecond); None for anything else, which `ListInputSerializer` then validates. Gives exactly what the
    serializer would (tests/applications/test_api_input.py)."""
    page_size = DEFAULT_PAGE_SIZE
    cursor = None
    flags = {"include_deleted": False, "ignore_unsupported_filters": False}
    for name, value in params.items():
        if name == "page_size" and _PLAIN_PAGE_SIZE.fullmatch(value) and int(value) <= MAX_PAGE_SIZE:
            page_size = int(value)
        elif name == "cursor" and _PLAIN_CURSOR.fullmatch(value):
            cursor = value
        elif name in flags and value in _PLAIN_BOOLEANS:
            flags[name] = _PLAIN_BOOLEANS[value]
        else:
            return None
    return ListQuery(cursor=cursor, page_size=page_size, **flags)
