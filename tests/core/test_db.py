from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.db import reused_cursor, reused_cursor_forget


def test_statements_share_one_driver_cursor_and_are_still_counted(db: None) -> None:
    with CaptureQueriesContext(connection) as captured:
        first = reused_cursor()
        first.execute("SELECT %s", [1])
        assert first.fetchall() == [(1,)]
        second = reused_cursor()
        second.execute("SELECT %s", [2])
        assert second.fetchall() == [(2,)]

    assert first.cursor is second.cursor
    assert [query["sql"] for query in captured] == ["SELECT 1", "SELECT 2"]


def test_a_new_connection_gets_a_new_cursor(transactional_db: None) -> None:
    before = reused_cursor()
    before.execute("SELECT pg_backend_pid()")
    [(first_backend,)] = before.fetchall()

    connection.close()
    after = reused_cursor()
    after.execute("SELECT pg_backend_pid()")
    [(second_backend,)] = after.fetchall()

    assert after.cursor is not before.cursor
    assert second_backend != first_backend

    reused_cursor_forget()
    assert reused_cursor().cursor is not after.cursor


def test_errors_are_django_errors_and_the_cursor_works_on(db: None) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        reused_cursor().execute("SELECT * FROM no_such_table")

    cursor = reused_cursor()
    cursor.execute("SELECT %s", ["still here"])
    assert cursor.fetchall() == [("still here",)]
