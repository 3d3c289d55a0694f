"""The referee's requests check (``roster/referee/requests.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Request,
    RequestRule,
)
from roster.validation import check
from tests.helpers import (
    MONDAY,
    quiet_policy,
    tiny_problem,
    tiny_roster,
)


@pytest.mark.parametrize(
    ("on_site", "shift", "cells", "unmet"),
    [
        (True, "AM", [("s0", 0, "AM")], False),
        (True, "AM", [("s0", 0, "PM")], True),  # another shift
        (True, "AM", [], True),
        (True, None, [("s0", 0, "PM")], False),
        (True, None, [], True),
        (False, "AM", [("s0", 0, "PM")], False),
        (False, "AM", [("s0", 0, "AM")], True),
        (False, None, [], False),
        (False, None, [("s0", 0, "AM"), ("s0", 0, "PM")], True),  # charged once
    ],
)
def test_requests(on_site: bool, shift: str | None, cells: list, unmet: bool) -> None:
    req = Request(staff="s0", date=MONDAY, shift=shift, on_site=on_site, weight=2)
    p = tiny_problem(policy=quiet_policy(requests=RequestRule(multiplier=3)), requests=[req])
    rep = check(p, tiny_roster(p, on=cells))
    # Unmet: weight 2 x multiplier 3 = 6, once.
    assert [x.cost for x in rep.penalties] == ([6] if unmet else [])


def test_requests_off_or_outside_horizon_cost_nothing() -> None:
    reqs = [Request(staff="s0", date=MONDAY - dt.timedelta(days=1))]
    p = tiny_problem(policy=quiet_policy(requests={}), requests=reqs)
    assert check(p, tiny_roster(p)).objective == 0
    p = tiny_problem(policy=quiet_policy(), requests=[Request(staff="s0", date=MONDAY)])
    assert check(p, tiny_roster(p)).objective == 0
