"""What each tool covers, read from its connector class's catalog declaration: one selector, two renderings.

`tool_coverage` builds the rows once; `GET /v1/tools/{category}` returns them in the contract's shape
(`ToolCoverage.as_contract`), and the connector pages (`/docs/connectors/<tool>/`) show them with their notes.
Notes are derived from the catalog (delta reads, reads by id or per parent, the source strategy...), never
written by hand here, so a page cannot drift from what the connector declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.connectors.base import Connector
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    READ_MODEL_LABELS,
    WRITE_ACTION_FIELDS,
    WRITE_ACTION_LABELS,
    AuthKind,
    CoverageStatus,
    ReadCoverage,
    ReadModel,
    Scope,
    SourceLevel,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
)
from apps.integrations.sync import TRACKED_MODELS  # synced only when tracked, unless an integration syncs all

SOURCE_STRATEGY_LABELS: dict[SourceStrategy, str] = {
    SourceStrategy.FREE_TEXT: "Free text",
    SourceStrategy.MUST_EXIST: "Must exist in the ATS",
    SourceStrategy.CREATABLE: "Created through the API",
    SourceStrategy.UNSUPPORTED: "Unsupported",
}
SOURCE_STRATEGY_TEXTS: dict[SourceStrategy, str] = {
    SourceStrategy.FREE_TEXT: "the source name is written as it is on every create.",
    SourceStrategy.MUST_EXIST: (
        "the end user creates the source in the ATS once (the connection flow's source step says "
        "where, and checks it live); Tributary finds it by its exact name and writes it on every create."
    ),
    SourceStrategy.CREATABLE: (
        "the connection flow's source step creates the source when it is missing; Tributary writes it on every create."
    ),
    SourceStrategy.UNSUPPORTED: "the ATS has no source Tributary can write.",
}
SOURCE_LEVEL_TEXTS: dict[SourceLevel, str] = {
    SourceLevel.APPLICATION: "The ATS keeps the source on each application.",
    SourceLevel.CANDIDATE: "The ATS keeps the source once on the candidate (an existing candidate's is never changed).",
}
SCOPE_TEXTS: dict[Scope, str] = {
    Scope.APPLICATION: "Read per application (for the applications Tributary holds).",
    Scope.CANDIDATE: "Read per candidate (for the candidates Tributary holds).",
}


@dataclass(frozen=True)
class FieldRow:
    id: str
    coverage_status: CoverageStatus


@dataclass(frozen=True)
class CoverageRow:
    """One read model or write action: its status, its fields' statuses and notes derived from the catalog."""

    id: str
    label: str
    coverage_status: CoverageStatus
    fields: tuple[FieldRow, ...]
    notes: tuple[str, ...] = ()

    @property
    def supported(self) -> bool:
        return self.coverage_status == CoverageStatus.SUPPORTED

    def as_contract(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "coverage_status": self.coverage_status.value,
            "fields": [{"id": field.id, "coverage_status": field.coverage_status.value} for field in self.fields],
        }


@dataclass(frozen=True)
class FeatureRow:
    id: str
    label: str
    coverage_status: CoverageStatus
    notes: tuple[str, ...] = ()

    @property
    def supported(self) -> bool:
        return self.coverage_status == CoverageStatus.SUPPORTED

    def as_contract(self) -> dict[str, object]:
        return {"id": self.id, "label": self.label, "coverage_status": self.coverage_status.value}


@dataclass(frozen=True)
class ToolCoverage:
    read_models: tuple[CoverageRow, ...]  # every unified model, in the contract's order
    write_actions: tuple[CoverageRow, ...]  # every unified write action
    features: tuple[FeatureRow, ...]

    def as_contract(self) -> dict[str, object]:
        return {
            "read_models": [row.as_contract() for row in self.read_models],
            "write_actions": [row.as_contract() for row in self.write_actions],
            "features": [row.as_contract() for row in self.features],
        }


def _strategy(strategy: SourceStrategy) -> str:
    return f"{SOURCE_STRATEGY_LABELS[strategy]}: {SOURCE_STRATEGY_TEXTS[strategy]}"


