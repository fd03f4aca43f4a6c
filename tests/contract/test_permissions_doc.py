import re
from pathlib import Path

from apps.org.permissions import RELATIONS
from tests.contract.coverage import declared, normalize

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ROW = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*(\S+)\s*\|\s*([A-Za-z]+)\s*\|$")


def documented() -> dict[tuple[str, str], str]:
    rows = (ROW.match(line.strip()) for line in DOC.read_text().splitlines())
    return {(m.group(1), normalize(m.group(2))): m.group(3) for m in rows if m}


def test_every_implemented_endpoint_is_in_the_permission_map():
    missing = sorted({(m, p) for m, p in declared() if (m, normalize(p)) not in documented()})
    assert not missing, f"add these to docs/permissions.md: {missing}"


def test_the_permission_map_names_only_known_relations():
    unknown = {k: v for k, v in documented().items() if v not in RELATIONS and v not in ("public", "authenticated")}
    assert not unknown, unknown
