"""Custom fields of the company (`custom_fields` scope, ats-smartrecruiters-factorial.md B1).

The resource path `/api/{version}/resources/custom_fields/fields` and its item shape are NOT FOUND in the
reference (only the scope is): assumed `{id, company_id, label, field_type, resource_type}` items in the usual
cursor envelope, `resource_type` naming what the field belongs to (`ats_candidate`, `ats_application`,
`ats_job_posting`), `field_type` one of `text, long_text, number, date, single_choice, multiple_choice`.
Read-only; the company adds fields in its settings, which `POST /_emulator/custom-fields` stands in for.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response

RESOURCE_TYPES = ("ats_candidate", "ats_application", "ats_job_posting")

# The seed.
CUSTOM_FIELDS: list[dict[str, Any]] = [
    {"id": 1, "label": "Salary expectation", "field_type": "number", "resource_type": "ats_candidate"},
    {"id": 2, "label": "Notice period", "field_type": "single_choice", "resource_type": "ats_candidate"},
    {"id": 3, "label": "Cost center", "field_type": "text", "resource_type": "ats_job_posting"},
]


@dataclass
class _Field:
    id: int
    body: dict[str, Any]


class CustomFieldCatalog:
    def __init__(self, company_id: Callable[[], int]) -> None:
        self.company_id = company_id
        self.reset()

    def reset(self) -> None:
        self.items = [_Field(item["id"], deepcopy(item)) for item in CUSTOM_FIELDS]

    def render(self, item: _Field) -> dict[str, Any]:
        return {"id": item.id, "company_id": self.company_id(), **{k: v for k, v in item.body.items() if k != "id"}}

    def control_add(self, request: Request) -> Response:
        body = request.json_object()
        if not isinstance(body.get("label"), str) or body.get("resource_type") not in RESOURCE_TYPES:
            raise HttpError(400, "CONTROL_ERROR", f"label and resource_type ({', '.join(RESOURCE_TYPES)}) required")
        number = max((item.id for item in self.items), default=0) + 1
        item = _Field(number, {"id": number, "label": body["label"], "field_type": str(body.get("field_type") or
                                                                                        "text"),
                               "resource_type": body["resource_type"]})  # fmt: skip
        self.items.append(item)
        return Response.json(self.render(item), 201)


def register(app: Any, add: Callable[..., None], api: str, scope: str) -> None:
    """Routes on the Factorial emulator `app` (its `add(method, template, handler, *scopes)`)."""
    from apps.connectors.factorial.emulator.params import _page

    app.custom_field_catalog = catalog = CustomFieldCatalog(lambda: app.state.company_id)
    add("GET", f"{api}/custom_fields/fields", lambda request: _page(request, catalog.items, catalog.render), scope)
    app.control.add("POST", "/_emulator/custom-fields", catalog.control_add)
