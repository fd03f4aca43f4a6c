"""The console's URLs plus `/bench/bare/<name>`: bare Django JSON views of the same rows, for comparison."""

from django.urls import include, path

from bench.bare import bare_runs, bare_view

urlpatterns = [
    path("bench/bare/<str:name>", bare_view),
    path("bench/bare-runs/<str:scope>", bare_runs),
    path("", include("lakesail_console.urls")),
]
