// The target table: binding targets first, then in the scenario's order;
// median, 90 % band, P(met) and verdict of the current setting, and the
// change in P(met) and in the median against the plan at the same draws.

import { t } from "./i18n.js";
import { human, percent, points } from "./units.js";

const rowKey = (r) => `${r.indicator}|${r.region}|${r.year}`;

export function targetName(lang, row) {
  const name = (lang === "zh" ? row.indicator_name_zh || row.indicator_name_en : row.indicator_name_en) || row.indicator;
  if (row.region === "zone") return name;
  const region = lang === "zh" ? row.region_name_zh || row.region_name_en : row.region_name_en;
  return `${name} (${region || row.region})`;
}

// Binding first; stable otherwise.
export function orderedTargets(rows) {
  return rows.map((r, i) => [r, i]).sort((a, b) => (b[0].kind === "binding") - (a[0].kind === "binding") || a[1] - b[1])
    .map(([r]) => r);
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function changeCell(lang, row, plan) {
  const td = document.createElement("td");
  td.className = "change";
  if (!plan) return td;
  const dp = row.p_met - plan.p_met;
  const bar = document.createElement("span");
  bar.className = `bar ${dp > 0 ? "up" : dp < 0 ? "down" : ""}`;
  bar.style.width = `${Math.min(100, Math.abs(dp) * 100)}%`;
  const track = document.createElement("span");
  track.className = "track";
  track.append(bar);
  const text = document.createElement("span");
  text.className = "dp";
  text.textContent = points(dp);
  const dm = document.createElement("span");
  dm.className = "dm";
  const d = row.median - plan.median;
  dm.textContent = `${t(lang, "median")} ${d >= 0 ? "+" : "−"}${human(Math.abs(d), row.unit)}`;
  td.append(track, text, dm);
  td.dataset.dpmet = String(dp);
  return td;
}

// Fills `tbody` from a run's table and the plan's; a click on a row calls onPick(indicator).
export function renderTable(tbody, lang, table, planTable, onPick) {
  const plan = new Map(planTable.targets.map((r) => [rowKey(r), r]));
  tbody.replaceChildren();
  for (const row of orderedTargets(table.targets)) {
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, {
      indicator: row.indicator, region: row.region, year: String(row.year), kind: row.kind,
      pmet: String(row.p_met), median: String(row.median), verdict: row.verdict,
    });
    const name = cell((row.kind === "binding" ? "★ " : "") + targetName(lang, row), "name");
    if (row.kind === "binding") name.title = t(lang, "binding");
    const sense = row.sense === "at_most" ? "≤ " : "≥ ";
    tr.append(
      name,
      cell(String(row.year), "num"),
      cell(sense + human(row.target, row.unit) + (row.unit === "%" ? " %" : ""), "num"),
      cell(human(row.median, row.unit), "num"),
      cell(`${human(row.q05, row.unit)} – ${human(row.q95, row.unit)}`, "num"),
      cell(percent(row.p_met), "num pmet"),
      changeCell(lang, row, plan.get(rowKey(row))),
      cell(t(lang, row.verdict), `verdict ${row.verdict.replace(" ", "-")}`),
    );
    tr.addEventListener("click", () => onPick(row.indicator));
    tbody.append(tr);
  }
}
