"""The domain model: pydantic classes for sites, staff, HR's policy, the problem and the roster.

This module is the product's contract. The solver (``solver/``) and the referee
(``roster/validation.py``) both read these classes, and both must give every rule exactly the
meaning written in the docstrings here: the referee recomputes the objective from a roster alone
and must find the same number as the solver.

Conventions
-----------
* Days of the horizon are numbered ``0 .. horizon.days - 1``; ``horizon.start + day`` is the date.
  Weekdays are ``0`` (Monday) to ``6`` (Sunday).
* A *slot* is a shift on a day: ``(day, shift_id)``. A slot is *open* when the site opens that
  shift on that weekday and the date is not a closed date.
* A person is *on site* in a slot, or not. Not on site in an open slot means *remote* (working from
  home), unless an absence with an "off" reason covers the slot, in which case the person is *off*.
  Closed slots are off for everyone.
* Every weight is an integer, and every penalty is ``weight x amount`` with ``amount`` a whole
  number, so objectives are exact integers.

Never import ortools or fastapi here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from roster.input_messages import T

Weight = Annotated[int, Field(ge=0, description="Penalty weight, a whole number >= 0.")]
Count = Annotated[int, Field(ge=0)]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")]


def parse_fraction(value: Any) -> Any:
    """A fraction as directives write it: ``"1/3"`` -> 0.333..., ``"50%"`` -> 0.5, a number as
    it is; any other text is left for validation to refuse."""
    if not isinstance(value, str):
        return value
    s = value.strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", s)
    if m and float(m[2]) != 0:
        return float(m[1]) / float(m[2])
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", s)
    if m:
        return float(m[1]) / 100
    return value


#: A fraction between 0 and 1, given as a number (0.5), a fraction ("1/2") or a percentage
#: ("50%"), everywhere a policy is read: policy.yaml, the API, roster files.
Fraction = Annotated[
    float,
    BeforeValidator(parse_fraction),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {
                    "type": "string",
                    "pattern": r"^\s*(1\s*/\s*[1-9][0-9]{0,2}|(100|[0-9]{1,2}(\.[0-9]+)?)\s*%)\s*$",
                    "examples": ["1/2", "1/3", "50%"],
                },
            ]
        }
    ),
    Field(ge=0, le=1),
]


class Model(BaseModel):
    """Base class: unknown fields are errors, so a typo in a policy file never passes silently."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --------------------------------------------------------------------------------------------
# Rule switches
# --------------------------------------------------------------------------------------------


class RuleSwitch(Model):
    """How one rule family applies: off, hard (must hold), or soft (each breach costs ``weight``).

    When ``hard`` is false the rule is soft: every unit of breach costs ``weight`` (the unit of
    breach is given by each rule's docstring).
    """

    enabled: bool = True
    hard: bool = True
    weight: Weight = 1000


