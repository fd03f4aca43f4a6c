from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from apps.core.api.exceptions import api_not_found

api_v1 = [
    path("", include("apps.identity.api.urls")),
    path("", include("apps.org.api.urls")),
    path("", include("apps.infra.api.urls")),
    path("", include("apps.workloads.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
    path("", include("apps.identity.urls")),
    path("", include("apps.notifications.urls")),  # before org's: its placeholder section page matches any slug
    path("", include("apps.workloads.urls")),
    path("", include("apps.infra.urls")),
    path("", include("apps.org.urls")),
    path("", include("apps.core.urls")),
]

handler403 = "apps.core.console.permission_denied"
handler404 = "apps.core.console.page_not_found"
handler500 = "lakesail_console.errors.server_error"
