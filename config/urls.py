from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("docs/connectors/", include("apps.integrations.docs_urls")),
    path("docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="swagger-ui"),
    path("v1/", include("apps.integrations.urls")),
    path("v1/", include("apps.applications.urls")),
    path("connect/", include("apps.integrations.connect_urls")),
]
