"""Helpers for the ATS API tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.connectors.catalog import READ_MODEL_FIELDS, ReadCoverage, ReadModel, fields_with_status
from apps.connectors.sandbox.connector import SandboxConnector

LIMITED_TOOL = "limitedats"


class LimitedConnector(SandboxConnector):
    """A connector that reads applications without their outcome, and no jobs at all."""

    tool = LIMITED_TOOL
    label = "Limited ATS"
    read_coverage = tuple(
        ReadCoverage(
            model=model,
            fields=fields_with_status(
                READ_MODEL_FIELDS[model], unsupported=("outcome",) if model == ReadModel.APPLICATIONS else ()
            ),
        )
        for model in ReadModel
        if model != ReadModel.JOBS
    )


def collect(call: Callable[..., Any], **filters: Any) -> list[str]:
    """Every id an SDK list call returns, following `res.next()` to the last page."""
    found: list[str] = []
    response = call(**filters)
    while response is not None:
        found.extend(record.id for record in response.result.data.results)
        response = response.next()
    return found


def ids(*records: Any) -> list[str]:
    """The ids of records in the order the API lists them (by id)."""
    return sorted(record.id for record in records)
