"""Serve every vendor emulator of the registry on fixed loopback ports, for `./bin/run --with-emulators`.

    python -m apps.connectors.emulation.serve_all --callback http://127.0.0.1:8000/connect/oauth/callback \
        --first-port 8101 --json var/emulators.json

Each emulator (in the registry's tool order) gets port `first-port + i`. Its OAuth app (the emulator's default
client) is registered for `--callback`, the redirect URI Tributary sends, so "Sign in with …" in the connection
flow comes back to this run. Each also serves a "settings screen" at `/_settings`: the vendor's own control
endpoints (`/_emulator/…`: what an administrator does in the vendor's settings, e.g. create a custom source) as
forms. The JSON file (written once all listen) says per tool: its URL, credentials, OAuth client and settings
screen. Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from apps.connectors.emulation.registry import EMULATORS, get_app_factory
from apps.connectors.emulation.server import LoopbackServer

SETTINGS_PATH = "/_settings"


def register_callback(app: Any, callback: str) -> dict[str, str] | None:
    """Point the emulator's own OAuth client at `callback`; its id and secret, or None without OAuth."""
    client = getattr(app, "default_client", None)
    if client is None or getattr(app, "oauth", None) is None:
        return None
    client = dataclasses.replace(client, redirect_uris=(callback,))
    app.provider.register_client(client)
    app.default_client = client  # what `describe` prints
    return {"client_id": client.client_id, "client_secret": client.client_secret}


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:24px auto;padding:0 16px;color:#0f172a}}
form{{border:1px solid #e2e8f0;border-radius:10px;padding:12px 14px;margin:12px 0}}
code{{background:#eef2ff;padding:1px 5px;border-radius:5px}}textarea{{width:100%;font:13px ui-monospace,monospace}}
pre{{background:#f8fafc;padding:8px;white-space:pre-wrap;margin:6px 0 0}}</style></head><body>
<h1>{title}</h1><p>What an administrator does in the vendor's own settings, as this emulator's control
endpoints. Each form sends its JSON body to the endpoint (path parameters in braces: replace them).</p>
<dl>{described}</dl>{forms}
<script>document.querySelectorAll("form").forEach(function (form) {{
  form.addEventListener("submit", function (event) {{
    event.preventDefault();
    var out = form.querySelector("pre"), body = form.querySelector("textarea");
    fetch(form.querySelector("[name=path]").value, {{method: form.dataset.method,
      headers: {{"Content-Type": "application/json"}}, body: body ? body.value : undefined}})
      .then(function (r) {{ return r.text().then(function (t) {{ out.textContent = r.status + " " + t; }}); }});
  }});
}});</script></body></html>"""


def _form(index: int, method: str, template: str) -> str:
    body = "" if method in ("GET", "DELETE") else '<textarea name="body" rows="3">{}</textarea>'
    return (
        f'<form data-method="{html.escape(method)}" id="control-{index}"><strong>{html.escape(method)}</strong> '
        f'<input name="path" size="60" value="{html.escape(template)}"> {body}'
        '<button type="submit">Send</button><pre></pre></form>'
    )


def settings_screen(tool: str, app: Any, url: str) -> Callable[..., Iterable[bytes]]:
    """The emulator's WSGI app with its settings screen at `/_settings`."""

    def page() -> bytes:
        routes = sorted(app.control.routes(), key=lambda route: (route.template, route.method))
        forms = "".join(_form(i, route.method, route.template) for i, route in enumerate(routes))
        described = "".join(
            f"<dt>{html.escape(key)}</dt><dd><code>{html.escape(value)}</code></dd>"
            for key, value in app.describe(url).items()
        )
        title = f"{tool} emulator: settings"
        return _PAGE.format(title=html.escape(title), described=described, forms=forms).encode()

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == SETTINGS_PATH and environ.get("REQUEST_METHOD") == "GET":
            body = page()
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wsgi


def serve(*, callback: str, first_port: int, host: str = "127.0.0.1") -> tuple[list[LoopbackServer], dict[str, Any]]:
    """Start every registered emulator; the servers and what to tell about each."""
    servers: list[LoopbackServer] = []
    described: dict[str, Any] = {}
    for index, tool in enumerate(sorted(EMULATORS)):
        app = get_app_factory(tool)()
        port = first_port + index
        url = f"http://{host}:{port}"
        oauth = register_callback(app, callback)
        server = LoopbackServer(settings_screen(tool, app, url), host=host, port=port).start()
        servers.append(server)
        described[tool] = {
            "url": url,
            "settings": f"{url}{SETTINGS_PATH}",
            "oauth_client": oauth,
            "credentials": app.describe(url),
        }
    return servers, described


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callback", required=True, help="Tributary's OAuth redirect URI for this run")
    parser.add_argument("--first-port", type=int, default=8101)
    parser.add_argument("--json", type=Path, required=True, help="where to write what each emulator offers")
    args = parser.parse_args(argv)
    servers, described = serve(callback=args.callback, first_port=args.first_port)
    partial = args.json.with_suffix(".partial")
    partial.write_text(json.dumps(described, indent=2))
    os.chmod(partial, 0o600)  # it holds the emulators' (test) credentials
    partial.replace(args.json)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
