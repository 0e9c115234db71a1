"""Latency of POST /v1/ats/jobs/{job_id}/applications on the sandbox, and Tributary's own share of it.

`manage.py benchmark write --json` creates a fresh sandbox integration (its source set up, so automatic attribution
writes and reads back the source as in production), stores the sandbox's first job as a sync would, and sends
`--requests` create-application requests (a new candidate each, with the job's required screening answers and a
base64 CV) in-process through the whole Django stack, as the web server does: to Django's WSGI handler, reading the
whole response and closing it (the request's environ is built before the clock starts; the run keeps one database
connection, as CONN_MAX_AGE does between requests in production). Each response's `Server-Timing` header says how
long the connector calls took (upstream: the sandbox's own SQLite writes and reads); Tributary's share is the total
minus that. Prints p50/p95 of total, upstream and own time, queries per request, and, measured in the same run, the
floor of Tributary's own share: after each timed request, the rows it inserted are deleted (untimed) and its own SQL
statements, exactly as it sent them (BEGIN, COMMIT and savepoints included, so each commit's flush to disk counts),
are executed raw on the same connection's driver cursor, every row fetched. `own_over_sql_floor` is the p50 of the
own share over the p50 of that floor. COPY statements would bypass the capture; the run refuses them. The
integration, its API key and its sandbox file are removed afterwards. Run against PostgreSQL with `DEBUG=false`.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.test import RequestFactory

from apps.applications.models import Job, ScreeningQuestion
from apps.applications.services import records_upsert
from apps.attribution.services import source_mapping_create_remote
from apps.connectors.catalog import ReadModel
from apps.connectors.sandbox.store import forget_store
from apps.core.db import reused_cursor_forget
from apps.core.derived_ids import screening_option_id
from apps.core.runtime import tune_gc_for_serving
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for, sandbox_path_for
from apps.integrations.models import Environment, Integration
from apps.integrations.services import api_key_create, api_key_revoke, integration_create, integration_delete

ENVIRONMENT_NAME = "benchmark-write"
JOB_REMOTE_ID = "job-000001"
WARM_UP = 10
TIMING = re.compile(r"upstream;dur=([0-9.]+)")
INSERT = re.compile(r'INSERT INTO "(\w+)" \(([^)]*)\) VALUES')
CV = base64.b64encode(b"%PDF-1.4\n% benchmark CV\n" + b"x" * 20_000 + b"\n%%EOF\n").decode()

Progress = Callable[[str], Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=200, help="Timed create-application requests.")
    parser.add_argument(
        "--gc",
        choices=["serving", "default"],
        default="serving",
        help="serving: the garbage collector settings of the WSGI/ASGI entry points; default: CPython's.",
    )
    parser.add_argument("--show-queries", action="store_true", help="Add the counted request's SQL (shortened).")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 2)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": _percentile(values, 0.5),
        "p95_ms": _percentile(values, 0.95),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def _integration() -> Integration:
    environment, _ = Environment.objects.get_or_create(
        name=ENVIRONMENT_NAME, defaults={"display_name": "Benchmark Jobs"}
    )
    return integration_create(
        environment=environment,
        tool="sandbox",
        auth_kind="NONE",
        end_user_organization_name="Benchmark",
        end_user_email="benchmark@example.com",
        end_user_origin_id="benchmark-write",
        setup_status=Integration.SetupStatus.COMPLETED,
    )


def _body(job: Job, number: int) -> dict[str, Any]:
    answers = []
    for question in ScreeningQuestion.objects.filter(job=job, required=True).order_by("index"):
        if question.format_type == "SINGLE_SELECT":
            answer: Any = screening_option_id(question.id, question.options[0]["remote_id"])
        else:
            answer = {"TEXT": "I like the mission.", "NUMBER": 3, "BOOLEAN": False}[question.format_type]
        answers.append({"question_id": question.id, "answer": answer})
    return {
        "candidate": {
            "first_name": "Bench",
            "last_name": f"Mark {number}",
            "email_address": f"bench.{number}@candidates.example.com",
            "location": {"country": "DE", "city": "Berlin"},
        },
        "attachments": [{"name": "cv.pdf", "type": "CV", "content_type": "application/pdf", "data": CV}],
        "screening_question_answers": answers,
    }


def _inserted_ids(columns: str, params: Any, many: bool) -> list[Any]:
    """The primary keys an `INSERT INTO t (columns) VALUES ...` statement inserts (one or many rows)."""
    names = [name.strip().strip('"') for name in columns.split(",")]
    if "id" not in names:
        return []
    position, width = names.index("id"), len(names)
    rows = params if many else [params]
    return [row[index] for row in rows for index in range(position, len(row), width)]


class _Recording:
    """Records what one request sends on the connection: every statement as executed, in order (BEGIN, COMMIT and
    savepoints, which Django logs itself while queries are logged, included), and the ids of the rows it inserts.

    Lighter than Django's debug cursor (no timing or logger call per statement): while the request runs, each
    statement only leaves its SQL, parameters and the driver's bound query in the log; the text and the inserted ids
    are worked out after the clock stops, so that little of the recording is counted in the request's own share."""

    def __init__(self) -> None:
        self.db = connections[DEFAULT_DB_ALIAS]  # the run keeps this connection (see _recorded)
        self.inserted: list[tuple[str, list[Any]]] = []

    def start(self) -> None:
        self.db.queries_log.clear()

    def statements(self) -> list[str]:
        """The request's statements as sent (call once the request is done); notes the rows it inserted."""
        self.inserted.clear()
        statements = []
        for entry in self.db.queries_log:
            if isinstance(entry, dict):  # transaction control, logged by Django
                statements.append(entry["sql"])
                continue
            sql, params, bound = entry
            statements.append(self.db.ops.last_executed_query(bound, sql, params))
            match = INSERT.match(sql)
            if match and params:
                self.inserted.append((match.group(1), _inserted_ids(match.group(2), params, many=False)))
        return statements

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if many:
            raise RuntimeError("executemany runs one statement per row; the floor would need each of them")
        result = execute(sql, params, many, context)
        # What last_executed_query reads of the cursor (psycopg's bound query), before the cursor runs the next one.
        self.db.queries_log.append(
            (sql, params, SimpleNamespace(_query=getattr(context["cursor"].cursor, "_query", None)))
        )
        return result


