"""The sync benchmark command end to end (tiny counts; the real runs are outside the suite)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from apps.integrations.models import Integration
from apps.integrations.sync_benchmarks import EMULATED_SYNC_BENCHMARKS


def test_smartrecruiters_benchmark_syncs_the_emulator_within_its_limits(db: None) -> None:
    out = StringIO()

    call_command(
        "benchmark", "sync", "--tool", "smartrecruiters", "--records", "20", "--json", stdout=out, stderr=StringIO()
    )
    figures = json.loads(out.getvalue())

    assert figures["seed"] == {"seed": 7, "users": 6, "jobs": 4, "candidates": 4, "applications": 5}
    assert (figures["runs"], figures["failed_runs"], figures["rate_limited_429"]) == (2, 0, 0)
    assert figures["records"] > 4 + 5  # candidates and applications, and their jobs, files, offers, …
    assert figures["requests_per_record"] == round(figures["full_upstream_calls"] / figures["records"], 3)
    assert figures["peak_rate_per_second"] <= 10
    assert figures["peak_concurrency"] == 1
    assert figures["budget"]["booked_requests_per_second"] == 9.0
    assert not Integration.objects.filter(tool="smartrecruiters").exists()  # removed unless --keep


@pytest.mark.parametrize("tool", sorted(EMULATED_SYNC_BENCHMARKS))
def test_every_vendor_benchmark_runs_a_full_and_a_delta_sync_against_its_emulator(db: None, tool: str) -> None:
    out = StringIO()

    call_command("benchmark", "sync", "--tool", tool, "--records", "20", "--json", stdout=out, stderr=StringIO())
    figures = json.loads(out.getvalue())

    assert figures["tool"] == tool
    assert (figures["runs"], figures["failed_runs"], figures["rate_limited_429"]) == (2, 0, 0)
    assert figures["changed_records"] >= 1
    assert figures["delta_records_updated"] >= figures["changed_records"]
    assert figures["share_of_documented_budget"] == round(
        figures["achieved_requests_per_second"] / figures["budget"]["documented_requests_per_second"], 3
    )
    assert not Integration.objects.filter(tool=tool).exists()
