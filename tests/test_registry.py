"""The rule-family registry holds together: the domain's list (``roster/registry.py``) and the
solver's (``solver/registry.py``) agree, every family has its contract, switch, solver module,
referee module and tests, every rule id that a build or the referee can emit is declared with
its labels, and the referee checks every hard rule the solver builds.

A new rule family fails here until it has all of these (see ``docs/adding-a-rule.md``).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from roster import model
from roster.index import ProblemIndex
from roster.io import list_scenarios, load_scenario
from roster.labels import LABELS, label
from roster.model import Policy, Problem, RuleSwitch
from roster.registry import FAMILIES, FAMILY_BY_ID, FAMILY_OF_RULE, RuleFamily
from solver import registry as solver_registry
from solver.context import Ctx
from solver.expr import SOFT_HARD_WEIGHT
from tests.helpers import every_rule_problem, quiet_policy

ROOT = Path(__file__).resolve().parent.parent
BUILT = [f for f in FAMILIES if f.solver]
SOLVER_BY_ID = {f.id: f for f in solver_registry.FAMILIES}
RULE_ID = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")  # dotted ids; plain ones are checked by name


def _emitted(problem: Problem, family_id: str) -> tuple[set[str], set[str]]:
    """Rule ids one solver family emits on ``problem``: (hard, all). Hard: the enforcement keys
    of diagnosis mode and the terms weighted as softened hard rules."""
    build = SOLVER_BY_ID[family_id].build
    hard: set[str] = set()
    every: set[str] = set()
    for diagnosis, soft in ((True, False), (False, True), (False, False)):
        ctx = Ctx(problem, diagnosis=diagnosis, soft_hard_rules=soft)
        terms = build(ctx)
        hard |= {rule for rule, _scope in ctx.enforcement}
        hard |= {t.rule for t in terms if soft and t.weight >= SOFT_HARD_WEIGHT}
        every |= {rule for rule, _scope in ctx.enforcement} | {t.rule for t in terms}
    return hard, every


def _problems() -> list[Problem]:
    return [every_rule_problem()] + [load_scenario(name) for name in list_scenarios()]


@pytest.fixture(scope="module")
def emitted() -> dict[str, tuple[set[str], set[str]]]:
    out: dict[str, tuple[set[str], set[str]]] = {f.id: (set(), set()) for f in BUILT}
    for problem in _problems():
        for f in BUILT:
            hard, every = _emitted(problem, f.id)
            out[f.id][0].update(hard)
            out[f.id][1].update(every)
    return out


def _strings(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _referee_rule_args(path: Path) -> list[ast.expr]:
    """The rule argument of every ``violation``/``penalty``/``breach`` call of a referee
    module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("violation", "penalty") and node.args:
                out.append(node.args[0])
            elif name == "breach" and len(node.args) > 1:
                out.append(node.args[1])
    return out


def test_the_solver_and_the_domain_list_the_same_families() -> None:
    assert set(SOLVER_BY_ID) == {f.id for f in BUILT}
    assert len(SOLVER_BY_ID) == len(solver_registry.FAMILIES), "solver family ids must be unique"
    assert len(FAMILY_BY_ID) == len(FAMILIES), "family ids must be unique"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.id)
def test_each_family_has_a_contract_a_switch_and_a_referee_module(family: RuleFamily) -> None:
    # The contract: a class of roster/model.py whose docstring states the rule.
    assert getattr(model, family.contract.__name__) is family.contract
    assert family.contract.__doc__ and len(family.contract.__doc__.split()) > 5
    # The switch: a policy field; switchable families have ``enabled``.
    if family.policy is not None:
        assert family.policy in Policy.model_fields, f"Policy has no field {family.policy!r}"
        if family.policy != "contracts":
            kind = Policy.model_fields[family.policy].annotation
            assert "enabled" in kind.model_fields
    # The referee: roster/referee/<module>.py, its check documented.
    referee = importlib.import_module(f"roster.referee.{family.module}")
    assert family.check is referee.check
    assert referee.check.__doc__, f"roster/referee/{family.module}.py: check needs a docstring"
    assert (ROOT / "tests" / "roster" / "referee" / f"test_{family.module}.py").is_file(), (
        f"tests/roster/referee/test_{family.module}.py is missing"
    )
    assert family.rules, f"{family.id}: no rule ids"


@pytest.mark.parametrize("family", BUILT, ids=lambda f: f.id)
def test_each_built_family_has_a_solver_module_and_tests(family: RuleFamily) -> None:
    rules = importlib.import_module(f"solver.rules.{family.module}")
    assert SOLVER_BY_ID[family.id].build is rules.build
    assert rules.build.__doc__, f"solver/rules/{family.module}.py: build needs a docstring"
    assert (ROOT / "tests" / "solver" / f"test_{family.module}.py").is_file(), (
        f"tests/solver/test_{family.module}.py is missing"
    )


