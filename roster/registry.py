"""The rule families, declared once each: the domain side of the registry.

A *rule family* is one rule of the office (the on-site cap, the teams, the rapid tests, ...).
Its meaning and its cost are written once, in the docstring of its class in
:mod:`roster.model` (``contract``). Each family is then implemented twice, independently: by a
solver module (``solver/rules/<module>.py``, listed in :data:`solver.registry.FAMILIES`) that
says what is allowed, and by a referee module (``roster/referee/<module>.py``, its ``check``
listed here) that detects what is wrong. ``roster/`` never imports ``solver/``, so the solver
keeps its own list; ``tests/test_registry.py`` proves the two lists agree, that every rule id a
build or the referee can emit is declared here with its labels, and that the referee checks
every hard rule the solver builds.

Each entry holds, in one place:

* ``id``: the family id (the policy key when the family has a switch);
* ``contract``: the class of :mod:`roster.model` whose docstring states the rule;
* ``policy``: the :class:`~roster.model.Policy` field that switches the family on/off (and,
  for a :class:`~roster.model.RuleSwitch`, hard/soft), or None when it is always on;
* ``rules``: every rule id the family reports (penalties, violations, diagnosis keys), each
  with its English and Vietnamese label and its rank in the diagnosis's deletion order;
* ``check``: the referee's check (``roster/referee/<module>.py``);
* ``module``: the name of the family's solver and referee modules;
* ``solver``: False when no solver module builds the family because the solver's variables
  cannot express a breach (the roster's structure);
* ``relax_weight``: when re-rostering finds no roster, the family is made soft at this weight
  per breach (None: never relaxed);
* ``couples``: how far the family links people: ``"person"`` (each rule reads one person),
  ``"unit"`` (people of one unit or of one post) or ``"site"`` (may link anyone); the solver
  side refines this per problem for decomposition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from roster import model
from roster.referee import (
    availability,
    cap,
    contracts,
    coverage,
    fairness,
    fixed,
    presence,
    rapid_tests,
    remote,
    requests,
    resilience,
    structure,
    teams,
)
from roster.referee.judge import Judge

#: Diagnosis rank of rule ids that do not say otherwise: tried last when shrinking a conflict.
EXPLAIN_LAST = 100


@dataclass(frozen=True)
class Rule:
    """One rule id of a family, as reports and explanations show it.

    ``explain_rank``: when the diagnosis shrinks a conflict it tries to drop the keys of lower
    ranks first, so that the explanation keeps the rules a head reads as the real conflict
    (a slot's cap against its posts) rather than the person-level rules around it.
    """

    id: str
    en: str
    vi: str
    explain_rank: int = EXPLAIN_LAST


@dataclass(frozen=True)
class RuleFamily:
    """One rule family's declaration (see the module docstring for each field)."""

    id: str
    contract: type[BaseModel]
    policy: str | None
    rules: tuple[Rule, ...]
    check: Callable[[Judge], None]
    module: str
    couples: Literal["person", "unit", "site"]
    solver: bool = True
    relax_weight: int | None = None

    def rule(self, rule_id: str) -> Rule:
        """The declaration of one of this family's rule ids."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"rule family {self.id!r} declares no rule {rule_id!r}")


#: The families, in the order the referee checks them (structure first: it reads the roster
#: into the facts every other check walks).
FAMILIES: tuple[RuleFamily, ...] = (
    RuleFamily(
        id="structure",
        contract=model.Roster,
        policy=None,
        rules=(
            Rule(
                "unknown",
                "Unknown reference in the roster",
                "Tham chiếu không tồn tại trong lịch",
            ),
            Rule(
                "closed",
                "On site while the office is closed",
                "Xếp lịch khi cơ quan đóng cửa",
            ),
            Rule(
                "double_booked",
                "Person booked twice in one slot",
                "Một người được xếp hai lần trong cùng một ca",
            ),
            Rule(
                "coverage.skill",
                "Missing required skill",
                "Không có kỹ năng yêu cầu",
            ),
            Rule(
                "coverage.closed",
                "Post not open in that slot",
                "Quầy/nhiệm vụ không mở trong ca này",
            ),
            Rule(
                "general_duty",
                "On site without a post",
                "Có mặt nhưng không được phân công vị trí",
            ),
        ),
        check=structure.check,
        module="structure",
        couples="person",
        solver=False,
    ),
    # Before coverage: the remote duties it reads count toward their posts.
    RuleFamily(
        id="remote",
        contract=model.RemoteDutyRule,
        policy="remote",
        rules=(
            Rule(
                "remote.off",
                "Remote duty while off",
                "Được phân công trực tại nhà khi đang nghỉ/cách ly",
                3,
            ),
            Rule(
                "remote.on_site",
                "Remote duty while on site",
                "Vừa làm việc trực tiếp tại cơ quan vừa được phân công trực tại nhà",
            ),
            Rule(
                "remote.at_office",
                "Remote duty rostered on site",
                "Nhiệm vụ làm tại nhà bị xếp làm trực tiếp tại cơ quan",
            ),
            Rule(
                "remote.kind",
                "On-site post listed as a remote duty",
                "Vị trí làm trực tiếp bị xếp như nhiệm vụ tại nhà",
            ),
        ),
        check=remote.check,
        module="remote",
        couples="unit",
        relax_weight=100_000,
    ),
    RuleFamily(
        id="fixed",
        contract=model.FixedCell,
        policy=None,
        rules=(Rule("fixed", "Fixed cell not respected", "Không giữ ô đã cố định", 0),),
        check=fixed.check,
        module="fixed",
        couples="person",
    ),
    RuleFamily(
        id="availability",
        contract=model.Absence,
        policy="availability",
        rules=(
            Rule(
                "availability",
                "On site while unavailable",
                "Được xếp làm trực tiếp khi nghỉ/cách ly/chỉ làm từ xa",
                3,
            ),
        ),
        check=availability.check,
        module="availability",
        couples="person",
    ),
    RuleFamily(
        id="cap",
        contract=model.CapRule,
        policy="cap",
        rules=(
            Rule(
                "cap",
                "On-site cap exceeded",
                "Vượt giới hạn số người làm việc trực tiếp",
                9,
            ),
        ),
        check=cap.check,
        module="cap",
        couples="site",
        # One person over the cap is the mildest breach a re-roster may pay for.
        relax_weight=20_000,
    ),
    RuleFamily(
        id="teams",
        contract=model.TeamRule,
        policy="teams",
        rules=(
            Rule("teams.mix", "Teams mixed on site", "Hai nhóm cùng có mặt trong một ca", 6),
            Rule(
                "teams.rotation",
                "On site outside the team's rotation",
                "Có mặt ngoài lịch luân phiên của nhóm",
                4,
            ),
            Rule("teams.balance", "Team sizes unbalanced", "Quy mô các nhóm chênh lệch", 5),
            Rule(
                "teams.assignment",
                "Team missing or invalid",
                "Chưa phân nhóm hoặc nhóm không hợp lệ",
            ),
        ),
        check=teams.check,
        module="teams",
        couples="site",
        # A team breach (teams mixing, or a person on site in the other team's turn) costs more
        # than any change, any priced team move and one person over the cap: two teams apart is
        # what lets one keep the office running when the other has a case.
        relax_weight=50_000,
    ),
    RuleFamily(
        id="tests",
        contract=model.RapidTestRule,
        policy="tests",
        rules=(
            Rule(
                "tests.coverage",
                "On site without a valid rapid test",
                "Làm việc trực tiếp khi không có kết quả test nhanh còn hiệu lực",
                2,
            ),
            Rule(
                "tests.capacity",
                "Testing point over its daily capacity",
                "Vượt công suất test trong ngày",
                2,
            ),
            Rule(
                "tests.day",
                "Test booked on a day not allowed",
                "Lịch test vào ngày không được phép",
                2,
            ),
            Rule("tests.cost", "Rapid tests booked", "Số lượt test nhanh", 2),
        ),
        check=rapid_tests.check,
        module="rapid_tests",
        couples="site",
        relax_weight=100_000,
    ),
    RuleFamily(
        id="coverage",
        contract=model.Post,
        policy="coverage",
        rules=(
            Rule("coverage.under", "Post not covered", "Quầy/nhiệm vụ thiếu người", 8),
            Rule("coverage.over", "Too many people at a post", "Quầy/nhiệm vụ thừa người", 7),
        ),
        check=coverage.check,
        module="coverage",
        couples="unit",
        relax_weight=100_000,
    ),
    RuleFamily(
        id="contracts",
        contract=model.Contract,
        policy="contracts",
        rules=(
            Rule("contract.per_day", "Too many shifts in a day", "Quá số ca trong ngày", 1),
            Rule(
                "contract.rest",
                "Too little rest between shifts",
                "Không đủ thời gian nghỉ giữa hai ca",
                1,
            ),
            Rule("contract.count.min", "Too few (contract)", "Thiếu so với hợp đồng", 1),
            Rule("contract.count.max", "Too many (contract)", "Vượt so với hợp đồng", 1),
            Rule(
                "contract.run.min",
                "Run of days too short",
                "Chuỗi ngày liên tiếp quá ngắn",
                1,
            ),
            Rule("contract.run.max", "Run of days too long", "Chuỗi ngày liên tiếp quá dài", 1),
            Rule("contract.succession", "Shift succession", "Chuyển ca không phù hợp", 1),
            Rule(
                "contract.weekends",
                "Too many working weekends",
                "Quá số cuối tuần làm việc",
                1,
            ),
        ),
        check=contracts.check,
        module="contracts",
        couples="person",
    ),
    RuleFamily(
        id="fairness",
        contract=model.FairnessRule,
        policy="fairness",
        rules=(
            Rule(
                "fairness",
                "Unequal on-site duty in a unit",
                "Phân công trực tiếp không đều trong đơn vị",
            ),
        ),
        check=fairness.check,
        module="fairness",
        couples="unit",
    ),
    RuleFamily(
        id="requests",
        contract=model.RequestRule,
        policy="requests",
        rules=(Rule("requests", "Unmet staff request", "Nguyện vọng không được đáp ứng"),),
        check=requests.check,
        module="requests",
        couples="person",
    ),
    RuleFamily(
        id="resilience",
        contract=model.ResilienceRule,
        policy="resilience",
        rules=(
            Rule(
                "resilience",
                "A team lacks an essential skill",
                "Một nhóm thiếu người có kỹ năng thiết yếu",
            ),
        ),
        check=resilience.check,
        module="resilience",
        couples="site",
    ),
    RuleFamily(
        id="presence",
        contract=model.PresenceRule,
        policy="presence",
        rules=(
            Rule(
                "presence",
                "Unit below its presence floor",
                "Đơn vị không đủ số người làm việc trực tiếp tối thiểu",
                8,
            ),
        ),
        check=presence.check,
        module="presence",
        couples="unit",
        relax_weight=100_000,
    ),
)

FAMILY_BY_ID: dict[str, RuleFamily] = {f.id: f for f in FAMILIES}

#: Every rule id with its family.
FAMILY_OF_RULE: dict[str, RuleFamily] = {r.id: f for f in FAMILIES for r in f.rules}


def explain_rank(rule_id: str) -> int:
    """The rank of ``rule_id`` in the diagnosis's deletion order (lower: dropped first)."""
    family = FAMILY_OF_RULE.get(rule_id)
    return family.rule(rule_id).explain_rank if family is not None else EXPLAIN_LAST


def relax_weights() -> dict[str, int]:
    """Policy field -> weight per breach of the families a re-roster may make soft."""
    return {
        f.policy: f.relax_weight
        for f in FAMILIES
        if f.policy is not None and f.relax_weight is not None
    }
