"""The API benchmark command works end to end (with a tiny count; the real run is 100k, outside the suite)."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from apps.applications.models import Application, Candidate, Interview, Offer


# Outside a test transaction, as the command runs for real (it VACUUMs after seeding, which no transaction allows).
def test_benchmark_seeds_measures_and_reuses(transactional_db: None) -> None:
    out = StringIO()
    # `--gc default`: the serving settings would freeze this test process's heap for the tests after it
    args = ["benchmark", "api", "--applications", "12", "--page-size", "5", "--deep-page", "2", "--requests", "2"]
    args += ["--gc", "default"]

    call_command(*args, "--json", stdout=out, stderr=StringIO())
    figures = json.loads(out.getvalue())

    assert (Application.objects.count(), Candidate.objects.count()) == (12, 12)
    assert (Interview.objects.count(), Offer.objects.count()) == (12, 3)
    assert Application.objects.filter(tracked_at__isnull=True).count() == 0
    assert (figures["applications"], figures["seeded_now"], figures["page_size"]) == (12, 12, 5)
    assert (figures["database"], figures["gc"]) == ("postgresql", "default")
    assert 0.0 < figures["deep_over_first_p50"]
    for page in ("page_1", "page_2"):
        assert figures[page]["results"] == 5
        assert figures[page]["queries"] == 5  # the API key (with the integration), the page, 3 nested lists
        assert figures[page]["p50_ms"] > 0
        assert figures[page]["floor_p50_ms"] > 0  # the page's own 5 statements, run raw, and its body encoded
        assert figures[page]["api_over_floor"] > 0
    assert figures["peak_rss_mb"] > 0

    again = StringIO()
    call_command(*args, "--json", stdout=again, stderr=StringIO())

    assert json.loads(again.getvalue())["seeded_now"] == 0
    assert Application.objects.count() == 12
