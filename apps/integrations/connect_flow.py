"""The connection flow's server-rendered pages (end users, in an iframe or as a plain link).

The link token in the path authenticates every request; the pages set no cookies, so they work in a
third-party iframe and need no CSRF token (there is no ambient credential to forge a request with).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from apps.attribution.models import SourceMapping
from apps.attribution.services import (
    source_mapping_check,
    source_mapping_create_remote,
    source_mapping_ensure,
    source_mapping_select,
)
from apps.connectors.base import Connector
from apps.connectors.catalog import AuthKind, AuthMode, SourceStrategy
from apps.connectors.errors import ConnectorError, ConnectorUnsupported
from apps.connectors.registry import connector_classes, get_connector_class
from apps.core.api.urls import public_base_url
from apps.integrations.connect_checks import (
    checks_pending,
    checks_unreachable,
    connect_checks_begin,
    connect_checks_retry,
    connect_checks_run_next,
    results_of,
)
from apps.integrations.connect_pages import (
    _language,
    _render,
    _tool_logo,
    _unexpected_error,
    _url,
    flow_view,
    markdown_literal,
    render_markdown,
)
from apps.integrations.connect_selectors import FlowStep, connect_flow_step
from apps.integrations.connect_services import (
    CheckResult,
    OAuthStateInvalid,
    connect_flow_choose_tool,
    connect_flow_complete,
    connect_flow_oauth_callback,
    connect_flow_oauth_start,
    connect_flow_record_failure,
    connect_flow_verify_credentials,
    oauth_state_consume,
    oauth_state_link_token,
)
from apps.integrations.connectors import connector_for
from apps.integrations.inbound_connect import manual_webhook_context
from apps.integrations.models import ConnectionFlowFailure, ConnectLink, OAuthState
from apps.integrations.source_step import source_step_required

logger = logging.getLogger(__name__)


# Where an unexpected error in a page is recorded among the link's connection-flow failures.


# Texts from the connector catalogs (auth modes, credential fields, guides, link labels, scope tests, source
# guides) are English in the connectors, which know nothing of Django: the flow translates them where it renders
# them (`gettext` here, `{% translate value %}` in the templates); their German is in locale/de. A text missing
# from the catalog is shown in English.


STEP_LABELS = (
    (FlowStep.TOOL, gettext_noop("Choose your system")),
    (FlowStep.CONNECT, gettext_noop("Connect")),
    (FlowStep.SOURCE, gettext_noop("Source setup")),
    (FlowStep.DONE, gettext_noop("Done")),
)


def _steps(link: ConnectLink, current: FlowStep) -> list[dict[str, object]]:
    shown = list(STEP_LABELS)
    if link.integration_tool or link.kind != ConnectLink.Kind.NEW:
        shown = [step for step in shown if step[0] != FlowStep.TOOL]
    if link.kind == ConnectLink.Kind.SETUP:
        shown = [step for step in shown if step[0] in (FlowStep.SOURCE, FlowStep.DONE)]
    tool = link.selected_tool
    if tool and not _has_source_step(link, tool):
        shown = [step for step in shown if step[0] != FlowStep.SOURCE]
    order = [step for step, _label in shown]
    current_index = order.index(current) if current in order else 0
    return [
        {"label": _(label), "state": "done" if index < current_index else "current" if index == current_index else ""}
        for index, (_step, label) in enumerate(shown)
    ]


def _free_text_source(link: ConnectLink) -> str | None:
    """The source name written on every create, for tools that take any name as written: the flow confirms it
    instead of asking the end user to set anything up."""
    integration = link.integration
    if integration is None or not link.environment.automatic_source_writing:
        return None
    if get_connector_class(integration.tool).source_strategy != SourceStrategy.FREE_TEXT:
        return None
    return source_mapping_ensure(integration=integration).source_name


def _has_source_step(link: ConnectLink, tool: str) -> bool:
    if link.integration is not None:
        return source_step_required(link.integration)
    return link.environment.automatic_source_writing and get_connector_class(tool).source_strategy in (
        SourceStrategy.MUST_EXIST,
        SourceStrategy.CREATABLE,
    )


def _step_url(link: ConnectLink, token: str) -> str:
    step = connect_flow_step(link)
    if step == FlowStep.TOOL:
        return _url("tools", token)
    if step == FlowStep.CONNECT:
        # Checks under way (or stopped by a network failure) resume on the checks page.
        if link.pending_credentials and link.scope_results:
            return _url("checks", token)
        return _url("connect", token)
    if step == FlowStep.SOURCE:
        return _url("source", token)
    # Verified and ready to finish: a link with a source step resumes there (it shows the source and "Finish"),
    # never on the checks page, which would skip the source step.
    if link.integration is not None and source_step_required(link.integration):
        return _url("source", token)
    return _url("checks", token)


@flow_view
def entry(request: HttpRequest, link: ConnectLink, token: str, rest: str = "") -> HttpResponse:
    """The link itself, and any other address under it (a mistyped, truncated or outdated one, a page opened
    with the wrong method): the end user lands on the step they are at."""
    return HttpResponseRedirect(_step_url(link, token))


@never_cache
@xframe_options_exempt
@csrf_exempt
def no_token(request: HttpRequest) -> HttpResponse:
    """/connect/ without a link token (a truncated link)."""
    return _render(request, None, "connect/link_invalid.html", {"reason": "unknown"}, status=404)


@require_http_methods(["GET", "POST"])
@flow_view
def tools(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    if link.integration_tool or link.integration_id:
        return HttpResponseRedirect(_step_url(link, token))
    if request.method == "POST":
        try:
            connect_flow_choose_tool(link=link, tool=request.POST.get("tool", ""))
        except ValueError:
            pass
        else:
            return HttpResponseRedirect(_url("connect", token))
    choices = [
        {"tool": cls.tool, "label": cls.label, "logo": _tool_logo(cls.tool), "beta": cls.beta}
        for cls in connector_classes(link.integration_category)
    ]
    query = request.GET.get("q", "").strip().lower()
    if query:
        choices = [choice for choice in choices if query in str(choice["label"]).lower()]
    return _render(
        request,
        link,
        "connect/tools.html",
        {"tools": choices, "query": query, "steps": _steps(link, FlowStep.TOOL)},
        token=token,
    )


def _auth_mode(connector_class: type[Connector], requested: str | None) -> AuthMode:
    modes = connector_class.auth_modes
    return next((mode for mode in modes if mode.kind == requested), modes[0])


@require_http_methods(["GET", "POST"])
@flow_view
def connect(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    tool = link.selected_tool
    if not tool or (link.verified_at is not None and link.kind != ConnectLink.Kind.RELINK):
        return HttpResponseRedirect(_step_url(link, token))
    connector_class = get_connector_class(tool)
    mode = _auth_mode(connector_class, request.POST.get("mode") or request.GET.get("mode"))
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    # A form from another window or an older page (the tool was switched meanwhile) must not send one ATS's
    # credentials to another: it is shown again for the current tool instead.
    posted_tool = request.POST.get("tool")
    posted_mode = request.POST.get("mode", "")
    stale_form = request.method == "POST" and (
        (posted_tool is not None and posted_tool != tool)
        or (bool(posted_mode) and connector_class.auth_mode(posted_mode) is None)  # type: ignore[arg-type]
    )
    if request.method == "POST" and not stale_form:
        for credential_field in mode.fields:
            value = request.POST.get(credential_field.name, "").strip()
            values[credential_field.name] = value
            if credential_field.required and not value:
                errors[credential_field.name] = _("This field is required.")
            elif value and credential_field.choices and value not in dict(credential_field.choices):
                errors[credential_field.name] = _("Choose one of the options.")
        if not errors and mode.kind != AuthKind.OAUTH2_AUTHORIZATION_CODE:
            credentials = {name: value for name, value in values.items() if value}
            if request.POST.get("progressive") == "1":
                # The page has script: the checks page runs the checks one by one and shows each as it completes.
                connect_checks_begin(link=link, auth_kind=mode.kind, credentials=credentials)
            else:
                connect_flow_verify_credentials(link=link, auth_kind=mode.kind, credentials=credentials)
            return HttpResponseRedirect(_url("checks", token))
    return _render(
        request,
        link,
        "connect/connect.html",
        {
            "mode": mode,
            "modes": connector_class.auth_modes,
            "guide": render_markdown(_(mode.guide)) if mode.guide else "",
            "fields": [
                {
                    "field": credential_field,
                    "value": "" if credential_field.secret else values.get(credential_field.name, ""),
                    "error": errors.get(credential_field.name, ""),
                }
                for credential_field in mode.fields
            ],
            "is_oauth": mode.kind == AuthKind.OAUTH2_AUTHORIZATION_CODE,
            "oauth_url": _url("oauth-start", token),
            "connection_guide_url": connector_class.connection_guide_url,
            "oauth_error": request.GET.get("oauth_error", ""),
            "stale_form": stale_form,
            "tool": tool,
            "can_change_tool": not (link.integration_tool or link.integration_id),
            "tools_url": _url("tools", token),
            "steps": _steps(link, FlowStep.CONNECT),
        },
        token=token,
    )


@require_GET
@flow_view
def checks(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    if not link.scope_results:
        return HttpResponseRedirect(_step_url(link, token))
    results = results_of(link)
    pending = checks_pending(link)
    passed = not pending and link.verified_at is not None and all(result.ok for result in results)
    has_source_step = link.integration is not None and source_step_required(link.integration)
    return _render(
        request,
        link,
        "connect/checks.html",
        {
            "results": results,
            "pending": pending,
            "unreachable": not pending and checks_unreachable(link),
            "passed": passed,
            "next_is_source": has_source_step,
            "free_text_source": _free_text_source(link),
            "source_url": _url("source", token),
            "finish_url": _url("finish", token),
            "next_check_url": _url("checks-next", token),
            "retry_checks_url": _url("checks-retry", token),
            "retry_url": _url("connect", token, mode=link.auth_kind) if link.auth_kind else _url("connect", token),
            "steps": _steps(link, FlowStep.CONNECT),
        },
        token=token,
    )


@require_http_methods(["POST"])
@flow_view
def checks_next(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    """Run the next pending check (one live call) and answer with its rendered row; the checks page asks again
    until `pending` is 0, then reloads to show the outcome."""
    outcome = connect_checks_run_next(link=link)
    rows = results_of(link)
    row = next((result for result in rows if outcome is not None and result.id == outcome.id), None)
    with translation.override(_language(link)):
        html_rows = {
            result.id: render_to_string("connect/check_row.html", {"result": result, "tool_label": _tool_label(link)})
            for result in rows
        }
    response = JsonResponse(
        {
            "ran": row.id if row is not None else None,
            "pending": sum(1 for result in rows if result.pending),
            "rows": html_rows,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
@flow_view
def checks_retry(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    """After a network failure: run the same checks again with the credentials kept for it."""
    if link.verified_at is None and connect_checks_retry(link=link):
        return HttpResponseRedirect(_url("checks", token))
    back = _url("connect", token, mode=link.auth_kind) if link.auth_kind else _url("connect", token)
    return HttpResponseRedirect(back)


def _tool_label(link: ConnectLink) -> str:
    tool = link.selected_tool
    return get_connector_class(tool).label if tool else ""


@require_GET
@flow_view
def oauth_start(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    popup = request.GET.get("popup") == "1"
    try:
        authorize_url = connect_flow_oauth_start(
            link=link,
            link_token=token,
            base_url=public_base_url(request),
            popup=popup,
            progressive=request.GET.get("progressive") == "1",
        )
    except (ValueError, ConnectorError) as error:
        message = error.message if isinstance(error, ConnectorError) else str(error)
        connect_flow_record_failure(link=link, step=ConnectionFlowFailure.Step.OAUTH, reason=message)
        return HttpResponseRedirect(_url("connect", token, mode=AuthKind.OAUTH2_AUTHORIZATION_CODE, oauth_error="1"))
    response = HttpResponseRedirect(authorize_url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@require_GET
@xframe_options_exempt
@never_cache
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """The redirect target registered with each ATS: `?code=…&state=…` or `?error=…&state=…`."""
    try:
        oauth_state = oauth_state_consume(request.GET.get("state", ""))
    except OAuthStateInvalid as error:
        # The state was sent to the ATS, so it must not lead back to the link's token: only the language is taken.
        return _render(
            request, error.link, "connect/link_invalid.html", {"reason": "oauth", "message": str(error)}, status=400
        )
    link_token = oauth_state_link_token(oauth_state)
    try:
        return _oauth_callback_finish(request, oauth_state, link_token)
    except Exception as failure:
        return _unexpected_error(
            request, oauth_state.link, link_token, step=ConnectionFlowFailure.Step.OAUTH, error=failure
        )


def _oauth_callback_finish(request: HttpRequest, oauth_state: OAuthState, link_token: str) -> HttpResponse:
    link = oauth_state.link
    checks_url = _url("checks", link_token)
    error = request.GET.get("error", "")
    code = request.GET.get("code", "")
    if error or not code:
        reason = request.GET.get("error_description") or error or "The authorization returned no code."
        connect_flow_record_failure(
            link=link, step=ConnectionFlowFailure.Step.OAUTH, reason=f"Authorization denied: {reason}"
        )
        link.scope_results = [
            CheckResult(
                id="credentials",
                label="Credentials",
                ok=False,
                message=reason,
                fix_hint=gettext_noop(
                    "Approve the access request in the sign-in window, or ask an administrator to do it."
                ),
            ).as_dict()
        ]
        link.save(update_fields=["scope_results", "updated_at"])
    else:
        try:
            connect_flow_oauth_callback(oauth_state=oauth_state, code=code)
        except (ConnectorError, ValueError) as failure:
            message = failure.message if isinstance(failure, ConnectorError) else str(failure)
            link.scope_results = [
                CheckResult(
                    id="credentials",
                    label="Credentials",
                    ok=False,
                    message=message,
                    fix_hint=gettext_noop("Start the sign-in again; the approval may have expired."),
                ).as_dict()
            ]
            link.save(update_fields=["scope_results", "updated_at"])
    if not oauth_state.popup:
        response = HttpResponseRedirect(checks_url)
        response["Referrer-Policy"] = "no-referrer"
        return response
    # Embedded flows sign in in a popup: it tells the iframe (its opener) to show the checks, then closes.
    return _render(request, link, "connect/oauth_popup_done.html", {"continue_url": checks_url})


def _source_context(link: ConnectLink, token: str, mapping: SourceMapping, connector: Connector) -> dict[str, Any]:
    connector_class = type(connector)
    guide = connector_class.source_setup
    sources = []
    try:
        sources = connector.list_sources()
    except ConnectorUnsupported:
        sources = []
    except ConnectorError as error:
        mapping.last_error = mapping.last_error or error.message
    name = mapping.source_name
    default_source, default_source_unknown = None, ""
    try:
        default_source = connector.default_source()
    except ConnectorError as error:
        default_source_unknown = error.remote_message or error.message
    return {
        "default_source": default_source,
        "default_source_unknown": default_source_unknown,
        "mapping": mapping,
        "source_name": name,
        "strategy": mapping.strategy,
        "configured": mapping.status == SourceMapping.Status.CONFIGURED,
        # Translated before the name goes in: the catalog's msgid keeps the `{source_name}` placeholder.
        "guide": render_markdown(_(guide.guide).replace("{source_name}", markdown_literal(name))) if guide else "",
        "guide_links": guide.links if guide else (),
        "source_type_label": _(guide.source_type_label) if guide and guide.source_type_label else None,
        "remote_id_label": _(guide.remote_id_label) if guide and guide.remote_id_label else None,
        "sources": sources,
        "can_create": mapping.strategy == SourceStrategy.CREATABLE,
        "steps": _steps(link, FlowStep.SOURCE),
        "finish_url": _url("finish", token),
    }


@require_http_methods(["GET", "POST"])
@flow_view
def source(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    integration = link.integration
    if integration is None or link.verified_at is None or not source_step_required(integration):
        return HttpResponseRedirect(_step_url(link, token))
    connector = connector_for(integration)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "check")
        try:
            if action == "create":
                source_mapping_create_remote(integration=integration, connector=connector)
            elif action == "select":
                source_mapping_select(
                    integration=integration, remote_id=request.POST.get("remote_id", ""), connector=connector
                )
            elif action == "skip":
                connect_flow_record_failure(
                    link=link, step=ConnectionFlowFailure.Step.SOURCE, reason="The end user skipped the source setup."
                )
                return _finish(request, link, token)
        except (ConnectorError, ValueError) as failure:
            error = failure.message if isinstance(failure, ConnectorError) else str(failure)
            connect_flow_record_failure(link=link, step=ConnectionFlowFailure.Step.SOURCE, reason=error)
        if not error and action != "check":
            return HttpResponseRedirect(_url("source", token))
    mapping = source_mapping_ensure(integration=integration)
    if not error:
        # The live check: does the source exist (still) in the ATS?
        mapping = source_mapping_check(integration=integration, connector=connector)
        if request.method == "POST" and mapping.status != SourceMapping.Status.CONFIGURED:
            connect_flow_record_failure(link=link, step=ConnectionFlowFailure.Step.SOURCE, reason=mapping.last_error)
    context = _source_context(link, token, mapping, connector)
    context["error"] = error
    context["checked"] = request.method == "POST"
    context["pasted_remote_id"] = request.POST.get("remote_id", "") if error else ""
    return _render(request, link, "connect/source.html", context, token=token)


def _finish(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    from apps.attribution.selectors import source_mapping_get

    integration = link.integration
    assert integration is not None
    configured = True
    if source_step_required(integration):
        mapping = source_mapping_get(integration)
        configured = mapping is not None and mapping.status == SourceMapping.Status.CONFIGURED
    else:
        source_mapping_ensure(integration=integration)
    try:
        completion = connect_flow_complete(link=link, source_configured=configured)
    except ValueError:
        return HttpResponseRedirect(_step_url(link, token))
    return _render(
        request,
        link,
        "connect/done.html",
        {
            "activation_token": completion.activation_token,
            "source_configured": configured,
            "free_text_source": _free_text_source(link),
            "inbound_webhook": manual_webhook_context(completion.integration, token),
            "steps": [{"label": step["label"], "state": "done"} for step in _steps(link, FlowStep.DONE)],
        },
        token=token,
    )


@require_http_methods(["GET", "POST"])
@flow_view
def finish(request: HttpRequest, link: ConnectLink, token: str) -> HttpResponse:
    # A GET (back/forward, a reopened tab, a bookmark) does not complete anything: it shows the current step.
    if request.method != "POST" or link.verified_at is None or link.integration is None:
        return HttpResponseRedirect(_step_url(link, token))
    return _finish(request, link, token)
