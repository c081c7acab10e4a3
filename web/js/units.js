// Lever units as a planner reads them (yuan as 100 million yuan, shares and
// rates in %), and indicator values with the precision their unit deserves.

// How each lever unit is shown: value shown = value * scale; slider step and
// the top of the slider's range (the number box takes any value; the server
// refuses what `innosim validate` would).
const LEVER_UNITS = {
  yuan: { scale: 1e-8, step: 0.1, top: (plan) => Math.max(10, Math.ceil(plan * 4)), exact: (x) => Math.round(x * 1e8) },
  share: { scale: 100, step: 1, top: () => 100 },
  probability: { scale: 100, step: 1, top: () => 100 },
  rate: { scale: 100, step: 0.5, top: (plan) => Math.max(20, Math.ceil(plan * 4)) },
  count: { scale: 1, step: 1, top: (plan) => Math.max(100, Math.ceil(plan * 4)) },
  "1": { scale: 1, step: 0.05, top: (plan) => Math.max(2, Math.ceil(plan * 4)) },
};
const OTHER_UNIT = { scale: 1, step: 0.1, top: (plan) => Math.max(1, Math.ceil(plan * 4)) };

export function leverUnit(unit) {
  return LEVER_UNITS[unit] || OTHER_UNIT;
}

// A lever value (in its unit) as shown, and back.
export function toShown(unit, value) {
  return value * leverUnit(unit).scale;
}
export function fromShown(unit, shown) {
  const u = leverUnit(unit);
  if (u.exact) return u.exact(shown);
  return u.scale === 1 ? shown : shown / u.scale;
}

// A shown lever value for the number box and the plan mark: at most 4
// significant digits (the setting keeps the exact value until a control moves).
export function shownText(unit, value) {
  return String(Number(toShown(unit, value).toPrecision(4)));
}

// An indicator value for people: precision by unit and size.
export function human(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const a = Math.abs(x);
  if (unit === "%" || unit.startsWith("% ")) return a < 10 ? x.toFixed(2) : x.toFixed(1);
  if (unit.includes("10k")) return x.toFixed(2);
  if (unit.includes("count")) return a >= 100 ? x.toFixed(0) : x.toFixed(1);
  if (a >= 1e6 || (a > 0 && a < 1)) return Number(x.toPrecision(3)).toString();
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function percent(p, digits = 1) {
  return `${(100 * p).toFixed(digits)}%`;
}

// A change in percentage points, signed.
export function points(dp) {
  const v = 100 * dp;
  if (v === 0) return "±0 pp";
  return `${v > 0 ? "+" : "−"}${Math.abs(v).toFixed(Math.abs(v) < 1 ? 2 : 1)} pp`;
}
