// The what-if page: loads the scenario, keeps this page's lever setting,
// asks the server to run it (each newer request cancels this page's older
// one), and draws the target table and the fan chart.

import { nameOf, t, unitLabel } from "./i18n.js";
import { FanChart } from "./fan.js";
import { renderLevers, settingJson } from "./levers.js";
import { orderedTargets, renderTable } from "./table.js";
import { percent } from "./units.js";

const $ = (id) => document.getElementById(id);

// Everything this page knows; nothing of it is shared with other pages.
const state = {
  lang: new URLSearchParams(location.search).get("lang") || localStorage.getItem("innosim-lang") || "zh",
  session: crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint32Array(4)), (x) => x.toString(16)).join(""),
  seq: 0,
  scenario: null,
  values: new Map(),  // "lever|path" -> value in the lever's unit, changed controls only
  precise: false,
  indicator: null,
  result: null,       // the last answer of /api/run
  changedAt: 0,       // performance.now() of the change being computed
  controller: null,
  timer: 0,
};

async function post(path, body, signal) {
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                  body: JSON.stringify(body), signal });
  let data = null;
  try { data = await res.json(); } catch { data = { error: "server", message: `HTTP ${res.status}` }; }
  return { status: res.status, data };
}

function setStatus(text, busy) {
  $("status").textContent = text;
  $("status").classList.toggle("busy", busy);
}

function notice(html) {
  const n = $("notice");
  n.replaceChildren();
  if (!html) { n.hidden = true; return; }
  n.append(...html);
  n.hidden = false;
}

function showProblems(title, problems) {
  const box = $("problems");
  box.replaceChildren();
  if (!title) { box.hidden = true; return; }
  const h = document.createElement("strong");
  h.textContent = title;
  box.append(h);
  const ul = document.createElement("ul");
  for (const p of problems) {
    const li = document.createElement("li");
    li.textContent = p.text || p.message;
    ul.append(li);
  }
  box.append(ul);
  box.hidden = false;
}

function draws() {
  return state.precise ? state.scenario.draws.full : state.scenario.draws.quick;
}

// Draws the labels that depend on the language.
function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(state.lang, e.dataset.i18n);
  $("lang").textContent = state.lang === "zh" ? "English" : "中文";
  $("lang").lang = state.lang === "zh" ? "en" : "zh-CN";
  $("precise").textContent = t(state.lang, "precise_n", { n: state.scenario.draws.full.toLocaleString() });
  $("precise").setAttribute("aria-pressed", String(state.precise));
  $("scenario-name").textContent = state.scenario.name;
  $("scenario-name").title = state.scenario.file;
  const select = $("fan-indicator");
  select.replaceChildren();
  for (const ind of state.scenario.indicators) {
    const o = document.createElement("option");
    o.value = ind.id;
    o.textContent = nameOf(state.lang, ind);
    select.append(o);
  }
  select.value = state.indicator;
  renderLevers($("lever-groups"), state.scenario, state, state.lang, onLeverChange);
  if (state.result) render(state.result);
}

function render(result) {
  state.result = result;
  const table = $("targets");
  renderTable(table.tBodies[0], state.lang, result.table, result.plan.table, pickIndicator);
  table.dataset.name = result.name;
  table.dataset.draws = String(result.draws);
  const j = result.table.joint;
  $("joint").textContent = t(state.lang, "joint", { b: percent(j.p_all_binding), a: percent(j.p_all) });
  const ind = state.scenario.indicators.find((i) => i.id === state.indicator);
  fan.draw(state.lang, state.indicator, unitLabel(state.lang, ind.unit), result.fan, result.plan.fan,
           result.table.targets);
  $("run-info").textContent =
    `seed ${state.scenario.seed} · ${state.scenario.sampler} · ${result.draws.toLocaleString()} draws · ${result.name}`;
  setStatus(t(state.lang, result.cached ? "ready_cached" : "ready",
              { n: result.draws.toLocaleString(), s: result.seconds.toFixed(2) }), false);
}

function pickIndicator(id) {
  state.indicator = id;
  $("fan-indicator").value = id;
  if (state.result) render(state.result);
}

