import json
from typing import Any

from django.http import HttpRequest, HttpResponse


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (boosted navigation wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted


def hx_trigger(response: HttpResponse, **events: Any) -> HttpResponse:
    response["HX-Trigger"] = json.dumps(events)
    return response
