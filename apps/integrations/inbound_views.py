"""`POST /webhooks/inbound/<integration id>/<token>`: where the ATSs push (see `apps.integrations.inbound_services`).

No session, CSRF or API-key authentication applies: the URL token and the vendor's signature are the
authentication. The body is read raw (signatures cover the exact bytes) and nothing is parsed before it is verified.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.integrations.inbound_services import inbound_receive


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest, integration_id: str, token: str) -> HttpResponse:
    headers = {name.lower(): value for name, value in request.headers.items()}
    answer = inbound_receive(integration_id=integration_id, token=token, headers=headers, body=request.body)
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