def _status(supported: bool) -> CoverageStatus:
    return CoverageStatus.SUPPORTED if supported else CoverageStatus.UNSUPPORTED


def _fields(names: tuple[str, ...], coverage: ReadCoverage | WriteCoverage | None) -> tuple[FieldRow, ...]:
    declared = coverage.fields if coverage else {}
    return tuple(FieldRow(name, declared.get(name, CoverageStatus.UNSUPPORTED)) for name in names)


def _read_notes(connector_class: type[Connector], coverage: ReadCoverage) -> tuple[str, ...]:
    notes = []
    if coverage.supports_updated_since:
        deletions = " and reports deletions" if connector_class.reports_deletions else ""
        notes.append(f"Delta syncs read only what changed since the last sync (`updated_since`){deletions}.")
    else:
        notes.append("Every sync reads all records: the ATS cannot filter this model by change date.")
    if coverage.scope in SCOPE_TEXTS:
        notes.append(SCOPE_TEXTS[coverage.scope])
    if coverage.supports_remote_ids and coverage.model in TRACKED_MODELS:
        notes.append("Tracked records are fetched by their ids.")
    notes.extend(connector_class.read_notes.get(coverage.model, ()))
    return tuple(notes)


def _write_notes(connector_class: type[Connector], action: WriteAction) -> tuple[str, ...]:
    notes = []
    if action in (WriteAction.CREATE_APPLICATION, WriteAction.CREATE_CANDIDATE):
        notes.append("Attribution: " + _strategy(connector_class.source_strategy))
        if connector_class.salary_period:
            notes.append(f"Salary expectations are converted to a per-{connector_class.salary_period.lower()} amount.")
        notes.append(CUSTOM_FIELDS_WRITTEN if connector_class.takes_custom_fields else CUSTOM_FIELDS_DROPPED)
    if action == WriteAction.IMPORT_TRACKED_APPLICATION:
        for key, ids in connector_class.tracked_application_keys.items():
            notes.append(f"Request key `{key}` with {', '.join(f'`{name}`' for name in ids)}.")
    if action in (WriteAction.GET_APPLICATION_ATTACHMENTS, WriteAction.GET_CANDIDATE_ATTACHMENTS):
        notes.append("Read live from the ATS; each `data_url` is a signed Tributary URL that streams the file.")
    notes.extend(connector_class.write_notes.get(action, ()))
    return tuple(notes)


def read_model_rows(connector_class: type[Connector]) -> tuple[CoverageRow, ...]:
    rows = []
    for model in ReadModel:
        coverage = connector_class.coverage_for(model)
        rows.append(
            CoverageRow(
                id=model.value,
                label=READ_MODEL_LABELS[model],
                coverage_status=_status(coverage is not None),
                fields=_fields(READ_MODEL_FIELDS[model], coverage),
                notes=_read_notes(connector_class, coverage) if coverage else (),
            )
        )
    return tuple(rows)


def write_action_rows(connector_class: type[Connector]) -> tuple[CoverageRow, ...]:
    rows = []
    for action in WriteAction:
        coverage = connector_class.write_coverage_for(action)
        rows.append(
            CoverageRow(
                id=action.value,
                label=WRITE_ACTION_LABELS[action],
                coverage_status=_status(coverage is not None),
                fields=_fields(WRITE_ACTION_FIELDS[action], coverage),
                notes=_write_notes(connector_class, action) if coverage else (),
            )
        )
    return tuple(rows)


