"""The package tree reads as the pipeline: each stage's sub-package imports only the ones before it."""

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "helpers"
# Which sub-packages each may import (besides itself and the package's own __version__).
ALLOWED = {
    "core": set(),
    "interviews": {"core"},
    "coding": {"core", "interviews"},
    "thematic": {"core"},
    "workshop": {"core"},
    "report": {"core", "interviews", "coding", "thematic", "workshop"},
    "runner": {"core", "interviews", "coding", "thematic", "workshop", "report"},
    "workbench": {"core", "coding"},
}


def _imports(path: Path) -> set[str]:
    """The sub-packages of helpers that ``path`` imports."""
    own = list(path.relative_to(PACKAGE).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = own[: len(own) - node.level + 1] + (node.module.split(".") if node.module else [])
            found.add(target[0] if target else "")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("helpers.")}
    return found - {""}


def test_every_module_lives_in_a_stage_sub_package():
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "pipeline.py"}
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(ALLOWED)


def test_imports_go_one_way_down_the_pipeline():
    checked = 0
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:
            continue
        package = parts[0]
        bad = _imports(path) - ALLOWED[package] - {package}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"
        checked += 1
    assert checked > 30
