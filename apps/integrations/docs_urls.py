"""URLs of the generated connector pages, mounted at /docs/connectors/."""

from __future__ import annotations

from django.urls import path

from apps.integrations import connector_docs

app_name = "connector-docs"

urlpatterns = [
    path("", connector_docs.index, name="index"),
    path("<slug:tool>/", connector_docs.tool, name="tool"),
]
