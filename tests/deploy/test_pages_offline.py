"""No page of Tributary references an asset off this machine: no CDN, no web fonts, no online validator."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from apps.integrations.connect_services import connect_link_create
from apps.integrations.models import Environment

LOCAL_HOSTS = {"testserver", "127.0.0.1", "localhost", "[::1]"}
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.\-\[\]:]+[^\s'"()<>]*""")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Assets(HTMLParser):
    """What a browser fetches for a page: src/srcset/poster/data of any element, href of <link>, CSS urls, and
    absolute URLs inside inline scripts (a script may load them). Plain <a href> links are not assets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("src", "poster", "data"):
            if values.get(name):
                self.urls.append(values[name])
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])
            if "stylesheet" in values.get("rel", ""):
                self.stylesheets.append(values["href"])
        self.urls.extend(match for pair in CSS_URL.findall(values.get("style", "")) for match in pair if match)
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.urls.extend(match for pair in CSS_URL.findall(data) for match in pair if match)
        elif self._in == "script":
            self.urls.extend(ABSOLUTE_URL.findall(data))


def _foreign(page_url: str, urls: list[str]) -> list[str]:
    hosts = {url: urlsplit(urljoin(page_url, url)).hostname or "" for url in urls if not url.startswith("data:")}
    return [url for url, host in hosts.items() if host not in {h.strip("[]") for h in LOCAL_HOSTS}]


def _stylesheet_urls(href: str) -> list[str]:
    """url()/@import inside a stylesheet we serve, read from where staticfiles finds it."""
    path = finders.find(urlsplit(href).path.removeprefix("/static/"))
    assert path, f"{href} is not one of our static files"
    with open(path, encoding="utf-8") as handle:
        return [match for pair in CSS_URL.findall(handle.read()) for match in pair if match]


@pytest.fixture
def pages(environment: Environment) -> dict[str, str]:
    link = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        base_url="http://testserver",
    )
    return {
        "landing": "/",
        "swagger": "/docs/",
        "redoc": "/docs/redoc/",
        "admin login": "/admin/login/",
        "first connection-flow step": urlsplit(link.url).path,
    }


def test_no_page_references_an_asset_off_this_machine(client: Client, pages: dict[str, str]) -> None:
    found: dict[str, list[str]] = {}
    counted: dict[str, int] = {}
    for name, path in pages.items():
        response = client.get(path, follow=True)
        assert response.status_code == 200, name
        if name in ("swagger", "redoc"):
            # What a script bundle might still fetch at run time, the browser refuses (see the browser test).
            assert response["Content-Security-Policy"].startswith("default-src 'self'; "), name
        parser = _Assets()
        parser.feed(response.content.decode())
        urls = list(parser.urls)
        for href in parser.stylesheets:
            urls.extend(urljoin(href, url) for url in _stylesheet_urls(href))
        counted[name] = len(urls)
        found[name] = _foreign(f"http://testserver{path}", urls)

    assert found == dict.fromkeys(pages, [])
    # The scan saw the pages' assets: Swagger UI's bundle and CSS, ReDoc's bundle, the admin's stylesheets.
    assert counted["swagger"] >= 4
    assert counted["redoc"] >= 1
    assert counted["admin login"] >= 5


def test_the_scan_catches_a_cdn_reference() -> None:
    parser = _Assets()
    parser.feed(
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/x.css"><img srcset="/a.png 1x, //img.example/b 2x">'
        '<script>load("https://unpkg.com/y.js")</script><a href="https://example.com/docs">a link is no asset</a>'
        "<style>@import 'https://fonts.googleapis.com/css';</style>"
    )
    assert _foreign("http://testserver/", parser.urls) == [
        "https://cdn.jsdelivr.net/npm/x.css",
        "//img.example/b",
        "https://unpkg.com/y.js",
        "https://fonts.googleapis.com/css",
    ]
