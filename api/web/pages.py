"""The pages. Each handler reads the signed-in session, calls the JSON API in process with the
user's token (:class:`api.web.client.Api`) and renders a Jinja2 template. ``/web/api/...``
forwards the page's own JavaScript calls (generate, stop, edit, publish, explain) to the API
with the session's token once the CSRF header matches."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from fractions import Fraction
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile

from api.models import RosterRow
from api.web import HERE
from api.web.client import Api, ApiFailure
from api.web.i18n import (
    LANGS,
    WEEKDAYS_EN,
    WEEKDAYS_VI,
    Lang,
    long_date,
    message,
    plain_date,
    short_date,
    t,
    when,
)
from api.web.session import (
    COOKIE,
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    WebSession,
    current,
    same,
    set_cookie,
    store,
)
from roster.events import Isolation, cell_states, reason_words
from roster.export import (
    RosterView,
    coverage_table,
    figures_of,
    headcount_table,
    post_codes,
)
from roster.index import ProblemIndex
from roster.labels import LABELS
from roster.model import Problem, Roster

log = logging.getLogger("api.web")


class WebRoute(APIRoute):
    """A page that fails unexpectedly answers with a page in words (and a log line with the
    traceback), never a bare 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInNeeded:
                return to_login(request)
            except SQLAlchemyError as exc:  # the database is away: say so, nothing was saved
                log.warning("web page %s: database unavailable: %s", request.url.path, exc)
                resp = render(
                    request,
                    "error.html",
                    None,
                    status=503,
                    message=t("error.unavailable", lang_of(request)),
                )
                resp.headers["Retry-After"] = "5"
                return resp
            except Exception:  # noqa: BLE001 - shown as a page, logged with the traceback
                log.exception("web page %s failed", request.url.path)
                return render(
                    request,
                    "error.html",
                    current(request),
                    status=500,
                    message=t("error.unexpected", lang_of(request)),
                )

        return handler


router = APIRouter(prefix="/web", include_in_schema=False, route_class=WebRoute)
templates = Jinja2Templates(directory=str(HERE / "templates"))

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def lang_of(request: Request) -> Lang:
    v = request.cookies.get(LANG_COOKIE)
    return v if v in LANGS else "vi"


