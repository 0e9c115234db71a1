"""Helpers for the write-path tests: the sandbox's jobs stored as if synced, valid answers, files served locally."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from apps.applications.models import Job, ScreeningQuestion
from apps.applications.services import records_upsert
from apps.connectors.catalog import ReadModel
from apps.connectors.sandbox.store import SandboxStore
from apps.core.derived_ids import screening_option_id
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for, sandbox_store_for
from apps.integrations.models import Integration

JOB = "job-000001"  # the sandbox's first job: every question format, with preconditions


def sandbox(integration: Integration) -> SandboxStore:
    return sandbox_store_for(integration)


def stored_job(integration: Integration, remote_id: str = JOB) -> Job:
    """The sandbox job stored as a sync would store it."""
    page = connector_for(integration).read(ReadModel.JOBS, remote_ids=[remote_id])
    records_upsert(integration=integration, model=ReadModel.JOBS, records=page.items, now=utcnow())
    return Job.objects.get(integration=integration, remote_id=remote_id)


def question(job: Job, number: int) -> ScreeningQuestion:
    """Question `q-<job>-<number>` of a sandbox job."""
    return ScreeningQuestion.objects.get(job=job, remote_id=f"q-{job.remote_id.removeprefix('job-')}-{number}")


def option(question: ScreeningQuestion, remote_id: str) -> str:
    return screening_option_id(question.id, remote_id)


def required_answers(job: Job) -> list[dict[str, Any]]:
    """Valid answers to the required questions of a stored sandbox job, in question order.

    For the first job: "I like the mission.", 4, False and the second seniority level ("Mid").
    """
    values = {"TEXT": "I like the mission.", "NUMBER": 4, "BOOLEAN": False, "DATE": "2025-01-01"}
    answers = []
    for entry in ScreeningQuestion.objects.filter(job=job, required=True).order_by("index"):
        if entry.format_type in ("SINGLE_SELECT", "MULTI_SELECT"):
            chosen = option(entry, entry.options[min(1, len(entry.options) - 1)]["remote_id"])
            answer: Any = chosen if entry.format_type == "SINGLE_SELECT" else [chosen]
        else:
            answer = values[entry.format_type]
        answers.append({"question_id": entry.id, "answer": answer})
    return answers


def candidate(email: str = "ada@example.com", **extra: Any) -> dict[str, Any]:
    return {"first_name": "Ada", "last_name": "Lovelace", "email_address": email, **extra}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@dataclass
class FileServer:
    """A loopback HTTP server for `data_url` tests: `files` by path; `/redirect?to=<url>` answers a 302."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@contextmanager
def file_server() -> Iterator[FileServer]:
    served = FileServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            served.requests.append(self.path)
            if self.path.startswith("/redirect?to="):
                self.send_response(302)
                self.send_header("Location", self.path.removeprefix("/redirect?to="))
                self.end_headers()
                return
            if self.path not in served.files:
                self.send_response(404)
                self.end_headers()
                return
            content_type, content = served.files[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
