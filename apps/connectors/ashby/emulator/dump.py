"""Ashby `GET /_emulator/state` and the seed counts."""

from __future__ import annotations

from typing import Any

from apps.connectors.ashby.emulator.seed import SeedConfig
from apps.connectors.ashby.emulator.state import State


def counts(state: State) -> dict[str, int]:
    return {
        name: len(getattr(state, name))
        for name in (
            "jobs",
            "candidates",
            "applications",
            "users",
            "sources",
            "notes",
            "tags",
            "files",
            "offers",
            "schedules",
        )
    }


def dump(state: State, config: SeedConfig) -> dict[str, Any]:
    return {
        "seed": config.as_json(),
        "counts": counts(state),
        "jobs": list(state.jobs.values()),
        "postings": list(state.postings.values()),
        "candidates": list(state.candidates.values()),
        "applications": list(state.applications.values()),
        "users": list(state.users.values()),
        "tags": list(state.tags.values()),
        "notes": list(state.notes.values()),
        "sources": [
            state.sources[sid] | {"sourceType": state.source_types[s["sourceTypeId"]]}
            for sid, s in state.sources.items()
        ],
        "archiveReasons": list(state.archive_reasons.values()),
        "formInstances": [
            {"id": fid, "applicationId": aid, "submittedValues": state.form_values.get(fid, {})}
            for fid, aid in state.form_instances.items()
        ],
        "files": [dict(f) for f in state.files.values()],
        "offers": list(state.offers.values()),
        "interviewSchedules": list(state.schedules.values()),
        "customFields": list(state.custom_fields.values()),
    }
