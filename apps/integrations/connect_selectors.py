"""Reads of the connection flow: resolving a link token and where in the flow a link stands."""

from __future__ import annotations

from enum import StrEnum

from apps.integrations.connect_services import token_hash
from apps.integrations.models import ConnectLink
from apps.integrations.source_step import source_step_done, source_step_required


class FlowStep(StrEnum):
    TOOL = "tool"
    CONNECT = "connect"
    SOURCE = "source"
    DONE = "done"  # ready to finish (the view shows a used link's page when completed_at is set)


def connect_link_for_token(token: str) -> ConnectLink | None:
    return (
        ConnectLink.objects.select_related("environment", "integration", "integration__environment")
        .filter(token_hash=token_hash(token))
        .first()
    )


def connect_flow_step(link: ConnectLink) -> FlowStep:
    """The step a link is at: choose a tool, connect (credentials/OAuth + checks), the source step, or done."""
    if not link.selected_tool:
        return FlowStep.TOOL
    if link.verified_at is None or link.integration is None:
        return FlowStep.CONNECT
    if source_step_required(link.integration):
        if link.kind == ConnectLink.Kind.SETUP or not source_step_done(link.integration):
            return FlowStep.SOURCE
    return FlowStep.DONE
