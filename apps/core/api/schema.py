"""OpenAPI helpers: the success and error envelopes around each endpoint's own serializer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from rest_framework import serializers

from apps.core.api.errors import ErrorCode

_ENVELOPES: dict[str, type[serializers.Serializer]] = {}


class WarningSerializer(serializers.Serializer):
    message = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[code.value for code in ErrorCode], allow_null=True)
    title = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    log_url = serializers.CharField(allow_null=True)
    remote_ids = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text=(
            "Tributary extension, on write errors only: the remote IDs of what the failed write left in the ATS "
            "(`application`, `candidate`). Retry with the same Idempotency-Key and Tributary resumes it."
        ),
    )


class ErrorResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["error"])
    error = ErrorDetailSerializer()


def _build(name: str, attrs: dict[str, Any]) -> type[serializers.Serializer]:
    if name not in _ENVELOPES:
        _ENVELOPES[name] = type(name, (serializers.Serializer,), attrs)
    return _ENVELOPES[name]


def success_envelope(
    name: str, data: type[serializers.Serializer] | serializers.Field, *, warnings: bool = False
) -> type[serializers.Serializer]:
    """`{"status": "success", "data": <data>, "warnings"?: [...]}` as a named schema component."""
    attrs: dict[str, Any] = {
        "status": serializers.ChoiceField(choices=["success"]),
        "data": data() if isinstance(data, type) else data,
    }
    if warnings:
        attrs["warnings"] = WarningSerializer(many=True)
    return _build(f"{name}PositiveResponse", attrs)


def list_envelope(name: str, item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """`{"status": "success", "data": {"next": str|null, "results": [item]}}`."""
    data = _build(
        f"{name}PageData",
        {"next": serializers.CharField(allow_null=True), "results": item(many=True)},
    )
    return success_envelope(name, data)


class EmptySerializer(serializers.Serializer):
    pass


def error_responses(*statuses: int) -> dict[int, type[serializers.Serializer]]:
    return dict.fromkeys(statuses, ErrorResponseSerializer)


class AutoSchema(BaseAutoSchema):
    """Names components after their API for nested `InputSerializer`/`OutputSerializer` classes.

    `CheckApiKeyApi.OutputSerializer` becomes `CheckApiKeyOutput`, so the conventional nested names never collide.
    """

    def _get_request_body(self, direction: str = "request") -> Any:
        """drf-spectacular documents bodies of PUT, PATCH and POST only; a DELETE that takes one (removing a
        candidate's tag takes `{"tag": {"name": …}}`) has it served too, when its serializer has fields."""
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        serializer = self.get_request_serializer()
        if not is_serializer(serializer) or not force_instance(serializer).fields:
            return None
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"

    def get_serializer_name(self, serializer: serializers.Serializer, direction: str) -> str:
        qualname = serializer.__class__.__qualname__
        if "." not in qualname:
            return serializer.__class__.__name__
        return qualname.replace("Api.", "").replace(".", "")