// Asks for the current setting; a newer call aborts this one (and the server cancels its run).
async function runNow() {
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  const seq = ++state.seq;
  const started = state.changedAt || performance.now();
  document.body.dataset.state = "running";
  setStatus(t(state.lang, "running"), true);
  let answer;
  try {
    answer = await post("api/run", { session: state.session, seq, draws: draws(), levers: settingJson(state.values) },
                        controller.signal);
  } catch (e) {
    if (e.name === "AbortError") return;
    answer = { status: 0, data: { message: String(e) } };
  }
  if (seq !== state.seq) return;  // a newer request owns the page
  const { status, data } = answer;
  if (status === 200) {
    showProblems(null);
    render(data);
    // Measured to the frame that shows the new table and fan (docs/performance.md).
    requestAnimationFrame(() => {
      const ms = performance.now() - started;
      document.body.dataset.updateMs = ms.toFixed(1);
      document.body.dataset.runMs = data.cached ? "0" : (1000 * data.seconds).toFixed(1);
      document.body.dataset.state = "ready";
      document.body.dataset.result = data.name + "/" + data.draws;
    });
  } else if (status === 409) {
    // Superseded by a newer request of this page: nothing to show.
  } else if (status === 422) {
    showProblems(t(state.lang, "refused"), data.problems || []);
    setStatus("", false);
    document.body.dataset.state = "refused";
  } else {
    showProblems(t(state.lang, "error"), [{ text: data.message || `HTTP ${status}` }]);
    setStatus("", false);
    document.body.dataset.state = "error";
  }
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(runNow, 40);
}

function onLeverChange({ rebuild }) {
  state.changedAt = performance.now();
  state.precise = false;
  $("precise").setAttribute("aria-pressed", "false");
  if (rebuild) renderLevers($("lever-groups"), state.scenario, state, state.lang, onLeverChange);
  schedule();
}

async function save() {
  const { status, data } = await post("api/save", { levers: settingJson(state.values) });
  if (status !== 200) {
    const msg = status === 400 && state.values.size === 0 ? t(state.lang, "nothing_to_save") : data.message;
    return showProblems(t(state.lang, "error"), status === 422 ? data.problems : [{ text: msg }]);
  }
  const a = document.createElement("a");
  a.href = data.url;
  a.download = data.file;
  a.textContent = data.path;
  a.id = "saved-path";
  a.dataset.path = data.path;
  const hint = document.createElement("span");
  hint.textContent = " " + t(state.lang, "saved_hint", { n: draws() });
  const label = document.createElement("span");
  label.textContent = t(state.lang, "saved") + " ";
  notice([label, a, hint]);
}

async function download() {
  setStatus(t(state.lang, "running"), true);
  const { status, data } = await post("api/runfile", { levers: settingJson(state.values), draws: draws() });
  setStatus("", false);
  if (status !== 200) return showProblems(t(state.lang, "error"), status === 422 ? data.problems : [{ text: data.message }]);
  const a = document.createElement("a");
  a.href = data.url;
  a.download = data.file;
  a.textContent = data.path;
  a.id = "runfile-path";
  a.dataset.path = data.path;
  const label = document.createElement("span");
  label.textContent = t(state.lang, "download_ready") + " ";
  notice([label, a]);
  a.click();
}

let fan;

async function start() {
  const res = await fetch("api/scenario");
  state.scenario = await res.json();
  const binding = orderedTargets(state.scenario.targets || []).find((r) => r.kind === "binding");
  state.indicator = binding ? binding.indicator : state.scenario.indicators[0].id;
  fan = new FanChart($("fan"));
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("innosim-lang", state.lang);
    applyLanguage();
  });
  $("precise").addEventListener("click", () => {
    state.precise = true;
    state.changedAt = performance.now();
    $("precise").setAttribute("aria-pressed", "true");
    runNow();
  });
  $("reset-all").addEventListener("click", () => {
    state.values.clear();
    onLeverChange({ rebuild: true });
  });
  $("save").addEventListener("click", save);
  $("download").addEventListener("click", download);
  $("fan-indicator").addEventListener("change", (e) => pickIndicator(e.target.value));
  applyLanguage();
  state.changedAt = performance.now();
  await runNow();
}

start();
