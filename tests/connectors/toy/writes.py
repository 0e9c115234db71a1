"""Toy ATS writes: tags on candidates (`POST /candidates/{id}/tags`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.connectors.dtos import WriteResult


class ToyWrites:
    """The write side of `ToyConnector` (mixed in)."""

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self.client.http.request(
            "POST",
            f"/candidates/{candidate_remote_id}/tags",
            json_body={"tag": name},
            headers=self.client.auth_headers(),
            idempotent=True,
        )
        return WriteResult()
