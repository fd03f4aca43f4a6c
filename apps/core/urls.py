from django.urls import path

from apps.core import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("diagnostics", views.diagnostics, name="diagnostics-start"),
    path("operations/<str:operation_id>/progress", views.operation_progress, name="operation-progress"),
    path("<slug:key>/", views.section, name="section"),
]