@contextmanager
def _recorded() -> Iterator[_Recording]:
    """Queries logged (so Django logs transaction control), but through plain cursors with the recording as the
    only wrapper; the run keeps its connection (the copy counter and the replay need the request's own)."""
    recording = _Recording()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    connection.ensure_connection()
    connection.force_debug_cursor = True
    connection.make_debug_cursor = connection.make_cursor  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(recording):
            yield recording
    finally:
        del connection.make_debug_cursor
        connection.force_debug_cursor = False
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _undo(inserted: list[tuple[str, list[Any]]]) -> None:
    """Delete the rows a request inserted, so that its statements can run again on the state they first met.
    (Foreign keys are deferred on PostgreSQL: the order within the transaction does not matter.)"""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, ids in reversed(inserted):
            if ids:
                cursor.execute(f"DELETE FROM {quote(table)} WHERE id = ANY(%s)", [ids])


def _replay(statements: list[str]) -> float:
    """The floor of one request's own share, in ms: its statements exactly as sent (transaction control and
    savepoints included, so every COMMIT's flush to disk counts), executed on the same connection's driver
    cursor, every row fetched."""
    started = time.perf_counter()
    with connection.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


@contextmanager
def _counting_copies() -> Iterator[list[int]]:
    """Counts COPY statements on the connection: they bypass Django's query log, so the floor would miss them."""
    copies = [0]
    driver = connection.connection
    original = driver.cursor_factory

    class Counting(original):  # type: ignore[misc, valid-type]
        def copy(self, *args: Any, **kwargs: Any) -> Any:
            copies[0] += 1
            return super().copy(*args, **kwargs)

    driver.cursor_factory = Counting
    reused_cursor_forget()  # made by the original factory
    try:
        yield copies
    finally:
        driver.cursor_factory = original
        reused_cursor_forget()


