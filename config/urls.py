from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.views import landing, local_assets_only
from apps.integrations.health_views import healthz, readyz

urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("docs/connectors/", include("apps.integrations.docs_urls")),
    path("docs/", local_assets_only(SpectacularSwaggerView.as_view(url_name="openapi-schema")), name="swagger-ui"),
    path(
        "docs/redoc/",
        local_assets_only(SpectacularRedocView.as_view(url_name="openapi-schema", template_name="core/redoc.html")),
        name="redoc",
    ),
    path("v1/", include("apps.integrations.urls")),
    path("v1/", include("apps.applications.urls")),
    path("connect/", include("apps.integrations.connect_urls")),
    path("webhooks/inbound/", include("apps.integrations.inbound_urls")),
]
