from __future__ import annotations

from django.urls import path

from apps.integrations import apis, connect_apis, field_apis, issue_apis

urlpatterns = [
    path("check-api-key", apis.CheckApiKeyApi.as_view(), name="check-api-key"),
    path("force-sync", apis.ForceSyncApi.as_view(), name="force-sync"),
    path("passthrough/<str:tool>/<str:api>", apis.PassthroughApi.as_view(), name="passthrough"),
    path("tools/<str:category>", apis.ToolsApi.as_view(), name="tools"),
    path("integrations/<str:integration_id>", apis.IntegrationDetailApi.as_view(), name="integration-detail"),
    path("integrations/<str:integration_id>/enabled", apis.IntegrationEnabledApi.as_view(), name="integration-enabled"),
    path("integrations/<str:integration_id>/relink", connect_apis.RelinkApi.as_view(), name="integration-relink"),
    path(
        "integrations/<str:integration_id>/setup-link",
        connect_apis.SetupLinkApi.as_view(),
        name="integration-setup-link",
    ),
    path(
        "integrations/<str:integration_id>/integration-fields",
        field_apis.IntegrationFieldsApi.as_view(),
        name="integration-fields",
    ),
    path(
        "integrations/<str:integration_id>/integration-fields/<str:integration_field_id>",
        field_apis.IntegrationFieldApi.as_view(),
        name="integration-field",
    ),
    path("integrations/<str:integration_id>/custom-fields", field_apis.CustomFieldsApi.as_view(), name="custom-fields"),
    path(
        "integrations/<str:integration_id>/custom-fields/<str:custom_field_id>",
        field_apis.CustomFieldApi.as_view(),
        name="custom-field",
    ),
    path(
        "integrations/<str:integration_id>/issues", issue_apis.IntegrationIssuesApi.as_view(), name="integration-issues"
    ),
    path("environment/issues", issue_apis.EnvironmentIssuesApi.as_view(), name="environment-issues"),
    path("connect/create-link", connect_apis.CreateLinkApi.as_view(), name="connect-create-link"),
    path(
        "connect/integration-by-token/<str:token>",
        connect_apis.IntegrationByTokenApi.as_view(),
        name="connect-integration-by-token",
    ),
]
