"""Request checks for the admin."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"


class RejectNulMiddleware:
    """A NUL character in an admin address (path or query string) or action selection is refused with 400.

    PostgreSQL cannot compare text with NUL: an admin filter, search, object id or action selection carrying one
    (`?status__exact=%00`, `/admin/…/%00/change/`) otherwise ends in a 500. (/v1 and the connection flow handle
    such input themselves.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and (
            NUL in request.path
            or any(NUL in key or NUL in value for key, value in request.GET.items())
            # The ids an admin action runs on; form fields refuse NUL themselves, with a message.
            or (request.method == "POST" and any(NUL in value for value in request.POST.getlist("_selected_action")))
        ):
            return HttpResponseBadRequest("Bad request: NUL characters are not allowed.")
        return self.get_response(request)
