"""Words, units and number formats in Chinese and English.

Numbers follow the habits of Chinese planning documents: large yuan amounts
in 亿元 (10^8 yuan), percentages with one decimal, counts as whole numbers.
Indicator and region names are never translated here: they come from /meta
(name_zh / name_en) in the run file.
"""

import math

LANGS = ("zh", "en")

TEXT = {
    "zh": {
        "report_title": "科技创新指标蒙特卡洛预测报告",
        "year": "年份",
        "year_suffix": "年",
        "median": "中位数",
        "band50": "50% 区间（四分位）",
        "band90": "90% 区间（5%–95%）",
        "start_value": "{year}年基期值",
        "target_binding": "约束性目标",
        "target_expected": "预期性目标",
        "binding": "约束性",
        "expected": "预期性",
        "on track": "有望达成",
        "at risk": "存在风险",
        "off track": "难以达成",
        "p_met": "达成概率",
        "p_met_axis": "达成概率（%）",
        "threshold_on": "达成线 {p}",
        "threshold_risk": "风险线 {p}",
        "ci": "误差线：±1.96 倍蒙特卡洛标准误",
        "fan_title": "{ind}：{reg}",
        "fan_regions_title": "{ind}：各区域",
        "attain_title": "目标达成概率（{year}）",
        "attain_title_n": "目标达成概率（{year}，第 {k}/{n} 页）",
        "compare_pmet_title": "情景比较：目标达成概率",
        "compare_median_title": "情景比较：中位数与 90% 区间",
        "footer": "情景 {scn} · {n} 次有效模拟 · 随机种子 {seed}",
        "sweep_title": "政策杠杆扫描：{lever}与各目标的达成概率",
        "sweep_x": "{lever}（{year}年区域合计，{u}）",
        "sweep_footer": "情景 {scn} · 每点 {n} 次模拟 · 各点使用相同随机种子 {seed}",
        "sweep_file": "参数扫描文件",
        "lever": "政策杠杆",
        "draws_per_point": "每点模拟次数",
        "scale_factors": "缩放倍数",
        "scenario": "情景",
        "model": "模型",
        "seed": "随机种子",
        "sampler": "抽样方法",
        "draws": "模拟次数（请求/有效/剔除）",
        "engine": "引擎版本",
        "git_sha": "Git 提交",
        "created": "运行时间（UTC）",
        "generated": "报告生成时间（UTC）",
        "file": "运行文件",
        "p_all_binding": "全部约束性目标同时达成的概率",
        "p_all": "全部目标同时达成的概率",
        "col_indicator": "指标",
        "col_region": "区域",
        "col_year": "年份",
        "col_kind": "性质",
        "col_target": "目标值",
        "col_median": "中位数",
        "col_band": "90% 区间",
        "col_p_met": "达成概率",
        "col_verdict": "判断",
        "targets_heading": "目标一览",
        "charts_heading": "图表",
        "run_heading": "运行信息",
        "absent_heading": "尚未提供的分析",
        "absent_text": "运行文件中没有以下分析结果，因此未绘制：",
        "present_unsupported": "运行文件含有 /{g}，但 HDF5 格式第 1 版尚未定义其结构，故未绘制。",
        "sensitivity": "敏感性分析（驱动因素）",
        "sweep": "参数扫描",
        "innovation_index": "科技创新指数",
        "no_targets": "运行文件中没有目标。",
        "runs_compared": "比较的情景",
        "compare_table": "情景比较：中位数与达成概率",
        "n/a": "无",
        "unit_label": "单位：{u}",
        "dimensionless": "无量纲",
        "pct_of_target": "占目标的百分比（%）",
        "target_line": "目标值",
    },
    "en": {
        "report_title": "Monte Carlo forecast of S&T innovation indicators",
        "year": "Year",
        "year_suffix": "",
        "median": "Median",
        "band50": "50% band (quartiles)",
        "band90": "90% band (5–95%)",
        "start_value": "{year} value",
        "target_binding": "Binding target",
        "target_expected": "Expected target",
        "binding": "binding",
        "expected": "expected",
        "on track": "on track",
        "at risk": "at risk",
        "off track": "off track",
        "p_met": "P(met)",
        "p_met_axis": "Probability of meeting the target (%)",
        "threshold_on": "on track ≥ {p}",
        "threshold_risk": "at risk ≥ {p}",
        "ci": "Error bars: ±1.96 Monte Carlo standard errors",
        "fan_title": "{ind}: {reg}",
        "fan_regions_title": "{ind}: regions",
        "attain_title": "Probability of meeting each target ({year})",
        "attain_title_n": "Probability of meeting each target ({year}, {k}/{n})",
        "compare_pmet_title": "Scenario comparison: probability of meeting each target",
        "compare_median_title": "Scenario comparison: median and 90% band",
        "footer": "Scenario {scn} · {n} valid draws · seed {seed}",
        "sweep_title": "Lever sweep: P(met) of each target against {lever}",
        "sweep_x": "{lever} (zone total in {year}, {u})",
        "sweep_footer": "Scenario {scn} · {n} draws per point · same seed {seed} at every point",
        "sweep_file": "Sweep file",
        "lever": "Lever",
        "draws_per_point": "Draws per point",
        "scale_factors": "Scale factors",
        "scenario": "Scenario",
        "model": "Model",
        "seed": "Seed",
        "sampler": "Sampler",
        "draws": "Draws (requested / valid / dropped)",
        "engine": "Engine version",
        "git_sha": "Git commit",
        "created": "Run time (UTC)",
        "generated": "Report generated (UTC)",
        "file": "Run file",
        "p_all_binding": "P(all binding targets met)",
        "p_all": "P(all targets met)",
        "col_indicator": "Indicator",
        "col_region": "Region",
        "col_year": "Year",
        "col_kind": "Kind",
        "col_target": "Target",
        "col_median": "Median",
        "col_band": "90% band",
        "col_p_met": "P(met)",
        "col_verdict": "Verdict",
        "targets_heading": "Targets",
        "charts_heading": "Charts",
        "run_heading": "Run",
        "absent_heading": "Analyses not yet available",
        "absent_text": "The run files hold none of these results, so they are not charted:",
        "present_unsupported": "The run file has /{g}, but HDF5 format version 1 does not define "
                               "its layout yet, so it is not charted.",
        "sensitivity": "Sensitivity (drivers)",
        "sweep": "Parameter sweep",
        "innovation_index": "S&T innovation index",
        "no_targets": "The run file has no targets.",
        "runs_compared": "Scenarios compared",
        "compare_table": "Scenario comparison: median and P(met)",
        "n/a": "n/a",
        "unit_label": "{u}",
        "dimensionless": "dimensionless",
        "pct_of_target": "Percent of target (%)",
        "target_line": "Target",
    },
}


