"""The console's global search (the header's box): every registered source, grouped."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core import console_search
from apps.core.console import console_view
from apps.core.htmx import is_partial


@console_view
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    text = console_search.clean(request.GET.get("q", ""))
    context = {
        "query": text,
        "groups": console_search.search(request.principal, text),
        "sources": [s.label for s in console_search.sources()],
    }
    if is_partial(request):  # the header's live results
        return render(request, "components/search_results.html", context)
    return render(request, "org/search.html", context)
