"""A small toolkit for stateful vendor emulators: plain Python + stdlib, no Django, no ORM.

- `http`: `Request` (query lists, JSON, form, multipart), `Response`, `HttpError`
- `routing`: `Router` with path templates (`/candidates/{id}/jobs/{job_id}`)
- `server`: `LoopbackServer` (threaded WSGI on 127.0.0.1, ephemeral port, context manager, `.url`)
- `faults`: `FaultInjector` (status answers, latency, dropped connections)
- `ratelimit`: `RateLimiter` (per-credential rate + concurrency, per-route overrides, `X-RateLimit-*` headers)
- `oauth`: `OAuthProvider` (authorization code with an approval page, refresh, client credentials, scopes, expiry)
- `stats`: `RequestStats` (totals, 429s, peak concurrency per credential, achieved requests/s)
- `app`: `EmulatorApp` (the shared request pipeline and the `/_emulator/` control endpoints)
- `registry`: `EMULATORS` (tool slug → app factory)
"""
