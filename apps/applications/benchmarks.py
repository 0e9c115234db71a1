"""Latency of GET /v1/ats/applications on a large integration (first page and a deep page).

`manage.py benchmark api --applications 100000 --json` seeds (or reuses, topping up) a benchmark integration
with that many tracked applications, each with its own candidate (tagged), an interview and, for every
fourth one, an offer, spread over jobs that share a set of stages. It then requests page 1 and page
`--deep-page` of `GET /v1/ats/applications?page_size=N` in-process through the whole Django stack (Django's WSGI
handler as gunicorn calls it: middleware, authentication, integration lookup, rendering; not the test client,
whose own instrumentation and body decoding are no cost of the server) and prints p50/p95 latency, queries per
page and peak RSS, and, in the same run, each page's floor (its own SQL executed raw plus `json.dumps` of its own
body, interleaved with the requests) and `api_over_floor`, the p50 of the request over the p50 of its floor.
Run it with `DEBUG=false` and against PostgreSQL for meaningful figures. By default the process's garbage
collector is set up as the WSGI/ASGI entry points do (`--gc default` keeps CPython's defaults, for comparison).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.applications.enums import OfferStatus, Outcome, StageStatus, TrackedVia
from apps.applications.models import (
    Application,
    ApplicationStage,
    Candidate,
    CandidateTag,
    Interview,
    Job,
    JobStage,
    Offer,
    Tag,
)
from apps.core.api.cursors import encode_cursor
from apps.core.ids import new_id
from apps.core.runtime import tune_gc_for_serving
from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, Integration
from apps.integrations.services import api_key_create, api_key_revoke, environment_create, integration_create

ENVIRONMENT_NAME = "benchmark"
ORIGIN_ID = "benchmark-api"
STAGE_NAMES = ("Applied", "Screening", "Interview", "Assessment", "Offer", "Hired", "Rejected", "Withdrawn")
JOB_COUNT = 200
TAG_COUNT = 20
BATCH = 5000

Progress = Callable[[str], Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--applications", type=int, default=100_000, help="How many applications to seed.")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--deep-page", type=int, default=500, help="The deep page to compare with page 1.")
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per page (after warm-up).")
    parser.add_argument(
        "--gc",
        choices=["serving", "default"],
        default="serving",
        help="serving: the garbage collector settings of the WSGI/ASGI entry points (apps.core.runtime); "
        "default: CPython's defaults.",
    )


def run(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    count: int = options["applications"]
    page_size: int = options["page_size"]
    deep_page: int = options["deep_page"]
    requests: int = options["requests"]
    integration = _benchmark_integration()
    seeded = _seed(integration, count, progress)
    api_key, raw_key = api_key_create(environment=integration.environment, name="benchmark")
    if options["gc"] == "serving":
        gc.collect()  # the seeding's garbage is not part of a serving process's start-up heap
        tune_gc_for_serving()
    try:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}", HTTP_X_INTEGRATION_ID=integration.id)
        server = _WsgiServer({"HTTP_AUTHORIZATION": f"Bearer {raw_key}", "HTTP_X_INTEGRATION_ID": integration.id})
        total = Application.objects.filter(integration=integration, remote_deleted_at__isnull=True).count()
        deep = min(deep_page, max(1, -(-total // page_size)))
        pages = {
            "page_1": _url(page_size),
            f"page_{deep}": _url(page_size, _cursor_before(integration, deep, page_size)),
        }
        figures: dict[str, Any] = {
            "applications": total,
            "seeded_now": seeded,
            "page_size": page_size,
            "database": connection.vendor,
            "gc": options["gc"],
        }
        progress(f"measuring {', '.join(pages)} ({requests} requests each, interleaved)")
        figures.update(_measure(client, server, pages, requests, page_size))
        first, deep_figures = figures["page_1"], figures[f"page_{deep}"]
        figures["deep_over_first_p50"] = round(deep_figures["p50_ms"] / first["p50_ms"], 3)
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return figures
    finally:
        api_key_revoke(api_key=api_key)


def _url(page_size: int, cursor: str | None = None) -> str:
    url = f"/v1/ats/applications?page_size={page_size}&include_deleted=false&ignore_unsupported_filters=false"
    return f"{url}&cursor={cursor}" if cursor else url


def _cursor_before(integration: Integration, page_number: int, page_size: int) -> str | None:
    """The cursor a client holds when it asks for `page_number` (the id of the last record of the page before)."""
    if page_number <= 1:
        return None
    last_id = (
        Application.objects.filter(integration=integration, remote_deleted_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[(page_number - 1) * page_size - 1]
    )
    return encode_cursor(last_id, endpoint="applications", integration_id=integration.id)


def _measure(
    client: Client, server: _WsgiServer, pages: dict[str, str], requests: int, page_size: int
) -> dict[str, Any]:
    """Time the pages in turns (page 1, deep page, page 1, ...) so that load on the machine hits both alike.
    The test client only captures each page's queries and body (for the floor and the check); the timed requests
    go to the WSGI handler, and the body is checked after the clock stops."""
    queries: dict[str, int] = {}
    floors: dict[str, tuple[list[str], bytes]] = {}
    for label, url in pages.items():
        for _ in range(5):  # warm-up: connections, caches, the API key's last-use stamp
            _check(url, *server.get(url))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries[label] = len(captured)  # read now: the next request_started signal empties the log
        body = response.json()
        if len(body["data"]["results"]) != page_size:
            raise RuntimeError(f"{label}: expected a full page of {page_size}, got {len(body['data']['results'])}")
        floors[label] = ([query["sql"] for query in captured.captured_queries], response.content)
    timings: dict[str, list[float]] = {label: [] for label in pages}
    floor_timings: dict[str, list[float]] = {label: [] for label in pages}
    collections_before = [generation["collections"] for generation in gc.get_stats()]
    for _ in range(requests):
        for label, url in pages.items():
            started = time.perf_counter()
            answer = server.get(url)
            timings[label].append((time.perf_counter() - started) * 1000)
            _check(url, *answer)
            floor_timings[label].append(_floor(*floors[label]))
    # Full (generation 2) collections pause a request for far longer than the rest: worth seeing next to p95.
    collections = [
        after["collections"] - before for after, before in zip(gc.get_stats(), collections_before, strict=True)
    ]
    figures: dict[str, Any] = {}
    for label, values in timings.items():
        values.sort()
        figures[label] = {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))], 2),
            "max_ms": round(values[-1], 2),
            "queries": queries[label],
            "results": page_size,
        }
        floor = sorted(floor_timings[label])
        figures[label]["floor_p50_ms"] = round(statistics.median(floor), 2)
        figures[label]["api_over_floor"] = round(statistics.median(values) / statistics.median(floor), 3)
    figures["gc_collections_by_generation"] = collections
    return figures


def _floor(statements: list[str], content: bytes) -> float:
    """What the request costs at the least, in ms: its own SQL executed raw (every row fetched) and its own body
    decoded and encoded again with the standard library's json. Savepoints are left out (they need the request's
    transaction and return nothing)."""
    body = json.loads(content)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                continue
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    json.dumps(body)
    return (time.perf_counter() - started) * 1000


class _WsgiServer:
    """GET requests straight into Django's WSGI handler with a gunicorn-like environ."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.handler = WSGIHandler()
        self.headers = headers

    def get(self, url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            **self.headers,
        }
        statuses: list[int] = []
        result = self.handler(environ, lambda status, headers, exc_info=None: statuses.append(int(status[:3])))
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return statuses[0], body


