"""The connection flow's source step, as integrations needs to know it: is there one, is it done, and does the
source still exist (re-checked after full syncs).

Whether there is one depends only on the environment and the tool's catalog. Whether it is done is attribution's
knowledge (its source mapping); `apps.attribution`, which sits above us (DESIGN.md "Apps and their direction"),
registers that check at start-up (`AttributionConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from apps.connectors.catalog import SourceStrategy
from apps.connectors.registry import get_connector_class
from apps.integrations.models import Integration

# The strategies whose source the end user (or the flow, through the API) has to set up once.
SETUP_STRATEGIES = (SourceStrategy.MUST_EXIST, SourceStrategy.CREATABLE)

_configured: list[Callable[[Integration], bool]] = []
_rechecks: list[Callable[..., object]] = []


def source_step_required(integration: Integration) -> bool:
    """Whether the connection flow has a source step for this integration (its setup link has something to do)."""
    return integration.environment.automatic_source_writing and (
        get_connector_class(integration.tool).source_strategy in SETUP_STRATEGIES
    )


def source_step_register(configured: Callable[[Integration], bool]) -> None:
    """Called once by `apps.attribution` at start-up: tells whether an integration's source is set up."""
    _configured[:] = [configured]


def source_step_done(integration: Integration) -> bool:
    if not _configured:
        raise ImproperlyConfigured("No source step check registered: is apps.attribution in INSTALLED_APPS?")
    return _configured[0](integration)


def source_recheck_register(recheck: Callable[..., object]) -> None:
    """Called once by `apps.attribution` at start-up: re-checks an integration's source mapping live (after every
    full sync, so a source deleted in the ATS raises its issue)."""
    _rechecks[:] = [recheck]


def source_recheck(integration: Integration, connector: object) -> object:
    """Re-check live; returns what the registered check returns (attribution's source mapping)."""
    if not _rechecks:
        raise ImproperlyConfigured("No source re-check registered: is apps.attribution in INSTALLED_APPS?")
    return _rechecks[0](integration=integration, connector=connector)
