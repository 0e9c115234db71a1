"""Keyed creates through injected faults: none lost, none duplicated, none unrecoverable, every one tracked.

`manage.py benchmark faults --creates 1000 --fault-rate 0.2 --json` serves the SmartRecruiters emulator on loopback
(its rate limits off, and our own per-integration budget with them: `rate_limits_off`; so the run takes minutes),
connects an integration to it (its source set up), and injects
seeded random faults on every vendor request: a share `--fault-rate` of them answers 429 or 503, or (writes only)
is carried out with its answer lost. It then sends `--creates` create-application requests in-process through the
whole Django stack, one `Idempotency-Key` each, retrying as a careful client does (on 429, 5xx and 409 with the same
key, up to `--attempts` times). Afterwards the faults are cleared and both sides are counted exactly: the
applications the emulator holds for the benchmark's candidates, and the ones Tributary tracks.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests
from django.test import Client

from apps.applications.models import Application, ScreeningQuestion
from apps.applications.writes.common import write_connector
from apps.applications.writes.services import job_for_write
from apps.attribution.services import source_mapping_check
from apps.connectors.catalog import AuthKind, WriteAction
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app
from apps.core.derived_ids import screening_option_id
from apps.integrations.models import Environment, Integration
from apps.integrations.ratelimit import rate_limits_off
from apps.integrations.services import api_key_create, api_key_revoke, integration_create, integration_delete

ENVIRONMENT_NAME = "benchmark-faults"
SEED = {"seed": 5, "users": 2, "jobs": 1, "candidates": 0, "applications": 0}
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})

Progress = Callable[[str], Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--creates", type=int, default=1000, help="Keyed create-application requests.")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="Share of vendor requests that fail.")
    parser.add_argument("--attempts", type=int, default=12, help="Client attempts per create (same key).")
    parser.add_argument("--seed", type=int, default=12, help="Seed of the injected faults.")


def _faults(url: str, rate: float, seed: int) -> None:
    """On every vendor request: 429 at 40 % of the rate, 503 at 40 %; on writes (POST, PUT) also a lost answer (the
    write carried out) at the full rate, the case a client can least tell apart."""
    plans: list[dict[str, Any]] = [
        {"kind": "status", "status": 429, "retryAfter": 0, "probability": rate * 0.4},
        {"kind": "status", "status": 503, "retryAfter": 0, "probability": rate * 0.4},
        {"kind": "lose_answer", "method": "POST", "probability": rate},
        {"kind": "lose_answer", "method": "PUT", "probability": rate},
    ]
    for index, plan in enumerate(plans):
        body = {"count": None, "seed": seed + index, **plan}
        requests.post(f"{url}/_emulator/faults", json=body, timeout=10).raise_for_status()


def _answers(job: Any) -> list[dict[str, Any]]:
    answers = []
    for question in ScreeningQuestion.objects.filter(job=job, required=True).order_by("index"):
        if question.format_type in ("SINGLE_SELECT", "MULTI_SELECT"):
            chosen = screening_option_id(question.id, question.options[0]["remote_id"])
            answer: Any = chosen if question.format_type == "SINGLE_SELECT" else [chosen]
        else:
            answer = {"TEXT": "I like the mission.", "NUMBER": 4, "BOOLEAN": True, "DATE": "2025-01-01"}.get(
                question.format_type, "yes"
            )
        answers.append({"question_id": question.id, "answer": answer})
    return answers


def run(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    count: int = options["creates"]
    app = create_app(seed=SEED, limits_enabled=False)
    with LoopbackServer(app) as server, rate_limits_off():
        environment, _ = Environment.objects.get_or_create(
            name=ENVIRONMENT_NAME, defaults={"display_name": "Benchmark Jobs"}
        )
        integration = integration_create(
            environment=environment, tool="smartrecruiters", end_user_organization_name="Benchmark",
            auth_kind=AuthKind.API_KEY, credentials={"api_key": DEFAULT_API_KEY}, base_url=server.url,
            setup_status=Integration.SetupStatus.COMPLETED,
        )  # fmt: skip
        api_key, raw_key = api_key_create(environment=environment, name="benchmark-faults")
        try:
            requests.post(
                f"{server.url}/_emulator/sources",
                json={"label": "Benchmark Jobs", "type": "paid", "subtype": "job_board"},
                timeout=10,
            ).raise_for_status()
            source_mapping_check(integration=integration)
            state = requests.get(f"{server.url}/_emulator/state", timeout=10).json()
            remote_job = next(j for j in state["jobs"] if j["postingStatus"] == "PUBLIC")["id"]
            job = job_for_write(
                integration=integration,
                connector=write_connector(integration, WriteAction.CREATE_APPLICATION),
                job_id=f"remote:{remote_job}",
                field="job_id",
            )
            answers = _answers(job)
            _faults(server.url, options["fault_rate"], options["seed"])
            client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}", HTTP_X_INTEGRATION_ID=integration.id)
            url = f"/v1/ats/jobs/{job.id}/applications"
            statuses: Counter[str] = Counter()
            acknowledged: dict[str, str] = {}
            unrecoverable = 0
            started = time.perf_counter()
            for number in range(count):
                email = f"fault.{number}@candidates.example.com"
                body = {
                    "candidate": {"first_name": "Fault", "last_name": f"Test {number}", "email_address": email},
                    "screening_question_answers": answers,
                }
                for _ in range(options["attempts"]):
                    response = client.post(
                        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"faults-{number}"
                    )
                    statuses[str(response.status_code)] += 1
                    if response.status_code == 200:
                        acknowledged[email] = response.json()["data"]["remote_id"]
                        break
                    if response.status_code not in RETRY_STATUSES:
                        break
                if email not in acknowledged:
                    unrecoverable += 1
                if number and number % 100 == 0:
                    progress(f"{number} creates sent")
            seconds = time.perf_counter() - started
            requests.delete(f"{server.url}/_emulator/faults", timeout=10).raise_for_status()
            stats = requests.get(f"{server.url}/_emulator/stats", timeout=10).json()
            state = requests.get(f"{server.url}/_emulator/state", timeout=10).json()
            emails = {c["id"]: c["email"] for c in state["candidates"] if c["email"].startswith("fault.")}
            in_ats = Counter(emails[a["candidateId"]] for a in state["applications"] if a["candidateId"] in emails)
            ats_ids = {f"{a['candidateId']}:{a['jobId']}" for a in state["applications"] if a["candidateId"] in emails}
            tracked = set(
                Application.objects.filter(integration=integration, tracked_at__isnull=False).values_list(
                    "remote_id", flat=True
                )
            )
            return {
                "creates": count,
                "fault_rate": options["fault_rate"],
                "seconds": round(seconds, 1),
                "responses_by_status": dict(sorted(statuses.items())),
                "vendor_requests": stats.get("totalRequests"),
                "acknowledged": len(acknowledged),
                "unrecoverable": unrecoverable,
                "applications_in_ats": sum(in_ats.values()),
                "candidates_in_ats": len(in_ats),
                "duplicated": sum(n - 1 for n in in_ats.values() if n > 1),
                "lost": sum(1 for email in acknowledged if in_ats[email] == 0),
                "tracked": len(tracked & ats_ids),
                "in_ats_not_tracked": len(ats_ids - tracked),
                "acknowledged_not_tracked": len(set(acknowledged.values()) - tracked),
            }
        finally:
            api_key_revoke(api_key=api_key)
            integration_delete(integration=integration)
