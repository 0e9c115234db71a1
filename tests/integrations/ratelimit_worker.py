"""Run as a separate process by test_ratelimit: books slots of the shared limiter and prints what it got.

Usage: python -m tests.integrations.ratelimit_worker <key> <slots> <requests per second> <max concurrency> <hold>
Prints one JSON line: [[booked start, entered, left], ...] (epoch seconds).
"""

from __future__ import annotations

import json
import sys
import time

import django


def main() -> None:
    django.setup()
    from apps.connectors.catalog import RateBudget
    from apps.integrations.ratelimit import DatabaseRateLimiter

    key, slots, rps, concurrency, hold = (
        sys.argv[1],
        int(sys.argv[2]),
        float(sys.argv[3]),
        int(sys.argv[4]),
        float(sys.argv[5]),
    )
    booked: list[float] = []
    limiter = DatabaseRateLimiter(on_booking=booked.append)
    budget = RateBudget(requests_per_second=rps, max_concurrency=concurrency)
    result = []
    for _ in range(slots):
        with limiter.slot(key, budget):
            entered = time.time()
            time.sleep(hold)
            left = time.time()
        result.append([booked[-1], entered, left])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
