"""Where Personio's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "The v2 token response is read as RFC 6749 JSON (`access_token`, `token_type`, `expires_in`); its error bodies "
    "are RFC 6749 `{error, error_description}` with Personio's documented error names; a token lives 86400 s.",
    "The v2 recruiting GETs have no published limit: the emulator allows 300 requests per 60 s per company and the "
    "connector books 4.5 per second; v1 creates and uploads keep the documented 20 per 60 s (booked at 0.3 per s).",
    "A 429 carries a `Retry-After` header (headers are not documented); v1 429s have no body, v2 429s the v2 "
    "ErrorResponse with `common.too_many_requests`.",
    "A refused v2 list parameter (limit over 200, `updated_at.gt` together with `updated_at.lt`) answers 400 with "
    "the v2 ErrorResponse; `updated_at.gt` takes an ISO 8601 time, without an offset it is UTC.",
    "Stage `type` on v2 is `system` or `custom` (as the v1 `phase.type`), a system stage's `id` is its v1 phase id "
    "(unassigned, rejected, withdrawn, offer, accepted) and its `kind` the same; custom stages have `kind` custom.",
    "A category (`GET /v2/recruiting/categories/{id}`) lists its `stages` in pipeline order: Unassigned, the "
    "custom stages, then Rejected, Withdrawn, Offer, Accepted; a new application lands in Unassigned.",
    "Outcome: Accepted is HIRED, Rejected and Withdrawn are DECLINED, every other stage PENDING; `rejected_at` is "
    "the entry into Rejected/Withdrawn from the stage transitions.",
    "A v2 job carries `status` published / unpublished / archived; only published jobs take applications.",
    "The v1 create validates every field and lists every failure at once, so a body with empty names and the "
    "channel id checks whether the channel exists without creating anything (the channel check in the flow).",
    "Personio matches candidates by email: an application with a known email is added to that candidate.",
    "An application's source is its `channel {id, name}`; a channel cannot be looked up by name, only by its ID.",
    "Channels are never deleted while applications reference them; a create whose configured channel no longer "
    "exists is sent again without a channel (with a warning).",
    'v2 timestamps are local company time with `{"date-time", "timezone"}` to the second (observed payloads).',
)

# Shown on Personio's connector page (`Connector.page_notes`).
PAGE_NOTES: tuple[str, ...] = (
    "**Changes arrive by polling only.** Personio's Webhooks API (`/v2/webhooks`, managed with `enabled_events`; "
    "HTTPS POSTs acknowledged within 3 s, retried for up to 3 days and at most 6 attempts) documents only the "
    "`person.created`, `person.updated` and `person.deleted` events of its HR side, and no recruiting event for "
    "applications, candidates or jobs; its signature scheme is not documented either. Tributary therefore "
    "subscribes to nothing and picks up recruiting changes with its scheduled delta: applications and candidates "
    "by `updated_at.gt`, jobs by a full scan; deletions are not signalled by Personio.",
)
