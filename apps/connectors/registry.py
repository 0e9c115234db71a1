"""The connector catalog: tool slug → connector class, resolved lazily. Greppable on purpose."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from apps.connectors.base import Connector

CONNECTORS: dict[str, str] = {
    "factorial": "apps.connectors.factorial.connector.FactorialConnector",
    "teamtailor": "apps.connectors.teamtailor.connector.TeamtailorConnector",
    "sandbox": "apps.connectors.sandbox.connector.SandboxConnector",
    "smartrecruiters": "apps.connectors.smartrecruiters.connector.SmartRecruitersConnector",
}


class UnknownTool(LookupError):
    pass


@cache
def get_connector_class(tool: str) -> type[Connector]:
    try:
        path = CONNECTORS[tool]
    except KeyError:
        raise UnknownTool(tool) from None
    return import_string(path)


def connector_classes(category: str | None = None) -> list[type[Connector]]:
    classes = [get_connector_class(tool) for tool in CONNECTORS]
    return [cls for cls in classes if category is None or cls.category == category]


def is_known_tool(tool: str) -> bool:
    return tool in CONNECTORS
