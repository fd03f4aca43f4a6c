from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from apps.core.health import run_checks


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503)
