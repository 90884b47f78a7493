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
ALLOWED = {
    "exchange/safe_read.py",  # the hostile-file gate reads the foreign file it vets (#10)
    # New workbooks drawn with openpyxl: the template's 集計 sheet and the upward file
    # (sheet.py, pivots.py) and the consolidated workbook. They write no open workbook; moving
    # them under files/ is the next step of #9's files layer.
    "stats/sheet.py",
    "stats/pivots.py",
    "stats/consolidate_book.py",
}


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
        if rel in ALLOWED:
            continue
        for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in BANNED:
                offenders.append(f"{rel}:{line} imports {module}")
    assert offenders == []


def test_the_allowlist_names_only_modules_that_exist_and_need_it() -> None:
    for rel in ALLOWED:
        tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
        modules = {m.split(".")[0] for _, m in _runtime_imports(tree)}
        assert modules & set(BANNED), f"{rel} no longer needs its place on the allowlist"


def test_the_check_sees_an_import_inside_a_function_and_skips_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from openpyxl import Workbook\n"
        "def f():\n    import xlwings\n"
    )
    assert _runtime_imports(ast.parse(source)) == [(1, "typing"), (5, "xlwings")]


# Between the feature packages: the hostile-file gate is owned by #10 and still lives in
# exchange/; it moves to files/ with that work, and this exception goes.
CROSSING_ALLOWED = {("stats/receive.py", "exchange.safe_read")}


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
    for own, other in (("exchange", "stats"), ("stats", "exchange"), ("files", "exchange"),
                       ("files", "stats")):  # fmt: skip
        for path in sorted((PACKAGE / own).rglob("*.py")):
            rel = path.relative_to(PACKAGE).as_posix()
            for module in _package_imports(path):
                if module.split(".")[0] == other and (rel, module) not in CROSSING_ALLOWED:
                    crossings.append(f"{rel} imports {module}")
    assert crossings == []
    assert "files.fileformat" in _package_imports(PACKAGE / "stats" / "upward.py")  # it sees
