"""The configuration endpoints that describe the company's own fields: candidate properties and job properties.

`GET /configuration/candidate-properties` is in the endpoint map (ats-smartrecruiters-factorial.md A3, SR-RB);
its item shape beyond `{id, label}` is NOT FOUND there: `type` and `required` are assumed, like the other
configuration lists (`{totalFound, content}`). `GET /configuration/job-properties` is assumed from "job/offer
properties" under the `configuration_read` scope (A2); same envelope. Both are read-only: the company defines its
properties in Settings, which `POST /_emulator/properties/{kind}` stands in for.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response

# The seed: what a company typically defines (ids are SmartRecruiters-style UUIDs).
CANDIDATE_PROPERTIES: list[dict[str, Any]] = [
    {
        "id": "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f01",
        "label": "Salary expectation",
        "type": "CURRENCY",
        "required": False,
    },
    {
        "id": "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f02",
        "label": "Notice period",
        "type": "SINGLE_SELECT",
        "required": False,
    },
]
JOB_PROPERTIES: list[dict[str, Any]] = [
    {"id": "8a7d2c11-3e5f-4a60-b7c8-d9e0f1a2b301", "label": "Cost center", "type": "TEXT", "required": True},
]
KINDS = {"candidate-properties": CANDIDATE_PROPERTIES, "job-properties": JOB_PROPERTIES}


class FieldCatalog:
    """The company's property definitions, per kind (`candidate-properties`, `job-properties`)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.kinds: dict[str, list[dict[str, Any]]] = {kind: deepcopy(items) for kind, items in KINDS.items()}

    def listing(self, kind: str) -> Response:
        content = deepcopy(self.kinds[kind])
        return Response.json({"totalFound": len(content), "content": content})

    def control_add(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in self.kinds:
            raise HttpError(404, "CONTROL_ERROR", f"kind must be one of {', '.join(KINDS)}")
        body = request.json_object()
        if not isinstance(body.get("id"), str) or not isinstance(body.get("label"), str):
            raise HttpError(400, "CONTROL_ERROR", "id and label (strings) are required")
        item = {"id": body["id"], "label": body["label"], "type": str(body.get("type") or "TEXT"), "required": False}
        self.kinds[kind] = [entry for entry in self.kinds[kind] if entry["id"] != item["id"]] + [item]
        return Response.json(item, 201)


def register(app: Any, add: Callable[..., None]) -> None:
    """Routes on the SmartRecruiters emulator `app` (its `add(method, template, handler, *scopes)`)."""
    app.field_catalog = FieldCatalog()
    for kind in KINDS:
        add("GET", f"/configuration/{kind}", lambda request, kind=kind: app.field_catalog.listing(kind),
            "configuration_read")  # fmt: skip
    app.control.add("POST", "/_emulator/properties/{kind}", app.field_catalog.control_add)
