"""Liveness and readiness checks: cheap, unauthenticated answers for a load balancer and an operator.

Readiness: the database answers, every migration on disk is applied, a django-q2 cluster reported a heartbeat in
the last 2 minutes (its status in the shared cache, see apps/core/cache.py), and Tributary's schedules exist.
Details never carry secrets: a failing check names what failed, not connection strings or error texts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from apps.core.timeutils import utcnow

HEARTBEAT_MAX_AGE = timedelta(minutes=2)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"unreachable ({type(exc).__name__})")
    return Check("database", True, connection.vendor)


@functools.cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    """The code of a running process does not change: read the migration files once."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def check_migrations() -> Check:
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError as exc:
        return Check("migrations", False, f"cannot be read ({type(exc).__name__})")
    missing = sorted(f"{app}.{name}" for app, name in _migrations_on_disk() - applied)
    if missing:
        return Check("migrations", False, f"{len(missing)} unapplied, first {missing[0]}")
    return Check("migrations", True, "all applied")


def check_worker() -> Check:
    from django_q.conf import Conf
    from django_q.status import Stat

    stopped = {str(Conf.STOPPED), str(Conf.STOPPING)}
    try:
        stats = Stat.get_all()
    except DatabaseError as exc:
        return Check("worker", False, f"cluster status cannot be read ({type(exc).__name__})")
    cutoff = utcnow() - HEARTBEAT_MAX_AGE
    alive = [stat for stat in stats if str(stat.status) not in stopped and stat.timestamp >= cutoff]
    if not alive:
        seconds = int(HEARTBEAT_MAX_AGE.total_seconds())
        return Check("worker", False, f"no django-q2 cluster heartbeat in the last {seconds} s")
    newest = max(stat.timestamp for stat in alive)
    age = max(0.0, (utcnow() - newest).total_seconds())
    return Check("worker", True, f"{len(alive)} cluster(s), newest heartbeat {age:.0f} s ago")


def check_schedules() -> Check:
    from django_q.models import Schedule

    from apps.integrations.sync import SCHEDULE_DISPATCH, SCHEDULE_HOUSEKEEPING

    expected = {SCHEDULE_DISPATCH, SCHEDULE_HOUSEKEEPING}
    try:
        present = set(Schedule.objects.filter(name__in=expected).values_list("name", flat=True))
    except DatabaseError as exc:
        return Check("schedules", False, f"cannot be read ({type(exc).__name__})")
    missing = sorted(expected - present)
    if missing:
        return Check("schedules", False, f"missing {', '.join(missing)} (run `manage.py setup_schedules`)")
    return Check("schedules", True, f"{len(present)} present")


def readiness() -> list[Check]:
    database = check_database()
    if not database.ok:
        # Nothing else can be read: the other checks fail with the database.
        unreadable = [Check(name, False, "database unreachable") for name in ("migrations", "worker", "schedules")]
        return [database, *unreadable]
    return [database, check_migrations(), check_worker(), check_schedules()]
