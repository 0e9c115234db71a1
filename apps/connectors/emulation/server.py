"""Serve a WSGI app on 127.0.0.1 in a background thread: a thread per connection (HTTP/1.1 keep-alive),
an ephemeral port by default.

with LoopbackServer(app) as server:
    requests.get(f"{server.url}/jobs", headers=...)
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

# The WSGI environ key under which the emulator finds the client socket (to drop a connection on purpose).
CONNECTION_KEY = "emulation.connection"
DROPPED_KEY = "emulation.dropped"
# Set to False by an app that answered without reading the request body.
BODY_READ_KEY = "emulation.body_read"


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 refuses connections under a burst of parallel clients.
    request_queue_size = 256


class _ServerHandler(ServerHandler):
    # Answer in HTTP/1.1 so clients can keep the connection open (every response carries Content-Length).
    http_version = "1.1"

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        if self.environ.get(BODY_READ_KEY) is False:  # we will close: say so (apps may not send hop-by-hop headers)
            self.headers["Connection"] = "close"


class _Handler(WSGIRequestHandler):
    """wsgiref's handler, with keep-alive (one thread serves a connection's requests in turn) and quiet logs."""

    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle keep-alive connection frees its thread after this many seconds
    # Headers and body leave in separate writes; without TCP_NODELAY, Nagle + delayed ACK stall keep-alive by ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        if getattr(self.server, "log_requests", False):
            super().log_message(format, *args)

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ[CONNECTION_KEY] = self.connection
        environ["wsgi.multithread"] = True
        return environ

    def handle(self) -> None:
        self.close_connection = True
        self._handle_one()
        while not self.close_connection:
            self._handle_one()

    def _handle_one(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            self.close_connection = True
            return
        if not self.parse_request():  # an error answer was sent
            self.close_connection = True
            return
        environ = self.get_environ()
        handler = _ServerHandler(self.rfile, self.wfile, self.get_stderr(), environ, multithread=True)
        handler.request_handler = self  # back-pointer for logging
        handler.run(self.server.get_app())
        if environ.get(DROPPED_KEY) or not environ.get(BODY_READ_KEY, True):
            # A dropped connection is gone; an unread body would be taken for the next request line.
            self.close_connection = True


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's socket without an answer, then abort the WSGI call (wsgiref ignores the abort quietly)."""
    environ[DROPPED_KEY] = True
    connection = environ.get(CONNECTION_KEY)
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("connection dropped by fault injection")


class LoopbackServer:
    """A threaded WSGI server on 127.0.0.1; `port=0` picks a free port. Use `start()`/`stop()` or `with`."""

    def __init__(
        self, app: Callable[..., Any], *, host: str = "127.0.0.1", port: int = 0, log_requests: bool = False
    ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.log_requests = log_requests
        self._server: ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LoopbackServer:
        if self._server is not None:
            return self
        server = ThreadingWSGIServer((self.host, self.requested_port), _Handler)
        server.log_requests = self.log_requests  # type: ignore[attr-defined]
        server.set_app(self.app)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (for the `run_emulator` command)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