class Dated(Model):
    """A rule that applies only between ``from`` and ``to`` (inclusive dates; open-ended when
    omitted). Dates outside the horizon are allowed: the rule applies to the days of the
    horizon inside the range (none when the range misses the horizon)."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, populate_by_name=True, serialize_by_alias=True
    )

    from_: dt.date | None = Field(None, alias="from", description="First date (inclusive).")
    to: dt.date | None = Field(None, description="Last date (inclusive).")

    @model_validator(mode="after")
    def _range_order(self) -> Dated:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(T("model.to_before_from", to=self.to, from_=self.from_))
        return self

    @property
    def dated(self) -> bool:
        """True when ``from`` or ``to`` is given."""
        return self.from_ is not None or self.to is not None

    def covers(self, date: dt.date) -> bool:
        """Whether the rule applies on ``date``."""
        return (self.from_ is None or self.from_ <= date) and (self.to is None or date <= self.to)


# --------------------------------------------------------------------------------------------
# The site
# --------------------------------------------------------------------------------------------


class ShiftType(Model):
    """A shift of the working day, e.g. morning 07:30-11:30. ``end`` before ``start`` means the
    shift ends the next day (a night shift)."""

    id: str = Field(min_length=1)
    name: str | None = None
    name_vi: str | None = None
    start: dt.time
    end: dt.time

    @property
    def minutes(self) -> int:
        """Length of the shift in minutes (overnight shifts wrap past midnight)."""
        s = self.start.hour * 60 + self.start.minute
        e = self.end.hour * 60 + self.end.minute
        return (e - s) % (24 * 60) or 24 * 60

    @property
    def label(self) -> str:
        return self.name or self.id


class Unit(Model):
    """A department or agency working in the site."""

    id: str = Field(min_length=1)
    name: str | None = None


class Opening(Model):
    """The site is open for ``shifts`` (all shift types when empty) on ``weekdays``."""

    weekdays: list[Weekday] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    shifts: list[str] = Field(default_factory=list)


class PostKind(StrEnum):
    counter = "counter"  # a service counter citizens come to
    task = "task"  # an essential on-site task: seal, IT support, always-present office
    remote = "remote"  # a duty done from home: hotline, phone follow-up, on-call (reachable)


class Demand(Dated):
    """When a post needs people: on ``weekdays`` (default Mon-Fri) in ``shifts`` (default: all),
    between ``from`` and ``to`` when given (default: every date).

    ``min`` people are needed, ``max`` may serve (None: no upper limit).
    """

    weekdays: list[Weekday] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    shifts: list[str] = Field(default_factory=list)
    min: Count = 1
    max: Count | None = None

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Demand:
        if self.max is not None and self.max < self.min:
            raise ValueError(T("model.max_below_min", max=self.max, min=self.min))
        return self


class SlotDemand(Model):
    """A one-off demand of a post on one day of the horizon; replaces the weekly demand there."""

    date: dt.date
    shift: str
    min: Count = 1
    max: Count | None = None


class Post(Model):
    """Something that needs a qualified person on site: a counter or an essential task.

    Coverage rule. In every *open* slot where the post has a demand ``(min, max)`` (from
    ``slot_demands`` if one names that date and shift, else from the first weekly ``demands``
    entry matching the weekday and shift), let ``n`` be the number of people assigned to the post.

    * ``n < min``: if ``under_weight`` is None the shortfall is governed by the policy's
      ``coverage`` switch (hard, or ``coverage.weight`` per missing person); otherwise each
      missing person costs ``under_weight``.
    * ``max`` set and ``n > max``: if ``over_weight`` is None, forbidden (hard, always);
      otherwise each extra person costs ``over_weight``.

    Only people holding ``skill`` (anyone when None) may be assigned. A slot without a demand
    takes nobody at this post. A policy ``Suspension`` naming the post (or its kind) removes
    its demand on the dates and shifts it covers.

    A post of kind ``remote`` (a hotline, phone follow-up of citizens, an on-call "reachable"
    duty) is done from home: the people serving it in a slot are *remote* in that slot (not on
    site, not off). See ``RemoteDutyRule``.
    """

    id: str = Field(min_length=1)
    name: str | None = None
    name_vi: str | None = None
    kind: PostKind = PostKind.counter
    skill: str | None = None
    unit: str | None = None
    demands: list[Demand] = Field(default_factory=lambda: [Demand()])
    slot_demands: list[SlotDemand] = Field(default_factory=list)
    under_weight: Weight | None = None
    over_weight: Weight | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def remote(self) -> bool:
        """True for a duty done from home."""
        return self.kind is PostKind.remote


class Site(Model):
    """A building with its units, shift types, skills, posts and opening hours."""

    id: str = Field(min_length=1)
    name: str | None = None
    units: list[Unit] = Field(min_length=1)
    shifts: list[ShiftType] = Field(min_length=1)
    skills: list[str] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)
    opening: list[Opening] = Field(default_factory=lambda: [Opening()])
    closed_dates: list[dt.date] = Field(default_factory=list)
    general_duty_allowed: bool = Field(
        True,
        description="If false, everyone on site must be assigned to a post (no 'general office "
        "work'); benchmark problems where working means covering a shift use this.",
    )

    @model_validator(mode="after")
    def _references(self) -> Site:
        _unique("unit", [u.id for u in self.units])
        _unique("shift", [s.id for s in self.shifts])
        _unique("post", [p.id for p in self.posts])
        shift_ids = {s.id for s in self.shifts}
        unit_ids = {u.id for u in self.units}
        skills = set(self.skills)
        for o in self.opening:
            _known("shift", o.shifts, shift_ids, T("model.where_opening"))
        for p in self.posts:
            where = T("model.where_post", id=p.id)
            if p.skill is not None and p.skill not in skills:
                raise ValueError(_unknown_known(where, "skill", p.skill, skills))
            if p.unit is not None and p.unit not in unit_ids:
                raise ValueError(_unknown_known(where, "unit", p.unit, unit_ids))
            for d in p.demands:
                _known("shift", d.shifts, shift_ids, where)
            for sd in p.slot_demands:
                _known("shift", [sd.shift], shift_ids, where)
        return self


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------


class Staff(Model):
    """A person on the staff list."""

    id: str = Field(min_length=1)
    name: str = ""
    unit: str
    skills: list[str] = Field(default_factory=list)
    team: int | None = Field(
        None, ge=0, description="Fixed team (0-based); None: the solver picks."
    )
    counts_toward_cap: bool = Field(
        True, description="False for the epidemic task force, police and military liaison."
    )
    external: bool = Field(
        False,
        description="External staff (e.g. post-office clerks); counted toward the cap "
        "only if the policy's cap.count_external says so.",
    )
    rotates: bool = Field(
        True, description="False: outside the team rotation (no team, may be on site any slot)."
    )
    contract: str = "default"
    last_test: dt.date | None = Field(
        None, description="Date of the last negative rapid test taken before the horizon."
    )


class AbsenceReason(StrEnum):
    leave = "leave"  # off
    isolation = "isolation"  # off (quarantine after a positive test or close contact)
    sick = "sick"  # off
    rest = "rest"  # off (a day off, e.g. a benchmark's requested day off)
    remote_only = "remote_only"  # works, but never on site (health reasons)

    @property
    def is_off(self) -> bool:
        return self is not AbsenceReason.remote_only


class Absence(Model):
    """``staff`` may not be on site from ``start`` to ``end`` (inclusive), in ``shifts`` (all when
    empty). Availability rule: being on site in such a slot is a breach (hard, or
    ``policy.availability.weight`` per slot when soft)."""

    staff: str
    start: dt.date
    end: dt.date
    shifts: list[str] = Field(default_factory=list)
    reason: AbsenceReason = AbsenceReason.leave
    note: str = ""

    @model_validator(mode="after")
    def _order(self) -> Absence:
        if self.end < self.start:
            raise ValueError(T("model.end_before_start", end=self.end, start=self.start))
        return self


class Request(Model):
    """A wish of one person: to be on site (``on_site`` true) or not (false) on ``date``, in
    ``shift`` or, when ``shift`` is None, in any shift of that date.

    Cost ``weight`` when the wish is not met:
    * on_site and shift: not on site in that shift that day (off, remote or another shift);
    * on_site, no shift: not on site in any shift that day;
    * not on_site and shift: on site in that shift;
    * not on_site, no shift: on site in at least one shift that day (charged once).
    """

    staff: str
    date: dt.date
    shift: str | None = None
    on_site: bool = True
    weight: Weight = 1


class FixedCell(Model):
    """A cell the head fixed by hand: ``staff`` is (``on_site`` true) or is not on site on
    ``date`` in ``shift``; with ``post``, on site at that post. Always hard."""

    staff: str
    date: dt.date
    shift: str
    on_site: bool = True
    post: str | None = None


# --------------------------------------------------------------------------------------------
# Contracts: the general rostering vocabulary
# --------------------------------------------------------------------------------------------


class CountLimit(Model):
    """Bounds on a count per person over a window.

    ``measure``: ``shifts`` (on-site shifts, only of ``shifts`` if given), ``minutes`` (their
    minutes), ``days`` (days with at least one such shift), ``days_off`` (days with no on-site
    shift at all; ``shifts`` ignored). ``window``: the whole ``horizon`` or each calendar
    ``week`` (Monday-Sunday; a partial week at either end of the horizon counts what lies
    inside it).

    Hard bounds must hold. Soft: each unit below ``soft_min`` costs ``min_weight``, each unit
    above ``soft_max`` costs ``max_weight`` (units: shifts, minutes or days).
    """

    measure: Literal["shifts", "minutes", "days", "days_off"] = "shifts"
    shifts: list[str] = Field(default_factory=list)
    window: Literal["horizon", "week"] = "horizon"
    hard_min: Count | None = None
    hard_max: Count | None = None
    soft_min: Count | None = None
    soft_max: Count | None = None
    min_weight: Weight = 1
    max_weight: Weight = 1


class RunLimit(Model):
    """Bounds on runs of consecutive days: of days ``on`` (a day with an on-site shift, only of
    ``shifts`` if given) or ``off`` (days with no on-site shift).

    A run is a maximal sequence of consecutive days of the horizon in that state; days outside
    the horizon count as not in that state (for ``on``: off; for ``off``: working), except that
    with ``exempt_at_borders`` a run touching day 0 or the last day is exempt from the minimum
    rules (it may continue outside the horizon). Maximum rules always apply.

    Hard: every run within ``[hard_min, hard_max]``. Soft: a run of length L < soft_min costs
    ``min_weight x (soft_min - L)``; L > soft_max costs ``max_weight x (L - soft_max)``.
    """

    state: Literal["on", "off"] = "on"
    shifts: list[str] = Field(default_factory=list)
    hard_min: Count | None = None
    hard_max: Count | None = None
    soft_min: Count | None = None
    soft_max: Count | None = None
    min_weight: Weight = 1
    max_weight: Weight = 1
    exempt_at_borders: bool = True


class Succession(Model):
    """Shift ``first`` on one day followed by shift ``then`` the next day: forbidden when
    ``weight`` is None, else costs ``weight`` each time."""

    first: str
    then: str
    weight: Weight | None = None


class WeekendLimit(Model):
    """Weekend k is Saturday+Sunday of a calendar week inside the horizon; it is worked if the
    person is on site on either day. Hard: at most ``hard_max`` worked weekends; soft: each
    worked weekend above ``soft_max`` costs ``weight``."""

    hard_max: Count | None = None
    soft_max: Count | None = None
    weight: Weight = 1


class Contract(Model):
    """The working-time rules of a group of staff (all optional)."""

    max_shifts_per_day: Count | None = None
    min_rest_hours: float | None = Field(
        None,
        ge=0,
        description="Minimum hours between the end of one on-site shift and the "
        "start of the next (same or next day); pairs closer than this are forbidden.",
    )
    counts: list[CountLimit] = Field(default_factory=list)
    runs: list[RunLimit] = Field(default_factory=list)
    successions: list[Succession] = Field(default_factory=list)
    weekends: WeekendLimit | None = None


# --------------------------------------------------------------------------------------------
# HR's policy
# --------------------------------------------------------------------------------------------


def _unit_scope() -> list[Literal["unit", "site"]]:
    return ["unit"]


class CapOverride(Dated):
    """The cap of one unit (``unit``), or of every cap scope (``unit`` omitted), set to
    ``fraction`` of its headcount or to ``max_on_site`` people, between ``from`` and ``to``
    when given. See ``CapRule``."""

    unit: str | None = None
    fraction: Fraction | None = None
    max_on_site: Count | None = None

    @model_validator(mode="after")
    def _one_value(self) -> CapOverride:
        if (self.fraction is None) == (self.max_on_site is None):
            raise ValueError(T("model.cap_override_one"))
        return self


class CapRule(RuleSwitch):
    """On-site cap. In every open slot and every scope (each unit; the whole site), the number
    of people on site who count toward the cap is at most the cap of that scope.

    Who counts: staff with ``counts_toward_cap``, and external staff only when
    ``count_external``. The cap of a scope is ``max_on_site`` when set, else
    ``round(fraction x headcount)`` with ``rounding`` (floor, ceil or nearest, halves up), where
    headcount is the number of staff of that scope who count toward the cap (all of them, present
    or not); never below ``minimum``. Soft: each person above the cap costs ``weight``.

    ``overrides`` change the cap for one unit (``unit``) or for every scope (``unit`` omitted),
    on the dates between ``from`` and ``to`` when given: on a day, the cap of a scope is taken
    from the last override listed that names its unit and covers the day, else from the last
    one without a unit that covers the day, else from the fields above. An override gives
    ``fraction`` or ``max_on_site`` (the rounding and ``minimum`` above still apply).
    """

    fraction: Fraction | None = Field(
        1 / 3, description='A number (0.5), a fraction ("1/2") or a percentage ("50%").'
    )
    max_on_site: Count | None = None
    scopes: list[Literal["unit", "site"]] = Field(default_factory=lambda: _unit_scope())
    rounding: Literal["floor", "ceil", "nearest"] = "floor"
    minimum: Count = 1
    count_external: bool = False
    overrides: list[CapOverride] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_bound(self) -> CapRule:
        if self.enabled and self.fraction is None and self.max_on_site is None:
            raise ValueError(T("model.cap_bound"))
        return self


class PresenceFloor(Dated):
    """At least ``min`` people, or ``fraction`` of the headcount (rounded with ``rounding``),
    of ``unit`` (every unit when omitted) on site in each open slot of ``shifts`` (all when
    empty) on ``weekdays`` (all open days by default), between ``from`` and ``to`` when given.
    The headcount is every member of the unit (present or not). See ``PresenceRule``."""

    unit: str | None = None
    min: Count | None = None
    fraction: Fraction | None = None
    rounding: Literal["floor", "ceil", "nearest"] = "ceil"
    shifts: list[str] = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])

    @model_validator(mode="after")
    def _one_value(self) -> PresenceFloor:
        if (self.min is None) == (self.fraction is None):
            raise ValueError(T("model.floor_one"))
        return self


class PresenceRule(RuleSwitch):
    """Presence floors: the heads' minimum presence per unit. In every open slot, for every
    unit, the number of the unit's people on site (anyone of the unit, whether or not they
    count toward the cap) is at least the unit's floor in that slot: the largest floor of the
    ``floors`` that apply to the unit and slot (none apply: no floor). Soft: each person
    missing below the floor costs ``weight``."""

    floors: list[PresenceFloor] = Field(default_factory=list)


class RemoteDutyRule(RuleSwitch):
    """Remote duties (posts of kind ``remote``: hotline, phone follow-up, on-call). A person
    serving a remote post in a slot must be remote in that slot: working (not off: no absence
    that sends them off covers the slot) and not on site; one duty per person and slot.
    Soft: each person-slot serving a remote duty while off costs ``weight``; off: being off is
    not checked. Being on site at the same time, or serving two duties at once, is never
    allowed. How many people a remote post needs is the post's coverage rule (``Post``)."""


