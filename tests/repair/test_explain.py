"""Why no roster: the diagnosis names the conflicting rules, in words, with fixes."""

from __future__ import annotations

from roster.explain_text import explain
from roster.model import Status
from roster.precheck import precheck
from roster.scopes import CapScope, PostScope
from solver.diagnose import best_effort, find_conflict
from tests.repair.offices import land_office, seal_contract_office


def test_cap_too_small_for_the_posts_names_cap_and_posts() -> None:
    p = land_office()
    c = find_conflict(p, time_limit=10)
    assert c.status == Status.infeasible and c.minimal
    assert set(c.keys) == {
        ("cap", CapScope("land", 1, "AM")),
        ("coverage.under", PostScope("L1", 1, "AM")),
        ("coverage.under", PostScope("L2", 1, "AM")),
        ("coverage.under", PostScope("L3", 1, "AM")),
        ("coverage.under", PostScope("seal", 1, "AM")),
    }
    text = explain(p, c.keys, status="infeasible", minimal=c.minimal).text()
    assert (
        "Tue 14 Dec, morning: the cap allows 4 of Land Registration's 12 staff on site, "
        "but counters L1, L2, L3 and the Seal task need 5 people."
    ) in text
    assert "raise the cap of Land Registration to 5" in text
    assert "let the Seal task be done by Internal Affairs" in text


def test_conflict_the_precheck_misses_names_contract_and_seal_slots() -> None:
    p = seal_contract_office()
    assert not [f for f in precheck(p) if f.severity == "error"]
    c = find_conflict(p, time_limit=10)
    assert c.status == Status.infeasible and c.minimal
    rules = sorted(k[0] for k in c.keys)
    # Two shifts allowed, five mornings: any three mornings and the contract conflict.
    assert rules == ["contract.count.max"] + ["coverage.under"] * 3
    exp = explain(p, c.keys, status="infeasible", minimal=True)
    assert any("Keeper (K0)" in f.message and "contract 'part'" in f.message for f in exp.findings)
    assert {r.post for r in exp.rules if r.post} == {"seal"}


def test_feasible_problem_has_nothing_to_explain() -> None:
    c = find_conflict(land_office(extra_need=False), time_limit=10)
    assert c.status == Status.feasible and not c.keys
    assert "nothing to explain" in explain(land_office(), [], status="feasible").summary


def test_soft_mode_returns_a_roster_and_lists_the_shortfall() -> None:
    p = land_office()
    result, report = best_effort(p, time_limit=5, workers=1)
    assert result.roster is not None and report is not None
    assert len(report.violations) == 1
    assert report.violations[0].rule in ("cap", "coverage.under")


def test_the_cap_fix_names_the_per_unit_setting_and_the_setting_works() -> None:
    from solver import solve

    p = land_office()
    c = find_conflict(p, time_limit=10)
    text = explain(p, c.keys, status="infeasible", minimal=c.minimal).text()
    assert "cap.overrides: [{unit: land, max_on_site: 5}]" in text
    # Doing what it says: the same office with that override has a roster.
    data = p.model_dump()
    data["policy"]["cap"]["overrides"] = [{"unit": "land", "max_on_site": 5}]
    raised = type(p).model_validate(data)
    assert solve(raised, time_limit=20, workers=2).status in (Status.optimal, Status.feasible)


def test_a_presence_floor_above_the_cap_is_explained_with_both_settings() -> None:
    from tests.helpers import quiet_policy, tiny_problem

    p = tiny_problem(
        days=1,
        policy=quiet_policy(
            cap={"max_on_site": 1}, presence={"floors": [{"unit": "U", "min": 2, "shifts": ["AM"]}]}
        ),
    )
    c = find_conflict(p, time_limit=10)
    assert c.status == Status.infeasible and sorted(k[0] for k in c.keys) == ["cap", "presence"]
    text = explain(p, c.keys, status="infeasible", minimal=c.minimal).text()
    assert "Unit U must keep at least 2 on site (its presence floor)" in text
    assert "lower the presence floor of Unit U in this shift (policy.yaml: presence.floors)" in text
    assert "cap.overrides: [{unit: U, max_on_site: 2}]" in text
