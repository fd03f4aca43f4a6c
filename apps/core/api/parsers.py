from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from apps.core.limits import JsonRefused, check_json, too_deep


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser under the limits of `apps.core.limits.check_json`: a 400, never a RecursionError."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(str(too_deep())) from exc
        try:
            check_json(data)
        except JsonRefused as exc:
            raise ParseError(str(exc)) from exc
        return data
