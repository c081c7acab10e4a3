// The fan chart of one indicator (the zone): 90 % and 50 % bands and the
// median of the current setting, the plan's median, and the target line.
// Drawn with Apache ECharts (vendor/echarts, loaded by index.html).

import { t } from "./i18n.js";
import { human } from "./units.js";

const COLORS = { band: "#2f6db3", median: "#174a85", plan: "#8a8a8a", target: "#c0392b" };

function level(fan, q) {
  const k = fan.levels.findIndex((l) => Math.abs(l - q) < 1e-9);
  return k;
}

// Quantile q of `indicator` by report year.
function quantile(fan, indicator, q) {
  return fan.zone[indicator].quantiles[level(fan, q)];
}

// A y range that holds the bands, the plan's median and the target, on
// round numbers (1, 2 or 5 times a power of ten).
function yRange(values) {
  const lo = Math.min(...values), hi = Math.max(...values);
  const raw = (hi - lo) / 5 || Math.abs(hi) / 5 || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const min = Math.floor(lo / step) * step;
  return { min: lo >= 0 ? Math.max(0, min) : min, max: Math.ceil(hi / step) * step, step };
}

export class FanChart {
  constructor(element) {
    this.chart = window.echarts.init(element, null, { renderer: "canvas" });
    window.addEventListener("resize", () => this.chart.resize());
  }

  // Draws `indicator` from `fan` (this setting) and `planFan`; `targets` are the table's rows.
  draw(lang, indicator, unit, fan, planFan, targets) {
    const years = fan.years.map(String);
    const q05 = quantile(fan, indicator, 0.05), q25 = quantile(fan, indicator, 0.25);
    const q50 = quantile(fan, indicator, 0.5), q75 = quantile(fan, indicator, 0.75);
    const q95 = quantile(fan, indicator, 0.95);
    const plan50 = quantile(planFan, indicator, 0.5);
    const mine = targets.filter((r) => r.indicator === indicator && r.region === "zone");
    const range = yRange([...q05, ...q95, ...plan50, ...mine.map((r) => r.target)]);
    const diff = (a, b) => a.map((x, i) => x - b[i]);
    const hidden = { lineStyle: { opacity: 0 }, symbol: "none", silent: true };
    const fmt = (x) => human(x, unit);
    this.chart.setOption({
      animation: false,
      grid: { left: 64, right: 24, top: 48, bottom: 32 },
      legend: { top: 0, data: [t(lang, "band90"), t(lang, "band50"), t(lang, "median_line"), t(lang, "plan_median")] },
      tooltip: {
        trigger: "axis",
        formatter: (items) => {
          const y = items[0].dataIndex;
          return [`${years[y]}`,
                  `${t(lang, "median_line")}: ${fmt(q50[y])}`,
                  `${t(lang, "band50")}: ${fmt(q25[y])} – ${fmt(q75[y])}`,
                  `${t(lang, "band90")}: ${fmt(q05[y])} – ${fmt(q95[y])}`,
                  `${t(lang, "plan_median")}: ${fmt(plan50[y])}`].join("<br>");
        },
      },
      xAxis: { type: "category", data: years, boundaryGap: false },
      yAxis: { type: "value", min: range.min, max: range.max, interval: range.step, name: unit,
               axisLabel: { formatter: (v) => fmt(v) } },
      series: [
        { name: "q05", type: "line", data: q05, stack: "b90", ...hidden, areaStyle: { opacity: 0 } },
        { name: t(lang, "band90"), type: "line", data: diff(q95, q05), stack: "b90", ...hidden,
          color: COLORS.band, areaStyle: { color: COLORS.band, opacity: 0.18 } },
        { name: "q25", type: "line", data: q25, stack: "b50", ...hidden, areaStyle: { opacity: 0 } },
        { name: t(lang, "band50"), type: "line", data: diff(q75, q25), stack: "b50", ...hidden,
          color: COLORS.band, areaStyle: { color: COLORS.band, opacity: 0.32 } },
        { name: t(lang, "median_line"), type: "line", data: q50, color: COLORS.median, symbolSize: 5,
          lineStyle: { width: 2.5 },
          markLine: mine.length === 0 ? undefined : {
            symbol: "none", silent: true, lineStyle: { color: COLORS.target, type: "dashed", width: 2 },
            label: { formatter: (p) => p.name, position: "insideStartTop", color: COLORS.target },
            data: mine.map((r) => ({ yAxis: r.target,
                                     name: `${t(lang, "target_line")} ${r.sense === "at_most" ? "≤" : "≥"} ${fmt(r.target)} (${r.year})` })),
          } },
        { name: t(lang, "plan_median"), type: "line", data: plan50, color: COLORS.plan, symbol: "none",
          lineStyle: { type: "dashed", width: 1.5 } },
      ],
    }, { notMerge: true });
  }
}
