"""Where Factorial's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Error bodies are not documented (the OAS declares only 2xx answers); the emulator answers Rails-style "
    '`{"error": ...}` JSON.',
    "Only postings that candidates can see take applications.",
    "A CV travels as a base64 `cv` field on the candidate (no upload endpoint is documented); its size cap and "
    "accepted file types are our choice.",
    'Multiple-choice answers are encoded as a JSON array string (e.g. `["Python","Go"]`).',
    "A source is matched by its exact name or label.",
    "Candidate emails are unique per company.",
    "Deleting a posting is a soft deletion, so its applications' outcomes stay readable.",
    "File download URLs are ActiveStorage-style signed URLs of our own shape.",
    "A credential's `role` is `admin` or `basic`, as the documentation's example shows.",
    "Custom field items are `{id, company_id, label, field_type, resource_type}`.",
    "A webhook body's resource is told by its shape (an application has `ats_candidate_id` and `ats_job_posting_id`, a "
    "candidate `first_name`/`last_name`, a job posting `title`): the body carries no type.",
    "The webhook subscription list answers the usual `{data, meta}` envelope, and a subscription's challenge is "
    "changed by replacing the subscription (only `enabled` is documented for PUT).",
    "Factorial's 20 delivery attempts over 48 hours are spaced by doubling delays from 1 minute (capped at 4 "
    "hours); a 2xx answer within 10 seconds counts as delivered.",
    "Webhook subscriptions need no particular OAuth scope beyond a valid credential.",
)
