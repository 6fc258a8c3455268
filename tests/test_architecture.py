"""Architecture rules: core/ stays free of Qt so it runs headless and tests without a window."""

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers.source import parse_file

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "qasync", "shiboken6")


def _imports(path: Path) -> set[str]:
    tree = parse_file(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_under_core_imports_qt():
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & set(FORBIDDEN))
        for p in (ROOT / "core").rglob("*.py")
        if _imports(p) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_importing_every_core_module_loads_no_qt():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "core").rglob("*.py")
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def _core_imports(path: Path) -> set[str]:
    """Every core.* module a file imports, by full name (`from core import x` gives core.x)."""
    tree = parse_file(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("core"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            if node.module == "core":
                names.update(f"core.{a.name}" for a in node.names)
            else:
                names.add(node.module)
    return names


def test_the_rules_decide_outcomes_and_never_build_wire_messages():
    """rules.py says what happened (core.outcomes); only the engine knows the wire format."""
    rules = ROOT / "core" / "rules.py"
    assert _core_imports(rules) <= {"core.kinds", "core.lines", "core.outcomes", "core.records"}
    # the state's containers do no I/O: the store hands them a source of rows
    assert _core_imports(ROOT / "core" / "lines.py") == set()
    assert "sqlite3" not in _imports(ROOT / "core" / "lines.py")
    assert "pydantic" not in _imports(rules) and "uuid" not in _imports(rules)
    assert _core_imports(ROOT / "core" / "outcomes.py") == set()
    assert _core_imports(ROOT / "core" / "records.py") <= {"core.kinds"}
