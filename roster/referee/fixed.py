"""Fixed cells (always hard): a cell the head fixed by hand is kept."""

from __future__ import annotations

from typing import Any

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Fixed cells, always hard (see the module docstring for the four cases)."""
    for f in j.problem.fixed:
        if not j.h.contains(f.date):
            continue
        day = j.h.day(f.date)
        cell = (f.staff, day, f.shift)
        present = cell in j.cells
        post = j.cells.get(cell)
        where: dict[str, Any] = dict(staff=f.staff, day=day, shift=f.shift, post=f.post)
        at = f"on {j.when(day)} ({j.shift(f.shift)})"
        if f.on_site and not present:
            target = f" at {j.post(f.post)}" if f.post else ""
            j.violation(
                "fixed",
                f"{j.who(f.staff)} was fixed on site{target} {at}, "
                f"but the roster does not put them on site.",
                **where,
            )
        elif f.on_site and f.post is not None and post != f.post:
            j.violation(
                "fixed",
                f"{j.who(f.staff)} was fixed at {j.post(f.post)} "
                f"{at}, but the roster puts them at {j.post(post)}.",
                **where,
            )
        elif not f.on_site and f.post is None and present:
            j.violation(
                "fixed",
                f"{j.who(f.staff)} was fixed not on site {at}, but the roster puts them on site.",
                **where,
            )
        elif not f.on_site and f.post is not None and present and post == f.post:
            j.violation(
                "fixed",
                f"{j.who(f.staff)} was fixed not to work at "
                f"{j.post(f.post)} {at}, but the roster puts them there.",
                **where,
            )
