"""OpenAPI generation: readable operationIds, the organization header, bearer and session auth.

What every operation shares (error answers, list parameters, safe writes) is added by the postprocessing hooks in
`apps.core.api.schema_hooks`.
"""

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import force_instance, get_doc
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.serializers import CharField, Serializer

from apps.core.api.operation_ids import operation_id

ORG_HEADER_DESCRIPTION = "The organization the request acts in; optional with a single membership."
# A character Python's str.strip() keeps: a value needs one to be more than blank.
NOT_BLANK_PATTERN = r"[^\t-\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class AutoSchema(BaseAutoSchema):
    def get_description(self) -> str:
        # Only the view's own docstring: base-class docstrings describe plumbing, not the endpoint.
        method = getattr(self.view, self.method.lower(), None)
        return get_doc(method) or (self.view.__class__.__dict__.get("__doc__") or "").strip()

    def get_operation_id(self) -> str:
        path = self.path.removeprefix(spectacular_settings.SCHEMA_PATH_PREFIX)
        methods = set(self.view.allowed_methods)
        if path.endswith("}"):
            creates = "GET" not in methods  # POST /teams/{team}/members/{member} adds; POST to what it reads updates
        else:
            creates = bool(methods - {"POST", "OPTIONS", "HEAD"}) or path.endswith("s")
        return operation_id(path, self.method, lists=self._answers_a_collection(), creates=creates)

    def _answers_a_collection(self) -> bool:
        """A GET whose 200 is a list envelope (`{items: [...]}`)."""
        serializer = self.get_response_serializers()
        if isinstance(serializer, dict):  # {200: X} or {(200, "application/json"): X, ...}
            ok = [value for key, value in serializer.items() if str(key[0] if isinstance(key, tuple) else key) == "200"]
            serializer = ok[0] if ok else None
        if isinstance(serializer, OpenApiResponse):
            serializer = serializer.response
        if not isinstance(serializer, type | Serializer):
            return False
        return "items" in getattr(force_instance(serializer), "fields", {})

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, CharField)
            and field.trim_whitespace
            and not field.allow_blank
            and not {"pattern", "format", "enum"} & set(schema)
            and not any(isinstance(validator, RegexValidator) for validator in field.validators)
        ):
            schema["pattern"] = NOT_BLANK_PATTERN  # DRF strips the value before it refuses a blank one
        return schema

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
                    description=ORG_HEADER_DESCRIPTION,
                )
            )
        return parameters


class ConstantFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "apps.core.api.fields.Constant"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.value]}


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


class TimeFieldExtension(OpenApiSerializerFieldExtension):
    """A time of day as DRF parses it (`HH:MM[:SS[.ffffff]]`, no offset): JSON Schema's `time` format requires an
    offset that DRF refuses."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "pattern": TIME_OF_DAY_PATTERN, "example": "09:30"}
