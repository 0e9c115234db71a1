"""Process-level settings for serving requests (the WSGI/ASGI entry points call them once at start-up)."""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 50_000


def tune_gc_for_serving() -> None:
    """Keep the cyclic garbage collector's full collections off the request path.

    A page of an ATS list allocates a few thousand short-lived containers. With CPython's default thresholds
    (700, 10, 10) enough of them survive two young collections to trigger a full collection every ~17 requests,
    and a full collection over the ~120k objects Django and the apps hold after start-up pauses that request for
    50-80 ms on a small VM. Freezing the start-up heap (it lives as long as the process anyway; also keeps
    copy-on-write pages shared between forked workers, https://docs.python.org/3/library/gc.html#gc.freeze) and
    collecting the young generation less often removes those pauses. Reference counting still frees everything
    else at once; only reference cycles wait a little longer.
    """
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *gc.get_threshold()[1:])