class Suspension(Dated):
    """A directive suspending posts: ``posts`` (by id) and every post of ``kinds`` have no
    demand (take nobody) in the open slots of ``shifts`` (all when empty) between ``from`` and
    ``to``, e.g. "suspend in-person intake for 14 days from 22/7 except urgent cases" (the
    urgent counter is not named). ``note`` says why (shown to people)."""

    posts: list[str] = Field(default_factory=list)
    kinds: list[PostKind] = Field(default_factory=list)
    shifts: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _something(self) -> Suspension:
        if not self.posts and not self.kinds:
            raise ValueError(T("model.suspension_empty"))
        return self

    def applies(self, post: Post, date: dt.date, shift: str) -> bool:
        """Whether this suspension removes ``post``'s demand in that slot."""
        return (
            (post.id in self.posts or post.kind in self.kinds)
            and (not self.shifts or shift in self.shifts)
            and self.covers(date)
        )


class TeamRule(RuleSwitch):
    """Teams (cohorts). Each rotating person belongs to exactly one of ``count`` teams (a fixed
    ``Staff.team`` is kept).

    No mixing: in each open slot, rotating people on site all belong to one team. Soft: each
    slot costs ``weight x (teams present - 1)``.

    Rotation: with a pattern, team ``k`` may be on site only in the slots the pattern gives it;
    soft: each person-slot on site outside the pattern costs ``weight``. Patterns over the open
    days of the horizon numbered 0, 1, 2, ... (closed days skipped), and the open shifts of a
    day numbered 0, 1, ... in the site's shift order:
    * ``half_day``: slot (open day i, shift j) belongs to team (i + j) mod count;
    * ``day``: open day i belongs to team i mod count;
    * ``week``: calendar week w of the horizon (0-based from the week of the start) belongs to
      team w mod count;
    * ``free``: no pattern, only no mixing.
    """

    count: int = Field(2, ge=1)
    rotation: Literal["half_day", "day", "week", "free"] = "day"
    balance: bool = Field(
        True, description="Team sizes within a unit differ by at most one (hard when the rule is)."
    )


