from django.urls import path

from apps.core.api.operations import OperationView

urlpatterns = [
    path("operations/<str:operationId>", OperationView.as_view()),
]
