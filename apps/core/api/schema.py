"""OpenAPI generation: every operation documents the error object; bearer and session auth declared."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter

from apps.core.api.serializers import ErrorSerializer

DOCUMENTED_ERRORS = ("400", "401", "403", "404", "429")


class AutoSchema(BaseAutoSchema):
    def get_description(self) -> str:
        # Only the view's own docstring: base-class docstrings describe plumbing, not the endpoint.
        method = getattr(self.view, self.method.lower(), None)
        return get_doc(method) or (self.view.__class__.__dict__.get("__doc__") or "").strip()

    def get_operation_id(self) -> str:
        # Plain APIViews are never "list views" to drf-spectacular: name collection GETs `_list` ourselves.
        operation_id = super().get_operation_id()
        if self.method == "GET" and not self.path.rstrip("/").endswith("}") and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        org_header = getattr(self.view, "organization_header", None)  # set by org's OrgApiView; core imports no app
        if org_header:
            parameters.append(
                OpenApiParameter(
                    org_header,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="The organization the request acts in; optional with a single membership.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction == "response":
            for code in DOCUMENTED_ERRORS:
                if code not in bodies:
                    bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return bodies


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "apps.identity.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A login token (lst_…) or an API key (lsk_…)."}


class ConsoleSessionScheme(OpenApiAuthenticationExtension):
    target_class = "apps.identity.api.authentication.ConsoleSessionAuthentication"
    name = "consoleSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