def render(
    request: Request, name: str, sess: WebSession | None, status: int = 200, **kw: Any
) -> HTMLResponse:
    lang = lang_of(request)

    def _(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    ctx = {
        "request": request,
        "lang": lang,
        "_": _,
        "me": sess.me if sess else None,
        "csrf": sess.csrf if sess else "",
        "long_date": lambda d: long_date(d, lang),
        "short_date": lambda d: short_date(d, lang),
        "plain_date": plain_date,
        "when": when,
        "rule_label": lambda rule, default="": rule_label(rule, lang, default),
        "absence_key": absence_key,
        "msg": lambda text: message(text, lang),
        "path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **kw,
    }
    resp = templates.TemplateResponse(request, name, ctx, status_code=status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    return resp


def rule_label(rule: str, lang: Lang, default: str = "") -> str:

    if rule in LABELS:
        en, vi = LABELS[rule]
        return vi if lang == "vi" else en
    return default or rule


def to_login(request: Request) -> RedirectResponse:
    nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/web/login?next={quote(nxt, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    if value and value.startswith("/web/") and not value.startswith("//"):
        return value
    return "/web/week"


async def form_of(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form}


def csrf_ok(sess: WebSession, value: Any) -> bool:
    return same(sess.csrf, value if isinstance(value, str) else None)


def monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def parse_date(v: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        return None


class SignInNeeded(Exception):
    """Raised by :func:`signed_in` without a live session; the route answers with the sign-in
    page (coming back here after)."""


def signed_in(request: Request) -> tuple[WebSession, Api]:
    """The signed-in session and the API as that user, or :class:`SignInNeeded`."""
    sess = current(request)
    if sess is None:
        raise SignInNeeded
    return sess, Api(request, sess.token)


def error_page(request: Request, sess: WebSession | None, exc: ApiFailure) -> Response:
    if exc.status == 401:  # the token was revoked since sign-in: sign in again
        store(request).drop(request.cookies.get(COOKIE))
        return to_login(request)
    status = exc.status if exc.status in (400, 403, 404, 409, 422) else 502
    return render(request, "error.html", sess, status=status, error=exc)


async def visible_sites(api: Api) -> list[dict[str, Any]]:
    return await api.get("/sites")


def unit_names(site: dict[str, Any]) -> dict[str, str]:
    return {u["id"]: u.get("name") or u["id"] for u in site["site"]["units"]}


async def pick_site(
    api: Api, sess: WebSession, site_id: str | None
) -> tuple[list[dict], dict | None]:
    sites = await visible_sites(api)
    ids = [s["id"] for s in sites]
    if site_id not in ids:
        site_id = sess.me.get("site_id") if sess.me.get("site_id") in ids else None
        site_id = site_id or (ids[0] if ids else None)
    site = await api.get(f"/sites/{quote(site_id, safe='')}") if site_id else None
    return sites, site


# --------------------------------------------------------------------------------------------
# sign-in, language
# --------------------------------------------------------------------------------------------


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(
        request, "login.html", None, login_csrf=token, next=safe_next(next), login_error=None
    )
    set_cookie(request, resp, LOGIN_CSRF_COOKIE, token)
    return resp


@router.post("/login")
async def login(request: Request) -> Response:
    form = await form_of(request)
    nxt = safe_next(form.get("next"))
    lang = lang_of(request)

    def again(msg: str, status: int) -> Response:
        tok = secrets.token_urlsafe(24)
        resp = render(
            request, "login.html", None, status=status, login_csrf=tok, next=nxt, login_error=msg
        )
        set_cookie(request, resp, LOGIN_CSRF_COOKIE, tok)
        return resp

    if not same(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf")):
        return again(t("csrf.bad", lang), 403)
    token = (form.get("token") or "").strip()
    if not token:
        return again(t("login.empty", lang), 422)
    try:
        me = await Api(request, token).get("/auth/me")
    except ApiFailure:
        return again(t("login.bad", lang), 401)
    store(request).drop(request.cookies.get(COOKIE))
    sid, _ = store(request).create(token, me)
    resp = RedirectResponse(nxt, status_code=303)
    set_cookie(request, resp, COOKIE, sid)
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    sess = current(request)
    form = await form_of(request)
    if sess is not None and csrf_ok(sess, form.get("csrf")):
        store(request).drop(request.cookies.get(COOKIE))
    resp = RedirectResponse("/web/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


@router.get("/lang/{lang}")
async def switch_lang(request: Request, lang: str, next: str | None = None) -> Response:
    resp = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        set_cookie(request, resp, LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return resp


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/web/week", status_code=303)


# --------------------------------------------------------------------------------------------
# the API, for the page's JavaScript
# --------------------------------------------------------------------------------------------

FORWARD = ("content-type", "content-disposition", "etag", "location", "retry-after")


@router.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def proxy(request: Request, path: str) -> Response:
    sess = current(request)
    lang = lang_of(request)
    if sess is None:
        return JSONResponse({"message": t("csrf.bad", lang), "field": None}, status_code=401)
    if request.method != "GET" and not same(sess.csrf, request.headers.get("X-CSRF-Token")):
        return JSONResponse({"message": t("csrf.bad", lang), "field": "csrf"}, status_code=403)
    if path.startswith("web/") or path.startswith("/"):
        return JSONResponse({"message": "not found", "field": None}, status_code=404)
    headers = {
        k: v
        for k, v in request.headers.items()
        if k.lower() in ("content-type", "if-match", "if-none-match", "accept")
    }
    r = await Api(request, sess.token).raw(
        request.method,
        "/" + path,
        params=list(request.query_params.multi_items()),
        content=await request.body(),
        headers=headers,
    )
    out = {k: v for k, v in r.headers.items() if k.lower() in FORWARD}
    return Response(r.content, status_code=r.status_code, headers=out)


# --------------------------------------------------------------------------------------------
# the week
# --------------------------------------------------------------------------------------------


def load_problem(request: Request, roster_id: str):
    """The problem stored with a roster the API has just let this user read."""

    with request.app.state.sessionmaker() as db:
        row = db.get(RosterRow, roster_id)
        return Problem.model_validate(row.problem)


def choose_roster(rosters: list[dict], wanted: str | None, policy_version: int | None) -> Any:
    if wanted:
        for r in rosters:
            if r["id"] == wanted:
                return r
    for r in rosters:  # newest first
        if r["status"] == "published":
            return r
    for r in rosters:
        if r["policy_version"] == policy_version:
            return r
    return rosters[0] if rosters else None


def grid_of(
    problem,
    roster,
    lang: Lang,
    changed: set[tuple[str, str, str]] | None = None,
    open_only: bool = False,
):
    """Rows of the grid: person, team and one cell per day and shift (mode, post, test).
    ``open_only``: only the days and shifts when the site is open (the printed roster hides
    closed Sundays and the closed Saturday afternoon, as the workbook and the PDF do)."""

    v = RosterView(problem, roster, "vi" if lang == "vi" else "en")
    ix = v.ix
    shifts = [(s, v.shift_label(s)) for s in ix.shift_ids]
    columns = [
        (
            ix.date(d),
            [(s, name) for s, name in shifts if not open_only or (d, s) in ix.open_slot_set],
        )
        for d in range(ix.days)
    ]
    columns = [(date, shs) for date, shs in columns if shs]
    days = [date for date, _ in columns]
    day_index = {ix.date(d): d for d in range(ix.days)}
    post_label = {p.id: v.post_label(p.id) for p in problem.site.posts}
    codes = v.codes
    words = {m: (t(f"code.{m}", lang), t(f"mode.{m}", lang)) for m in ("on_site", "remote", "off")}
    test_code, test_word = t("code.test", lang), t("mode.test", lang)
    rows = []
    changed = changed or set()
    for sid in v.people:
        s = ix.staff_by_id[sid]
        team = v.team_of(sid)
        cells = v.cells(sid)
        out = []
        posts: set[str] = set()
        for date, day_shifts in columns:
            d, iso = day_index[date], date.isoformat()
            for sh, _label in day_shifts:
                c = cells[(d, sh)]
                mode = "on_site" if c.mode in ("post", "general") else c.mode
                if c.post:
                    posts.add(c.post)
                out.append(
                    {
                        "date": iso,
                        "shift": sh,
                        "mode": mode,
                        "code": words[mode][0],
                        "word": words[mode][1],
                        "post": c.post,
                        "post_code": codes.get(c.post, "") if c.post else "",
                        "post_label": post_label.get(c.post, "") if c.post else "",
                        "test": c.test,
                        "changed": (sid, iso, sh) in changed,
                    }
                )
        rows.append(
            {
                "id": sid,
                "name": s.name or sid,
                "unit": s.unit,
                "team": team,
                "team_label": "" if team is None else t("team.name", lang, n=team + 1),
                "skills": s.skills,
                "posts": sorted(posts),
                "cells": out,
            }
        )
    return {
        "days": days,
        "shifts": shifts,
        "columns": columns,
        "n_cells": sum(len(shs) for _, shs in columns),
        "rows": rows,
        "posts": [(p.id, codes[p.id], post_label[p.id], p.unit) for p in problem.site.posts],
        "remote_posts": {p.id for p in problem.site.posts if p.remote},
        "test_code": test_code,
        "test_word": test_word,
        "view": v,
    }


def tables_of(problem, roster, lang: Lang):

    v = RosterView(problem, roster, "vi" if lang == "vi" else "en")
    figures = figures_of(problem, roster)
    return headcount_table(v, figures), coverage_table(v, figures), figures


@router.get("/week")
async def week(
    request: Request,
    site: str | None = None,
    unit: str | None = None,
    start: str | None = None,
    roster: str | None = None,
) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    try:
        sites, site_doc = await pick_site(api, sess, site)
        if site_doc is None:
            scenarios = [s["name"] for s in await api.get("/scenarios")]
            return render(request, "week.html", sess, sites=[], site=None, scenarios=scenarios)
        units = unit_names(site_doc)
        if sess.me["role"] == "head":
            units = {k: v for k, v in units.items() if k == sess.me.get("unit_id")}
        unit_id = unit if unit in units else (next(iter(units)) if units else None)
        all_rosters = await api.get(
            "/rosters", params={"site_id": site_doc["id"], "unit_id": unit_id, "limit": 500}
        )
        all_rosters = [r for r in all_rosters if r["unit_id"] == unit_id]
        start_d = parse_date(start)
        if start_d is None:
            start_d = (
                dt.date.fromisoformat(all_rosters[0]["start"])
                if all_rosters
                else monday(dt.date.today())
            )
        rosters = [r for r in all_rosters if r["start"] == start_d.isoformat()]
        chosen = choose_roster(rosters, roster, site_doc.get("policy_version"))
        full = grid = headcount = coverage = etag = None
        if chosen is not None:
            full, etag = await api.get_etag(f"/rosters/{chosen['id']}")

            problem = load_problem(request, chosen["id"])
            rdata = Roster.model_validate(full["revision"]["roster"])
            t0 = time.perf_counter()
            grid = grid_of(problem, rdata, lang)
            headcount, coverage, _fig = tables_of(problem, rdata, lang)
            grid["build_seconds"] = time.perf_counter() - t0
        jobs = [
            j
            for j in await api.get("/jobs", params={"site_id": site_doc["id"], "limit": 10})
            if j["unit_id"] == unit_id and j["start"] == start_d.isoformat()
        ]
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    can_edit = sess.me["role"] in ("hr", "head")
    last_job = jobs[0] if jobs else None
    return render(
        request,
        "week.html",
        sess,
        sites=sites,
        site=site_doc,
        units=units,
        unit_id=unit_id,
        start=start_d,
        end=start_d + dt.timedelta(days=6),
        prev_start=start_d - dt.timedelta(days=7),
        next_start=start_d + dt.timedelta(days=7),
        rosters=rosters,
        chosen=chosen,
        full=full,
        etag=etag,
        grid=grid,
        headcount=headcount,
        coverage=coverage,
        can_edit=can_edit,
        can_generate=can_edit,  # the portal only reads on these pages
        last_job=last_job,
        js_text=js_text(lang),
    )


@router.post("/sites/demo")
async def load_demo(request: Request) -> Response:
    """HR: a built-in scenario as a new site (POST /sites/demo), to try the pages."""
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await form_of(request)
    error = None
    if not csrf_ok(sess, form.get("csrf")):
        error = t("csrf.bad", lang)
    else:
        body = {"scenario": form.get("scenario") or "", "site_id": form.get("site_id") or None}
        try:
            site = await api.post("/sites/demo", json=body)
            return RedirectResponse(f"/web/week?site={quote(site['id'])}", status_code=303)
        except ApiFailure as exc:
            error = exc.message
    scenarios = [s["name"] for s in await api.get("/scenarios")]
    return render(
        request,
        "week.html",
        sess,
        status=422,
        sites=[],
        site=None,
        scenarios=scenarios,
        error=error,
    )


def js_text(lang: Lang) -> str:
    keys = [
        "gen.queued",
        "gen.solving",
        "gen.done",
        "gen.failed",
        "gen.stopped",
        "edit.refused",
        "edit.saved",
        "act.published",
        "explain.title",
        "explain.fixes",
        "explain.setting",
        "explain.loading",
        "policy.cap",
        "policy.teams",
        "policy.tests",
        "policy.coverage",
        "policy.contracts",
        "nav.absences",
        "nav.staff",
        "mode.on_site",
        "mode.remote",
        "mode.off",
        "error.title",
        "stale",
        "solve.optimal",
        "solve.feasible",
        "solve.infeasible",
        "solve.unknown",
        "solve.failed",
        "solve.stopped",
        "explain.summary",
        "explain.rules",
    ]

    out: dict[str, Any] = {k: t(k, lang) for k in keys}
    out["rules"] = {r: (vi if lang == "vi" else en) for r, (en, vi) in LABELS.items()}
    out["weekdays"] = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    return json.dumps(out, ensure_ascii=False).replace("<", "\\u003c")


@router.get("/print")
async def print_view(
    request: Request, site: str | None = None, start: str | None = None, unit: str | None = None
) -> Response:
    """Every visible unit's roster of the week (the one the week page shows), one per page."""
    sess, api = signed_in(request)
    lang = lang_of(request)
    start_d = parse_date(start) or monday(dt.date.today())
    try:
        _sites, site_doc = await pick_site(api, sess, site)
        if site_doc is None:
            return render(request, "print.html", sess, pages=[], site=None)
        units = unit_names(site_doc)
        if sess.me["role"] == "head":
            units = {k: v for k, v in units.items() if k == sess.me.get("unit_id")}
        if unit:
            units = {k: v for k, v in units.items() if k == unit}
        pages = []

        for uid, uname in units.items():
            rs = await api.get(
                "/rosters", params={"site_id": site_doc["id"], "unit_id": uid, "limit": 500}
            )
            rs = [r for r in rs if r["unit_id"] == uid and r["start"] == start_d.isoformat()]
            chosen = choose_roster(rs, None, site_doc.get("policy_version"))
            if chosen is None:
                continue
            full = await api.get(f"/rosters/{chosen['id']}")
            problem = load_problem(request, chosen["id"])
            grid = grid_of(
                problem, Roster.model_validate(full["revision"]["roster"]), lang, open_only=True
            )
            end = start_d + dt.timedelta(days=chosen["days"] - 1)
            pages.append({"unit": uname, "roster": full, "grid": grid, "end": end})
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    return render(request, "print.html", sess, pages=pages, site=site_doc, start=start_d)


# --------------------------------------------------------------------------------------------
# policy (HR)
# --------------------------------------------------------------------------------------------

BOOL_FIELDS = [
    "cap.enabled",
    "cap.hard",
    "teams.enabled",
    "teams.hard",
    "teams.balance",
    "tests.enabled",
    "tests.hard",
    "coverage.enabled",
    "coverage.hard",
]


def policy_form_values(policy: dict[str, Any]) -> dict[str, Any]:
    """Form values (strings/bools) of a policy."""
    cap, teams, tests, cov = policy["cap"], policy["teams"], policy["tests"], policy["coverage"]
    frac = cap.get("fraction")
    frac_s = "" if frac is None else str(Fraction(frac).limit_denominator(12))
    if frac is not None and abs(float(Fraction(frac_s)) - frac) > 1e-6:
        frac_s = str(frac)

    def s(v: Any) -> str:
        return "" if v is None else str(v)

    return {
        "name": policy.get("name", ""),
        "cap.enabled": cap["enabled"],
        "cap.hard": cap["hard"],
        "cap.weight": s(cap["weight"]),
        "cap.fraction": frac_s,
        "cap.max_on_site": s(cap.get("max_on_site")),
        "cap.rounding": cap.get("rounding", "floor"),
        "cap.minimum": s(cap.get("minimum", 1)),
        "cap.scopes": list(cap.get("scopes", ["unit"])),
        "teams.enabled": teams["enabled"],
        "teams.hard": teams["hard"],
        "teams.weight": s(teams["weight"]),
        "teams.count": s(teams["count"]),
        "teams.rotation": teams["rotation"],
        "teams.balance": teams.get("balance", True),
        "tests.enabled": tests["enabled"],
        "tests.hard": tests["hard"],
        "tests.weight": s(tests["weight"]),
        "tests.valid_days": s(tests["valid_days"]),
        "tests.daily_capacity": s(tests.get("daily_capacity")),
        "tests.cost_per_test": s(tests.get("cost_per_test", 1)),
        "coverage.enabled": cov["enabled"],
        "coverage.hard": cov["hard"],
        "coverage.weight": s(cov["weight"]),
        "fairness.weight": s(policy["fairness"]["weight"]),
        "requests.multiplier": s(policy["requests"]["multiplier"]),
        "contracts": json.dumps(policy["contracts"], ensure_ascii=False, indent=2),
        "reason": "",
    }


def parse_policy_form(
    form: dict[str, Any], base: dict[str, Any], lang: Lang
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """The policy the form describes (over ``base``), errors by field, and the raw values."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    p = json.loads(json.dumps(base))

    def text(name: str) -> str:
        v = form.get(name)
        v = v[0] if isinstance(v, list) else v
        values[name] = (v or "").strip()
        return values[name]

    def integer(name: str, minimum: int, optional: bool = False) -> int | None:
        v = text(name)
        if not v:
            if optional:
                return None
            errors[name] = t("field.required", lang)
            return None
        try:
            n = int(v)
        except ValueError:
            errors[name] = t("field.int_min", lang, min=minimum)
            return None
        if n < minimum:
            errors[name] = t("field.int_min", lang, min=minimum)
        return n

    for name in BOOL_FIELDS:
        values[name] = form.get(name) in ("on", "true", "1", ["on"])
    sec, key = "", ""
    for name in BOOL_FIELDS:
        sec, key = name.split(".")
        p[sec][key] = values[name]
    p["name"] = text("name") or base.get("name", "policy")
    frac = text("cap.fraction")
    if frac:
        try:
            f = float(Fraction(frac.replace(",", ".")))
            if not 0 <= f <= 1:
                raise ValueError
            p["cap"]["fraction"] = f
        except (ValueError, ZeroDivisionError):
            errors["cap.fraction"] = t("field.fraction", lang)
    else:
        p["cap"]["fraction"] = None
    p["cap"]["max_on_site"] = integer("cap.max_on_site", 0, optional=True)
    p["cap"]["minimum"] = integer("cap.minimum", 0)
    rounding = text("cap.rounding")
    p["cap"]["rounding"] = rounding if rounding in ("floor", "ceil", "nearest") else "floor"
    scopes = form.get("cap.scopes") or []
    scopes = [scopes] if isinstance(scopes, str) else scopes
    values["cap.scopes"] = scopes
    p["cap"]["scopes"] = [s for s in scopes if s in ("unit", "site")]
    for sec in ("cap", "teams", "tests", "coverage"):
        p[sec]["weight"] = integer(f"{sec}.weight", 0)
    p["teams"]["count"] = integer("teams.count", 1)
    rot = text("teams.rotation")
    p["teams"]["rotation"] = rot if rot in ("half_day", "day", "week", "free") else "day"
    p["tests"]["valid_days"] = integer("tests.valid_days", 1)
    p["tests"]["daily_capacity"] = integer("tests.daily_capacity", 0, optional=True)
    p["tests"]["cost_per_test"] = integer("tests.cost_per_test", 0)
    p["fairness"]["weight"] = integer("fairness.weight", 0)
    p["requests"]["multiplier"] = integer("requests.multiplier", 0)
    raw = text("contracts")
    try:
        contracts = json.loads(raw or "{}")
        if not isinstance(contracts, dict):
            raise ValueError("an object {name: contract} is expected")
        p["contracts"] = contracts
    except ValueError as exc:
        errors["contracts"] = t("field.json", lang, err=str(exc))
    values["contracts"] = raw
    if not text("reason"):
        errors["reason"] = t("field.required", lang)
    return p, errors, values


def api_field(field: str | None) -> str:
    """``policy.cap.fraction`` / ``body.policy.cap.fraction`` -> ``cap.fraction``."""
    f = (field or "").removeprefix("body.").removeprefix("policy.")
    if f.startswith("contracts"):
        return "contracts"
    return f


async def policy_context(api: Api, site_id: str) -> dict[str, Any]:
    sid = quote(site_id, safe="")
    current_p, etag = await api.get_etag(f"/sites/{sid}/policy")
    history = await api.get(f"/sites/{sid}/policies")
    return {"policy": current_p, "history": list(reversed(history)), "etag": etag or ""}


@router.get("/policy")
async def policy_page(
    request: Request,
    site: str | None = None,
    a: int | None = None,
    b: int | None = None,
    saved: int | None = None,
) -> Response:
    sess, api = signed_in(request)
    try:
        sites, site_doc = await pick_site(api, sess, site)
        if site_doc is None:
            return render(request, "policy.html", sess, sites=[], site=None)
        ctx = await policy_context(api, site_doc["id"])
        diff = None
        if a and b:
            va = await api.get(f"/sites/{quote(site_doc['id'], safe='')}/policies/{a}")
            vb = await api.get(f"/sites/{quote(site_doc['id'], safe='')}/policies/{b}")
            lang = lang_of(request)
            diff = [
                (diff_words(k, lang), diff_value(k, x, lang), diff_value(k, y, lang))
                for k, x, y in policy_diff(va["policy"], vb["policy"])
            ]
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    return render(
        request,
        "policy.html",
        sess,
        sites=sites,
        site=site_doc,
        values=policy_form_values(ctx["policy"]["policy"]),
        errors={},
        message=t("policy.saved", lang_of(request), v=saved) if saved else None,
        diff=diff,
        a=a,
        b=b,
        **ctx,
    )


def flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(d, list) and d and any(isinstance(x, dict | list) for x in d):
        for i, v in enumerate(d):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = d
    return out


def policy_diff(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    fa, fb = flatten(a), flatten(b)
    return [
        (k, fa.get(k, "—"), fb.get(k, "—"))
        for k in sorted(set(fa) | set(fb))
        if fa.get(k, "—") != fb.get(k, "—")
    ]


#: policy paths -> (section word key, field word key) for the diff table
FIELD_WORDS = {
    "cap.fraction": ("policy.cap", "policy.cap.fraction"),
    "cap.max_on_site": ("policy.cap", "policy.cap.max"),
    "cap.minimum": ("policy.cap", "policy.cap.minimum"),
    "cap.rounding": ("policy.cap", "policy.cap.rounding"),
    "cap.scopes": ("policy.cap", "policy.cap.scopes"),
    "teams.count": ("policy.teams", "policy.teams.count"),
    "teams.rotation": ("policy.teams", "policy.teams.rotation"),
    "teams.balance": ("policy.teams", "policy.teams.balance"),
    "tests.valid_days": ("policy.tests", "policy.tests.valid_days"),
    "tests.daily_capacity": ("policy.tests", "policy.tests.capacity"),
    "tests.cost_per_test": ("policy.weights", "policy.test_cost"),
    "fairness.weight": ("policy.weights", "policy.fairness"),
    "requests.multiplier": ("policy.weights", "policy.requests"),
}
SECTION_WORDS = {
    "cap": "policy.cap",
    "teams": "policy.teams",
    "tests": "policy.tests",
    "coverage": "policy.coverage",
    "contracts": "policy.contracts",
}
RULE_FIELDS = {"enabled": "policy.enabled", "hard": "policy.hard", "weight": "policy.weight"}


def diff_words(path: str, lang: Lang) -> str:
    """``cap.fraction`` -> ``Giới hạn người tại cơ quan › Tỉ lệ tối đa (…)``."""
    if path in FIELD_WORDS:
        sec, field = FIELD_WORDS[path]
        return f"{t(sec, lang)} › {t(field, lang)}"
    head, _, rest = path.partition(".")
    if head in SECTION_WORDS:
        word = t(RULE_FIELDS[rest], lang) if rest in RULE_FIELDS else rest
        return f"{t(SECTION_WORDS[head], lang)} › {word}"
    return path


def diff_value(path: str, value: Any, lang: Lang) -> str:
    if path == "cap.fraction" and isinstance(value, float):
        f = Fraction(value).limit_denominator(12)
        return str(f) if abs(float(f) - value) < 1e-6 else f"{value:g}"
    if path == "teams.rotation" and isinstance(value, str):
        return t(f"rotation.{value}", lang)
    if path == "cap.rounding" and isinstance(value, str):
        return t(f"rounding.{value}", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if value is None:
        return "—"
    return str(value)


@router.post("/policy")
async def policy_save(request: Request) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await form_of(request)
    site_id = form.get("site") or ""
    try:
        sites, site_doc = await pick_site(api, sess, site_id)
        ctx = await policy_context(api, site_doc["id"])  # type: ignore[index]
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    if not csrf_ok(sess, form.get("csrf")):
        return render(
            request,
            "policy.html",
            sess,
            status=403,
            sites=sites,
            site=site_doc,
            values=policy_form_values(ctx["policy"]["policy"]),
            errors={},
            error=t("csrf.bad", lang),
            **ctx,
        )
    policy, errors, values = parse_policy_form(form, ctx["policy"]["policy"], lang)
    error = None
    if not errors:
        sid = quote(site_doc["id"], safe="")  # type: ignore[index]
        try:
            saved = await api.write(
                "PUT",
                f"/sites/{sid}/policy",
                form.get("etag") or None,
                json={"policy": policy, "reason": values["reason"]},
            )
            return RedirectResponse(
                f"/web/policy?site={quote(site_doc['id'])}&saved={saved['version']}",  # type: ignore[index]
                status_code=303,
            )
        except ApiFailure as exc:
            if exc.status == 412:
                error = t("stale", lang)
            else:
                for issue in exc.issues or [{"field": exc.field, "message": exc.message}]:
                    errors[api_field(issue.get("field"))] = issue.get("message", "")
                error = exc.message
    return render(
        request,
        "policy.html",
        sess,
        status=422,
        sites=sites,
        site=site_doc,
        values=values,
        errors=errors,
        error=error or t("policy.invalid", lang),
        **ctx,
    )


@router.post("/policy/restore")
async def policy_restore(request: Request) -> Response:
    sess, api = signed_in(request)
    form = await form_of(request)
    if not csrf_ok(sess, form.get("csrf")):
        return render(request, "error.html", sess, status=403, message=t("csrf.bad", "vi"))
    sid = quote(form.get("site") or "", safe="")
    try:
        old = await api.get(f"/sites/{sid}/policies/{int(form.get('version') or 0)}")
        saved = await api.write(
            "PUT",
            f"/sites/{sid}/policy",
            form.get("etag") or None,
            json={"policy": old["policy"], "reason": f"restored version {old['version']}"},
        )
    except (ApiFailure, ValueError) as exc:
        if isinstance(exc, ApiFailure):
            return error_page(request, sess, exc)
        raise
    return RedirectResponse(f"/web/policy?site={sid}&saved={saved['version']}", status_code=303)


# --------------------------------------------------------------------------------------------
# staff and absences (HR)
# --------------------------------------------------------------------------------------------


@router.get("/staff")
async def staff_page(request: Request, site: str | None = None) -> Response:
    sess, api = signed_in(request)
    try:
        sites, site_doc = await pick_site(api, sess, site)
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    return render(request, "staff.html", sess, sites=sites, site=site_doc, issues=None)


@router.post("/staff/import")
async def staff_import(request: Request) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await request.form()
    site_id = str(form.get("site") or "")
    try:
        sites, site_doc = await pick_site(api, sess, site_id)
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    if not csrf_ok(sess, form.get("csrf")):
        return render(
            request,
            "staff.html",
            sess,
            status=403,
            sites=sites,
            site=site_doc,
            issues=None,
            error=t("csrf.bad", lang),
        )
    upload = form.get("file")
    mode = form.get("mode") if form.get("mode") in ("merge", "replace") else "merge"
    issues = None
    message = error = None
    status = 200
    if not isinstance(upload, UploadFile):  # missing, or a text field instead of a file
        error, status = t("field.required", lang), 422
    else:
        data = await upload.read()
        try:
            res = await api.post(
                f"/sites/{quote(site_id, safe='')}/staff/import",
                params={"mode": mode},
                files={"file": (upload.filename or "staff.csv", data)},
            )
            message = t("staff.imported", lang, n=res["imported"], total=res["staff_count"])
            site_doc = await api.get(f"/sites/{quote(site_id, safe='')}")
        except ApiFailure as exc:
            status = exc.status
            error = exc.message
            issues = exc.issues or [{"message": exc.message, "field": exc.field}]
            if exc.status == 422:
                error = t("staff.errors", lang, n=len(issues))
    return render(
        request,
        "staff.html",
        sess,
        status=status,
        sites=sites,
        site=site_doc,
        issues=issues,
        message=message,
        error=error,
    )


REASONS = ["leave", "isolation", "sick", "remote_only", "rest"]


def absence_key(a: dict[str, Any]) -> str:
    return (
        "|".join(str(a.get(k, "")) for k in ("staff", "start", "end", "reason", "note"))
        + "|"
        + ",".join(a.get("shifts") or [])
    )


@router.get("/absences")
async def absences_page(request: Request, site: str | None = None, done: str | None = None):
    sess, api = signed_in(request)
    try:
        sites, site_doc = await pick_site(api, sess, site)
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    lang = lang_of(request)
    msg = t(f"abs.{done}", lang) if done in ("added", "deleted") else None
    etag = None
    if site_doc is not None:
        try:
            _, etag = await api.get_etag(f"/sites/{quote(site_doc['id'], safe='')}")
        except ApiFailure as exc:
            return error_page(request, sess, exc)
    return render(
        request,
        "absences.html",
        sess,
        sites=sites,
        site=site_doc,
        reasons=REASONS,
        etag=etag or "",
        message=msg,
        errors={},
        values={},
    )


@router.post("/absences")
async def absences_change(request: Request) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await form_of(request)
    site_id = form.get("site") or ""
    try:
        sites, site_doc = await pick_site(api, sess, site_id)
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    errors: dict[str, str] = {}
    if not csrf_ok(sess, form.get("csrf")):
        errors["form"] = t("csrf.bad", lang)
    absences = list(site_doc["absences"])  # type: ignore[index]
    action = form.get("action")
    if not errors and action == "delete":
        # by what it is, not by its place: the list may have changed since the page was shown
        key = form.get("key") or ""
        match = [i for i, a in enumerate(absences) if absence_key(a) == key]
        if match:
            del absences[match[0]]
        else:
            errors["form"] = t("abs.gone", lang)
    elif not errors:
        start, end = parse_date(form.get("start")), parse_date(form.get("end") or form.get("start"))
        if not form.get("staff"):
            errors["staff"] = t("field.required", lang)
        if start is None:
            errors["start"] = t("field.required", lang)
        if end is None:
            errors["end"] = t("field.required", lang)
        elif start and end < start:
            errors["end"] = t("abs.end_before", lang)
        reason = form.get("reason") if form.get("reason") in REASONS else "leave"
        if not errors:
            absences.append(
                {
                    "staff": form.get("staff"),
                    "start": start.isoformat(),  # type: ignore[union-attr]
                    "end": end.isoformat(),  # type: ignore[union-attr]
                    "reason": reason,
                    "note": (form.get("note") or "")[:200],
                }
            )
    if not errors:
        sid = quote(site_id, safe="")
        try:
            await api.write(
                "PATCH", f"/sites/{sid}", form.get("etag") or None, json={"absences": absences}
            )
            done = "deleted" if action == "delete" else "added"
            return RedirectResponse(f"/web/absences?site={sid}&done={done}", status_code=303)
        except ApiFailure as exc:
            message_ = t("stale", lang) if exc.status == 412 else exc.message
            errors[api_field(exc.field).removeprefix("absences") or "form"] = message_
            errors.setdefault("form", message_)
    return render(
        request,
        "absences.html",
        sess,
        status=422,
        sites=sites,
        site=site_doc,
        reasons=REASONS,
        etag=form.get("etag") or "",
        errors=errors,
        values=form,
        error=errors.get("form") or t("policy.invalid", lang),
    )


# --------------------------------------------------------------------------------------------
# what-if
# --------------------------------------------------------------------------------------------


async def wait_job(api: Api, job: dict[str, Any], limit: float) -> dict[str, Any]:
    deadline = time.monotonic() + limit + 120
    while job["status"] in ("queued", "solving") and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
        job = await api.get(f"/jobs/{job['id']}")
    return job


async def solve_option(
    request: Request,
    api: Api,
    site_id: str,
    unit_id: str | None,
    start: dt.date,
    version: int,
    limit: float,
) -> dict[str, Any]:

    job = await api.post(
        "/jobs",
        json={
            "site_id": site_id,
            "unit_id": unit_id,
            "start": start.isoformat(),
            "days": 7,
            "time_limit": limit,
            "policy_version": version,
        },
    )
    job = await wait_job(api, job, limit)
    pv = await api.get(f"/sites/{quote(site_id, safe='')}/policies/{version}")
    pol = pv["policy"]
    frac = pol["cap"].get("fraction")
    out: dict[str, Any] = {
        "version": version,
        "job": job,
        "ok": False,
        "reason": pv.get("reason", ""),
        "cap": "—" if frac is None else str(Fraction(frac).limit_denominator(12)),
        "rounding": pol["cap"].get("rounding", "floor"),
        "max_on_site": pol["cap"].get("max_on_site"),
        "teams": pol["teams"]["count"],
        "rotation": pol["teams"]["rotation"],
    }
    if not job.get("roster_id"):
        return out
    full = await api.get(f"/rosters/{job['roster_id']}")
    problem = load_problem(request, job["roster_id"])
    roster = Roster.model_validate(full["revision"]["roster"])
    fig = figures_of(problem, roster)
    per_slot: Counter[tuple[str, str]] = Counter()
    for a in roster.assignments:
        per_slot[(a.date.isoformat(), a.shift)] += 1

    ix = ProblemIndex(problem)
    slots = [(ix.date(d).isoformat(), s) for d, s in ix.open_slots]
    counts = [per_slot[s] for s in slots]
    days: Counter[str] = Counter()
    seen = set()
    for a in roster.assignments:
        if (a.staff, a.date) not in seen:
            seen.add((a.staff, a.date))
            days[a.staff] += 1
    rotating = [s.id for s in problem.staff]
    dvals = [days[s] for s in rotating] or [0]
    short = sum(max(0, r["min"] - r["assigned"]) for r in fig["coverage"] if r.get("short"))
    drill = None
    try:
        drill = await api.post(
            "/repair/drill",
            json={
                "site_id": site_id,
                "unit_id": unit_id,
                "start": start.isoformat(),
                "days": 7,
                "policy_version": version,
                "roster": full["revision"]["roster"],
                "time_limit": min(limit, 10),
            },
        )
        drill = await maybe_wait(api, drill)
    except ApiFailure as exc:
        drill = {"error": exc.message}
    shortfall = 0
    if drill and "teams" in drill:
        shortfall = sum(
            sum(int(s.get("missing", s.get("short", 1)) or 1) for s in td.get("shortfalls", []))
            for td in drill["teams"]
        )
    out.update(
        ok=True,
        roster_id=job["roster_id"],
        objective=full["revision"]["report"]["objective"] if full["revision"]["report"] else None,
        slots=slots,
        per_slot=dict(zip([f"{d}|{s}" for d, s in slots], counts, strict=True)),
        mean=round(sum(counts) / max(1, len(counts)), 1),
        most=max(counts) if counts else 0,
        short=short,
        tests=len(roster.tests),
        fair=(min(dvals), max(dvals)),
        drill=drill,
        drill_short=shortfall,
        shift_names={s.id: (s.name_vi or s.label, s.label) for s in problem.site.shifts},
    )
    return out


@router.get("/whatif")
async def whatif_page(request: Request, site: str | None = None) -> Response:
    sess, api = signed_in(request)
    try:
        sites, site_doc = await pick_site(api, sess, site)
        history = (
            await api.get(f"/sites/{quote(site_doc['id'], safe='')}/policies") if site_doc else []
        )
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    return render(
        request,
        "whatif.html",
        sess,
        sites=sites,
        site=site_doc,
        history=history,
        units=unit_names(site_doc) if site_doc else {},
        values={},
        result=None,
    )


@router.post("/whatif")
async def whatif_run(request: Request) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await form_of(request)
    try:
        sites, site_doc = await pick_site(api, sess, form.get("site"))
        history = await api.get(f"/sites/{quote(site_doc['id'], safe='')}/policies")  # type: ignore[index]
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    units = unit_names(site_doc)  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    if not csrf_ok(sess, form.get("csrf")):
        errors["form"] = t("csrf.bad", lang)
    start = parse_date(form.get("start"))
    if start is None:
        errors["start"] = t("field.required", lang)
    versions = {h["version"] for h in history}
    try:
        va, vb = int(form.get("a") or 0), int(form.get("b") or 0)
    except ValueError:
        va = vb = 0
    if va not in versions:
        errors["a"] = t("field.required", lang)
    if vb not in versions:
        errors["b"] = t("field.required", lang)
    unit_id = form.get("unit") if form.get("unit") in units else None
    try:
        limit = max(1.0, min(60.0, float(form.get("time_limit") or 5)))
    except ValueError:
        limit = 5.0
    result = None
    status = 200
    if not errors:
        try:
            a = await solve_option(request, api, site_doc["id"], unit_id, start, va, limit)  # type: ignore[index,arg-type]
            b = await solve_option(request, api, site_doc["id"], unit_id, start, vb, limit)  # type: ignore[index,arg-type]
            result = {"a": a, "b": b}
        except ApiFailure as exc:
            errors["form"] = exc.message
    if errors:
        status = 422
    return render(
        request,
        "whatif.html",
        sess,
        status=status,
        sites=sites,
        site=site_doc,
        history=history,
        units=units,
        values=form,
        errors=errors,
        error=errors.get("form"),
        result=result,
    )


# --------------------------------------------------------------------------------------------
# after a positive case
# --------------------------------------------------------------------------------------------


@router.get("/positive")
async def positive_page(request: Request, roster: str | None = None) -> Response:
    sess, api = signed_in(request)
    try:
        full = await api.get(f"/rosters/{quote(roster, safe='')}") if roster else None
        rosters = await api.get("/rosters", params={"limit": 100})
    except ApiFailure as exc:
        return error_page(request, sess, exc)
    problem = load_problem(request, roster) if full and roster else None
    return render(
        request,
        "positive.html",
        sess,
        full=full,
        rosters=rosters,
        staff=problem.staff if problem else [],
        dates=[problem.horizon.start + dt.timedelta(days=i) for i in range(problem.horizon.days)]
        if problem
        else [],
        values={},
        errors={},
        result=None,
    )


@router.post("/positive")
async def positive_run(request: Request) -> Response:
    sess, api = signed_in(request)
    lang = lang_of(request)
    form = await form_of(request)
    roster_id = form.get("roster") or ""
    errors: dict[str, str] = {}
    if not csrf_ok(sess, form.get("csrf")):
        errors["form"] = t("csrf.bad", lang)
    try:
        full, roster_etag = await api.get_etag(f"/rosters/{quote(roster_id, safe='')}")
        rosters = await api.get("/rosters", params={"limit": 100})
    except ApiFailure as exc:
        return error_page(request, sess, exc)

    problem = load_problem(request, roster_id)
    dates = [problem.horizon.start + dt.timedelta(days=i) for i in range(problem.horizon.days)]
    action = form.get("action") or "propose"
    result = grid = None
    message = None
    if not errors and action == "accept":
        proposal = sess.proposals.get(form.get("proposal") or "")
        if proposal is None or proposal["roster_id"] != roster_id:
            errors["form"] = t("csrf.bad", lang)
        else:
            try:
                await accept_proposal(api, full, proposal)
                if sess.me["role"] == "hr" and proposal.get("isolated"):
                    await record_isolation(api, full["site_id"], proposal["isolated"])
                return RedirectResponse(
                    f"/web/week?site={quote(full['site_id'])}&unit={quote(full['unit_id'] or '')}"
                    f"&start={full['start']}&roster={roster_id}&accepted=1",
                    status_code=303,
                )
            except ApiFailure as exc:
                errors["form"] = exc.message
    elif not errors:
        staff, date = form.get("staff"), parse_date(form.get("date"))
        if staff not in {s.id for s in problem.staff}:
            errors["staff"] = t("field.required", lang)
        if date is None or date not in dates:
            errors["date"] = t("field.required", lang)
        if not errors:
            try:
                result = await api.post(
                    "/repair/reroster",
                    json={
                        "roster_id": roster_id,
                        "events": [{"kind": "positive", "staff": staff, "date": date.isoformat()}],  # type: ignore[union-attr]
                        "time_limit": 10,
                        # a proposal: stored only when the head accepts it (accept_proposal
                        # PATCHes it under the ETag the head saw), never before
                        "save": False,
                    },
                )
                result = await maybe_wait(api, result)
            except ApiFailure as exc:
                errors["form"] = exc.message
        if result and result.get("roster"):
            from solver.reroster import CELL_WEIGHT, MOVE_WEIGHT, POST_WEIGHT, TEST_WEIGHT

            price = {
                "cell": CELL_WEIGHT,
                "post": POST_WEIGHT,
                "test": TEST_WEIGHT,
                "team": MOVE_WEIGHT,
            }
            codes = post_codes(problem)
            shift_name = {
                s.id: (s.name_vi if lang == "vi" and s.name_vi else s.label)
                for s in problem.site.shifts
            }
            for c in result.get("changes", []):
                c["price"] = price.get(c.get("kind", "cell"), "")
                c["before_text"] = state_text(c["before"], codes, lang)
                c["after_text"] = state_text(c["after"], codes, lang)
                c["shift_text"] = shift_name.get(c.get("shift") or "", "")
                reason = c.get("reason") or ""
                c["reason_text"] = REASON_TEXT.get(reason, {}).get(lang) or reason_words(
                    reason, lang
                )
            for i in result.get("isolated", []):
                i["reason_text"] = REASON_TEXT.get(i["reason"], {}).get(lang) or reason_words(
                    i["reason"], lang
                )
            # the re-roster's notes in the page's language
            result["notes_shown"] = (
                result.get("notes_vi") if lang == "vi" else None
            ) or result.get("notes", [])
            new = Roster.model_validate(result["roster"])
            changed = {(c["staff"], c["date"], c["shift"]) for c in result.get("changes", [])}
            # the grid shows the isolated people off (the stored problem does not know yet)
            shown = problem.model_copy(
                update={
                    "absences": problem.absences
                    + [Isolation.model_validate(i).as_absence() for i in result.get("isolated", [])]
                }
            )
            grid = grid_of(shown, new, lang, changed)
            pid = secrets.token_urlsafe(12)
            sess.proposals.clear()
            sess.proposals[pid] = {
                "roster_id": roster_id,
                "roster": result["roster"],
                "ok": not (result.get("report") or {}).get("violations"),
                "reason": f"re-roster after a positive case: {staff} on {date}",
                "isolated": result.get("isolated", []),
                "etag": roster_etag,
            }
            store(request).save(sess)
            result["proposal"] = pid
    return render(
        request,
        "positive.html",
        sess,
        status=422 if errors else 200,
        full=full,
        rosters=rosters,
        staff=problem.staff,
        dates=dates,
        values=form,
        errors=errors,
        error=errors.get("form"),
        result=result,
        grid=grid,
        message=message,
    )


async def maybe_wait(api: Api, answer: Any) -> Any:
    """A repair answer, or (when repairs run as jobs) the job's result once it is done."""
    if (
        isinstance(answer, dict)
        and answer.get("status") in ("queued", "solving")
        and "id" in (answer)
    ):
        job = await wait_job(api, answer, 600)
        return job.get("answer") or job.get("result") or job
    return answer


REASON_TEXT: dict[str, dict[str, str]] = {
    "positive test": {"vi": "dương tính (F0)", "en": "positive test"},
    "close contact": {"vi": "tiếp xúc gần (F1)", "en": "close contact"},
    "covers": {"vi": "thay người vắng", "en": "covers"},
    "moved": {"vi": "đổi lịch", "en": "moved"},
    "test plan": {"vi": "lịch test", "en": "test plan"},
}


def state_text(value: str, codes: dict[str, str], lang: Lang) -> str:
    """``on_site:quay-1`` -> ``Tại cơ quan C1``; ``remote:hotline`` -> ``Ở nhà H1``;
    ``remote`` -> ``Ở nhà`` ..."""
    if "+" in value:  # a clash: two duties in one cell
        return " + ".join(state_text(part, codes, lang) for part in value.split("+"))
    if value.startswith("remote:"):  # a duty from home (hotline, on-call)
        post = value.partition(":")[2]
        return f"{t('mode.remote', lang)} {codes.get(post, post)}"
    if value.startswith("team:"):  # a move to the other team: team:0 -> "Nhóm 1"
        number = value.partition(":")[2]
        return t("team.name", lang).format(n=int(number) + 1) if number.isdigit() else value
    if value.startswith("on_site"):
        post = value.partition(":")[2]
        return t("mode.on_site", lang) + (f" {codes.get(post, post)}" if post else "")
    words = {
        "remote": t("mode.remote", lang),
        "off": t("mode.off", lang),
        "booked": t("mode.test", lang),
        "none": "—",
    }
    return words.get(value, value)


async def record_isolation(api: Api, site_id: str, isolated: list[dict[str, Any]]) -> None:
    """HR: the isolations become the site's absences, so later weeks know them."""
    sid = quote(site_id, safe="")
    site, etag = await api.get_etag(f"/sites/{sid}")
    absences = list(site["absences"])
    have = {(a["staff"], a["start"], a["end"]) for a in absences}
    for i in isolated:
        key = (i["staff"], str(i["start"]), str(i["end"]))
        if key not in have:
            absences.append(Isolation.model_validate(i).as_absence().model_dump(mode="json"))
    await api.write("PATCH", f"/sites/{sid}", etag, json={"absences": absences})


async def accept_proposal(api: Api, full: dict[str, Any], proposal: dict[str, Any]) -> None:
    """PATCH the roster with every cell (on site, at a post, on a duty from home, remote), test
    and team that differs from the proposal."""

    old = Roster.model_validate(full["revision"]["roster"])
    new = Roster.model_validate(proposal["roster"])
    a, b = cell_states(old), cell_states(new)
    cells = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        cell: dict[str, Any] = {"staff": key[0], "date": key[1].isoformat(), "shift": key[2]}
        # a proposal never clashes; were it to, its first duty is the one sent
        mode, _, post = (b.get(key) or "remote").split("+")[0].partition(":")
        cell["on_site"] = mode == "on_site"
        if post:
            cell["post"] = post
        cells.append(cell)
    ta = {(x.staff, x.date) for x in old.tests}
    tb = {(x.staff, x.date) for x in new.tests}
    tests = [
        {"staff": s, "date": d.isoformat(), "booked": (s, d) in tb}
        for s, d in sorted(ta ^ tb, key=lambda x: (x[1], x[0]))
    ]
    # a re-roster may move a person to the other team (priced, listed as a team change)
    teams = {s: t for s, t in new.teams.items() if old.teams.get(s) != t}
    await api.write(
        "PATCH",
        f"/rosters/{full['id']}",
        proposal.get("etag"),
        json={
            "cells": cells,
            "tests": tests,
            "teams": teams,
            "reason": proposal["reason"],
            # the isolations join the roster's problem: later edits are judged with them
            "absences": [
                Isolation.model_validate(i).as_absence().model_dump(mode="json")
                for i in proposal.get("isolated") or []
            ],
            # a move tips the team sizes by a person: the re-roster does not re-balance teams
            # (docs/repair.md), so the stored roster's balance rule is knowingly breached
            "accept_violations": not proposal["ok"] or bool(teams),
        },
    )


def query(**kw: Any) -> str:
    return urlencode({k: v for k, v in kw.items() if v is not None})
