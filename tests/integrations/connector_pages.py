"""Reads a generated connector page back into data: what it lists, by the data attributes the template sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageData:
    models: dict[str, dict[str, str]] = field(default_factory=dict)  # read model id -> {field id: status}
    actions: dict[str, dict[str, str]] = field(default_factory=dict)  # write action id -> {field id: status}
    missing_models: list[str] = field(default_factory=list)
    missing_actions: list[str] = field(default_factory=list)
    features: dict[str, str] = field(default_factory=dict)  # feature id -> status
    scope_tests: list[str] = field(default_factory=list)
    auth_modes: list[str] = field(default_factory=list)
    source_strategy: str = ""
    tool_slug: str = ""
    assumptions: int = 0  # how many assumptions the page lists


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data = PageData()
        self._fields: dict[str, str] | None = None
        self._in_slug = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "data-model" in values:
            self._fields = self.data.models.setdefault(values["data-model"], {})
        elif "data-action" in values:
            self._fields = self.data.actions.setdefault(values["data-action"], {})
        elif "data-field" in values and self._fields is not None:
            self._fields[values["data-field"]] = values["data-status"]
        elif "data-feature" in values:
            self.data.features[values["data-feature"]] = values["data-status"]
        elif "data-missing-model" in values:
            self.data.missing_models.append(values["data-missing-model"])
        elif "data-missing-action" in values:
            self.data.missing_actions.append(values["data-missing-action"])
        elif "data-scope-test" in values:
            self.data.scope_tests.append(values["data-scope-test"])
        elif "data-auth-mode" in values:
            self.data.auth_modes.append(values["data-auth-mode"])
        elif "data-assumption" in values:
            self.data.assumptions += 1
        elif "data-source-strategy" in values:
            self.data.source_strategy = values["data-source-strategy"]
        if tag == "section":
            self._fields = None
        self._in_slug = values.get("id") == "tool-slug"

    def handle_data(self, data: str) -> None:
        if self._in_slug:
            self.data.tool_slug += data

    def handle_endtag(self, tag: str) -> None:
        self._in_slug = False


def read_page(html: str) -> PageData:
    reader = _Reader()
    reader.feed(html)
    return reader.data