def feature_rows(connector_class: type[Connector]) -> tuple[FeatureRow, ...]:
    reads = connector_class.read_coverage
    delta_models = [READ_MODEL_LABELS[entry.model].lower() for entry in reads if entry.supports_updated_since]
    by_id = [
        READ_MODEL_LABELS[entry.model].lower()
        for entry in reads
        if entry.supports_remote_ids and entry.model in TRACKED_MODELS
    ]
    oauth = [mode.label for mode in connector_class.auth_modes if mode.kind.startswith("OAUTH2_")]
    guides = [mode.label for mode in connector_class.auth_modes if mode.guide]
    custom_fields = [
        READ_MODEL_LABELS[entry.model].lower()
        for entry in reads
        if entry.fields.get("custom_fields") == CoverageStatus.SUPPORTED
    ]
    writes_source = connector_class.source_strategy != SourceStrategy.UNSUPPORTED
    prerequisites = []
    if any(mode.kind != AuthKind.NONE for mode in connector_class.auth_modes):
        prerequisites.append("Credentials or a sign-in of an ATS administrator (see the connection guide).")
    if connector_class.source_strategy == SourceStrategy.MUST_EXIST:
        prerequisites.append("The candidate source set up in the ATS by hand (the flow's source step says where).")
    return (
        FeatureRow(
            "automatic_source_writing",
            "Automatic source writing",
            _status(writes_source),
            (_strategy(connector_class.source_strategy),)
            + ((SOURCE_LEVEL_TEXTS[connector_class.source_level],) if writes_source else ()),
        ),
        FeatureRow(
            "sync_only_created_applications",
            "Sync only created applications",
            CoverageStatus.SUPPORTED,
            (
                "Candidates and applications are synced only when created through Tributary (or imported), "
                "unless the integration syncs everything."
                + (f" Fetched by id: {', '.join(by_id)}." if by_id else " Others are skipped while listing."),
            ),
        ),
        FeatureRow(
            "connection_guide",
            "Connection guide",
            _status(bool(guides)),
            (f"A step-by-step guide for: {', '.join(guides)}.",) if guides else (),
        ),
        FeatureRow("prerequisites", "Prerequisites", _status(bool(prerequisites)), tuple(prerequisites)),
        FeatureRow("oauth", "OAuth", _status(bool(oauth)), (f"Auth modes: {', '.join(oauth)}.",) if oauth else ()),
        FeatureRow(
            "passthrough",
            "Passthrough API",
            _status(bool(connector_class.passthrough_apis)),
            tuple(f"`POST /v1/passthrough/{connector_class.tool}/{api}`" for api in connector_class.passthrough_apis),
        ),
        FeatureRow(
            "scope_testing",
            "Scope testing",
            _status(bool(connector_class.scope_tests)),
            (f"{len(connector_class.scope_tests)} permissions checked live in the connection flow.",)
            if connector_class.scope_tests
            else (),
        ),
        FeatureRow(
            "delta_sync",
            "Delta sync",
            _status(bool(delta_models)),
            (f"Changed since the last sync: {', '.join(delta_models)}.",) if delta_models else (),
        ),
        FeatureRow(
            "custom_field_explorer",
            "Custom field explorer",
            CoverageStatus.SUPPORTED,
            (
                "The ATS's fields are listed live (the admin's field explorer, `GET …/integration-fields`)"
                " and can be mapped to the environment's custom fields.",
            )
            + ((f"`custom_fields` are read on: {', '.join(custom_fields)}.",) if custom_fields else ())
            + (CUSTOM_FIELDS_WRITTEN if connector_class.takes_custom_fields else CUSTOM_FIELDS_DROPPED,),
        ),
    )


CUSTOM_FIELDS_WRITTEN = (
    "`custom_fields` on create application / create candidate (Tributary's extension) are written to the ATS "
    "fields they are mapped to."
)
CUSTOM_FIELDS_DROPPED = (
    "`custom_fields` on create are not written to this ATS: the create succeeds, and its warning names each key "
    "that was dropped."
)


def tool_coverage(connector_class: type[Connector]) -> ToolCoverage:
    return ToolCoverage(
        read_models=read_model_rows(connector_class),
        write_actions=write_action_rows(connector_class),
        features=feature_rows(connector_class),
    )


# -- the connector pages --------------------------------------------------------------------------------------

AUTH_KIND_LABELS: dict[AuthKind, str] = {
    AuthKind.NONE: "No credentials",
    AuthKind.API_KEY: "API key",
    AuthKind.OAUTH2_AUTHORIZATION_CODE: "OAuth 2.0 authorization code",
    AuthKind.OAUTH2_CLIENT_CREDENTIALS: "OAuth 2.0 client credentials",
}
SOURCE_NAME_PLACEHOLDER = "your source name"


@dataclass(frozen=True)
class AuthModeView:
    kind: str
    kind_label: str
    label: str
    fields: tuple[tuple[str, str, bool, str], ...]  # (name, label, secret, help text)
    guide: str  # Markdown
    links: tuple[tuple[str, str], ...]
    oauth_scopes: tuple[str, ...]


