"""`GET /_emulator/state`: the whole state as plain JSON (snake_case), and the seed counts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from apps.connectors.emulation.records import fmt
from apps.connectors.teamtailor.emulator.state import State, referring_site

TABLES = (
    "jobs",
    "stages",
    "questions",
    "picked_questions",
    "candidates",
    "job_applications",
    "reject_reasons",
    "users",
    "notes",
    "answers",
    "uploads",
    "job_offers",
)


def counts(state: State) -> dict[str, int]:
    return {table: len(getattr(state, table)) for table in TABLES}


def dump(state: State, config: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"seed": config.as_json()}
    for table in TABLES:
        rows = []
        for record in getattr(state, table).values():
            row = {key: fmt(value) if isinstance(value, datetime) else value for key, value in asdict(record).items()}
            if table in ("candidates", "job_applications"):
                row["referring_site"] = referring_site(record.referring_url)
            rows.append(row)
        out[table] = rows
    return out
