from __future__ import annotations

from django.urls import path

from apps.integrations.inbound_views import inbound_webhook

urlpatterns = [
    path("<str:integration_id>/<str:token>", inbound_webhook, name="inbound-webhook"),
]
