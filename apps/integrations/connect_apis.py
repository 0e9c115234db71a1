"""The Connect API: connection links (new, relink, setup) and the activation-token exchange."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import StrictCharField
from apps.core.api.responses import success
from apps.core.api.schema import error_responses, success_envelope
from apps.core.api.urls import public_base_url
from apps.integrations.connect_services import (
    activation_token_exchange,
    connect_link_create,
    connect_link_create_relink,
    connect_link_create_setup,
)
from apps.integrations.connect_tools import CONTRACT_TOOL_IDS
from apps.integrations.selectors import integration_get

LANGUAGES = ["en", "de", "fr", "it", "es"]
LINK_TYPES = ["EMBEDDED", "MAGIC_LINK"]
CATEGORIES = ["HRIS", "ATS", "ASSESSMENT", "LMS"]
SETUP_STATUSES = ["INCOMPLETE", "FINAL_SYNC_PENDING", "COMPLETED"]


class LinkOutputSerializer(serializers.Serializer):
    link = StrictCharField()


class CreateLinkApi(APIView):
    class InputSerializer(serializers.Serializer):
        end_user_email = serializers.EmailField()
        end_user_organization_name = StrictCharField(max_length=200)
        end_user_origin_id = StrictCharField(max_length=200, required=False, allow_null=True)
        scope_config_id = StrictCharField(required=False, allow_null=True)
        remote_environment = StrictCharField(max_length=200, required=False, allow_null=True)
        integration_category = serializers.ChoiceField(choices=CATEGORIES, required=False, allow_null=True)
        integration_tool = serializers.ChoiceField(choices=list(CONTRACT_TOOL_IDS), required=False, allow_null=True)
        language = serializers.ChoiceField(choices=LANGUAGES, required=False, allow_null=True)
        enable_filtering = serializers.BooleanField(required=False, allow_null=True)
        enable_field_mapping = serializers.BooleanField(required=False, allow_null=True)
        enable_static_ips = serializers.BooleanField(required=False, allow_null=True)
        link_type = serializers.ChoiceField(choices=LINK_TYPES, required=False, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        link = StrictCharField()
        static_ips = serializers.ListField(child=StrictCharField(), required=False)

    @extend_schema(
        operation_id="create_connection_link",
        request=InputSerializer,
        responses={200: success_envelope("CreateConnectionLink", OutputSerializer), **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = connect_link_create(
            environment=request.auth.environment,
            end_user_email=data["end_user_email"],
            end_user_organization_name=data["end_user_organization_name"],
            end_user_origin_id=data.get("end_user_origin_id"),
            integration_category=data.get("integration_category") or "HRIS",
            integration_tool=data.get("integration_tool"),
            language=data.get("language") or "en",
            link_type=data.get("link_type") or "EMBEDDED",
            scope_config_id=data.get("scope_config_id"),
            remote_environment=data.get("remote_environment"),
            base_url=public_base_url(request),
        )
        body: dict[str, object] = {"link": issued.url}
        if data.get("enable_static_ips"):
            body["static_ips"] = []  # self-hosted: outbound traffic leaves from the operator's own addresses
        return success(body)


class IntegrationByTokenApi(APIView):
    class OutputSerializer(serializers.Serializer):
        tool = StrictCharField()
        id = StrictCharField()
        end_user_origin_id = StrictCharField(allow_null=True)
        end_user_organization_name = StrictCharField()
        end_user_email = StrictCharField(allow_null=True)
        setup_status = serializers.ChoiceField(choices=SETUP_STATUSES)

    @extend_schema(
        operation_id="get_integration_by_token",
        responses={200: success_envelope("GetIntegrationByToken", OutputSerializer), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request, token: str) -> Response:
        integration = activation_token_exchange(environment=request.auth.environment, token=token)
        return success(
            {
                "tool": integration.tool,
                "id": integration.id,
                "end_user_origin_id": integration.end_user_origin_id,
                "end_user_organization_name": integration.end_user_organization_name,
                "end_user_email": integration.end_user_email,
                "setup_status": integration.setup_status,
            }
        )


class RelinkApi(APIView):
    class InputSerializer(serializers.Serializer):
        language = serializers.ChoiceField(choices=LANGUAGES, required=False, allow_null=True)
        scope_config_id = StrictCharField(required=False, allow_null=True)
        link_type = serializers.ChoiceField(choices=LINK_TYPES, required=False, allow_null=True)

    @extend_schema(
        operation_id="create_reconnection_link",
        request=InputSerializer,
        responses={
            200: success_envelope("CreateReconnectionLink", LinkOutputSerializer),
            **error_responses(400, 401, 404),
        },
    )
    def post(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = connect_link_create_relink(
            integration=integration,
            language=data.get("language") or "en",
            link_type=data.get("link_type") or "EMBEDDED",
            scope_config_id=data.get("scope_config_id"),
            base_url=public_base_url(request),
        )
        return success({"link": issued.url})


class SetupLinkApi(APIView):
    class InputSerializer(serializers.Serializer):
        link_type = serializers.ChoiceField(choices=LINK_TYPES)
        language = serializers.ChoiceField(choices=LANGUAGES, required=False, allow_null=True)

    @extend_schema(
        operation_id="create_setup_link",
        request=InputSerializer,
        responses={200: success_envelope("CreateSetupLink", LinkOutputSerializer), **error_responses(400, 401, 404)},
    )
    def post(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = connect_link_create_setup(
            integration=integration,
            link_type=data["link_type"],
            language=data.get("language") or "en",
            base_url=public_base_url(request),
        )
        return success({"link": issued.url})
