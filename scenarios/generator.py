"""Synthetic sites of any size, feasible by construction, and a solver-free capacity check.

``generate(staff=600, seed=1)`` builds a provincial office block with Vietnamese names: an
office unit holding the essential tasks (seal, IT support with conference stand-bys, internal
affairs always present), departments running counters, a post-office counter run by external
clerks, and an epidemic task force outside the cap and the rotation. Everybody who rotates has a
fixed team, balanced within each unit, and every post has at least two *primary* holders in each
team, each primary holder serving one post only, and each unit's cap is at least the number of
its posts open at once; absences never take out more than one primary holder of a post per
team. Hence a roster exists: in every slot the team on duty sends one primary holder per post.

``capacity_issues(problem)`` checks that argument on any problem (a max-flow per open slot:
posts -> qualified, available people of the team on duty -> unit caps); tests use it to show
that every built-in scenario is feasible without calling the solver.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque

from roster.index import ProblemIndex
from roster.input_messages import T
from roster.model import (
    Absence,
    AbsenceReason,
    CapRule,
    Contract,
    CountLimit,
    Demand,
    FairnessRule,
    Horizon,
    Opening,
    Policy,
    Post,
    PostKind,
    PresenceFloor,
    PresenceRule,
    Problem,
    RapidTestRule,
    Request,
    ShiftType,
    Site,
    SlotDemand,
    Staff,
    TeamRule,
    Unit,
)

# --------------------------------------------------------------------------------------------
# Vietnamese names
# --------------------------------------------------------------------------------------------

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lâm",
    "Trương",
    "Mai",
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Hoàng", "Xuân", "Công", "Tấn"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thùy", "Hồng", "Bích", "Phương"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quang",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Bảo",
    "Lộc",
]
GIVEN_FEMALE = [
    "Anh",
    "Châu",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Tâm",
    "Thảo",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Xuân",
    "Yến",
]


def vietnamese_name(rng: random.Random) -> str:
    """A plausible Vietnamese full name (surname, middle name, given name)."""
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


# Departments of a province (id, name); cycled with a number when more are asked for.
DEPARTMENTS = [
    ("GTVT", "Sở Giao thông vận tải"),
    ("CT", "Sở Công Thương"),
    ("TNMT", "Sở Tài nguyên và Môi trường"),
    ("KHDT", "Sở Kế hoạch và Đầu tư"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
    ("TP", "Sở Tư pháp"),
    ("XD", "Sở Xây dựng"),
    ("LDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("YT", "Sở Y tế"),
    ("GDDT", "Sở Giáo dục và Đào tạo"),
    ("NNPTNT", "Sở Nông nghiệp và PTNT"),
    ("TC", "Sở Tài chính"),
    ("NV", "Sở Nội vụ"),
    ("TTTT", "Sở Thông tin và Truyền thông"),
    ("VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("KHCN", "Sở Khoa học và Công nghệ"),
]

MORNING = ShiftType(
    id="morning", name="Morning", name_vi="Sáng", start=dt.time(7, 30), end=dt.time(11, 30)
)
AFTERNOON = ShiftType(
    id="afternoon", name="Afternoon", name_vi="Chiều", start=dt.time(13, 30), end=dt.time(17, 0)
)


def _department(i: int) -> tuple[str, str]:
    uid, name = DEPARTMENTS[i % len(DEPARTMENTS)]
    k = i // len(DEPARTMENTS)
    return (uid, name) if k == 0 else (f"{uid}{k + 1}", f"{name} ({k + 1})")


def _sizes(total: int, parts: int, minimum: list[int], rng: random.Random) -> list[int]:
    """Split ``total`` into ``parts`` sizes, each at least its minimum, roughly even."""
    sizes = list(minimum)
    rest = total - sum(sizes)
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    wsum = sum(weights)
    for i in range(parts):
        sizes[i] += int(rest * weights[i] / wsum)
    i = 0
    while sum(sizes) < total:
        sizes[i % parts] += 1
        i += 1
    return sizes


def generate(
    staff: int,
    units: int | None = None,
    counters: int | None = None,
    weeks: int = 1,
    seed: int = 0,
    start: dt.date = dt.date(2021, 12, 13),
    duty_officers: bool = False,
) -> Problem:
    """A feasible-by-construction site of ``staff`` people (100 to 3,000 are typical).

    ``units``: departments running counters (default: about one per 60 staff); ``counters``:
    counters over those departments (default: one and a half per department). The same
    arguments and ``seed`` give the same problem. ``duty_officers``: every department and the
    office keep at least one person on site in every open shift (a hard presence floor), also
    in shifts where none of their posts is open.
    """
    if staff < 40:
        raise ValueError(T("generate.min_staff", n=40))
    rng = random.Random(seed)
    n_dept = units if units is not None else max(2, min(48, staff // 60))
    n_dept = max(1, n_dept)
    n_counters = counters if counters is not None else max(n_dept, (3 * n_dept) // 2)
    n_counters = max(1, n_counters)
    # Every post needs 2 primary holders per team (4 people) and its unit's cap (1/3) must
    # reach the posts open at once: 6 staff per post keeps floor(n/3) >= 2 per post.
    counter_units = [i % n_dept for i in range(n_counters)]
    per_unit_posts = [counter_units.count(u) for u in range(n_dept)]
    office_posts = 4  # seal, IT support, IT stand-by, internal affairs (2 people)
    task_force = max(3, staff // 50)
    clerks = 4
    office_min = 6 * (office_posts + 1)
    dept_min = [max(6, 6 * p) for p in per_unit_posts]
    budget = staff - task_force - clerks
    if budget < office_min + sum(dept_min):
        need = office_min + sum(dept_min) + task_force + 4
        raise ValueError(
            T("generate.too_few", staff=staff, units=n_dept, counters=n_counters, need=need)
        )
    sizes = _sizes(budget, n_dept + 1, [office_min] + dept_min, rng)

    unit_list = [Unit(id="VP", name="Văn phòng UBND tỉnh")]
    unit_list += [Unit(id=_department(i)[0], name=_department(i)[1]) for i in range(n_dept)]
    unit_list += [
        Unit(id="BD", name="Bưu điện tỉnh (nhân viên bên ngoài)"),
        Unit(id="PCD", name="Tổ phản ứng nhanh phòng chống dịch"),
    ]

    weekdays = [0, 1, 2, 3, 4]
    posts: list[Post] = [
        Post(
            id="dong-dau",
            name="Official seal",
            name_vi="Văn thư, đóng dấu",
            kind=PostKind.task,
            skill="con_dau",
            unit="VP",
            demands=[Demand(weekdays=weekdays, min=1, max=1)],
        ),
        Post(
            id="ho-tro-cntt",
            name="IT support",
            name_vi="Hỗ trợ kỹ thuật CNTT",
            kind=PostKind.task,
            skill="cntt",
            unit="VP",
            demands=[Demand(weekdays=weekdays, min=1, max=1)],
        ),
        Post(
            id="truc-hoi-nghi",
            name="Online conference stand-by",
            name_vi="Trực kỹ thuật hội nghị trực tuyến",
            kind=PostKind.task,
            skill="hoi_nghi",
            unit="VP",
            demands=[],
            slot_demands=[
                SlotDemand(date=start + dt.timedelta(days=7 * w + d), shift=s, min=1)
                for w in range(weeks)
                for d, s in ((1, "afternoon"), (3, "morning"))
            ],
        ),
        Post(
            id="noi-chinh",
            name="Internal affairs office (always present)",
            name_vi="Phòng Nội chính (luôn có mặt)",
            kind=PostKind.task,
            skill="noi_chinh",
            unit="VP",
            demands=[Demand(weekdays=weekdays, min=1, max=2)],
        ),
        Post(
            id="quay-buu-dien",
            name="Post office fee counter",
            name_vi="Quầy thu phí (Bưu điện)",
            kind=PostKind.counter,
            skill="buu_chinh",
            unit="BD",
            demands=[Demand(weekdays=weekdays, min=1, max=1)],
        ),
        Post(
            id="kiem-soat-y-te",
            name="Health check at the door",
            name_vi="Kiểm soát y tế tại cửa",
            kind=PostKind.task,
            skill="phong_dich",
            unit="PCD",
            demands=[Demand(weekdays=weekdays, min=1)],
        ),
    ]
    unit_posts: dict[str, list[str]] = {
        "VP": ["dong-dau", "ho-tro-cntt", "truc-hoi-nghi", "noi-chinh"],
        "BD": ["quay-buu-dien"],
        "PCD": ["kiem-soat-y-te"],
    }
    for c in range(n_counters):
        u = unit_list[1 + counter_units[c]]
        pid = f"quay-{u.id.lower()}-{c + 1}"
        posts.append(
            Post(
                id=pid,
                name=f"{u.id} counter {c + 1}",
                name_vi=f"Quầy {u.name} số {c + 1}",
                kind=PostKind.counter,
                skill=f"quay_{c + 1}",
                unit=u.id,
                demands=[Demand(weekdays=weekdays, min=1, max=2)],
            )
        )
        unit_posts.setdefault(u.id, []).append(pid)
    skills = [p.skill for p in posts if p.skill]
    skill_of = {p.id: p.skill for p in posts if p.skill}  # every post above has a skill
    site = Site(
        id=f"generated-{staff}-{seed}",
        name=f"Khu hành chính tỉnh (mô phỏng {staff})",
        units=unit_list,
        shifts=[MORNING, AFTERNOON],
        skills=skills,
        posts=posts,
        opening=[Opening(weekdays=weekdays)],
    )

    people: list[Staff] = []
    critical: dict[str, tuple[str, int]] = {}  # staff id -> (post, team) where primary
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"NV{counter:04d}"

    def last_test() -> dt.date | None:
        return None if rng.random() < 0.2 else start - dt.timedelta(days=rng.randint(1, 4))

    for ui, u in enumerate(unit_list[:-2]):
        size = sizes[ui]
        own = unit_posts.get(u.id, [])
        members: list[Staff] = []
        for k in range(size):
            team = k % 2
            members.append(
                Staff(
                    id=new_id(),
                    name=vietnamese_name(rng),
                    unit=u.id,
                    team=team,
                    last_test=last_test(),
                )
            )
        # two primary holders per post and team, each primary for one post only
        by_team = {t: [m for m in members if m.team == t] for t in (0, 1)}
        for t, group in by_team.items():
            rng.shuffle(group)
            for pi, pid in enumerate(own):
                for m in group[2 * pi : 2 * pi + 2]:
                    m.skills = [skill_of[pid]]
                    critical[m.id] = (pid, t)
            spare = group[2 * len(own) :]
            for m in spare:  # secondary skills: backups, never needed for feasibility
                if own and rng.random() < 0.4:
                    m.skills = sorted({skill_of[rng.choice(own)]})
                if rng.random() < 0.15:
                    m.contract = "hop_dong_68"
        people.extend(members)
    for k in range(clerks):
        people.append(
            Staff(
                id=new_id(),
                name=vietnamese_name(rng),
                unit="BD",
                skills=["buu_chinh"],
                team=k % 2,
                external=True,
                last_test=last_test(),
            )
        )
        critical[people[-1].id] = ("quay-buu-dien", k % 2)
    for _ in range(task_force):
        people.append(
            Staff(
                id=new_id(),
                name=vietnamese_name(rng),
                unit="PCD",
                skills=["phong_dich"],
                counts_toward_cap=False,
                rotates=False,
                last_test=last_test(),
            )
        )

    days = 7 * weeks
    end = start + dt.timedelta(days=days - 1)
    absences: list[Absence] = []
    hit: set[tuple[str, int]] = set()
    for s in rng.sample(people, max(2, staff // 30)):
        if s.id in critical:
            if critical[s.id] in hit or not s.rotates:
                continue
            hit.add(critical[s.id])
        if not s.rotates:
            continue
        reason = rng.choice(
            [
                AbsenceReason.leave,
                AbsenceReason.isolation,
                AbsenceReason.remote_only,
                AbsenceReason.sick,
            ]
        )
        a_start = start + dt.timedelta(days=rng.randint(0, days - 1))
        length = 14 if reason is AbsenceReason.isolation else rng.randint(1, 3)
        a_end = min(end, a_start + dt.timedelta(days=length - 1))
        notes = {
            AbsenceReason.leave: "Nghỉ phép",
            AbsenceReason.isolation: "Cách ly F1",
            AbsenceReason.remote_only: "Bệnh nền, chỉ làm việc từ xa",
            AbsenceReason.sick: "Nghỉ ốm",
        }
        absences.append(
            Absence(staff=s.id, start=a_start, end=a_end, reason=reason, note=notes[reason])
        )
    requests: list[Request] = []
    for s in rng.sample(people, max(2, staff // 40)):
        d = start + dt.timedelta(days=rng.randint(0, 4))
        requests.append(
            Request(
                staff=s.id,
                date=d,
                shift=rng.choice([None, "morning", "afternoon"]),
                on_site=rng.random() < 0.4,
                weight=rng.randint(1, 3),
            )
        )

    policy = Policy(
        name="Tối đa 1/3 cán bộ tại trụ sở, 2 nhóm luân phiên theo ngày, test nhanh 3 ngày/lần",
        cap=CapRule(fraction=1 / 3, scopes=["unit"], rounding="floor"),
        teams=TeamRule(count=2, rotation="day"),
        tests=RapidTestRule(valid_days=3),
        fairness=FairnessRule(weight=5),
        presence=PresenceRule(
            floors=[
                PresenceFloor(unit=u.id, min=1)
                for u in unit_list
                if duty_officers and u.id not in ("BD", "PCD")
            ],
        ),
        contracts={
            "default": Contract(),
            "hop_dong_68": Contract(
                counts=[CountLimit(measure="shifts", window="week", soft_max=4, max_weight=2)]
            ),
        },
    )
    return Problem(
        site=site,
        staff=people,
        policy=policy,
        horizon=Horizon(start=start, days=days),
        absences=absences,
        requests=requests,
    )


# --------------------------------------------------------------------------------------------
# A solver-free capacity check
# --------------------------------------------------------------------------------------------


def _max_flow(graph: dict[str, dict[str, int]], source: str, sink: str) -> int:
    """Edmonds-Karp on a small residual graph (modified in place)."""
    flow = 0
    while True:
        parent: dict[str, str] = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, c in graph.get(u, {}).items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path: list[tuple[str, str]] = []  # the augmenting path's edges, sink first
        v = sink
        while v != source:
            path.append((parent[v], v))
            v = parent[v]
        push = min(graph[u][v] for u, v in path)
        for u, v in path:
            graph[u][v] -= push
            graph.setdefault(v, {}).setdefault(u, 0)
            graph[v][u] += push
        flow += push


def capacity_issues(problem: Problem, teams: dict[str, int] | None = None) -> list[str]:
    """Reasons the problem cannot be covered, checked slot by slot without a solver.

    For every open slot: can each post get its ``min`` qualified, available people of the team
    the rotation gives that slot (or who do not rotate), one post per person, without any unit
    or the site going over its cap? Also checks that fixed teams are balanced within units.
    Rotating staff without a team use ``teams`` (staff id -> 0-based team) if given, else are
    not counted. Contracts and rapid tests are not checked (tests can always be booked on the
    day when there is no daily capacity). An empty list means every slot can be covered.
    """
    ix = ProblemIndex(problem)
    policy = problem.policy
    team_of = {
        s.id: (s.team if s.team is not None else (teams or {}).get(s.id)) for s in problem.staff
    }
    out: list[str] = []
    if policy.teams.enabled and policy.teams.balance:
        for u, members in ix.staff_of_unit.items():
            rot = [m for m in members if ix.staff_by_id[m].rotates]
            if rot and all(team_of[m] is not None for m in rot):
                counts = [sum(1 for m in rot if team_of[m] == t) for t in range(policy.teams.count)]
                if max(counts) - min(counts) > 1:
                    out.append(f"unit {u}: team sizes {counts} are unbalanced")
    cap_enabled = policy.cap.enabled and policy.cap.hard
    # A unit scope always names its unit (only the site scope has None).
    unit_caps = {u: c for kind, u, _, c in ix.cap_scopes if kind == "unit" and u is not None}
    site_caps = [c for kind, _, _, c in ix.cap_scopes if kind == "site"]
    for d, s in ix.open_slots:
        duty = ix.pattern_team.get((d, s)) if policy.teams.enabled else None
        out += _presence_issues(problem, ix, team_of, d, s, duty)
        if cap_enabled and ix.cap_is_dated:
            unit_caps = {
                u: ix.cap_on(kind, u, len(m), d)
                for kind, u, m, _ in ix.cap_scopes
                if kind == "unit" and u is not None
            }
        # Remote duties are served from home: they take no place on site.
        needs = {
            p: n[(d, s)].min
            for p, n in ix.needs.items()
            if (d, s) in n and n[(d, s)].min and p not in ix.remote_posts
        }
        if not needs:
            continue
        graph: dict[str, dict[str, int]] = {"S": {}}
        for p, m in needs.items():
            graph["S"][f"p:{p}"] = m
            graph[f"p:{p}"] = {}
            for sid in ix.qualified_staff[p]:
                st = ix.staff_by_id[sid]
                if not ix.available(sid, d, s):
                    continue
                if (
                    st.rotates
                    and policy.teams.enabled
                    and policy.teams.rotation != "free"
                    and (team_of[sid] is None or team_of[sid] != duty)
                ):
                    continue
                graph[f"p:{p}"][f"s:{sid}"] = 1
                if f"s:{sid}" not in graph:
                    if cap_enabled and ix.counts_toward_cap(sid):
                        target = f"u:{st.unit}" if st.unit in unit_caps else "site"
                    else:
                        target = "T"
                    graph[f"s:{sid}"] = {target: 1}
        for u, c in unit_caps.items():
            graph[f"u:{u}"] = {"site": c}
        graph["site"] = {"T": site_caps[0] if site_caps else 10**9}
        need = sum(needs.values())
        got = _max_flow(graph, "S", "T")
        if got < need:
            short = [p for p in needs if graph["S"][f"p:{p}"] > 0]
            out.append(
                f"{ix.date(d)} {s}: can cover {got} of {need} places (short at {', '.join(short)})"
            )
    return out


def _presence_issues(
    problem: Problem,
    ix: ProblemIndex,
    team_of: dict[str, int | None],
    d: int,
    s: str,
    duty: int | None,
) -> list[str]:
    """Hard presence floors a unit cannot meet in a slot: fewer available people of the team
    on duty (or outside the rotation) than the floor, or a floor above the unit's cap."""
    rule = problem.policy.presence
    if not (rule.enabled and rule.hard):
        return []
    out = []
    policy = problem.policy
    for (u, day, shift), floor in ix.presence_floors.items():
        if (day, shift) != (d, s):
            continue
        here = [
            m
            for m in ix.staff_of_unit[u]
            if ix.available(m, d, s)
            and (
                duty is None
                or not ix.staff_by_id[m].rotates
                or policy.teams.rotation == "free"
                or team_of[m] == duty
            )
        ]
        counting = [m for m in here if ix.counts_toward_cap(m)]
        caps = [
            ix.cap_on(kind, unit, len(mem), d)
            for kind, unit, mem, _ in ix.cap_scopes
            if kind == "unit" and unit == u
        ]
        room = len(here) - len(counting) + (min(caps[0], len(counting)) if caps else len(counting))
        if policy.cap.enabled and policy.cap.hard and room < floor:
            out.append(f"{ix.date(d)} {s}: unit {u} can have {room} on site, its floor is {floor}")
        elif len(here) < floor:
            out.append(
                f"{ix.date(d)} {s}: unit {u} has {len(here)} available, its floor is {floor}"
            )
    return out


def suggest_teams(problem: Problem) -> dict[str, int]:
    """A balanced team split for rotating staff without a fixed team: within each unit, people
    sorted by their skills are dealt to the teams in turn (fixed teams are kept and counted),
    so each team gets about half of the holders of each skill. Used to check scenarios whose
    teams are left to the solver."""
    count = problem.policy.teams.count
    out: dict[str, int] = {}
    by_unit: dict[str, list[Staff]] = {}
    for s in problem.staff:
        if s.rotates:
            by_unit.setdefault(s.unit, []).append(s)
    for members in by_unit.values():
        sizes = [sum(1 for m in members if m.team == t) for t in range(count)]
        free = sorted(
            (m for m in members if m.team is None), key=lambda m: (tuple(sorted(m.skills)), m.id)
        )
        for m in free:
            t = min(range(count), key=lambda k: (sizes[k], k))
            out[m.id] = t
            sizes[t] += 1
    return out


__all__ = ["capacity_issues", "generate", "suggest_teams", "vietnamese_name"]