# Chinese forms of unit strings that scenario files use verbatim.
ZH_UNITS = {
    "per 10k people": "件/万人",
    "per 10,000 people": "件/万人",
    "people": "人",
    "enterprises": "家",
}


def t(lang, key, **kw):
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


def year_str(lang, year):
    return f"{year}{TEXT[lang]['year_suffix']}"


def fmt_pct(p, lang=None):
    """A probability in [0, 1] as a percentage with one decimal."""
    if p is None or not math.isfinite(p):
        return "—"
    return f"{100.0 * p:.1f}%"


class UnitScale:
    """How one indicator's values are shown: factor, axis unit and decimals.

    `values` fixes the scale (e.g. 亿元 vs 万元) so that every number on one
    chart uses the same unit.
    """

    def __init__(self, unit, lang, values=()):
        self.unit, self.lang = unit, lang
        finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
        vmax = max(finite) if finite else 0.0
        self.factor, self.label, self.decimals, self.suffix = 1.0, unit, 2, ""
        zh = lang == "zh"
        if unit == "yuan":
            if zh:
                if vmax >= 1e8:
                    self.factor, self.label = 1e-8, "亿元"
                elif vmax >= 1e4:
                    self.factor, self.label = 1e-4, "万元"
                else:
                    self.label = "元"
            else:
                if vmax >= 1e9:
                    self.factor, self.label = 1e-9, "billion yuan"
                elif vmax >= 1e6:
                    self.factor, self.label = 1e-6, "million yuan"
            self.suffix = self.label if zh else " " + self.label
            scaled = vmax * self.factor
            self.decimals = 2 if scaled < 10 else (1 if scaled < 100 else 0)
        elif unit in ("%", "share", "probability"):
            self.factor = 100.0 if unit != "%" else 1.0
            self.label, self.suffix, self.decimals = "%", "%", 1
        elif unit in ("% per year", "%/yr", "%/year"):
            self.decimals = 1
            self.label = "%/年" if zh else "%/yr"
            self.suffix = self.label if zh else " " + self.label
        elif unit == "rate":
            self.factor, self.decimals = 100.0, 1
            self.label = "%/年" if zh else "%/yr"
            self.suffix = self.label if zh else " " + self.label
        elif unit == "count":
            self.label = "个" if zh else "count"
            self.suffix = "个" if zh else ""
            self.decimals = 0
        elif unit == "1":
            self.label = TEXT[lang]["dimensionless"]
            self.decimals = 2
        else:  # any other unit string is shown verbatim (or its Chinese form)
            if zh and unit in ZH_UNITS:
                self.label = ZH_UNITS[unit]
            self.suffix = self.label if zh else " " + self.label
            self.decimals = 2 if vmax < 100 else 0

    def scale(self, v):
        return v * self.factor

    def number(self, v):
        """Scaled number without unit, e.g. '2.5' or '1,234'."""
        if v is None or not math.isfinite(v):
            return "—"
        x = v * self.factor
        return f"{x:,.{self.decimals}f}"

    def value(self, v):
        """Scaled number with unit, e.g. '2.5%', '45.00亿元', '80个'."""
        s = self.number(v)
        return s if s == "—" else s + self.suffix

    def axis_label(self):
        return t(self.lang, "unit_label", u=self.label)


def sense_symbol(sense):
    return "≤" if sense == "at_most" else "≥"


def wrap(text, lang, width):
    """Wraps a label: by characters for Chinese, by words for English."""
    if lang == "zh" and not text.isascii():
        lines = math.ceil(len(text) / width)
        step = math.ceil(len(text) / lines)  # balanced: 8 + 7, not 12 + 3
        return "\n".join(text[i:i + step] for i in range(0, len(text), step))
    import textwrap
    return "\n".join(textwrap.wrap(text, width * 2)) or text


def display_width(text):
    """Approximate width in Latin characters (CJK characters count twice)."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def legend_label(lang, head, value, max_width=34):
    """'head: value' on one line, or on two when it would be too wide."""
    sep = "：" if lang == "zh" else ": "
    one = f"{head}{sep}{value}"
    return one if display_width(one) <= max_width else f"{head}\n{value}"


def title_wrap(text, max_width=62):
    """Breaks a long chart title once, at the separator or a space near the middle."""
    if display_width(text) <= max_width:
        return text
    for sep in ("：", ": "):
        if sep in text:
            head, tail = text.rsplit(sep, 1)
            return f"{head}{sep.strip()}\n{tail}" if sep == ": " else f"{head}{sep}\n{tail}"
    mid = len(text) // 2
    cut = text.rfind(" ", 0, mid + 10)
    return text[:cut] + "\n" + text[cut + 1:] if cut > 0 else text
