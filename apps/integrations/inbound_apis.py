"""The `inbound_webhooks` extension object of `GET /v1/integrations/{id}` (Tributary extension, not Kombo's).

Additive: clients that do not know it (the official SDK) ignore it. See `apps.integrations.inbound_freshness`."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.fields import StrictCharField


class InboundModelFreshnessSerializer(serializers.Serializer):
    model = StrictCharField(help_text="The read model, e.g. `ats_applications`.")
    last_event_received_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last ATS webhook naming a record of this model was received."
    )
    last_targeted_sync_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last targeted sync stored this model's records named by webhooks."
    )
    lag_seconds = serializers.FloatField(
        allow_null=True, help_text="Seconds from receiving that event to storing its records (the last one measured)."
    )


class InboundWebhooksSerializer(serializers.Serializer):
    setup = serializers.ChoiceField(
        choices=["API", "MANUAL"],
        help_text="`API`: Tributary subscribes through the ATS's API; `MANUAL`: the URL is pasted into the ATS.",
    )
    status = serializers.ChoiceField(
        choices=["PENDING", "SUBSCRIBED", "MANUAL", "FAILED", "UNSUBSCRIBED"],
        help_text="Where the subscription stands. `FAILED`: polling only (an integration issue says why).",
    )
    healthy = serializers.BooleanField(
        help_text="An event was received recently; while true the scheduled delta sync runs less often."
    )
    last_event_received_at = serializers.DateTimeField(allow_null=True)
    vendor_key_stored = serializers.BooleanField(
        allow_null=True,
        help_text="Where the ATS generates the signing key (Teamtailor): whether the end user pasted it on the "
        "connection flow's done page (or staff in the admin); deliveries are refused until then. `null` where the "
        "ATS signs with the secret Tributary gives it.",
    )
    models = InboundModelFreshnessSerializer(many=True)
