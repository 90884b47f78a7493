"""What every job returns: the lines to show, the issues found, counts for scripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.issues import ERROR, Issue


@dataclass
class Result:
    action: str
    lines: list[str]
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: bool = False  # done, but some of it failed (exit code 1 like an error issue)
    created: Path | None = None  # a new management workbook: the ribbon opens it in Excel

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or any(i.severity == ERROR for i in self.issues) else 0
