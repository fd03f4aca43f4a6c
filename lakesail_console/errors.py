from django.http import HttpRequest, HttpResponse
from django.views.defaults import server_error as html_server_error

from apps.core.api.exceptions import api_server_error


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return html_server_error(request)
