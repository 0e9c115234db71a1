"""URLs of the connection flow's pages, mounted at /connect/."""

from __future__ import annotations

from django.urls import path

from apps.integrations import connect_flow, inbound_connect

app_name = "connect"

urlpatterns = [
    path("oauth/callback", connect_flow.oauth_callback, name="oauth-callback"),
    path("<str:token>/", connect_flow.entry, name="entry"),
    path("<str:token>/tools", connect_flow.tools, name="tools"),
    path("<str:token>/connect", connect_flow.connect, name="connect"),
    path("<str:token>/checks", connect_flow.checks, name="checks"),
    path("<str:token>/checks/next", connect_flow.checks_next, name="checks-next"),
    path("<str:token>/checks/retry", connect_flow.checks_retry, name="checks-retry"),
    path("<str:token>/oauth", connect_flow.oauth_start, name="oauth-start"),
    path("<str:token>/source", connect_flow.source, name="source"),
    path("<str:token>/finish", connect_flow.finish, name="finish"),
    path("<str:token>/webhook-key", inbound_connect.webhook_key, name="webhook-key"),
    path("", connect_flow.no_token, name="no-token"),
    path("<str:token>/<path:rest>", connect_flow.entry, name="other"),
]
