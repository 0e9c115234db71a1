"""The connector catalog: tool slug → connector class, resolved lazily. Greppable on purpose."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from apps.connectors.base import Connector

CONNECTORS: dict[str, str] = {
    "ashby": "apps.connectors.ashby.connector.AshbyConnector",
    "factorial": "apps.connectors.factorial.connector.FactorialConnector",
    "greenhouse": "apps.connectors.greenhouse.connector.GreenhouseConnector",
    "lever": "apps.connectors.lever.connector.LeverConnector",
    "personio": "apps.connectors.personio.connector.PersonioConnector",
    "sandbox": "apps.connectors.sandbox.connector.SandboxConnector",
    "smartrecruiters": "apps.connectors.smartrecruiters.connector.SmartRecruitersConnector",
    "teamtailor": "apps.connectors.teamtailor.connector.TeamtailorConnector",
    "workable": "apps.connectors.workable.connector.WorkableConnector",
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
