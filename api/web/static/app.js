// The week page's live parts: generate with progress and stop, cell edits judged by the
// referee, publish, filters, keyboard navigation of the grid. Calls go to /web/api/... (the
// JSON API with the session's token) with the CSRF header; If-Match is sent when the API
// gives an ETag.
(function () {
  "use strict";
  const $ = (s, r) => (r || document).querySelector(s);
  const $$ = (s, r) => Array.from((r || document).querySelectorAll(s));
  const csrfMeta = $('meta[name="csrf"]');
  const CSRF = csrfMeta ? csrfMeta.content : "";
  const T = (() => { const el = $("#i18n"); return el ? JSON.parse(el.textContent) : {}; })();
  const fmt = (s, o) => String(s || "").replace(/\{(\w+)\}/g, (_, k) => (k in o ? o[k] : ""));

  async function api(method, path, body, extraHeaders) {
    const headers = Object.assign({ "X-CSRF-Token": CSRF, Accept: "application/json" }, extraHeaders || {});
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch("/web/api" + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, ok: r.ok, data: data || {}, headers: r.headers };
  }
  // A change carries If-Match with the ETag the page was rendered with (when the API gives
  // one), so someone else's change in between is refused (412), not overwritten. If the API
  // requires one the page did not get (428), the current one is fetched and the call repeated.
  async function write(method, path, body, etag, etagPath) {
    let r = await api(method, path, body, etag ? { "If-Match": etag } : {});
    if (r.status === 428 && !etag) {
      const g = await fetch("/web/api" + (etagPath || path), { credentials: "same-origin" });
      const fresh = g.headers.get("ETag");
      if (fresh) r = await api(method, path, body, { "If-Match": fresh });
    }
    return r;
  }
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

  // ---------------------------------------------------------------- filters
  const grid = $("#grid");
  function applyFilters() {
    if (!grid) return;
    const team = $("#f-team").value, post = $("#f-post").value;
    const q = $("#f-person").value.trim().toLowerCase();
    let n = 0; const rows = $$("tbody tr", grid);
    rows.forEach((tr) => {
      const show = (!team || tr.dataset.team === team) &&
        (!post || tr.dataset.posts.split(" ").includes(post)) &&
        (!q || tr.dataset.q.includes(q));
      tr.hidden = !show; if (show) n++;
    });
    const c = $("#f-count");
    c.textContent = fmt(c.dataset.tpl, { n, total: rows.length });
  }
  if (grid && $("#f-team")) {
    ["#f-team", "#f-post"].forEach((s) => $(s).addEventListener("change", applyFilters));
    $("#f-person").addEventListener("input", applyFilters);
    applyFilters();
  }

  // ---------------------------------------------------------------- keyboard navigation
  if (grid) {
    const first = $("tbody td.c", grid);
    if (first) first.tabIndex = 0;
    let current = first;
    grid.addEventListener("keydown", (ev) => {
      const td = ev.target.closest("td.c");
      if (!td) return;
      const tr = td.parentElement;
      if ((ev.key === "Enter" || ev.key === " ") && grid.dataset.editable) { ev.preventDefault(); td.click(); return; }
      const cells = $$("td.c", tr), col = cells.indexOf(td);
      let target = null;
      if (ev.key === "ArrowRight") target = cells[col + 1];
      else if (ev.key === "ArrowLeft") target = cells[col - 1];
      else if (ev.key === "Home") target = cells[0];
      else if (ev.key === "End") target = cells[cells.length - 1];
      else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        let r = tr;
        do { r = ev.key === "ArrowDown" ? r.nextElementSibling : r.previousElementSibling; } while (r && r.hidden);
        if (r) target = $$("td.c", r)[col];
      }
      if (target) {
        ev.preventDefault();
        if (current) current.tabIndex = -1;
        current = target; target.tabIndex = 0; target.focus();
      }
    });
  }

  // ---------------------------------------------------------------- cell edit
  const dlg = $("#edit-dialog");
  const actions = $("#actions");
  const rosterId = actions ? actions.dataset.roster : null;
  let editing = null;
  if (grid && dlg && grid.dataset.editable) {
    grid.addEventListener("click", (ev) => {
      const td = ev.target.closest("td.c");
      if (!td) return;
      const btn = td, tr = td.parentElement;
      const col0 = $$("td.c", tr).indexOf(td), head = grid.tHead.rows[1].cells[col0];
      editing = { staff: tr.dataset.staff, date: head.dataset.d, shift: head.dataset.s, btn };
      const name = $("th.person", tr).textContent.trim();
      const col = $$("td.c", tr).indexOf(td);
      const days = $$("thead th.day", grid), shiftRow = grid.tHead.rows[1].cells;
      const per = shiftRow.length / Math.max(1, days.length);
      $("#edit-what").textContent = name + " · " + days[Math.floor(col / per)].textContent + " · " + shiftRow[col].textContent + " · " + btn.getAttribute("aria-label");
      $$('input[name="mode"]', dlg).forEach((r) => (r.checked = r.value === (td.classList.contains("on_site") ? "on_site" : "remote")));
      $("#edit-post").value = td.dataset.p || "";
      $("#edit-refusal").hidden = true; $("#edit-accept").hidden = true;
      dlg.showModal();
    });
    // choosing a duty from home switches the cell to remote, a post on site to on site
    $("#edit-post").addEventListener("change", () => {
      const opt = $("#edit-post").selectedOptions[0];
      if (!opt || !opt.value) return;
      const want = opt.dataset.remote === "1" ? "remote" : "on_site";
      $$('input[name="mode"]', dlg).forEach((r) => (r.checked = r.value === want));
    });
    $("#edit-cancel").addEventListener("click", () => { dlg.close(); if (editing) editing.btn.focus(); });
    const send = async (accept) => {
      const onSite = $('input[name="mode"]:checked', dlg).value === "on_site";
      const cell = { staff: editing.staff, date: editing.date, shift: editing.shift, on_site: onSite };
      // a post on site goes with "on site", a duty from home (hotline, on-call) with "remote"
      const opt = $("#edit-post").selectedOptions[0];
      if (opt && opt.value && onSite !== (opt.dataset.remote === "1")) cell.post = opt.value;
      const path = "/rosters/" + rosterId;
      const r = await write("PATCH", path, {
        cells: [cell], reason: $("#edit-reason").value || "", accept_violations: !!accept,
      }, actions.dataset.etag);
      if (r.ok) { location.reload(); return; }
      const box = $("#edit-refusal");
      box.hidden = false; box.innerHTML = "";
      const p = document.createElement("p");
      if (r.status === 409) {
        const v = r.data.violations || [];
        p.textContent = fmt(T["edit.refused"], { n: v.length });
        box.appendChild(p);
        const ul = document.createElement("ul");
        v.forEach((x) => {
          const li = document.createElement("li");
          const s = document.createElement("strong");
          s.textContent = (T.rules && T.rules[x.rule]) || x.label || x.rule;
          li.appendChild(s);
          const where = [];
          if (x.staff) { const tr = $('tr[data-staff="' + x.staff + '"]', grid); where.push(tr ? $("th.person", tr).textContent.trim() : x.staff); }
          if (x.date) { const d = new Date(x.date + "T00:00:00"); where.push(T.weekdays[(d.getDay() + 6) % 7] + " " + x.date.slice(8, 10) + "/" + x.date.slice(5, 7) + "/" + x.date.slice(0, 4)); }
          if (x.shift) { const h = $('thead th.shift[data-s="' + x.shift + '"]', grid); where.push(h ? h.textContent : x.shift); }
          if (x.post) { const o = $('#edit-post option[value="' + x.post + '"]'); where.push(o ? o.textContent : x.post); }
          if (where.length) li.appendChild(document.createTextNode(" — " + where.join(", ")));
          const det = document.createElement("div"); det.className = "detail"; det.lang = "en"; det.textContent = x.message;
          li.appendChild(det);
          ul.appendChild(li);
        });
        box.appendChild(ul);
        $("#edit-accept").hidden = false;
      } else {
        p.textContent = r.status === 412 ? T["stale"] : T["error.title"] + ": " + (r.data.message || r.status);
        box.appendChild(p);
      }
    };
    $("#edit-save").addEventListener("click", () => send(false));
    $("#edit-accept").addEventListener("click", () => send(true));
  }

  // ---------------------------------------------------------------- publish, calendar link
  const pub = $("#publish-btn");
  if (pub) pub.addEventListener("click", async () => {
    const path = "/rosters/" + rosterId;
    const r = await write("POST", path + "/publish", {}, actions.dataset.etag, path);
    const msg = $("#action-msg");
    if (r.ok) { msg.textContent = T["act.published"]; location.reload(); }
    else msg.textContent = r.status === 412 ? T["stale"] : T["error.title"] + ": " + (r.data.message || r.status);
  });
  const ics = $("#ics-person");
  if (ics) ics.addEventListener("change", () => {
    $("#ics-link").href = "/web/api/rosters/" + rosterId + "/calendar/" + encodeURIComponent(ics.value) + ".ics";
  });

  // ---------------------------------------------------------------- generate with progress
  const gen = $("#generate");
  const SETTING = {
    cap: ["policy", "cap", "policy.cap"], teams: ["policy", "teams", "policy.teams"],
    tests: ["policy", "tests", "policy.tests"], coverage: ["policy", "coverage", "policy.coverage"],
    contract: ["policy", "contracts", "policy.contracts"], availability: ["absences", "", "nav.absences"],
    skill: ["staff", "", "nav.staff"], fixed: ["absences", "", "nav.absences"],
  };
  function settingFor(rule) {
    const head = String(rule || "").split(".")[0];
    if (SETTING[head]) return SETTING[head];
    if (/contract|rest|count|run|weekend|succession|shifts_per_day/.test(rule)) return SETTING.contract;
    return null;
  }
  async function explain(site, unit, start) {
    const box = $("#explain");
    box.hidden = false; box.textContent = T["explain.loading"];
    let r = await api("POST", "/repair/explain", { site_id: site, unit_id: unit || null, start, days: 7, time_limit: 20 });
    if (r.status === 202 && r.data.id) {  // repairs run as jobs: poll until done
      let job = r.data;
      while (["queued", "solving"].includes(job.status)) { await sleep(700); job = (await api("GET", "/jobs/" + job.id)).data; }
      r = { ok: true, data: job.answer || job.result || job };
    }
    box.innerHTML = "";
    const h = document.createElement("h3"); h.textContent = T["explain.title"]; box.appendChild(h);
    if (!r.ok) { const p = document.createElement("p"); p.textContent = r.data.message || String(r.status); box.appendChild(p); return; }
    const exp = r.data.explanation || {};
    const p = document.createElement("p");
    p.textContent = exp.rules && exp.rules.length && exp.status === "infeasible" ? fmt(T["explain.summary"], { n: exp.rules.length }) : (exp.summary || r.data.text || "");
    box.appendChild(p);
    const ol = document.createElement("ol");
    (exp.findings || []).forEach((f) => {
      const li = document.createElement("li");
      const names = (f.rules || []).map((x) => (T.rules && T.rules[x]) || x);
      if (names.length) { const rl = document.createElement("p"); const b = document.createElement("strong"); b.textContent = T["explain.rules"] + ": "; rl.appendChild(b); rl.appendChild(document.createTextNode(names.join("; "))); li.appendChild(rl); }
      const m = document.createElement("p"); m.lang = "en"; m.textContent = f.message; li.appendChild(m);
      if ((f.fixes || []).length) {
        const s = document.createElement("strong"); s.textContent = T["explain.fixes"] + ":"; li.appendChild(s);
        const ul = document.createElement("ul"); ul.lang = "en";
        f.fixes.forEach((x) => { const it = document.createElement("li"); it.textContent = x; ul.appendChild(it); });
        li.appendChild(ul);
      }
      const seen = new Set();
      (f.rules || []).forEach((rule) => {
        const s = settingFor(rule); if (!s || seen.has(s[2])) return; seen.add(s[2]);
        const a = document.createElement("a");
        a.href = "/web/" + s[0] + "?site=" + encodeURIComponent(site) + (s[1] ? "#" + s[1] : "");
        a.className = "fix-link";
        a.textContent = fmt(T["explain.setting"], { name: T[s[2]] });
        li.appendChild(a); li.appendChild(document.createTextNode(" "));
      });
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }
  function draw(points) {
    const svg = $("#chart"); if (!svg || !points.length) return;
    const W = 420, H = 120, pad = 6;
    const vals = points.flatMap((p) => [p.o, p.b]).filter((v) => v !== null && v !== undefined);
    if (!vals.length) return;
    $("#chart-wrap").hidden = false;
    const lo = Math.min(...vals), hi = Math.max(...vals), tmax = Math.max(1, points[points.length - 1].t);
    const x = (t) => pad + (W - 2 * pad) * t / tmax, y = (v) => H - pad - (H - 2 * pad) * (hi === lo ? 0.5 : (v - lo) / (hi - lo));
    const line = (k) => points.filter((p) => p[k] !== null && p[k] !== undefined).map((p, i) => (i ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p[k]).toFixed(1)).join(" ");
    svg.innerHTML = '<path d="' + line("o") + '" class="obj"/><path d="' + line("b") + '" class="bound"/>';
  }
  if (gen) {
    const btn = $("#gen-btn"), stop = $("#stop-btn");
    let jobId = null;
    const show = (job) => {
      $("#progress").hidden = false;
      const st = { queued: T["gen.queued"], solving: T["gen.solving"], done: T["gen.done"], failed: T["gen.failed"], stopped: T["gen.stopped"], infeasible: T["solve.infeasible"], unknown: T["solve.unknown"] };
      $("#p-status").textContent = st[job.status] || job.status;
      $("#p-obj").textContent = job.objective ?? "–";
      $("#p-bound").textContent = job.bound ?? "–";
      $("#p-gap").textContent = job.gap === null || job.gap === undefined ? "–" : (100 * job.gap).toFixed(1) + " %";
      $("#p-sol").textContent = job.solutions ?? 0;
      $("#p-time").textContent = (job.elapsed || 0).toFixed(1) + " s";
    };
    const follow = async (job) => {
      const points = [];
      const t0 = performance.now();
      stop.hidden = false; btn.disabled = true;
      while (["queued", "solving"].includes(job.status)) {
        show(job);
        if (job.objective !== null && job.objective !== undefined) points.push({ t: job.elapsed || (performance.now() - t0) / 1000, o: job.objective, b: job.bound });
        draw(points);
        await sleep(500);
        const r = await api("GET", "/jobs/" + job.id);
        if (!r.ok) break;
        job = r.data;
      }
      show(job); stop.hidden = true; btn.disabled = false;
      if (job.roster_id) {
        const u = new URL(location.href);
        u.searchParams.set("site", gen.dataset.site); u.searchParams.set("unit", gen.dataset.unit);
        u.searchParams.set("start", gen.dataset.start); u.searchParams.set("roster", job.roster_id);
        location.href = u.toString();
      } else {
        await explain(gen.dataset.site, gen.dataset.unit, gen.dataset.start);
      }
    };
    btn.addEventListener("click", async () => {
      $("#explain").hidden = true;
      const r = await api("POST", "/jobs", {
        site_id: gen.dataset.site, unit_id: gen.dataset.unit || null, start: gen.dataset.start,
        days: 7, time_limit: Number($("#time-limit").value) || 10,
      });
      if (!r.ok) { $("#progress").hidden = false; $("#p-status").textContent = r.data.message || r.status; return; }
      jobId = r.data.id; follow(r.data);
    });
    stop.addEventListener("click", async () => { if (jobId) await api("DELETE", "/jobs/" + jobId); });
    if (gen.dataset.running) {  // a solve of this week is under way: follow it
      jobId = gen.dataset.running;
      api("GET", "/jobs/" + jobId).then((r) => { if (r.ok) follow(r.data); });
    }
    const failed = $("#last-failed");
    if (failed) {
      const b = document.createElement("button"); b.type = "button"; b.textContent = T["explain.title"];
      b.addEventListener("click", () => explain(gen.dataset.site, gen.dataset.unit, gen.dataset.start));
      failed.appendChild(document.createTextNode(" ")); failed.appendChild(b);
    }
  }

  // ---------------------------------------------------------------- forms that wait
  $$("form[data-wait]").forEach((f) => f.addEventListener("submit", () => {
    const s = $(f.dataset.wait); if (s) s.hidden = false;
    $$("button[type=submit]", f).forEach((b) => (b.disabled = true));
  }));
  const pr = $("#print-now");
  if (pr) pr.addEventListener("click", () => window.print());
})();
