"""Every kind of file the project writes passes the schemas and the cross-part rules (#12).

The kinds are listed in written.py: add a writer there and it is checked here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .schemas import require_schemas
from .validator import validate
from .written import ENGINE_OF, WRITERS, build_demo


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "サポーター管理_デモ.xlsx")


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_written_file_is_valid(
    kind: str, demo_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_schemas()
    if kind in ENGINE_OF:
        monkeypatch.setenv("HIKISUP_ENGINE", ENGINE_OF[kind])
    paths = WRITERS[kind](tmp_path, demo_book)
    assert paths
    for path in paths:
        assert path.is_file(), path
        assert validate(path) == [], path.name