class RapidTestRule(RuleSwitch):
    """Rapid tests. A test taken on day t covers days t .. t + valid_days - 1; ``Staff.last_test``
    covers the same way from its date. Each day a person is on site must be covered. Soft: each
    person-day on site uncovered costs ``weight``.

    ``daily_capacity``: at most that many tests a day (hard). ``on_site_day_only``: a test may
    be booked only on a day the person is on site (the testing point is at the office).
    Tests may be booked only on open days. Every booked test costs ``cost_per_test``, so the
    plan books no test it does not need.
    """

    valid_days: int = Field(3, ge=1)
    daily_capacity: Count | None = None
    on_site_day_only: bool = True
    cost_per_test: Weight = 1


class FairnessRule(Model):
    """Fair share of on-site duty: for each unit, ``weight x (max - min)`` of the number of
    on-site shifts over the unit's *eligible* members: those who rotate, count toward the cap
    and have no absence in the horizon."""

    enabled: bool = True
    weight: Weight = 5


class RequestRule(Model):
    """Staff wishes (``Request``): each unmet wish costs its weight times ``multiplier``."""

    enabled: bool = True
    multiplier: Weight = 1


class IsolationRule(Model):
    """What happens after an epidemic event (used by re-rostering and the resilience drill, not
    by an ordinary solve).

    A person who tests positive is isolated (off, reason ``isolation``) for ``days`` days from
    the date of the test. Close contacts are found by ``contacts``: ``shared_slots`` (people on
    site in at least one slot the positive person was on site in, during the ``lookback_days``
    days up to and including the test date; as teams never mix, these are team mates),
    ``team`` (every member of the positive person's team) or ``none``. Close contacts are
    isolated for ``contact_days`` days (``days`` when None) from the test date. The drill sends
    a whole team home for ``days`` days.
    """

    days: int = Field(14, ge=1, le=60)
    contact_days: int | None = Field(None, ge=1, le=60)
    lookback_days: int = Field(2, ge=0, le=30)
    contacts: Literal["shared_slots", "team", "none"] = "shared_slots"