def _check(url: str, status: int, body: bytes) -> None:
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}: {body[:300]!r}")


# -- seeding -------------------------------------------------------------------------------------------


def _benchmark_integration() -> Integration:
    environment = Environment.objects.filter(name=ENVIRONMENT_NAME).first() or environment_create(
        name=ENVIRONMENT_NAME, display_name="Benchmark"
    )
    return Integration.objects.filter(
        environment=environment, end_user_origin_id=ORIGIN_ID
    ).first() or integration_create(
        environment=environment,
        tool="sandbox",
        end_user_organization_name="Benchmark Inc.",
        end_user_origin_id=ORIGIN_ID,
        setup_status=Integration.SetupStatus.COMPLETED,
    )


def _seed(integration: Integration, count: int, progress: Progress) -> int:
    """Top the integration up to `count` live applications; returns how many were added now."""
    existing = Application.objects.filter(integration=integration, remote_deleted_at__isnull=True).count()
    missing = count - existing
    if missing <= 0:
        progress(f"reusing {existing} applications")
        return 0
    stages, jobs, tags = _reference_data(integration)
    progress(f"seeding {missing} applications (have {existing})")
    done = 0
    for chunk in _chunks(existing, count):
        _seed_chunk(integration, chunk, stages, jobs, tags)
        done += len(chunk)
        progress(f"  {done}/{missing}")
    if connection.vendor == "postgresql":
        # What autovacuum would do a little later (visibility map, planner statistics), done now so that it does
        # not run in the middle of the measurement.
        with connection.cursor() as cursor:
            for model in (Application, Candidate, CandidateTag, Interview, Offer):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return missing


