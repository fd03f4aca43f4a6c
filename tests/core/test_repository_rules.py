"""House rules that code review alone would let slip: checked over the files themselves."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"node_modules", "__pycache__", ".venv", "var"}


def _files(*roots: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    found: list[Path] = []
    for name in roots:
        root = ROOT / name
        if root.is_file():
            found.append(root)
            continue
        for path in root.rglob("*"):
            wanted = not suffixes or path.suffix in suffixes
            if wanted and path.is_file() and not SKIP_DIRS & set(path.relative_to(ROOT).parts):
                found.append(path)
    return found


def test_the_repository_reads_nothing_beside_it():
    sibling = "../" + "shared"  # spelled in two parts so this file does not name it
    offenders = [
        str(path.relative_to(ROOT))
        for path in _files("apps", "tests", "lakesail_console", "Makefile", ".ci")
        if path.suffix not in {".pyc", ".png", ".sqlite3"} and sibling in path.read_text(errors="ignore")
    ]
    assert offenders == []


WALL_CLOCK = re.compile(r"timezone\.now\(\)|datetime\.now\(")


def test_only_the_clock_reads_the_wall_clock():
    clock = ROOT / "apps" / "core" / "clock.py"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files("apps", suffixes=(".py",))
        if path != clock
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("snippet", ["timezone.now()", "datetime.now(UTC)"])
def test_the_clock_rule_recognises_wall_clock_reads(snippet):
    assert WALL_CLOCK.search(f"started = {snippet}")