class ResilienceRule(Model):
    """Resilience of the teams (off by default). Each team must hold at least one person
    qualified for every *essential skill*: ``skills`` when given, else the skills of the posts
    of kind ``task``. A person outside the rotation (``Staff.rotates`` false) holding the skill
    covers it for every team. Each (team, skill) pair with nobody qualified costs ``weight``
    (always soft: a team cannot be given a skill nobody has)."""

    enabled: bool = False
    weight: Weight = 200
    skills: list[str] = Field(default_factory=list)


class Policy(Model):
    """HR's rules. Every rule family can be switched off; every hard family can be made soft."""

    name: str = "policy"
    cap: CapRule = Field(default_factory=CapRule)
    teams: TeamRule = Field(default_factory=TeamRule)
    tests: RapidTestRule = Field(default_factory=RapidTestRule)
    coverage: RuleSwitch = Field(default_factory=RuleSwitch)
    availability: RuleSwitch = Field(default_factory=RuleSwitch)
    fairness: FairnessRule = Field(default_factory=FairnessRule)
    requests: RequestRule = Field(default_factory=RequestRule)
    contracts: dict[str, Contract] = Field(default_factory=lambda: {"default": Contract()})
    isolation: IsolationRule = Field(default_factory=IsolationRule)
    resilience: ResilienceRule = Field(default_factory=ResilienceRule)
    presence: PresenceRule = Field(default_factory=PresenceRule)
    remote: RemoteDutyRule = Field(default_factory=RemoteDutyRule)
    suspensions: list[Suspension] = Field(default_factory=list)

    def restricted(self, units: set[str], posts: set[str]) -> Policy:
        """This policy for part of a site (some units and their posts): cap overrides and
        presence floors of other units dropped, suspensions naming only the posts kept."""
        cap = self.cap.model_copy(
            update={"overrides": [o for o in self.cap.overrides if o.unit in (None, *units)]}
        )
        presence = self.presence.model_copy(
            update={"floors": [f for f in self.presence.floors if f.unit in (None, *units)]}
        )
        suspensions = []
        for su in self.suspensions:
            kept = [p for p in su.posts if p in posts]
            if kept or su.kinds:
                suspensions.append(su.model_copy(update={"posts": kept}))
        return self.model_copy(
            update={"cap": cap, "presence": presence, "suspensions": suspensions}
        )


