"""Run as a separate process by test_rate_limits: reads every candidate of a SmartRecruiters integration through
`connector_for` (the shared, database-backed rate limiter) and prints how many calls it made.

Usage: python -m tests.connectors.smartrecruiters.read_worker <integration id>
"""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    django.setup()
    from apps.connectors.catalog import ReadModel
    from apps.integrations.connectors import connector_for
    from apps.integrations.models import Integration

    connector = connector_for(Integration.objects.get(id=sys.argv[1]))
    cursor, ids = None, []
    while True:
        page = connector.read(ReadModel.CANDIDATES, cursor=cursor)
        ids.extend(item.remote_id for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    print(json.dumps({"calls": connector.upstream_calls(), "candidates": len(ids)}))


if __name__ == "__main__":
    main()
