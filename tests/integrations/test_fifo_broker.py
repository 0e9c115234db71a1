"""The ORM broker hands out tasks oldest first, also after a row moved in the table (an UPDATE)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.models import OrmQ

from apps.integrations.fifo_broker import FifoORM


def test_tasks_are_taken_oldest_first(db: None) -> None:
    broker = get_broker()
    assert isinstance(broker, FifoORM)
    earlier = timezone.now() - timedelta(seconds=5)
    ids = [broker.enqueue(f"task {number}") for number in range(4)]
    OrmQ.objects.filter(id__in=ids).update(lock=earlier)
    # An UPDATE writes a new version of the row at the end of the table: without an ORDER BY it comes last.
    OrmQ.objects.filter(id=ids[0]).update(lock=earlier - timedelta(seconds=1))
    assert [row.id for row in ORM(list_key=broker.list_key).get_connection().filter(lock__lt=timezone.now())][
        -1
    ] == ids[0]

    taken = []
    while batch := broker.dequeue():  # Q_CLUSTER["bulk"] tasks at a time
        taken += batch

    assert [task_id for task_id, _ in taken] == ids
    assert [payload for _, payload in taken] == [f"task {number}" for number in range(4)]