# --------------------------------------------------------------------------------------------
# The problem
# --------------------------------------------------------------------------------------------


class Horizon(Model):
    """The days to roster: ``days`` days from ``start``."""

    start: dt.date
    days: int = Field(7, ge=1, le=3660)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def day(self, date: dt.date) -> int:
        return (date - self.start).days

    def contains(self, date: dt.date) -> bool:
        return 0 <= self.day(date) < self.days


class Problem(Model):
    """Everything one solve needs. ``objective_offset`` is a constant added to the objective (for
    benchmarks whose published objective differs from ours by a constant)."""

    site: Site
    staff: list[Staff]
    policy: Policy = Field(default_factory=Policy)
    horizon: Horizon
    absences: list[Absence] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)
    fixed: list[FixedCell] = Field(default_factory=list)
    objective_offset: int = 0

    @model_validator(mode="after")
    def _references(self) -> Problem:
        _unique("staff", [s.id for s in self.staff])
        units = {u.id for u in self.site.units}
        skills = set(self.site.skills)
        shifts = {s.id for s in self.site.shifts}
        posts = {p.id for p in self.site.posts}
        staff = {s.id for s in self.staff}
        for s in self.staff:
            where = T("model.where_staff", id=s.id)
            if s.unit not in units:
                raise ValueError(_unknown_known(where, "unit", s.unit, units))
            for sk in s.skills:
                if sk not in skills:
                    raise ValueError(_unknown_known(where, "skill", sk, skills))
            if s.contract not in self.policy.contracts:
                raise ValueError(
                    T(
                        "model.unknown_contract",
                        where=where,
                        value=s.contract,
                        known=sorted(self.policy.contracts),
                    )
                )
            if s.team is not None and s.team >= self.policy.teams.count:
                count = self.policy.teams.count
                raise ValueError(
                    T("model.team_range", where=where, team=s.team, count=count, last=count - 1)
                )
        for c_name, c in self.policy.contracts.items():
            where = T("model.where_contract", id=c_name)
            for cl in c.counts:
                _known("shift", cl.shifts, shifts, where)
            for rl in c.runs:
                _known("shift", rl.shifts, shifts, where)
            for sc in c.successions:
                _known("shift", [sc.first, sc.then], shifts, where)
        for kind, refs in (
            ("absence", [a.staff for a in self.absences]),
            ("request", [r.staff for r in self.requests]),
            ("fixed", [f.staff for f in self.fixed]),
        ):
            for i, sid in enumerate(refs):
                if sid not in staff:
                    where = T(f"model.where_{kind}", n=i + 1)
                    raise ValueError(T("model.unknown_staff", where=where, value=sid))
        for i, r in enumerate(self.requests):
            if r.shift is not None and r.shift not in shifts:
                where = T("model.where_request", n=i + 1)
                raise ValueError(T("model.unknown_shift", where=where, value=r.shift))
        for i, f in enumerate(self.fixed):
            where = T("model.where_fixed", n=i + 1)
            if f.shift not in shifts:
                raise ValueError(T("model.unknown_shift", where=where, value=f.shift))
            if f.post is not None and f.post not in posts:
                raise ValueError(T("model.unknown_post", where=where, value=f.post))
        for i, a in enumerate(self.absences):
            _known("shift", a.shifts, shifts, T("model.where_absence", n=i + 1))
        cap = self.policy.cap
        for i, o in enumerate(cap.overrides):
            if o.unit is not None:
                where = T("model.where_override", n=i + 1)
                if o.unit not in units:
                    raise ValueError(_unknown_known(where, "unit", o.unit, units))
                if "unit" not in cap.scopes:
                    raise ValueError(T("model.cap_unit_scope", where=where))
        for i, fl in enumerate(self.policy.presence.floors):
            where = T("model.where_floor", n=i + 1)
            if fl.unit is not None and fl.unit not in units:
                raise ValueError(_unknown_known(where, "unit", fl.unit, units))
            _known("shift", fl.shifts, shifts, where)
        for i, su in enumerate(self.policy.suspensions):
            where = T("model.where_suspension", n=i + 1)
            _known("post", su.posts, posts, where)
            _known("shift", su.shifts, shifts, where)
        return self


