"""What an analyst can learn about blanked cells from a published table: each one's interval.

The published figures satisfy `total = sum(members)` for every group. Fixing the visible
cells to their values and letting every blanked cell be any number >= 1 (a 0 is never blanked,
so a blank is known to be at least 1), linear programming gives the smallest and largest value
each blanked cell can take. This is exactly the attack a careful reader can make on the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from scipy.optimize import linprog

Group = tuple[object, Sequence[object]]  # (published total, members adding up to it)
LOWEST = 1.0  # a blanked cell is never 0


def interval(
    cell: object, values: Mapping[object, float | None], groups: Sequence[Group]
) -> tuple[float, float]:
    """(min, max) of blanked `cell` given `values` (None where blanked); max may be inf."""
    hidden = sorted((k for k, v in values.items() if v is None), key=repr)
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for total, members in groups:
        if total not in values:
            continue
        row = [0.0] * len(hidden)
        known = 0.0
        for key, sign in [(total, -1.0), *((m, 1.0) for m in members if m in values)]:
            v = values[key]
            if v is None:
                row[index[key]] += sign
            else:
                known -= sign * v
        if any(row):
            rows.append(row)
            rhs.append(known)
    if cell not in index:
        raise KeyError(cell)
    if not rows:
        return LOWEST, math.inf
    bounds = [(LOWEST, None)] * len(hidden)
    ends: list[float] = []
    for sign in (1.0, -1.0):
        goal = [0.0] * len(hidden)
        goal[index[cell]] = sign
        res = linprog(goal, A_eq=rows, b_eq=rhs, bounds=bounds, method="highs")
        if res.status == 3:  # unbounded: only upward, since every cell has a floor
            ends.append(math.inf)
        elif res.status != 0:
            raise ValueError(f"linprog: {res.message}")
        else:
            ends.append(sign * float(res.fun))
    return ends[0], ends[1]


def width(cell: object, values: Mapping[object, float | None], groups: Sequence[Group]) -> float:
    low, high = interval(cell, values, groups)
    return high - low