def run(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    count: int = options["requests"]
    integration = _integration()
    api_key, raw_key = api_key_create(environment=integration.environment, name="benchmark-write")
    try:
        progress(f"sandbox integration {integration.id}: setting up the source and storing {JOB_REMOTE_ID}")
        source_mapping_create_remote(integration=integration)
        page = connector_for(integration).read(ReadModel.JOBS, remote_ids=[JOB_REMOTE_ID])
        records_upsert(integration=integration, model=ReadModel.JOBS, records=page.items, now=utcnow())
        job = Job.objects.get(integration=integration, remote_id=JOB_REMOTE_ID)
        # Encoded up front: the client's JSON encoding is no part of Tributary's share.
        bodies = [json.dumps(_body(job, number)).encode() for number in range(WARM_UP + count + 1)]
        factory = RequestFactory(HTTP_AUTHORIZATION=f"Bearer {raw_key}", HTTP_X_INTEGRATION_ID=integration.id)
        url = f"/v1/ats/jobs/{job.id}/applications"
        handler = WSGIHandler()

        def send(body: bytes, recording: _Recording) -> tuple[float, float, float, list[str]]:
            environ = factory.post(url, body, content_type="application/json").environ
            recording.start()
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = handler(environ, lambda status, headers, exc_info=None: None)
            content = b"".join(response)
            response.close()
            total = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - started_cpu) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"create application answered {response.status_code}: {content[:500]!r}")
            match = TIMING.search(response["Server-Timing"])
            upstream = float(match.group(1)) if match else 0.0
            return total, cpu, upstream, recording.statements()

        return _measure(options, bodies, send, progress)
    finally:
        api_key_revoke(api_key=api_key)
        path = sandbox_path_for(integration)
        integration_delete(integration=integration)
        forget_store(path)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


Send = Callable[[bytes, _Recording], tuple[float, float, float, list[str]]]


def _measure(options: dict[str, Any], bodies: list[bytes], send: Send, progress: Progress) -> dict[str, Any]:
    """Warms up, counts one request's statements, then times `--requests` more, each followed (untimed) by the
    undo of its inserts and (timed apart) the replay of its own SQL."""
    count: int = options["requests"]
    totals: list[float] = []
    upstreams: list[float] = []
    cpu_ms: list[float] = []
    sql_floor: list[float] = []
    query_counts: set[int] = set()
    with _recorded() as recording:
        for body in bodies[:WARM_UP]:
            send(body, recording)
        *_, counted = send(bodies[WARM_UP], recording)
        if options["gc"] == "serving":
            gc.collect()
            tune_gc_for_serving()
        progress(f"measuring {count} create-application requests, each followed by its own SQL executed raw")
        with _counting_copies() as copies:
            for index, body in enumerate(bodies[WARM_UP + 1 :], 1):
                total, cpu, upstream, executed = send(body, recording)
                totals.append(total)
                cpu_ms.append(cpu)
                upstreams.append(upstream)
                query_counts.add(len(executed))
                _undo(recording.inserted)
                sql_floor.append(_replay(executed))
                if index % 50 == 0:
                    progress(f"{index}/{count} requests")
    if copies[0]:
        raise RuntimeError(f"{copies[0]} COPY statements ran outside the captured SQL; the floor would miss them")
    own = [total - upstream for total, upstream in zip(totals, upstreams, strict=True)]
    own_summary, floor_summary = _summary(own), _summary(sql_floor)
    return {
        "requests": count,
        "database": connection.vendor,
        "gc": options["gc"],
        "total": _summary(totals),
        "upstream": _summary(upstreams),
        "own": own_summary,
        "request_cpu": _summary(cpu_ms),
        "own_p50_target_ms": 20,
        "own_sql_floor": floor_summary,
        "own_over_sql_floor": round(own_summary["p50_ms"] / floor_summary["p50_ms"], 3),
        "queries_per_request": len(counted),
        "queries_per_request_constant": query_counts == {len(counted)},
        "statements": [sql[:160] for sql in counted] if options["show_queries"] else None,
    }
