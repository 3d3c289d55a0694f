"""The independent referee: checks a roster against a problem, rule by rule.

The solver defines what is allowed; the referee detects what is wrong. :func:`check` recomputes,
from the roster alone, every broken hard rule (a :class:`~roster.model.Violation`) and every soft
cost (a :class:`~roster.model.Penalty`), and the objective. A solver roster is correct when
``check`` finds no violation and the same objective the solver reports.

This module never imports ortools or anything in ``solver/``: it reads only the domain contract
(:mod:`roster.model`), the derived input facts (:mod:`roster.index`) and the rule labels
(:mod:`roster.labels`).

Each rule family's check is its own module in :mod:`roster.referee`; :func:`check` runs them in
the order of :data:`roster.registry.FAMILIES`.

Readings chosen where the model's docstrings leave room (the solver matches these)
--------------------------------------------------------------------------------
Structure (always hard, whatever the policy says):

* An assignment naming an unknown person or shift, or a date outside the horizon, is reported
  under ``unknown`` and otherwise ignored. An unknown post is reported under ``unknown``; the
  person still counts as on site (as general office work, without a ``general_duty`` report).
* An assignment in a slot that is not open is reported under ``closed`` and otherwise ignored
  (closed slots are off for everyone, so it counts toward nothing else).
* A second assignment of the same person in the same slot is reported under ``double_booked``
  and ignored; the first one listed counts.
* An assignment to a post with no demand in that slot (``coverage.closed``) or by someone without
  the post's skill (``coverage.skill``) is reported; the person counts as on site but does not
  count toward the post's coverage.
* ``general_duty_allowed`` false: an on-site assignment without a post is ``general_duty``.

Fixed cells (always hard): ``on_site`` with a post needs that person on site at that post;
``on_site`` without a post needs them on site (any post or none); not ``on_site`` without a post
forbids being on site in that slot; not ``on_site`` *with* a post forbids only that post. Fixed
cells dated outside the horizon are ignored.

Coverage: the ``coverage`` switch governs only shortfalls of posts whose ``under_weight`` is
None. A post's own ``under_weight``/``over_weight`` always apply (even with ``coverage``
switched off), and exceeding ``max`` without ``over_weight`` is always forbidden.

Teams (when enabled): the team of a rotating person is ``roster.teams[id]``, or the fixed
``Staff.team`` when the roster omits it. Missing, out of range, or different from the fixed
``Staff.team``: ``teams.assignment``, always hard. Teams given for non-rotating people are
ignored. See :func:`roster.referee.teams.check` for balance.

Rapid tests: tests are counted once per person and day (a duplicate line is ignored). A test
dated outside the horizon is ``tests.day`` and counts for nothing else. A test booked on a day
that is not allowed (closed day; or, with ``on_site_day_only``, a day the person is not on site)
is ``tests.day`` (always hard) but still covers and still costs. ``tests.day`` and
``tests.capacity`` are always hard; ``tests.coverage`` follows the switch.

Contracts apply to everyone (rotating or not) by their ``Staff.contract``. See
:func:`roster.referee.contracts.check` for the exact windows, runs and rest pairs.

Requests dated outside the horizon are ignored; a request that cannot be met (closed slot,
absence) still costs when unmet, exactly as the ``Request`` docstring says.

A soft rule whose cost is 0 (amount 0 or weight 0) produces no penalty.
"""

from __future__ import annotations

from typing import Any

from roster.labels import label
from roster.model import Problem, Report, Roster
from roster.referee import figures
from roster.referee.judge import Judge, day_label
from roster.registry import FAMILIES

__all__ = ["check", "summary_figures", "day_label"]


def check(problem: Problem, roster: Roster, lang: str = "en") -> Report:
    """Judge ``roster`` against ``problem``: every broken hard rule, every soft cost, and the
    objective (sum of penalty costs + ``problem.objective_offset``).

    The exact reading of each rule is given in this module's docstring and in the docstrings of
    the ``check`` functions of :mod:`roster.referee` (``structure``, ``fixed``, ``availability``,
    ``cap``, ``teams``, ``rapid_tests``, ``coverage``, ``contracts``, ``fairness``,
    ``requests``, ``resilience``).

    ``lang`` (``en`` or ``vi``) is the language of every violation's ``message`` and every
    penalty's ``detail``; nothing else of the report depends on it.
    """
    return _run(Judge(problem, roster, label, lang))


def summary_figures(problem: Problem, roster: Roster) -> dict[str, Any]:
    """The figures a head needs to trust a roster, as plain data (lists of dicts, ISO dates).

    Keys:

    * ``cap``: per open slot and cap scope: ``date, day, shift, scope, unit, on_site, cap,
      over`` (``on_site`` counts only people who count toward the cap; ``cap`` is None when the
      cap rule is off).
    * ``coverage``: per post and open slot with a demand: ``date, day, shift, post, post_name,
      min, max, assigned, short, extra`` (``assigned`` counts qualified people only).
    * ``tests``: per day: ``date, day, open, tests, capacity, on_site_people``.
    * ``staff``: per person: ``staff, name, unit, team, on_site_shifts, on_site_days,
      on_site_minutes, tests``.
    * ``penalties``: per rule: ``rule, label, count, cost``; ``violations``: per rule:
      ``rule, label, count``.
    * ``objective``: the objective ``check`` computes; ``ok``: no violation.
    """
    judge = Judge(problem, roster, label)
    report = _run(judge)
    return figures.figures(judge, report)


def _run(judge: Judge) -> Report:
    """Every family's check in registry order, then the objective."""
    for family in FAMILIES:
        family.check(judge)
    objective = sum(p.cost for p in judge.penalties) + judge.problem.objective_offset
    return Report(violations=judge.violations, penalties=judge.penalties, objective=objective)
