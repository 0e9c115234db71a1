"""Candidate property values, per application: `GET/PUT /candidates/{id}/jobs/{jobId}/properties`.

The reference's endpoint map (ats-smartrecruiters-factorial.md A3, "candidate properties") names only the paths and
the scopes (`candidates_read` reads them, `candidates_manage` edits them, A2). Everything else is assumed (NOT
FOUND), and listed in the connector's `assumptions`:
- the PUT body is a JSON array `[{"id": propertyId, "value": value}]`; it sets those properties and leaves the
  others as they are (so sending it twice changes nothing), and answers 204 like the status PUT;
- an id the company does not define (`GET /configuration/candidate-properties`), or a value that does not fit the
  property's type, is a 400 with the usual `errors` list naming the item; nothing of that body is stored;
- the value kinds: TEXT and SINGLE_SELECT a non-empty string, NUMBER and CURRENCY a number, BOOLEAN true/false,
  DATE an ISO date `YYYY-MM-DD`;
- GET answers the configuration envelope `{totalFound, content: [{id, label, type, value}]}` with the properties
  that hold a value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from apps.connectors.emulation.http import Request, Response
from apps.connectors.smartrecruiters.emulator.model import Invalid


def _fits(kind: str, value: Any) -> bool:
    if kind in ("NUMBER", "CURRENCY"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "BOOLEAN":
        return isinstance(value, bool)
    if kind == "DATE":
        try:
            return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False
    return isinstance(value, str) and bool(value.strip())


EXPECTED = {
    "NUMBER": "a number",
    "CURRENCY": "a number",
    "BOOLEAN": "true or false",
    "DATE": "a date (YYYY-MM-DD)",
}


class PropertyValues:
    """The handlers; `app` is the emulator (its `state` and `field_catalog` are read at each request)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def _application(self, request: Request) -> Any:
        return self.app.state.application_for(request.path_params["candidate_id"], request.path_params["job_id"])

    def get(self, request: Request) -> Response:
        application = self._application(request)
        defined = {item["id"]: item for item in self.app.field_catalog.kinds["candidate-properties"]}
        content = [
            {
                "id": property_id,
                "label": defined.get(property_id, {}).get("label"),
                "type": defined.get(property_id, {}).get("type"),
                "value": value,
            }
            for property_id, value in application.properties.items()
        ]
        return Response.json({"totalFound": len(content), "content": content})

    def put(self, request: Request) -> Response:
        application = self._application(request)
        body = request.json
        if not isinstance(body, list):
            raise Invalid('Request body must be a JSON array of {"id", "value"}')
        defined = {item["id"]: item for item in self.app.field_catalog.kinds["candidate-properties"]}
        values: dict[str, Any] = {}
        for index, item in enumerate(body):
            property_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(property_id, str) or property_id not in defined:
                raise Invalid(f"[{index}].id: candidate property with id {property_id} not found")
            kind = str(defined[property_id].get("type") or "TEXT")
            if "value" not in item or not _fits(kind, item["value"]):
                expected = EXPECTED.get(kind, "a non-empty string")
                raise Invalid(f"[{index}].value: candidate property {property_id} ({kind}) takes {expected}")
            values[property_id] = item["value"]
        self.app.state.set_properties(application, values)
        return Response.empty(204)


def register(app: Any, add: Any) -> None:
    values = PropertyValues(app)
    add("GET", "/candidates/{candidate_id}/jobs/{job_id}/properties", values.get, "candidates_read")
    add("PUT", "/candidates/{candidate_id}/jobs/{job_id}/properties", values.put, "candidates_manage")
