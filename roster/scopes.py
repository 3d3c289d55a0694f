"""Where one hard rule applies: small typed records shared by the solver (which guards each
hard rule of a scope with one enforcement literal in diagnosis mode) and the explanations
(which put a conflict in a head's words).

A diagnosis key is ``(rule_id, scope)``. Every scope names what it is about through the same
attributes (``staff``, ``day``, ``shift``, ``post``, ``unit``; None when it does not say), so an
explanation reads any rule's scope without knowing the rule; :meth:`Scope.parts` is the plain
tuple form used in variable names, JSON and the diagnosis's order of probes.
"""

from __future__ import annotations

from dataclasses import dataclass


class Scope:
    """Base of the scope records. Subclasses are frozen dataclasses (hashable dict keys)."""

    staff: str | None = None
    day: int | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None

    def parts(self) -> tuple:
        """The scope as a plain tuple (names, indices), e.g. ``("L1", 1, "AM")``."""
        raise NotImplementedError


@dataclass(frozen=True)
class PersonScope(Scope):
    """One person's rule; ``item`` tells apart several rules of the same person (a contract's
    limit and window)."""

    staff: str
    item: tuple[int, ...] = ()

    def parts(self) -> tuple:
        return (self.staff, *self.item)


@dataclass(frozen=True)
class SlotScope(Scope):
    """One open slot (a shift on a day) of the whole site."""

    day: int
    shift: str

    def parts(self) -> tuple:
        return (self.day, self.shift)


@dataclass(frozen=True)
class CapScope(Scope):
    """The cap of one unit (``unit``) or of the whole site (``unit`` None) in one slot."""

    unit: str | None
    day: int
    shift: str

    @property
    def kind(self) -> str:
        """``unit`` or ``site``."""
        return "site" if self.unit is None else "unit"

    def parts(self) -> tuple:
        return (self.kind, self.unit if self.unit is not None else "site", self.day, self.shift)


@dataclass(frozen=True)
class PostScope(Scope):
    """One post in one slot."""

    post: str
    day: int
    shift: str

    def parts(self) -> tuple:
        return (self.post, self.day, self.shift)


@dataclass(frozen=True)
class DayScope(Scope):
    """One day of the whole site."""

    day: int

    def parts(self) -> tuple:
        return (self.day,)


@dataclass(frozen=True)
class UnitScope(Scope):
    """One unit."""

    unit: str

    def parts(self) -> tuple:
        return (self.unit,)


@dataclass(frozen=True)
class FixedScope(Scope):
    """One fixed cell: its index in ``Problem.fixed``."""

    index: int

    def parts(self) -> tuple:
        return (self.index,)


@dataclass(frozen=True)
class TeamSkillScope(Scope):
    """One team (0-based) and one essential skill."""

    team: int
    skill: str

    def parts(self) -> tuple:
        return (self.team, self.skill)


#: A diagnosis key: a rule id and the scope it applies to.
Key = tuple[str, Scope]


@dataclass(frozen=True)
class UnitSlotScope(Scope):
    """One unit in one slot (a presence floor)."""

    unit: str
    day: int
    shift: str

    def parts(self) -> tuple:
        return (self.unit, self.day, self.shift)


@dataclass(frozen=True)
class CellScope(Scope):
    """One person in one slot."""

    staff: str
    day: int
    shift: str

    def parts(self) -> tuple:
        return (self.staff, self.day, self.shift)