# --------------------------------------------------------------------------------------------
# The roster and the result of a solve
# --------------------------------------------------------------------------------------------


class Mode(StrEnum):
    on_site = "on_site"
    remote = "remote"
    off = "off"


class Assignment(Model):
    """``staff`` is on site on ``date`` in ``shift``, at ``post`` (None: general office work)."""

    staff: str
    date: dt.date
    shift: str
    post: str | None = None


class RemoteDuty(Model):
    """``staff`` serves the remote post ``post`` from home on ``date`` in ``shift``."""

    staff: str
    date: dt.date
    shift: str
    post: str


class RapidTest(Model):
    """``staff`` takes a rapid test on ``date``."""

    staff: str
    date: dt.date


class Roster(Model):
    """A roster: who is on site where and when, the remote duties, the test plan, and the team
    of each person. Everything not listed as on site is remote (or off where an absence or a
    closed slot says so); ``remote_duties`` say who serves a remote post from home."""

    assignments: list[Assignment] = Field(default_factory=list)
    remote_duties: list[RemoteDuty] = Field(default_factory=list)
    tests: list[RapidTest] = Field(default_factory=list)
    teams: dict[str, int] = Field(default_factory=dict)


class Penalty(Model):
    """One thing the roster pays for: ``cost`` = weight x amount, under rule ``rule``."""

    rule: str
    label: str
    cost: int
    staff: str | None = None
    date: dt.date | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None
    detail: str = ""


