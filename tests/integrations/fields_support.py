"""Integrations of each tool for the field tests: the sandbox, and both vendor emulators over loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
from apps.connectors.factorial.emulator import create_app as factorial_app
from apps.connectors.sandbox.store import forget_store
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY as SR_KEY
from apps.connectors.smartrecruiters.emulator import create_app as sr_app
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create


@dataclass
class Connected:
    integration: Integration
    app: Any  # the emulator (None for the sandbox)
    url: str
    raw_candidate: Callable[[str], dict[str, Any]]  # the ATS's own candidate record, by remote id


# Per tool: the CUSTOM fields its seed defines (model, key, label), and a DEFAULT candidate field with its raw key.
CUSTOM_FIELDS = {
    "sandbox": {
        ("ats_jobs", "cost_center", "Cost center"),
        ("ats_candidates", "notice_period_weeks", "Notice period (weeks)"),
        ("ats_applications", "referrer", "Referrer"),
    },
    "smartrecruiters": {
        ("ats_jobs", "8a7d2c11-3e5f-4a60-b7c8-d9e0f1a2b301", "Cost center"),
        ("ats_applications", "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f01", "Salary expectation"),
        ("ats_applications", "5f3c1a2e-7b44-4d1e-9a0c-1b2c3d4e5f02", "Notice period"),
    },
    "factorial": {
        ("ats_candidates", "1", "Salary expectation"),
        ("ats_candidates", "2", "Notice period"),
        ("ats_jobs", "3", "Cost center"),
    },
}
CANDIDATE_FIELD = {"sandbox": "company", "smartrecruiters": "averageRating", "factorial": "score"}
TOOLS = list(CUSTOM_FIELDS)


def _create(environment: Environment, tool: str, *, base_url: str = "", key: str | None = None) -> Integration:
    integration = integration_create(
        environment=environment,
        tool=tool,
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY if key else AuthKind.NONE,
        credentials={"api_key": key} if key else {},
        base_url=base_url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    Integration.objects.filter(pk=integration.pk).update(sync_all_records=True)
    integration.refresh_from_db()
    return integration


@contextmanager
def connected(environment: Environment, tool: str, **emulator_options: Any) -> Iterator[Connected]:
    if tool == "sandbox":
        integration = _create(environment, tool)
        store = sandbox_store_for(integration, records=40)
        try:
            yield Connected(integration, None, "", lambda remote_id: store.get("candidates", remote_id) or {})
        finally:
            path = sandbox_path_for(integration)
            forget_store(path)
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    factory, key = (sr_app, SR_KEY) if tool == "smartrecruiters" else (factorial_app, FACTORIAL_KEY)
    app = factory(limits_enabled=False, **emulator_options)
    with LoopbackServer(app) as server:
        integration = _create(environment, tool, base_url=server.url, key=key)
        if tool == "smartrecruiters":
            raw = lambda remote_id: {"averageRating": app.state.candidates[remote_id].average_rating}  # noqa: E731
        else:
            raw = lambda remote_id: {"score": app.state.candidates[int(remote_id)].score}  # noqa: E731
        yield Connected(integration, app, server.url, raw)