def test_every_rule_id_is_tested_somewhere() -> None:
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests").rglob("test_*.py")
        if p.name != "test_registry.py"
    )
    untested = [r.id for f in FAMILIES for r in f.rules if f'"{r.id}"' not in text]
    assert not untested, f"no test names these rule ids: {untested}"


def test_every_rule_id_has_an_english_and_a_vietnamese_label() -> None:
    ids = [r.id for f in FAMILIES for r in f.rules]
    assert len(ids) == len(set(ids)), "a rule id is declared by two families"
    for rule in ids:
        en, vi = LABELS[rule]
        assert en and vi and en != vi, rule
        assert label(rule) == en and label(rule, "vi") == vi


def test_every_rule_id_a_build_emits_is_declared_by_its_family(emitted) -> None:
    for f in BUILT:
        declared = {r.id for r in f.rules}
        assert emitted[f.id][1] <= declared, (f.id, emitted[f.id][1] - declared)


def test_the_every_rule_problem_switches_every_built_family_on() -> None:
    problem = every_rule_problem()
    for f in BUILT:
        _hard, every = _emitted(problem, f.id)
        assert every, f"every_rule_problem() (tests/helpers.py) does not switch {f.id} on"


def test_the_referee_checks_every_hard_rule_the_solver_builds(emitted) -> None:
    for f in BUILT:
        checked = _strings(ROOT / "roster" / "referee" / f"{f.module}.py")
        unchecked = emitted[f.id][0] - checked
        assert not unchecked, (
            f"the solver builds hard rules {sorted(unchecked)} of {f.id!r} that "
            f"roster/referee/{f.module}.py never reports"
        )


def test_every_rule_id_the_referee_emits_is_declared() -> None:
    for path in sorted((ROOT / "roster" / "referee").glob("*.py")):
        for arg in _referee_rule_args(path):
            if isinstance(arg, ast.Constant):
                assert arg.value in FAMILY_OF_RULE, f"{path.name}: undeclared rule {arg.value!r}"
            else:
                assert isinstance(arg, ast.Name), f"{path.name}: rule id must be a literal"
        for text in _strings(path):
            if RULE_ID.match(text):
                assert text in FAMILY_OF_RULE, f"{path.name}: undeclared rule {text!r}"


def test_quiet_policy_switches_every_family_off() -> None:
    # Fixed cells and a post's maximum without an over_weight hold whatever the policy says
    # (their contracts say so): the problem drops them, the policy switches the rest off.
    base = every_rule_problem()
    site = base.site.model_copy(update={"posts": []})
    problem = base.model_copy(update={"policy": quiet_policy(), "fixed": [], "site": site})
    for f in BUILT:
        hard, every = _emitted(problem, f.id)
        assert not every, f"quiet_policy() leaves {f.id} on: {sorted(every)}"


def test_coupling_agrees_between_the_domain_and_the_solver() -> None:
    problem = every_rule_problem()
    idx = ProblemIndex(problem)
    for f in BUILT:
        s = SOLVER_BY_ID[f.id]
        if f.couples == "person":
            assert s.links_site is solver_registry.never_links_site, f.id
            assert s.hard_links_people is solver_registry.no_hard_rule_links_people, f.id
        elif f.couples == "unit":
            assert s.links_site is solver_registry.never_links_site, f.id
        else:
            assert s.links_site is not solver_registry.never_links_site, f.id
            assert s.links_site(problem, idx, False), f"{f.id} links the site, yet not here"


def test_relaxed_families_have_a_hard_switch() -> None:
    for f in FAMILIES:
        if f.relax_weight is not None:
            assert f.policy is not None
            assert issubclass(Policy.model_fields[f.policy].annotation, RuleSwitch), f.id


def test_the_guide_to_adding_a_rule_names_files_that_exist() -> None:
    guide = (ROOT / "docs" / "adding-a-rule.md").read_text(encoding="utf-8")
    # The last section ("A new family, step by step") names files a new family would add.
    real = guide.split("## A new family")[0]
    paths = set(re.findall(r"`((?:roster|solver|tests|docs)/[\w/.-]+\.(?:py|md))`", real))
    assert paths, "the guide names no files"
    missing = sorted(p for p in paths if "<" not in p and not (ROOT / p).is_file())
    assert not missing, f"docs/adding-a-rule.md names files that do not exist: {missing}"
    for f in FAMILIES:
        assert f"`{f.id}`" in guide, f"docs/adding-a-rule.md does not list the family {f.id}"
