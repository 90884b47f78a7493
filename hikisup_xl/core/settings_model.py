"""The pydantic twin of Settings, imported only when a value on 設定 is not plainly valid.

Validating every load with pydantic cost ~130 ms of imports on each click. `Settings` checks
its fields itself; when a check fails (or a value needs coercion), this model decides — with
pydantic's own lax rules, so what is accepted did not change — and names what is wrong. The
model is built from Settings' own fields and bounds, so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .settings import INT_BOUNDS, Settings

__all__ = ["SettingsModel", "ValidationError", "validate"]


def _fields() -> dict[str, Any]:
    hints = get_type_hints(Settings)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        low, high = INT_BOUNDS.get(f.name, (None, None))
        out[f.name] = (hints[f.name], Field(default=f.default, ge=low, le=high))
    return out


SettingsModel: type[BaseModel] = create_model(
    "SettingsModel", __config__=ConfigDict(frozen=True, extra="forbid"), **_fields()
)


def validate(data: dict[str, object]) -> dict[str, object]:
    """The values pydantic makes of `data` (raises ValidationError when it cannot)."""
    return SettingsModel.model_validate(data).model_dump()
