"""One database cursor per connection, reused by the statements the hot paths send one at a time.

`connection.cursor()` makes a new driver cursor and closes it again for each statement; on a create-application
request (16 statements) that cost about as much as a tenth of the database's own work. The driver cursor kept here
is made again whenever its connection is (after a reconnect or a close); each call still wraps it as Django does
(`CursorWrapper`, or the debug wrapper while queries are logged), so execute wrappers, query counting and database
error translation work as with `connection.cursor()`. Callers fetch everything they execute and never close it.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

_KEPT = "_tributary_reused_cursor"


def reused_cursor(using: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    connection = connections[using]
    kept: tuple[Any, Any] | None = getattr(connection, _KEPT, None)
    if kept is None or kept[0] is not connection.connection or getattr(kept[1], "closed", False):
        made = connection.cursor()  # connects if need be, checks the thread as Django does
        kept = (connection.connection, made.cursor)
        setattr(connection, _KEPT, kept)
        return made
    return connection._prepare_cursor(kept[1])


def reused_cursor_forget(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the kept cursor (the next call makes a new one), e.g. after changing the driver's cursor factory."""
    kept = getattr(connections[using], _KEPT, None)
    if kept is not None:
        kept[1].close()
        delattr(connections[using], _KEPT)
