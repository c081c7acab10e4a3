// The lever panel: one card per lever, in the groups the server names; one
// control per path (the zone's, or each region's of a per-region lever), in
// the lever's own unit, with the plan's value marked and a reset.

import { nameOf, t, unitLabel } from "./i18n.js";
import { fromShown, leverUnit, shownText, toShown } from "./units.js";

const key = (lever, path) => `${lever}|${path}`;

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("data-") || k === "for" || k === "list" || k === "aria-label") e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const kid of kids) if (kid) e.append(kid);
  return e;
}

// The value of a control: the setting's, or the plan's.
export function controlValue(values, lever, control) {
  const v = values.get(key(lever.id, control.path));
  return v === undefined ? control.plan : v;
}

// Sets (or, at the plan's value, clears) one control's value.
export function setControl(values, lever, control, value) {
  if (value === control.plan) values.delete(key(lever.id, control.path));
  else values.set(key(lever.id, control.path), value);
}

// The setting as the API takes it: {"lever": {"path": value}} for changed controls only.
export function settingJson(values) {
  const out = {};
  for (const [k, v] of values) {
    const [lever, path] = k.split("|");
    (out[lever] ||= {})[path] = v;
  }
  return out;
}

function switchControl(lang, lever, control, value, onInput) {
  const box = el("input", { type: "checkbox", checked: value === 1, "aria-label": nameOf(lang, lever) });
  const label = el("span", { className: "switch-label", text: t(lang, value === 1 ? "on" : "off") });
  box.addEventListener("change", () => {
    label.textContent = t(lang, box.checked ? "on" : "off");
    onInput(box.checked ? 1 : 0);
  });
  return { inputs: [el("label", { className: "switch" }, box, label)], planText: t(lang, control.plan === 1 ? "on" : "off") };
}

function numberControl(lang, lever, control, value, onInput, id) {
  const u = leverUnit(lever.unit);
  const planShown = toShown(lever.unit, control.plan);
  const top = u.top(planShown);
  const listId = `plan-${id}`;
  const list = el("datalist", { id: listId }, el("option", { value: String(planShown) }));
  const range = el("input", {
    type: "range", min: "0", max: String(Math.max(top, toShown(lever.unit, value))), step: String(u.step),
    value: shownText(lever.unit, value), list: listId, "aria-label": nameOf(lang, lever),
  });
  const number = el("input", { type: "number", step: String(u.step), value: shownText(lever.unit, value),
                               className: "number", "aria-label": nameOf(lang, lever) });
  range.addEventListener("input", () => {
    number.value = range.value;
    onInput(fromShown(lever.unit, Number(range.value)));
  });
  const typed = () => {
    if (number.value.trim() === "") return;
    const shown = Number(number.value);
    if (!Number.isFinite(shown)) return;
    if (shown > Number(range.max)) range.max = String(shown);  // the slider follows a typed value beyond its range
    if (shown >= 0) range.value = String(shown);
    onInput(fromShown(lever.unit, shown));
  };
  number.addEventListener("input", typed);
  number.addEventListener("change", typed);
  return { inputs: [range, number, list], planText: shownText(lever.unit, control.plan) };
}

function leverCard(scenario, state, lang, lever, onChange) {
  const regions = new Map(scenario.regions.map((r) => [r.id, r]));
  const changed = lever.controls.some((c) => state.values.has(key(lever.id, c.path)));
  const unit = unitLabel(lang, lever.unit);
  const reset = el("button", { type: "button", className: "reset", text: "↺", title: t(lang, "reset"),
                               "aria-label": `${t(lang, "reset")} ${nameOf(lang, lever)}` });
  reset.addEventListener("click", () => {
    for (const c of lever.controls) state.values.delete(key(lever.id, c.path));
    onChange({ rebuild: true });
  });
  const card = el("div", { className: "lever", "data-lever": lever.id, "data-changed": String(changed) },
    el("div", { className: "lever-head" },
      el("span", { className: "lever-name", text: nameOf(lang, lever), title: lever.source || "" }),
      unit ? el("span", { className: "lever-unit", text: unit }) : null,
      reset));
  lever.controls.forEach((control, i) => {
    const value = controlValue(state.values, lever, control);
    const onInput = (v) => {
      setControl(state.values, lever, control, v);
      card.dataset.changed = String(lever.controls.some((c) => state.values.has(key(lever.id, c.path))));
      onChange({ rebuild: false });
    };
    const id = `${lever.id}-${i}`;
    const made = lever.unit === "switch" ? switchControl(lang, lever, control, value, onInput)
                                         : numberControl(lang, lever, control, value, onInput, id);
    const label = control.path === "zone" ? null
                  : el("span", { className: "region", text: nameOf(lang, regions.get(control.path) || { id: control.path }) });
    card.append(el("div", { className: "control", "data-path": control.path }, label, ...made.inputs,
      el("span", { className: "plan", text: `${t(lang, "plan_value")} ${made.planText}` })));
  });
  return card;
}

// Draws every lever, grouped, into `container`. onChange({rebuild}) after each change.
export function renderLevers(container, scenario, state, lang, onChange) {
  container.replaceChildren();
  for (const group of scenario.groups) {
    // Amounts of money before the shares that split them; otherwise the scenario's order.
    const levers = scenario.levers.filter((l) => l.group === group.id)
      .map((l, i) => [l, i]).sort((a, b) => (a[0].unit !== "yuan") - (b[0].unit !== "yuan") || a[1] - b[1])
      .map(([l]) => l);
    if (levers.length === 0) continue;
    const box = el("fieldset", { className: "group", "data-group": group.id },
      el("legend", { text: nameOf(lang, group) }));
    for (const lever of levers) box.append(leverCard(scenario, state, lang, lever, onChange));
    container.append(box);
  }
}
