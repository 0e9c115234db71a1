"""General endpoints of the /v1 API: API key check, tool catalog, integration details and settings, force sync,
passthrough."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import input_invalid
from apps.core.api.fields import StrictCharField
from apps.core.api.responses import success
from apps.core.api.schema import EmptySerializer, error_responses, success_envelope
from apps.core.api.urls import public_base_url
from apps.core.timeutils import utcnow
from apps.integrations.inbound_apis import InboundWebhooksSerializer
from apps.integrations.inbound_freshness import freshness
from apps.integrations.models import SyncRun
from apps.integrations.passthrough_services import METHODS, passthrough_send
from apps.integrations.selectors import (
    TOOL_CATEGORIES,
    integration_details,
    integration_for_request,
    integration_get,
    tools_for_category,
)
from apps.integrations.services import integration_delete, integration_set_enabled

COVERAGE_STATUSES = ["SUPPORTED", "UNSUPPORTED", "NOT_IMPLEMENTED", "UNKNOWN"]
SCOPE_CONFIG_SETTINGS = ["ENABLED", "DISABLED", "OPTIONAL"]


class CheckApiKeyApi(APIView):
    class OutputSerializer(serializers.Serializer):
        environment_id = StrictCharField()

    @extend_schema(
        operation_id="check_api_key",
        responses={200: success_envelope("CheckApiKey", OutputSerializer), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return success({"environment_id": request.auth.environment_id})


class FieldCoverageSerializer(serializers.Serializer):
    id = StrictCharField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)


class ModelCoverageSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)
    fields = FieldCoverageSerializer(many=True)


class FeatureCoverageSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)


class ToolCoverageSerializer(serializers.Serializer):
    read_models = ModelCoverageSerializer(many=True)
    write_actions = ModelCoverageSerializer(many=True)
    features = FeatureCoverageSerializer(many=True)


class ToolAssetsSerializer(serializers.Serializer):
    logo_url = StrictCharField()
    icon_url = StrictCharField()
    icon_black_url = StrictCharField()


class ToolSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    internal_label = StrictCharField(allow_null=True)
    paid_api_details_markdown = StrictCharField(allow_null=True)
    fast_track_details_markdown = StrictCharField(allow_null=True)
    partner_only_details_markdown = StrictCharField(allow_null=True)
    connection_guide_url = StrictCharField(allow_null=True)
    assets = ToolAssetsSerializer()
    coverage = ToolCoverageSerializer()


class ToolsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        tools = ToolSerializer(many=True)

    @extend_schema(
        operation_id="get_tools",
        parameters=[OpenApiParameter("category", str, OpenApiParameter.PATH, enum=list(TOOL_CATEGORIES))],
        responses={200: success_envelope("GetTools", OutputSerializer), **error_responses(400, 401)},
    )
    def get(self, request: Request, category: str) -> Response:
        if category not in TOOL_CATEGORIES:
            raise input_invalid(f"category: must be one of {', '.join(TOOL_CATEGORIES)}, got {category!r}.")
        return success({"tools": tools_for_category(category, base_url=public_base_url(request))})


class IntegrationToolSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    internal_label = StrictCharField(allow_null=True)
    logo_url = StrictCharField()
    icon_url = StrictCharField()


class EndUserSerializer(serializers.Serializer):
    organization_name = StrictCharField()
    creator_email = StrictCharField(allow_null=True)
    origin_id = StrictCharField(allow_null=True)


class ScopeConfigSerializer(serializers.Serializer):
    id = StrictCharField()
    name = StrictCharField(allow_null=True)


class ReadModelFieldSettingSerializer(serializers.Serializer):
    id = StrictCharField()
    is_available = serializers.BooleanField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)
    scope_config_setting = serializers.ChoiceField(choices=SCOPE_CONFIG_SETTINGS)
    opted_out_by_customer = serializers.BooleanField()


class ReadModelSettingSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    is_available = serializers.BooleanField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)
    scope_config_setting = serializers.ChoiceField(choices=SCOPE_CONFIG_SETTINGS)
    opted_out_by_customer = serializers.BooleanField()
    fields = ReadModelFieldSettingSerializer(many=True)


class WriteActionFieldSettingSerializer(serializers.Serializer):
    id = StrictCharField()
    is_available = serializers.BooleanField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)


class WriteActionSettingSerializer(serializers.Serializer):
    id = StrictCharField()
    label = StrictCharField()
    is_available = serializers.BooleanField()
    coverage_status = serializers.ChoiceField(choices=COVERAGE_STATUSES)
    scope_config_setting = serializers.ChoiceField(choices=SCOPE_CONFIG_SETTINGS)
    opted_out_by_customer = serializers.BooleanField()
    fields = WriteActionFieldSettingSerializer(many=True)


class IntegrationDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = StrictCharField()
        tool = IntegrationToolSerializer()
        category = serializers.ChoiceField(choices=["HRIS", "ATS", "ASSESSMENT", "LMS"])
        status = serializers.ChoiceField(choices=["ACTIVE", "INVALID", "INACTIVE"])
        setup_status = serializers.ChoiceField(choices=["INCOMPLETE", "FINAL_SYNC_PENDING", "COMPLETED"])
        end_user = EndUserSerializer()
        scope_config = ScopeConfigSerializer()
        data_expired_at = serializers.DateTimeField(allow_null=True)
        created_at = serializers.DateTimeField()
        beta = serializers.BooleanField()
        read_models = ReadModelSettingSerializer(many=True)
        write_actions = WriteActionSettingSerializer(many=True)
        inbound_webhooks = InboundWebhooksSerializer(
            allow_null=True,
            help_text=(
                "Tributary extension (not in the Kombo API): the ATS's webhooks for this integration and how fresh "
                "each model is (last event received, last targeted sync, lag). `null` for tools that push nothing."
            ),
        )

    class DeleteInputSerializer(serializers.Serializer):
        pass

    @extend_schema(
        operation_id="get_integration_details",
        responses={200: success_envelope("GetIntegrationDetails", OutputSerializer), **error_responses(401, 404)},
    )
    def get(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        details = integration_details(integration, base_url=public_base_url(request))
        return success({**details, "inbound_webhooks": freshness(integration, now=utcnow())})

    @extend_schema(
        operation_id="delete_integration",
        request=DeleteInputSerializer,
        responses={200: success_envelope("DeleteIntegration", EmptySerializer), **error_responses(401, 404)},
    )
    def delete(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        integration_delete(integration=integration)
        return success({})


class IntegrationEnabledApi(APIView):
    class InputSerializer(serializers.Serializer):
        value = serializers.BooleanField()

    @extend_schema(
        operation_id="set_integration_enabled",
        request=InputSerializer,
        responses={200: success_envelope("SetIntegrationEnabled", EmptySerializer), **error_responses(400, 401, 404)},
    )
    def put(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        integration_set_enabled(integration=integration, enabled=serializer.validated_data["value"])
        return success({})


class ForceSyncApi(APIView):
    """Queue a sync of the integration named by `X-Integration-Id` (or return the one already waiting)."""

    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=[SyncRun.Type.FULL, SyncRun.Type.DELTA], default=SyncRun.Type.FULL)

    class OutputSerializer(serializers.Serializer):
        already_queued = serializers.BooleanField()
        sync_id = StrictCharField()
        type = serializers.ChoiceField(choices=[SyncRun.Type.FULL, SyncRun.Type.DELTA])

    @extend_schema(
        operation_id="trigger_sync",
        parameters=[OpenApiParameter("X-Integration-Id", str, OpenApiParameter.HEADER, required=True)],
        request=InputSerializer,
        responses={200: success_envelope("TriggerSync", OutputSerializer), **error_responses(400, 401, 404)},
    )
    def post(self, request: Request) -> Response:
        from apps.integrations.sync import sync_run_request

        integration = integration_for_request(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run, already_queued = sync_run_request(
            integration=integration, type=serializer.validated_data["type"], trigger=SyncRun.Trigger.API
        )
        return success({"already_queued": already_queued, "sync_id": run.id, "type": run.type})


# -- passthrough ------------------------------------------------------------------------------------------------


class PassthroughFileSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)
    content_type = StrictCharField(max_length=255, required=False, allow_blank=True)
    data_url = StrictCharField(required=False, allow_blank=True)
    data = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("data")) == bool(attrs.get("data_url")):
            raise serializers.ValidationError("give exactly one of data (base64) and data_url.")
        return attrs


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "content_type": {"type": "string", "maxLength": 255},
                    "data_url": {"type": "string", "minLength": 1},
                    "data": {"type": "string", "minLength": 1},
                },
                # exactly one of data (base64) and data_url, as PassthroughFileSerializer checks
                "oneOf": [{"required": ["name", "data"]}, {"required": ["name", "data_url"]}],
                "required": ["name"],
            },
        ]
    }
)
class PassthroughPartValueField(serializers.Field):
    """A form field's text, or a file: `{name, content_type?, data (base64) | data_url}`."""

    # DRF's `fail()` formats the message (`str.format`): the literal braces are doubled, or it raises KeyError.
    default_error_messages = {"invalid": "expected a string or a file object {{name, content_type, data | data_url}}."}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if not isinstance(data, dict):
            self.fail("invalid")
        file = PassthroughFileSerializer(data=data)
        if not file.is_valid():
            raise serializers.ValidationError(file.errors)
        return dict(file.validated_data)

    def to_representation(self, value: Any) -> Any:
        return value


class PassthroughPartSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)
    value = PassthroughPartValueField()


@extend_schema_field({})
class AnyJsonField(serializers.JSONField):
    """Any JSON value (the contract's `any`)."""


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class HeaderValueField(serializers.JSONField):
    """A header's value, or its values when the ATS sent it several times."""


class PassthroughApi(APIView):
    """Send a request to the integration's own ATS API (base URL and authentication added); the ATS's answer comes
    back as `data`, whatever its status. Only failures to get an answer are errors."""

    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=list(METHODS))
        path = StrictCharField(trim_whitespace=False, max_length=8000)
        headers = serializers.DictField(
            child=StrictCharField(allow_blank=True, trim_whitespace=False, max_length=8000), required=False
        )
        params = serializers.DictField(child=StrictCharField(allow_blank=True, max_length=8000), required=False)
        data = AnyJsonField(required=False, allow_null=True)
        response_as_base64 = serializers.BooleanField(required=False, default=False)
        multipart_form_data = PassthroughPartSerializer(many=True, required=False)
        api_options = serializers.DictField(child=StrictCharField(allow_blank=True), required=False)

    class OutputSerializer(serializers.Serializer):
        url = StrictCharField()
        status = serializers.IntegerField()
        headers = serializers.DictField(
            child=HeaderValueField(),
            help_text="The ATS's response headers; a header it sent several times is a list of strings.",
        )
        data = AnyJsonField(
            required=False,
            allow_null=True,
            help_text="The ATS's body: parsed JSON, text, or base64 (response_as_base64); null when empty.",
        )

    @extend_schema(
        operation_id="send_passthrough_request",
        parameters=[
            OpenApiParameter("X-Integration-Id", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("tool", str, OpenApiParameter.PATH, description="The integration's tool id."),
            OpenApiParameter("api", str, OpenApiParameter.PATH, description="One of the tool's passthrough APIs."),
        ],
        request=InputSerializer,
        responses={
            200: success_envelope("SendPassthroughRequest", OutputSerializer, warnings=True),
            **error_responses(400, 401, 403, 404, 502, 504),
        },
    )
    def post(self, request: Request, tool: str, api: str) -> Response:
        integration = integration_for_request(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        data, warnings = passthrough_send(
            integration=integration,
            tool=tool,
            api=api,
            method=body["method"],
            path=body["path"],
            headers=body.get("headers"),
            params=body.get("params"),
            data=body.get("data"),
            response_as_base64=body["response_as_base64"],
            multipart_form_data=body.get("multipart_form_data"),
            api_options=body.get("api_options"),
        )
        return success(data, warnings=warnings)
