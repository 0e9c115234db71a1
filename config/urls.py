from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.views import landing
from apps.integrations.health_views import healthz, readyz

urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="swagger-ui"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="openapi-schema"), name="redoc"),
    path("v1/", include("apps.integrations.urls")),
    path("v1/", include("apps.applications.urls")),
    path("connect/", include("apps.integrations.connect_urls")),
]
