"""The generated connector pages: `/docs/connectors/` and `/docs/connectors/<tool>/`, public and read-only.

They render `tool_catalog.connector_page`, the same catalog rows `GET /v1/tools/{category}` returns as JSON.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.connectors.registry import connector_classes, get_connector_class, is_known_tool
from apps.integrations.tool_catalog import connector_page


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    pages = [connector_page(connector_class) for connector_class in connector_classes()]
    return render(request, "connector_docs/index.html", {"pages": sorted(pages, key=lambda page: page.label)})


@require_GET
def tool(request: HttpRequest, tool: str) -> HttpResponse:
    if not is_known_tool(tool):
        raise Http404(f"No connector {tool!r}.")
    return render(request, "connector_docs/tool.html", {"page": connector_page(get_connector_class(tool))})
