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
        at = j.tr(
            f"on {j.when(day)} ({j.shift(f.shift)})", f"ngày {j.when(day)} ({j.shift(f.shift)})"
        )
        if f.on_site and not present:
            target = j.tr(f" at {j.post(f.post)}", f" tại {j.post(f.post)}") if f.post else ""
            j.violation(
                "fixed",
                j.tr(
                    f"{j.who(f.staff)} was fixed on site{target} {at}, "
                    f"but the roster does not put them on site.",
                    f"{j.who(f.staff)} đã được cố định làm việc trực tiếp{target} {at}, "
                    f"nhưng lịch không xếp người này trực tiếp.",
                ),
                **where,
            )
        elif f.on_site and f.post is not None and post != f.post:
            j.violation(
                "fixed",
                j.tr(
                    f"{j.who(f.staff)} was fixed at {j.post(f.post)} "
                    f"{at}, but the roster puts them at {j.post(post)}.",
                    f"{j.who(f.staff)} đã được cố định tại {j.post(f.post)} {at}, "
                    f"nhưng lịch xếp người này vào {j.post(post)}.",
                ),
                **where,
            )
        elif not f.on_site and f.post is None and present:
            j.violation(
                "fixed",
                j.tr(
                    f"{j.who(f.staff)} was fixed not on site {at}, "
                    f"but the roster puts them on site.",
                    f"{j.who(f.staff)} đã được cố định không làm việc trực tiếp {at}, "
                    f"nhưng lịch xếp người này trực tiếp.",
                ),
                **where,
            )
        elif not f.on_site and f.post is not None and present and post == f.post:
            j.violation(
                "fixed",
                j.tr(
                    f"{j.who(f.staff)} was fixed not to work at "
                    f"{j.post(f.post)} {at}, but the roster puts them there.",
                    f"{j.who(f.staff)} đã được cố định không làm {j.post(f.post)} {at}, "
                    f"nhưng lịch vẫn xếp người này vào đó.",
                ),
                **where,
            )
