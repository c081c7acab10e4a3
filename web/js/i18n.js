// The page's words in Chinese (default) and English. Names of levers,
// indicators, regions and groups come from the server (the scenario).

export const STRINGS = {
  zh: {
    title: "innosim 政策模拟",
    levers: "政策杠杆",
    levers_hint: "拖动或输入数值；刻度标记为规划值。每次改动以相同随机数（同一种子、同一批抽样）重新计算。",
    targets: "规划目标",
    indicator: "指标",
    year: "年份",
    target: "目标",
    median: "中位数",
    band: "90% 区间",
    p_met: "达标概率",
    vs_plan: "较规划",
    verdict: "判断",
    fan: "扇形图",
    precise: "精确计算",
    precise_n: "精确计算（{n} 次）",
    reset_all: "全部重置",
    reset: "重置",
    save: "另存为情景",
    download: "下载运行文件",
    plan_value: "规划值",
    binding: "约束性",
    binding_note: "★ 约束性指标，排在最前。",
    joint: "全部约束性指标达标概率 {b}；全部指标达标概率 {a}。",
    on: "开",
    off: "关",
    "on track": "有望完成",
    "at risk": "存在风险",
    "off track": "难以完成",
    running: "计算中…",
    ready: "{n} 次抽样 · {s} 秒",
    ready_cached: "{n} 次抽样 · 已缓存",
    refused: "数值被拒绝，结果仍为上一次有效设置：",
    error: "出错：",
    saved: "已保存情景：",
    saved_hint: "用 innosim run 运行（-n {n} 得到与本页相同的结果）。",
    download_ready: "运行文件已写入：",
    nothing_to_save: "没有改动：所有杠杆均为规划值。",
    plan_median: "规划中位数",
    median_line: "中位数",
    band90: "90% 区间",
    band50: "50% 区间",
    target_line: "目标",
    changed: "已改动",
    footer: "数值为模型预测的概率分布，不是确定结果。",
    zone: "试验区",
    per_year: "/年",
    units: {
      yuan: "亿元/年", share: "%", probability: "%", switch: "", count: "个/年", rate: "%/年", "1": "",
      "%": "%", "per 10k people": "件/万人", "% per year": "%/年",
    },
  },
  en: {
    title: "innosim what-if",
    levers: "Levers",
    levers_hint: "Drag or type a value; the tick marks the plan's. Every change reruns with the same random numbers (same seed, same draws).",
    targets: "Plan targets",
    indicator: "Indicator",
    year: "Year",
    target: "Target",
    median: "Median",
    band: "90 % band",
    p_met: "P(met)",
    vs_plan: "vs plan",
    verdict: "Verdict",
    fan: "Fan chart",
    precise: "Precise",
    precise_n: "Precise ({n} draws)",
    reset_all: "Reset all",
    reset: "Reset",
    save: "Save as scenario",
    download: "Download run",
    plan_value: "plan",
    binding: "binding",
    binding_note: "★ binding targets, listed first.",
    joint: "P(all binding met) {b}; P(all met) {a}.",
    on: "on",
    off: "off",
    "on track": "on track",
    "at risk": "at risk",
    "off track": "off track",
    running: "running…",
    ready: "{n} draws · {s} s",
    ready_cached: "{n} draws · cached",
    refused: "Value refused; the results are still those of the last valid setting:",
    error: "Error:",
    saved: "Saved scenario:",
    saved_hint: "Run it with innosim run (-n {n} gives this page's numbers).",
    download_ready: "Run file written:",
    nothing_to_save: "Nothing changed: every lever is at the plan's value.",
    plan_median: "plan median",
    median_line: "median",
    band90: "90 % band",
    band50: "50 % band",
    target_line: "target",
    changed: "changed",
    footer: "The numbers are forecast probability distributions, not certainties.",
    zone: "zone",
    per_year: "/yr",
    units: {
      yuan: "100 million yuan/yr", share: "%", probability: "%", switch: "", count: "per year", rate: "%/yr", "1": "",
      "%": "%", "per 10k people": "per 10k people", "% per year": "%/yr",
    },
  },
};

// The string `key` in `lang` with {name} placeholders filled.
export function t(lang, key, vars = {}) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

// A named thing (lever, indicator, region, group) in `lang`, falling back to the other language or its id.
export function nameOf(lang, thing) {
  const zh = thing.name_zh || "", en = thing.name_en || "";
  return (lang === "zh" ? zh || en : en || zh) || thing.id;
}

export function unitLabel(lang, unit) {
  const u = STRINGS[lang].units[unit];
  return u === undefined ? unit : u;
}
