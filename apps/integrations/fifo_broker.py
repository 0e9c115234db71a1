"""django-q2's ORM broker, taking tasks oldest first.

Its `dequeue` reads `OrmQ` rows without an ORDER BY, so PostgreSQL hands them out in physical order, and a row
written into space freed by finished tasks (or moved by an UPDATE) jumps the queue. In the fleet benchmark
(1,000 integrations, a standing backlog of ~150-250 tasks) that left a delta's task waiting over 5 minutes while
hundreds queued after it ran, so one integration's freshness lag grew without bound. Same claiming as the
original (a conditional UPDATE of the row's lock, so two clusters never take one task), ordered by id.
"""

from __future__ import annotations

from time import sleep
from typing import Any

from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf


class FifoORM(ORM):
    def dequeue(self) -> list[tuple[Any, Any]] | None:
        tasks = self.get_connection().filter(key=self.list_key, lock__lt=timezone.now()).order_by("id")[: Conf.BULK]
        if tasks:
            taken = []
            for task in tasks:
                if self.get_connection().filter(id=task.id, lock=task.lock).update(lock=self.timeout(task)):
                    taken.append((task.pk, task.payload))
            return taken
        sleep(Conf.POLL)  # an empty queue: spare the CPU, as the original does
        return None
