"""Integration fields and custom fields of an integration (contract §6)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import StrictCharField
from apps.core.api.responses import page, success
from apps.core.api.schema import error_responses, list_envelope, success_envelope
from apps.integrations.field_selectors import (
    CUSTOM_FIELDS_MAX_PAGE_SIZE,
    FIELDS_MAX_PAGE_SIZE,
    custom_field_page,
    custom_field_row,
    integration_field_page,
    present_integration_field,
)
from apps.integrations.field_services import (
    custom_field_get,
    custom_field_map,
    integration_field_get,
    integration_field_update,
)
from apps.integrations.selectors import integration_get

FIELD_TYPES = ["DEFAULT", "CUSTOM"]


class StrictBooleanField(serializers.BooleanField):
    """Only JSON `true` / `false` (DRF's BooleanField also takes "yes", "on", 1, …)."""

    def to_internal_value(self, data: object) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class IntegrationFieldSerializer(serializers.Serializer):
    id = StrictCharField()
    key = StrictCharField()
    model = StrictCharField()
    type = serializers.ChoiceField(choices=FIELD_TYPES)
    label = StrictCharField(allow_null=True)
    is_passthrough_enabled = serializers.BooleanField()
    is_writable = serializers.BooleanField(help_text="Deprecated; always false.")


class MappedIntegrationFieldSerializer(serializers.Serializer):
    id = StrictCharField()
    key = StrictCharField()
    type = serializers.ChoiceField(choices=FIELD_TYPES)
    label = StrictCharField(allow_null=True)


class CustomFieldSerializer(serializers.Serializer):
    id = StrictCharField()
    key = StrictCharField()
    integration_field = MappedIntegrationFieldSerializer(allow_null=True)
    model = StrictCharField()
    label = StrictCharField(allow_null=True)
    description = StrictCharField(allow_null=True)


def _page_input(max_size: int) -> type[serializers.Serializer]:
    class PageInput(serializers.Serializer):
        cursor = StrictCharField(required=False)
        page_size = serializers.IntegerField(required=False, default=100, min_value=1, max_value=max_size)

    return PageInput


def _page_parameters(max_size: int) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("cursor", str, OpenApiParameter.QUERY),
        OpenApiParameter("page_size", int, OpenApiParameter.QUERY, description=f"1 to {max_size}; default 100."),
    ]


class IntegrationFieldsApi(APIView):
    InputSerializer = _page_input(FIELDS_MAX_PAGE_SIZE)

    @extend_schema(
        operation_id="get_integration_fields",
        parameters=_page_parameters(FIELDS_MAX_PAGE_SIZE),
        responses={
            200: list_envelope("GetIntegrationFields", IntegrationFieldSerializer),
            **error_responses(400, 401, 404),
        },
    )
    def get(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        results, next_cursor = integration_field_page(
            integration=integration,
            cursor=params.validated_data.get("cursor"),
            page_size=params.validated_data["page_size"],
        )
        return page(results, next_cursor)


class IntegrationFieldApi(APIView):
    class InputSerializer(serializers.Serializer):
        enable_passthrough = StrictBooleanField(allow_null=True)

    @extend_schema(
        operation_id="update_integration_field",
        request=InputSerializer,
        responses={
            200: success_envelope("UpdateIntegrationField", IntegrationFieldSerializer),
            **error_responses(400, 401, 404),
        },
    )
    def patch(self, request: Request, integration_id: str, integration_field_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        field = integration_field_get(integration=integration, field_id=integration_field_id)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        field = integration_field_update(field=field, enable_passthrough=body.validated_data["enable_passthrough"])
        return success(present_integration_field(field))


class CustomFieldsApi(APIView):
    InputSerializer = _page_input(CUSTOM_FIELDS_MAX_PAGE_SIZE)

    @extend_schema(
        operation_id="get_custom_fields",
        parameters=_page_parameters(CUSTOM_FIELDS_MAX_PAGE_SIZE),
        responses={200: list_envelope("GetCustomFields", CustomFieldSerializer), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        results, next_cursor = custom_field_page(
            integration=integration,
            cursor=params.validated_data.get("cursor"),
            page_size=params.validated_data["page_size"],
        )
        return page(results, next_cursor)


class CustomFieldApi(APIView):
    class InputSerializer(serializers.Serializer):
        integration_field_id = StrictCharField(allow_null=True)

    @extend_schema(
        operation_id="update_custom_field_mapping",
        request=InputSerializer,
        responses={
            200: success_envelope("UpdateCustomFieldMapping", CustomFieldSerializer),
            **error_responses(400, 401, 404),
        },
    )
    def put(self, request: Request, integration_id: str, custom_field_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        custom_field = custom_field_get(environment=request.auth.environment, custom_field_id=custom_field_id)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        custom_field_map(
            integration=integration,
            custom_field=custom_field,
            integration_field_id=body.validated_data["integration_field_id"],
        )
        return success(custom_field_row(integration=integration, custom_field=custom_field))
