"""Greenhouse `GET /_emulator/state` and the seed counts."""

from __future__ import annotations

from typing import Any

from apps.connectors.greenhouse.emulator.seed import SeedConfig
from apps.connectors.greenhouse.emulator.state import State

TABLES = (
    "users", "jobs", "stages", "job_posts", "candidates", "applications", "sources", "rejection_reasons",
    "candidate_tags", "applied_tags", "notes", "attachments", "job_interviews", "interviews", "interviewers",
    "scorecards", "offers", "application_stages", "user_roles", "scorecard_questions", "scorecard_question_options",
    "scorecard_question_answers", "scorecard_question_answer_options", "custom_fields", "custom_field_options",
)  # fmt: skip


def counts(state: State) -> dict[str, int]:
    return {name: len(getattr(state, name)) for name in TABLES}


def dump(state: State, config: SeedConfig) -> dict[str, Any]:
    return {
        "seed": config.as_json(),
        "counts": counts(state),
        **{name: [dict(record) for record in getattr(state, name).values()] for name in TABLES},
    }
