"""Where Teamtailor's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "Rate limits are not documented (the X-Rate-Limit-* headers carry static values): the emulator allows 50 "
    "requests per 10 seconds per API key and answers 429 with a JSON:API error and Retry-After; the connector "
    "books 4.5 requests per second.",
    "Error bodies follow the JSON:API `errors[]` shape `{status, title, detail, source}`; only `detail` is "
    "documented as read by the official client.",
    "Only the API versions 20161108, 20240404 and 20240904 are served; a missing or unknown X-Api-Version is "
    "answered 406.",
    "An API key belongs to one region's stack (EU or NA): used on the other host it is unknown (401).",
    "A page size above 30 is refused with 400, and so is an unknown `include`.",
    "Request bodies must use the JSON:API media type `application/vnd.api+json` (415 otherwise).",
    "For a host Teamtailor does not know, `referring-site` is the host name without `www.`; the connector writes "
    "the source as a `referring-url` whose host is the source name made into a host name, with the exact name in "
    "a `tributary_source` query parameter that is read back.",
    "New job applications made through the API start in the job's Inbox stage; archived and draft jobs take no "
    "applications.",
)