class Violation(Model):
    """A broken hard rule, in words a department head can act on."""

    rule: str
    label: str
    message: str
    staff: str | None = None
    date: dt.date | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None


class Report(Model):
    """What the referee finds in a roster: broken hard rules, penalties and the objective."""

    violations: list[Violation] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)
    objective: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


class Status(StrEnum):
    optimal = "optimal"  # proven best
    feasible = "feasible"  # a roster, not proven best
    infeasible = "infeasible"  # proven: no roster meets the hard rules
    unknown = "unknown"  # no roster within the time limit, nothing proven
    invalid = "invalid"  # the model itself is wrong (a bug): never expected


class SolveSummary(Model):
    """What a solve found, without the roster itself. ``objective``/``bound`` include
    ``objective_offset``."""

    status: Status
    objective: int | None = None
    bound: int | None = None
    gap: float | None = Field(None, description="(objective - bound) / max(1, |objective|)")
    wall_time: float = 0.0
    build_time: float = 0.0
    first_solution_time: float | None = None
    penalties: list[Penalty] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)


class SolveResult(SolveSummary):
    """What ``solver.solve`` returns: the summary and the roster (None when there is none)."""

    roster: Roster | None = None

    def summary(self) -> SolveSummary:
        """The result without its roster."""
        return SolveSummary.model_validate(self.model_dump(exclude={"roster"}))


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(T("yaml.duplicate_id", kind=T(f"kind.{kind}"), id=i))
        seen.add(i)


def _known(kind: str, ids: list[str], known: set[str], where: str) -> None:
    for i in ids:
        if i not in known:
            raise ValueError(
                T(
                    "model.unknown_ref",
                    where=where,
                    kind=T(f"kind.{kind}"),
                    value=i,
                    known=sorted(known),
                )
            )


def _unknown_known(where: str, kind: str, value: str, known: set[str]) -> str:
    """``post 'seal': unknown skill 'x'; known skills: [...]``."""
    return T(
        "model.unknown_known",
        where=where,
        kind=T(f"kind.{kind}"),
        kinds=T(f"kind.{kind}s"),
        value=value,
        known=sorted(known),
    )


class Progress(Model):
    """A progress report during a solve: sent to ``on_progress`` at each better roster."""

    elapsed: float
    objective: int | None = None
    bound: int | None = None
    solutions: int = 0
    roster: Roster | None = Field(
        None,
        description="The roster found, when the caller asked for rosters in progress "
        "reports (solve(..., progress_rosters=True)), so a stopped job keeps its best roster.",
    )
