"""Where Workable's public material says NOT FOUND, what this connector and its emulator assume.

Each sentence matches an "assumed" / NOT FOUND comment at its place in the code; the connector page lists them.
"""

from __future__ import annotations

ASSUMPTIONS: tuple[str, ...] = (
    "The account-path form of the v3 base (`https://www.workable.com/spi/v3/accounts/{subdomain}`) answers like "
    "`https://{subdomain}.workable.com/spi/v3`, so the subdomain travels with the credentials.",
    "The 429 body and a `Retry-After` header are not documented: the emulator answers "
    '`{"error": "Rate limit exceeded"}` with only the `X-Rate-Limit-*` headers, and the connector waits until '
    "`X-Rate-Limit-Reset`.",
    'The 403 for a missing scope answers the same `{"error": ...}` shape as the documented 401 and 404.',
    "No concurrency cap is documented beside the 10 requests per 10 seconds of an account token.",
    "`GET /members` needs any read scope (its scope is not documented).",
    "Only published jobs take candidates; draft, closed and archived jobs refuse them (422).",
    "A `limit` above 100 is refused (400) rather than cut to 100.",
    "`updated_after` / `created_after` compare strictly after, at second resolution; invalid values answer 422.",
    "An unknown subdomain answers 404 like a missing record.",
    "Answer read shapes other than text and choices echo the written key (`checked`, `value`, `date`).",
    "The acting member of a move, disqualification or comment is "
    "`remote_fields.workable.on_behalf_of_user_remote_id`, else the account's first active admin.",
    "A disqualified candidate that is also in the hired stage reads as DECLINED.",
    "An offer and a file have no id in their recorded shapes: their remote ids are `<candidate id>:offer` and "
    "`<candidate id>:<file name>` (one current offer per candidate).",
    "Offer `state` values beyond `accepted` and `rejected` are not documented: `draft`, `sent`/`pending`, "
    "`approved` are assumed.",
    "File `kind` / `source` values are not documented: the CV is `resume` / `candidate`, a comment's file "
    "`attachment` / `comment`.",
    "`GET /events` leaves cancelled events out unless `include_cancelled=true` (the default is not documented); "
    "the connector always asks for them.",
    "`GET /candidates/:id/offer` needs the `r_offers` scope and answers account tokens (only `/offers/:id` is "
    "documented as user-token only).",
    "Partner OAuth: the token endpoint answers RFC 6749 JSON with a one-hour access token and a refresh token "
    "that is kept on refresh (not rotated); the approval page and `/oauth/token` live on the connection's base "
    "(`www.workable.com`, the emulator itself).",
    "After the code exchange the account's subdomain comes from `GET /spi/v3/accounts` "
    '(`{"accounts": [{"id", "name", "subdomain"}]}`, shape assumed), the first account the token reaches.',
    "An OAuth token's 50 requests per 10 s are counted per token (per OAuth client and user), like an account "
    "token's 10; the connector books 4.75 requests per second on OAuth connections and 0.95 on account tokens.",
    "Webhooks: the signature (`X-Workable-Signature`) is the lower-case hex HMAC-SHA256 of the raw body; Workable "
    "sends no event id or timestamp, so the event id is the SHA-256 of the body and a delivery's age is not checked.",
    'Webhooks: a failed delivery is replayed after 1, 5 and 30 minutes and 2 hours ("replays the request", '
    "schedule not documented); a duplicate target is a 409, so the connector subscribes one target per event "
    "(`?event=<name>`).",
    "Webhooks: `candidate_deleted` (Nango's list, unconfirmed) is emulated for a candidate deleted in the UI; no "
    "disqualification, comment or tag event is documented, so those changes arrive by polling.",
    "A new comment, file or offer moves the candidate's `updated_at`, so a delta reads offers, notes and files only "
    "of candidates `updated_after` reports.",
    "Deletions are not reported (only a `candidate_deleted` webhook, unconfirmed): a FULL sync finds them.",
    "Scope checks for `w_candidates`, `w_comments` and `r_offers` call `PUT …/tags`, `POST …/comments` and "
    "`GET …/offer` on a candidate id that cannot exist (`000000`): Workable is assumed to answer 403 for a missing "
    "scope before it looks the candidate up, so a 404 proves the scope and nothing is written.",
    '`X-Rate-Limit-Reset` ("timestamp of next interval") is read on a sliding window: the current second while '
    "requests are left, else when the window frees a request.",
)
