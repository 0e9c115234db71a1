"""Tributary's extensions listing issues: `GET /v1/integrations/{id}/issues` (what is wrong with an integration)
and `GET /v1/environment/issues` (what is wrong with the environment itself, e.g. a disabled webhook endpoint)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import StrictCharField
from apps.core.api.responses import page
from apps.core.api.schema import error_responses, list_envelope
from apps.integrations.issue_models import IssueType
from apps.integrations.issues import environment_issues, integration_issues, issue_payload
from apps.integrations.selectors import integration_get


class IntegrationIssueSerializer(serializers.Serializer):
    id = StrictCharField()
    type = serializers.ChoiceField(choices=IssueType.values)
    title = StrictCharField()
    status = serializers.ChoiceField(choices=["OPEN", "RESOLVED"])
    markdown_message = StrictCharField(help_text="What to do about it, in Markdown.")
    first_observed_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class IntegrationIssuesApi(APIView):
    @extend_schema(
        operation_id="get_integration_issues",
        summary="List the integration's issues (Tributary extension)",
        description=(
            "Not part of the Kombo API: every issue Tributary observed on this integration (credentials rejected, a "
            "permission missing, the configured source gone, the ATS unreachable or rate-limiting, syncs failing), "
            "open ones first. Each is the `issue` object of the `issue-status-changed` webhook. All on one page."
        ),
        responses={200: list_envelope("GetIntegrationIssues", IntegrationIssueSerializer), **error_responses(401, 404)},
    )
    def get(self, request: Request, integration_id: str) -> Response:
        integration = integration_get(environment=request.auth.environment, integration_id=integration_id)
        return page([issue_payload(issue) for issue in integration_issues(integration=integration)], None)


class EnvironmentIssueSerializer(IntegrationIssueSerializer):
    subject = StrictCharField(help_text="What the issue is about: for `environment.webhook_endpoint_disabled`, the "
                              "webhook endpoint's id.")  # fmt: skip


class EnvironmentIssuesApi(APIView):
    @extend_schema(
        operation_id="get_environment_issues",
        summary="List the environment's own issues (Tributary extension)",
        description=(
            "Not part of the Kombo API: issues of the environment the API key belongs to rather than of one "
            "integration; today `environment.webhook_endpoint_disabled` (an outgoing webhook endpoint failed for "
            "24 hours and was disabled; `subject` is its id; resolved when staff re-enable it). Each is the `issue` "
            "object of the `issue-status-changed` webhook (sent with `integration: null`) plus its `subject`. Open "
            "ones first, newest first, all on one page."
        ),
        responses={200: list_envelope("GetEnvironmentIssues", EnvironmentIssueSerializer), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        issues = environment_issues(environment_id=request.auth.environment.id)
        return page([{**issue_payload(issue), "subject": issue.subject} for issue in issues], None)
