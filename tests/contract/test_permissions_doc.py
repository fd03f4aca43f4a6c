import re
from pathlib import Path

from apps.org.permissions import CATALOG, RELATIONS
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


def test_the_doc_names_no_relation_outside_the_catalog():
    """A renamed relation (CanBreakGlass is now CanManageOwners) leaves no stale name behind."""
    named = set(re.findall(r"\bCan[A-Z][A-Za-z]+\b(?!\*)", DOC.read_text()))  # `CanView*` names a family
    assert named <= set(RELATIONS), sorted(named - set(RELATIONS))


def test_every_system_only_relation_is_explained():
    """Relations no endpoint row names (granted by system roles only) still say what they allow."""
    text = DOC.read_text()
    missing = [r.relation for r in CATALOG if r.system_only and f"`{r.relation}`" not in text]
    assert not missing, missing