@dataclass(frozen=True)
class ConnectorPage:
    """Everything a connector page shows, from the connector class's catalog declaration."""

    tool: str
    label: str
    category: str
    beta: bool
    connection_guide_url: str | None
    auth_modes: tuple[AuthModeView, ...]
    scope_tests: tuple[tuple[str, str, str], ...]  # (id, label, fix hint)
    source_strategy: str
    source_strategy_label: str
    source_strategy_text: str
    source_level_text: str
    source_type_label: str | None
    source_guide: str  # Markdown, "" when the flow has no source step
    source_links: tuple[tuple[str, str], ...]
    passthrough_apis: tuple[str, ...]
    rate_limit: str
    assumptions: tuple[str, ...]
    coverage: ToolCoverage
    notes: tuple[str, ...] = ()  # the connector's `page_notes`

    @property
    def resources(self) -> tuple[tuple[str, str], ...]:
        """Every guide link of the catalog, once per URL: the connection guide, the auth modes', the source step's."""
        links: list[tuple[str, str]] = []
        if self.connection_guide_url:
            links.append((f"{self.label}: connection guide", self.connection_guide_url))
        for mode in self.auth_modes:
            links.extend(mode.links)
        links.extend(self.source_links)
        by_url: dict[str, str] = {}
        for label, url in links:
            by_url.setdefault(url, label)
        return tuple((label, url) for url, label in by_url.items())

    @property
    def read_models(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.coverage.read_models if row.supported)

    @property
    def missing_read_models(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.coverage.read_models if not row.supported)

    @property
    def write_actions(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.coverage.write_actions if row.supported)

    @property
    def missing_write_actions(self) -> tuple[CoverageRow, ...]:
        return tuple(row for row in self.coverage.write_actions if not row.supported)


def _rate_limit_text(connector_class: type[Connector]) -> str:
    budget = connector_class.rate_budget
    if budget is None:
        return "No limit: the ATS is inside Tributary."
    parts = [f"{budget.requests_per_second:g} requests per second", f"{budget.max_concurrency} at once"]
    parts += [f"`{prefix}` {limit} at once" for prefix, limit in budget.concurrency_overrides.items()]
    parts += [f"`{prefix}` {rate * 60:g} per minute" for prefix, rate in budget.rate_overrides.items()]
    return "Per credential, shared by every Tributary process: " + ", ".join(parts) + "."


def connector_page(connector_class: type[Connector]) -> ConnectorPage:
    setup = connector_class.source_setup
    return ConnectorPage(
        tool=connector_class.tool,
        label=connector_class.label,
        category=connector_class.category,
        beta=connector_class.beta,
        connection_guide_url=connector_class.connection_guide_url,
        auth_modes=tuple(
            AuthModeView(
                kind=mode.kind.value,
                kind_label=AUTH_KIND_LABELS[mode.kind],
                label=mode.label,
                fields=tuple((field.name, field.label, field.secret, field.help_text) for field in mode.fields),
                guide=mode.guide,
                links=mode.links,
                oauth_scopes=mode.oauth_scopes,
            )
            for mode in connector_class.auth_modes
        ),
        scope_tests=tuple((test.id, test.label, test.fix_hint) for test in connector_class.scope_tests),
        source_strategy=connector_class.source_strategy.value,
        source_strategy_label=SOURCE_STRATEGY_LABELS[connector_class.source_strategy],
        source_strategy_text=SOURCE_STRATEGY_TEXTS[connector_class.source_strategy],
        source_level_text=SOURCE_LEVEL_TEXTS[connector_class.source_level],
        source_type_label=setup.source_type_label if setup else None,
        source_guide=setup.guide.replace("{source_name}", SOURCE_NAME_PLACEHOLDER) if setup else "",
        source_links=setup.links if setup else (),
        passthrough_apis=connector_class.passthrough_apis,
        rate_limit=_rate_limit_text(connector_class),
        assumptions=connector_class.assumptions,
        coverage=tool_coverage(connector_class),
        notes=connector_class.page_notes,
    )
