"""The referee's fixed cells check (``roster/referee/fixed.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import pytest

from roster.model import (
    FixedCell,
    Post,
)
from roster.validation import check
from tests.helpers import (
    MONDAY,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


@pytest.mark.parametrize(
    ("cell", "on", "broken"),
    [
        (FixedCell(staff="s0", date=MONDAY, shift="AM"), [], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM"), [("s0", 0, "AM", "c2")], False),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", post="c1"), [("s0", 0, "AM", "c2")], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", post="c1"), [("s0", 0, "AM", "c1")], False),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False), [("s0", 0, "AM")], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False), [("s0", 0, "PM")], False),
        # Not on site *at c1*: on site at c2 is fine, at c1 is not.
        (
            FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False, post="c1"),
            [("s0", 0, "AM", "c2")],
            False,
        ),
        (
            FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False, post="c1"),
            [("s0", 0, "AM", "c1")],
            True,
        ),
    ],
)
def test_fixed_cells(cell: FixedCell, on: list, broken: bool) -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1"), Post(id="c2")], fixed=[cell])
    rep = check(p, tiny_roster(p, on=on))
    assert violated_rules(rep) == (["fixed"] if broken else [])
