from __future__ import annotations

from django.urls import path

from apps.integrations import apis

urlpatterns = [
    path("check-api-key", apis.CheckApiKeyApi.as_view(), name="check-api-key"),
    path("force-sync", apis.ForceSyncApi.as_view(), name="force-sync"),
    path("tools/<str:category>", apis.ToolsApi.as_view(), name="tools"),
    path("integrations/<str:integration_id>", apis.IntegrationDetailApi.as_view(), name="integration-detail"),
    path("integrations/<str:integration_id>/enabled", apis.IntegrationEnabledApi.as_view(), name="integration-enabled"),
]
