"""The connection flow's page plumbing: the link-token decorator, rendering in the link's language, URLs, the
Markdown of catalog texts, and the page for an unexpected error."""

from __future__ import annotations

import base64
import functools
import html
import logging
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import markdown
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from apps.connectors.registry import get_connector_class
from apps.integrations.connect_selectors import connect_link_for_token
from apps.integrations.connect_services import (
    connect_flow_record_failure,
)
from apps.integrations.models import ConnectionFlowFailure, ConnectLink

View = Callable[..., HttpResponse]

logger = logging.getLogger("apps.integrations.connect_flow")  # the name operators already filter on
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


UNEXPECTED_ERROR_STEPS = {
    "connect": ConnectionFlowFailure.Step.CREDENTIALS,
    "checks": ConnectionFlowFailure.Step.SCOPE_TESTS,
    "checks_next": ConnectionFlowFailure.Step.SCOPE_TESTS,
    "checks_retry": ConnectionFlowFailure.Step.SCOPE_TESTS,
    "oauth_start": ConnectionFlowFailure.Step.OAUTH,
    "source": ConnectionFlowFailure.Step.SOURCE,
    "finish": ConnectionFlowFailure.Step.SOURCE,
}


def render_markdown(text: str) -> SafeString:
    # The guides come from the connector catalog (our code), never from users; values put into them go through
    # `markdown_literal` first.
    return mark_safe(markdown.markdown(str(text), extensions=["extra", "sane_lists"]))  # noqa: S308


def markdown_literal(value: str) -> str:
    """`value` as literal text inside a Markdown guide: no link, emphasis or HTML it might spell is rendered."""
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", value))


def _language(link: ConnectLink | None) -> str:
    if link is None:
        return "en"
    try:
        return translation.get_supported_language_variant(link.language)
    except LookupError:
        return "en"


@functools.cache
def _tool_logo(tool: str) -> str | None:
    """The tool's logo inlined as a data URI: the flow needs no static file serving, even embedded elsewhere."""
    found = finders.find(f"tools/{tool}.svg")
    if not found:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(Path(str(found)).read_bytes()).decode()


def _url(name: str, link_token: str, **query: str) -> str:
    url = reverse(f"connect:{name}", kwargs={"token": link_token})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _render(
    request: HttpRequest,
    link: ConnectLink | None,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    token: str = "",
) -> HttpResponse:
    language = _language(link)
    base: dict[str, Any] = {"link": link, "token": token, "language": language}
    if link is not None:
        tool = link.selected_tool
        base["customer_name"] = link.environment.display_name
        base["organization_name"] = link.end_user_organization_name
        if tool:
            base["tool_label"] = get_connector_class(tool).label
            base["tool_logo"] = _tool_logo(tool)
    with translation.override(language):
        response = render(request, template, {**base, **(context or {})}, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Language"] = language
    # The OAuth popup must keep its opener (the iframe on the customer's site) to report back; Django's
    # default COOP `same-origin` would cut that link.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


def _unexpected_error(
    request: HttpRequest, link: ConnectLink, token: str, *, step: str, error: Exception
) -> HttpResponse:
    """The end user gets a page in their language that says what to do, never Django's bare 500."""
    logger.error(
        "Unexpected error in the connection flow (%s %s, link %s)",
        request.method,
        request.path,
        link.id,
        exc_info=error,
    )
    try:
        connect_flow_record_failure(
            link=link, step=step, reason=f"Unexpected error ({type(error).__name__}); see the server log."
        )
    except Exception:
        logger.exception("Could not record the connection-flow failure of link %s", link.id)
    return _render(request, link, "connect/error.html", {"retry_url": _url("entry", token)}, status=500, token=token)


def flow_view(view: View) -> View:
    """Resolve the link token; answer unknown, expired and used links with their own page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        link = connect_link_for_token(token)
        if link is None:
            return _render(request, None, "connect/link_invalid.html", {"reason": "unknown"}, status=404)
        if link.completed_at is not None:
            return _render(request, link, "connect/link_invalid.html", {"reason": "used"}, status=410)
        if link.is_expired:
            if not link.failures.filter(step=ConnectionFlowFailure.Step.LINK).exists():
                connect_flow_record_failure(
                    link=link, step=ConnectionFlowFailure.Step.LINK, reason="The link was opened after it expired."
                )
            return _render(request, link, "connect/link_invalid.html", {"reason": "expired"}, status=410)
        try:
            # The link's language, not the browser's, for every text the view translates (connector catalog
            # texts, form errors) as well as for the template.
            with translation.override(_language(link)):
                return view(request, link, token, *args, **kwargs)
        except Exception as error:
            step = UNEXPECTED_ERROR_STEPS.get(view.__name__, ConnectionFlowFailure.Step.LINK)
            return _unexpected_error(request, link, token, step=step, error=error)

    return xframe_options_exempt(csrf_exempt(never_cache(wrapper)))
