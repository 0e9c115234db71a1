"""The write benchmark runs end to end (a handful of requests; the real run is 200, outside the suite)."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from apps.applications.models import Application
from apps.integrations.models import Integration


def test_write_benchmark_measures_and_cleans_up(db: None) -> None:
    out = StringIO()

    # `--gc default`: the serving settings would freeze this test process's heap for the tests after it
    call_command("benchmark", "write", "--requests", "3", "--gc", "default", "--json", stdout=out, stderr=StringIO())
    figures = json.loads(out.getvalue())

    assert (figures["requests"], figures["database"], figures["own_p50_target_ms"]) == (3, "postgresql", 20)
    assert set(figures["total"]) == set(figures["upstream"]) == set(figures["own"]) == {"p50_ms", "p95_ms", "mean_ms"}
    assert figures["upstream"]["p50_ms"] > 0
    # The floor of the own share: each request's own SQL statements, executed raw after its inserted rows were
    # deleted; the own share can't be below it.
    assert set(figures["own_sql_floor"]) == {"p50_ms", "p95_ms", "mean_ms"}
    assert 0 < figures["own_sql_floor"]["p50_ms"] <= figures["own"]["p50_ms"]
    assert figures["own_over_sql_floor"] == round(figures["own"]["p50_ms"] / figures["own_sql_floor"]["p50_ms"], 3)
    assert figures["statements"] is None  # only with --show-queries
    # Counted inside the test's transaction (BEGIN/COMMIT are a savepoint and its release here): the same number
    # as test_write_query_counts counts outside one.
    assert (figures["queries_per_request"], figures["queries_per_request_constant"]) == (16, True)
    assert not Integration.objects.filter(end_user_origin_id="benchmark-write").exists()
    assert not Application.objects.exists()
