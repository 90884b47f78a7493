"""The layers, read from the imports: no feature reaches the open workbook (or any workbook
file) through openpyxl, calamine or xlwings; only the engines, the files layer and the forms
renderer do. Imports under `if TYPE_CHECKING:` are types, not dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "hikisup_xl"
BANNED = ("openpyxl", "python_calamine", "xlwings")
FEATURES = ("jobs", "core", "exchange", "stats", "forms")
FEATURE_FILES = ("session.py", "upgrade.py", "progress.py", "registry.py")


def _runtime_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every import not inside an `if TYPE_CHECKING:` block."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _feature_modules() -> list[Path]:
    files = [p for d in FEATURES for p in sorted((PACKAGE / d).rglob("*.py"))]
    return files + [PACKAGE / name for name in FEATURE_FILES]


def test_no_feature_module_imports_a_spreadsheet_library() -> None:
    offenders = []
    for path in _feature_modules():
        rel = path.relative_to(PACKAGE).as_posix()
        for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in BANNED:
                offenders.append(f"{rel}:{line} imports {module}")
    assert offenders == []


def test_the_check_sees_an_import_inside_a_function_and_skips_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from openpyxl import Workbook\n"
        "def f():\n    import xlwings\n"
    )
    assert _runtime_imports(ast.parse(source)) == [(1, "typing"), (5, "xlwings")]


def _package_imports(path: Path) -> list[str]:
    """The hikisup_xl modules `path` imports, relative to the package ("files.xlsxout")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(path.relative_to(PACKAGE).parts[:-1])[: depth - (node.level - 1)]
            found.append(".".join([*base, node.module or ""]).strip("."))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hikisup_xl."):
            found.append((node.module or "").removeprefix("hikisup_xl."))
    return found


def test_exchange_and_stats_depend_on_files_not_on_each_other() -> None:
    crossings = []
    below_features = ("exchange", "stats", "jobs", "forms")  # files/ serves them all
    pairs = [("exchange", "stats"), ("stats", "exchange"), *(("files", f) for f in below_features)]
    for own, other in pairs:
        for path in sorted((PACKAGE / own).rglob("*.py")):
            rel = path.relative_to(PACKAGE).as_posix()
            for module in _package_imports(path):
                if module.split(".")[0] == other:
                    crossings.append(f"{rel} imports {module}")
    assert crossings == []
    # The check sees both import forms, and both packages do reach the files layer.
    assert "files.fileformat" in _package_imports(PACKAGE / "stats" / "upward.py")
    assert "files.safe_read" in _package_imports(PACKAGE / "stats" / "receive.py")
    assert "files.safe_read" in _package_imports(PACKAGE / "exchange" / "importer.py")


def test_the_new_workbook_writers_live_in_the_files_layer() -> None:
    """stats/ computes the rows of the 集計 sheet and the consolidation; files/ draws them."""
    for rel in ("files/statsheet.py", "files/consolidation.py", "files/pivots.py"):
        tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
        assert "openpyxl" in {m.split(".")[0] for _, m in _runtime_imports(tree)}, rel
    for gone in ("stats/pivots.py", "exchange/safe_read.py"):
        assert not (PACKAGE / gone).exists(), gone
