"""Which reference endpoints the OpenAPI schema declares (and so the console implements)."""

from functools import cache

from drf_spectacular.generators import SchemaGenerator

from tests import reference


@cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def declared() -> set[tuple[str, str]]:
    return {
        (method.upper(), path.removeprefix(reference.BASE))
        for path, operations in schema()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def normalize(path: str) -> str:
    # Parameter names may differ between the reference and Django's converters; positions may not.
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))


def implemented() -> list[dict]:
    ours = {(m, normalize(p)) for m, p in declared()}
    return [e for e in reference.endpoints() if (e["method"], normalize(e["path"])) in ours]


def summary_line() -> str:
    return f"reference endpoints implemented: {len(implemented())}/{len(reference.endpoints())}"
