"""The toolkit's fault targeting: the Nth matching request (`skip`), a seeded share of them (`probability`), and
`lose_answer` (the request is carried out, its answer lost), through the `/_emulator/faults` control endpoint."""

from __future__ import annotations

import pytest
import requests

from apps.connectors.emulation.faults import FaultInjector
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app


def test_skip_faults_the_nth_matching_request_only() -> None:
    faults = FaultInjector()
    faults.add("status", status=429, method="GET", path="/candidates/*", skip=2, count=1)

    answers = [faults.plan("GET", f"/candidates/{n}").respond_with for n in range(4)]
    other = faults.plan("POST", "/candidates/9").respond_with

    assert [answer.status if answer else None for answer in answers] == [None, None, 429, None]
    assert other is None
    assert faults.list() == []


def test_probability_is_seeded_and_repeatable() -> None:
    def hits(seed: int) -> list[bool]:
        faults = FaultInjector()
        faults.add("status", status=503, count=None, probability=0.2, seed=seed)
        return [faults.plan("GET", "/jobs").respond_with is not None for _ in range(1000)]

    first, again = hits(7), hits(7)

    assert first == again
    assert 150 <= sum(first) <= 250  # 20 % of 1,000, give or take the seeded draw
    assert hits(8) != first


@pytest.mark.parametrize(("kwargs", "message"), [({"skip": -1}, "skip"), ({"probability": 1.5}, "probability")])
def test_targeting_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultInjector().add("status", **kwargs)


def test_lose_answer_carries_the_write_out_and_drops_the_connection() -> None:
    app = create_app(seed={"seed": 1, "users": 1, "jobs": 1, "candidates": 0, "applications": 0}, limits_enabled=False)
    with LoopbackServer(app) as server:
        added = requests.post(
            f"{server.url}/_emulator/faults",
            json={"kind": "lose_answer", "method": "POST", "path": "/jobs/*/candidates", "skip": 0},
            timeout=10,
        ).json()
        job_id = requests.get(f"{server.url}/_emulator/state", timeout=10).json()["jobs"][0]["id"]
        with pytest.raises(requests.ConnectionError):
            requests.post(
                f"{server.url}/jobs/{job_id}/candidates",
                json={"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
                headers={"X-SmartToken": DEFAULT_API_KEY},
                timeout=10,
            )
        state = requests.get(f"{server.url}/_emulator/state", timeout=10).json()

    assert (added["kind"], added["skip"], added["probability"]) == ("lose_answer", 0, None)
    assert [c["email"] for c in state["candidates"]] == ["ada@example.com"]  # written, answer lost