def _chunks(start: int, stop: int) -> Iterator[range]:
    for low in range(start, stop, BATCH):
        yield range(low, min(low + BATCH, stop))


def _reference_data(integration: Integration) -> tuple[list[ApplicationStage], list[Job], list[Tag]]:
    with transaction.atomic():
        stages = [
            ApplicationStage.objects.get_or_create(
                integration=integration,
                remote_id=f"stage-{index}",
                defaults={"name": name, "status": StageStatus.ACTIVE},
            )[0]
            for index, name in enumerate(STAGE_NAMES)
        ]
        jobs = []
        for number in range(JOB_COUNT):
            job, created = Job.objects.get_or_create(
                integration=integration,
                remote_id=f"job-{number}",
                defaults={"name": f"Benchmark job {number}", "status": "OPEN", "employment_type": "FULL_TIME"},
            )
            if created:
                JobStage.objects.bulk_create(
                    JobStage(integration=integration, job=job, stage=stage, index=index)
                    for index, stage in enumerate(stages)
                )
            jobs.append(job)
        tags = [
            Tag.objects.get_or_create(
                integration=integration, remote_id=f"tag-{number}", defaults={"name": f"Tag {number}"}
            )[0]
            for number in range(TAG_COUNT)
        ]
    return stages, jobs, tags


@transaction.atomic
def _seed_chunk(
    integration: Integration, numbers: range, stages: list[ApplicationStage], jobs: list[Job], tags: list[Tag]
) -> None:
    now = utcnow()
    candidates, applications, candidate_tags, interviews, offers = [], [], [], [], []
    for number in numbers:
        candidate = Candidate(
            id=new_id(),
            integration=integration,
            remote_id=f"candidate-{number}",
            first_name=f"First{number}",
            last_name=f"Last{number}",
            source="Benchmark Jobs",
            email_addresses=[{"email_address": f"candidate{number}@example.com", "type": "PERSONAL"}],
            phone_numbers=[{"phone_number": f"+4930{number:07d}", "type": "MOBILE"}],
            remote_created_at=now - timedelta(days=number % 365),
            tracked_at=now,
            tracked_via=TrackedVia.CREATED,
        )
        stage = stages[number % len(stages)]
        outcome = (
            Outcome.HIRED
            if stage.name == "Hired"
            else Outcome.DECLINED
            if stage.name == "Rejected"
            else Outcome.PENDING
        )
        application = Application(
            id=new_id(),
            integration=integration,
            remote_id=f"application-{number}",
            candidate=candidate,
            job=jobs[number % len(jobs)],
            current_stage=stage,
            outcome=outcome,
            rejection_reason_name="Not a fit" if outcome == Outcome.DECLINED else None,
            rejected_at=now if outcome == Outcome.DECLINED else None,
            custom_fields={"priority": number % 3},
            screening_question_answers=[
                {
                    "question": {"remote_id": "q1", "title": "Work permit?", "type": "BOOLEAN"},
                    "answer": {"checked": True},
                }
            ],
            remote_created_at=candidate.remote_created_at,
            tracked_at=now,
            tracked_via=TrackedVia.CREATED,
        )
        candidates.append(candidate)
        applications.append(application)
        candidate_tags.append(CandidateTag(integration=integration, candidate=candidate, tag=tags[number % len(tags)]))
        interviews.append(
            Interview(
                integration=integration,
                remote_id=f"interview-{number}",
                application=application,
                stage=stage,
                title="Interview",
                starting_at=now + timedelta(days=1),
                ending_at=now + timedelta(days=1, hours=1),
                canceled=False,
            )
        )
        if number % 4 == 0:
            offers.append(
                Offer(
                    integration=integration,
                    remote_id=f"offer-{number}",
                    application=application,
                    status=OfferStatus.SENT,
                )
            )
    Candidate.objects.bulk_create(candidates)
    Application.objects.bulk_create(applications)
    CandidateTag.objects.bulk_create(candidate_tags)
    Interview.objects.bulk_create(interviews)
    Offer.objects.bulk_create(offers)
