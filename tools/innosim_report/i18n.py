"""Words, units and number formats in Chinese and English.

Numbers follow the habits of Chinese planning documents: yuan amounts in 亿元
(10^8 yuan) in Chinese and million/billion yuan in English; small
percentages (below 10 %) with two decimals, larger ones with one; counts as
whole numbers. Every number the report shows goes through these functions,
so a chart and a table always print the same figure.

Indicator, region, lever, parameter and scenario names are never translated
here: they come from the files (name_zh / name_en).
"""

import math

LANGS = ("zh", "en")
VERDICTS = ("on track", "at risk", "off track")

TEXT = {
    "zh": {
        "report_title": "科技创新规划目标达成评估",
        "report_subtitle": "蒙特卡洛预测简报",
        "toc": "目录",
        "year": "年份",
        "year_suffix": "年",
        "median": "中位数",
        "band50": "50% 区间（四分位）",
        "band90": "90% 区间（5%–95%）",
        "observed": "统计值",
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
        "se_label": "±为 1 倍蒙特卡洛标准误 √(p(1−p)/n)，与命令行输出相同",
        "se_short": "±1 倍标准误",
        "pp": "个百分点",
        "sec_summary": "摘要",
        "sec_overview": "总览：各目标在各情景下的达成概率",
        "sec_binding": "约束性指标",
        "sec_whatif": "假设情景的作用",
        "sec_drivers": "驱动因素",
        "sec_takes": "达成所需的力度",
        "sec_regions": "区域",
        "sec_calibration": "校准与回测",
        "sec_index": "科技创新指数",
        "sec_appendix": "附录",
        "sec_scenarios": "情景与目标表",
        "sec_fans": "各情景扇形图",
        "sec_runs": "运行信息",
        "sec_absent": "未提供的分析",
        "headline": "结论",
        "binding_card": "约束性目标",
        "p_all_binding": "全部约束性目标同时达成的概率",
        "p_all": "全部目标同时达成的概率",
        "off_track_list": "难以达成的目标（{scn}）",
        "none_off_track": "没有难以达成的目标。",
        "whatif_effects": "各情景相对{plan}的作用",
        "col_scenario": "情景",
        "col_binding_change": "约束性目标达成概率",
        "col_up_down": "达成概率明显上升 / 下降的目标数",
        "col_largest": "变化最大的目标",
        "col_indicator": "指标",
        "col_region": "区域",
        "col_year": "年份",
        "col_kind": "性质",
        "col_target": "目标值",
        "col_median": "中位数",
        "col_band": "90% 区间",
        "col_p_met": "达成概率 ± 标准误",
        "col_verdict": "判断",
        "col_lever": "政策杠杆",
        "col_plan_value": "{plan}",
        "col_other_value": "{scn}",
        "col_years": "不同的年份",
        "col_change": "变化",
        "role_plan": "参照情景",
        "role_whatif": "假设情景（在参照情景上改变政策杠杆）",
        "role_base": "对照情景（参照情景以其为基础）",
        "role_other": "其他情景",
        "description": "说明",
        "no_description": "情景文件未给出说明。",
        "lever_diff_heading": "与{plan}不同的政策杠杆",
        "no_lever_diff": "政策杠杆与{plan}相同。",
        "generated": "报告生成时间（UTC）",
        "scenario": "情景",
        "scenario_id": "情景标识",
        "model": "模型",
        "seed": "随机种子",
        "sampler": "抽样方法",
        "draws": "模拟次数（请求/有效/剔除）",
        "engine": "引擎版本",
        "git_sha": "Git 提交",
        "created": "运行时间（UTC）",
        "file": "文件",
        "sweep_file": "参数扫描文件",
        "lever": "政策杠杆",
        "draws_per_point": "每点模拟次数",
        "scale_factors": "缩放倍数",
        "observation_file": "观测数据文件",
        "absent_text": "所给文件中没有以下分析结果，因此未绘制：",
        "sensitivity": "全局敏感性分析（Sobol 指数）",
        "discovery": "情景发现（PRIM）",
        "sweep": "参数扫描或所需力度求解",
        "observations": "历史统计值",
        "innovation_index": "科技创新指数",
        "index_axis": "指数（0–100）",
        "index_left": "各区域指数：中位数与 5%–95% 区间",
        "index_rank": "排名（1 = 指数最高）",
        "index_right": "{year}年各区域排名的概率",
        "index_title": "{name}：各区域得分与排名（{scn}）",
        "index_cap": "指数由 {n} 个分项指标按权重合成（每项按标准值或区域间最小–最大值折算为 0–100 分）；右图每格为该区域在全部模拟中取得该名次的比例，"
                     "并列时取较高名次。{source}",
        "index_assumed": "权重为假设（情景文件 [index] 的 source 说明其依据）。",
        "index_sourced": "权重与标准值的出处见情景文件 [index] 的 source。",
        "index_unsourced": "情景文件未说明权重的出处。",
        "n/a": "无",
        "unit_label": "单位：{u}",
        "dimensionless": "无量纲",
        "footer": "{scn} · {n} 次有效模拟 · 随机种子 {seed}",
        "overview_title": "各目标在各情景下的达成概率（按{plan}的达成概率排序）",
        "overview_cap": "每格为一个目标在一个情景下的达成概率（颜色越深越可能达成；数字与目标表相同）；"
                        "★ 为约束性目标；行按{plan}的达成概率由高到低排列。",
        "binding_title": "约束性目标：{ind}（{reg}）——各情景",
        "binding_cap": "各情景的逐年中位数（线）与 90% 区间（色带）；目标年的数值为精确统计量（与目标表相同）；"
                       "横线与星号为目标；黑点为统计值（如有）。图例给出各情景的达成概率与判断。",
        "whatif_title": "{scn}相对{plan}：各目标达成概率的变化",
        "whatif_cap": "灰点为{plan}、彩色点为{scn}的达成概率，箭头表示变化方向；"
                      "浅色行的变化小于两倍配对标准误（可视为模拟噪声）。{desc}",
        "drivers_title": "驱动因素：哪些不确定参数最影响未达成或有风险的目标（{scn}）",
        "drivers_cap_rank": "{ind}：每个参数取其最低 10% 与最高 10% 抽样值时，目标年指标的中位数（条形两端）；"
                            "黑线为全部模拟的中位数，虚线为目标（在图外时以箭头标出）。按两端之差排序，列出影响"
                            "最大的参数；括号内为该参数单独解释的方差比例（分箱估计）。这是基于运行文件中逐次"
                            "抽样的秩统计量，不是 Sobol 指数。",
        "drivers_no_draws": "{scn} 的运行文件没有保存参数抽样值（存储级别 {store}），因此无法分析驱动因素。"
                            "如需驱动因素，请用 innosim run 场景文件 --store parameters 重新运行："
                            "抽样和结果不变，文件另外保存每次抽样的参数值。",
        "drivers_cap_sobol": "目标年指标值的 Sobol 总效应指数（条形，含与其他因素的交互作用）及其自助法置信区间（误差线），"
                             "圆点为一阶指数（单独作用）；按总效应排序，列出最大的因素及模型的逐年随机扰动。"
                             "来自敏感性分析文件 {file}；因素为不确定参数（或声明的参数组），指数作用于抽样的独立均匀变量。",
        "yearly_noise": "逐年随机扰动",
        "sobol_axis": "Sobol 指数（占方差的比例）",
        "sobol_total": "总效应指数",
        "sobol_ci": "{c} 置信区间",
        "sobol_first": "一阶指数",
        "sobol_footer": "敏感性分析：{n} 个基础样本（Saltelli 设计），{r} 次自助重抽样，种子 {seed}",
        "prim_title": "{ind}在什么条件下{case}（PRIM 情景发现，{scn}）",
        "prim_case_met": "能够达成",
        "prim_case_missed": "未能达成",
        "prim_trajectory": "剥离轨迹：每个盒子的覆盖率与密度",
        "prim_coverage": "覆盖率（盒内案例占全部案例）",
        "prim_density": "密度（盒内点中案例的比例）",
        "prim_restricted": "受限输入数",
        "prim_overall": "全部点的比例",
        "prim_chosen": "◆ 所选盒子：含 {mass} 的点，覆盖率 {cov}，密度 {dens}",
        "prim_box": "所选盒子的 {n} 个限制（灰色为数据范围，绿色为盒内范围）",
        "prim_no_box": "所选盒子没有任何限制",
        "prim_kept": "单独保留 {kept} 的点，准 p 值 {p}",
        "prim_footer": "{points} 个点（其中 {cases} 个案例），每步剥离 {alpha}；来源 {src}",
        "prim_cap": "PRIM（耐心规则归纳法）逐步剥去案例（目标{case}）最少的边缘，得到剥离轨迹；所选盒子是覆盖率不低于下限时密度最高的盒子。"
                    "准 p 值衡量每个限制带来的密度提高是否可能出于偶然。来自情景发现文件 {file}。",
        "drivers_axis": "{ind}（{u}）",
        "low10": "参数最低 10%",
        "high10": "参数最高 10%",
        "overall_median": "全部模拟的中位数",
        "var_share": "单独解释 {p}",
        "target_line": "目标",
        "takes_title": "所需力度：{ind}与{lever}（{scn}）",
        "takes_cap": "将“{lever}”的整条路径乘以 {scales} 重新运行{scn}（各点随机数相同）；横轴为该杠杆在{year}年的"
                     "区域合计（对数刻度），线与色带为目标年指标的中位数与 90% 区间，横线为目标，菱形为{plan}本身。",
        "takes_pmet_title": "所需力度：各目标达成概率与{lever}（{scn}）",
        "takes_pmet_cap": "同一扫描中各目标的达成概率；竖线为{plan}本身的杠杆值，点线为判断阈值。",
        "solve_file": "求解文件",
        "shrinkage": "区间收缩 {s}",
        "prior90": "先验 90% 区间",
        "prior_median": "先验中位数",
        "posterior90": "后验 90% 区间与中位数",
        "posterior_title": "校准：观测值使参数的不确定性缩小了多少（{scn}）",
        "posterior_cap": "每行一个被校准的参数，按其先验 5%–95% 区间标尺绘制（两端数字为该区间端点）：灰色为先验区间，蓝色为以观测值为条件的后验区间，"
                         "按收缩程度（1 − 后验方差/先验方差）排序。来自校准文件 {file}（序贯蒙特卡洛退火）。",
        "posterior_cap_used": "仅列出“{scn}”取自该后验的 {n} 个参数；其余 {m} 个在该情景中仍用先验分布（见其 [posterior] exclude 列表）。",
        "smc_title": "校准过程（{scn}）：{g} 代的温度、有效样本量与接受率",
        "smc_cap": "左：每一代的温度 φ（0 为先验，1 为后验）；右：重加权后的有效样本量占粒子数的比例，以及参数与随机扰动两类移动的接受率。"
                   "有效样本量与接受率正常并不保证后验未退化（见 calibration.md）。来自校准文件 {file}。",
        "smc_phi": "温度 φ",
        "smc_shares": "有效样本量与接受率",
        "smc_ess": "有效样本量 / 粒子数",
        "smc_acc_theta": "参数移动接受率",
        "smc_acc_noise": "扰动移动接受率",
        "smc_generation": "代",
        "smc_warnings": "警告：{w}",
        "smc_no_warnings": "无",
        "posterior_footer": "校准：{n} 个粒子，{obs} 个观测值，种子 {seed}，对数证据 {ev}",
        "posterior_fans_title": "校准前后的模型与观测值（{scn}）：{k}/{n} 个观测值落在后验 90% 区间内",
        "posterior_fans_cap": "灰色为按先验抽样的模型 5%–95% 区间（虚线为中位数），蓝色为按后验粒子的区间；点为观测值及其 1 倍测量标准差，"
                              "红点落在后验预测区间之外。来自校准文件 {file}。",
        "prior_band": "先验 5%–95%",
        "posterior_band": "后验 5%–95%",
        "observed_sd": "观测值 ±1 倍标准差",
        "observed_outside": "落在后验区间外的观测值",
        "mix_title": "所需力度：{ind} {tgt} 的最省组合（{scn}）",
        "mix_left": "各杠杆：{plan}（灰）与最省组合（蓝）",
        "mix_factor": "倍数（1 = 规划本身的杠杆值）",
        "mix_right": "每种资金分配方式达到 {p} 所需的额外成本",
        "mix_share": "额外资金中分给“{lever}”的比例",
        "mix_splits": "所试的分配方式",
        "mix_extra_cost": "额外成本",
        "mix_answer": "达成概率达到 {p} 的最省组合：{levers}；成本 {cost}（规划本身 {plan}）",
        "mix_unreachable": "所试的分配方式在搜索范围内都达不到 {p}；最高 {best}",
        "mix_cap": "每个杠杆有各自的倍数；对每种额外资金的分配方式，求达到给定达成概率的最小额外成本（每点 {draws} 次模拟，随机数相同），取其中最省者。"
                   "成本按各杠杆的单位成本（--cost）计算。",
        "design_file": "试验设计文件",
        "design_points": "设计点数",
        "design_grid": "全网格",
        "design_latin_hypercube": "拉丁超立方",
        "design_title": "所需力度：杠杆组合下的达成概率（{scn}）",
        "design_plan": "{plan}本身的杠杆值（{v}）",
        "design_best": "达成概率最高 {p}：{at}",
        "design_each_note": "每个点同时改变所有杠杆：同一杠杆取值下的上下分散来自其他杠杆。竖线为{plan}本身的杠杆值，点线为达成线。",
        "design_cap": "将各杠杆的整条路径分别乘以设计中的倍数重新运行{scn}（{points} 个点，{method}，每点 {draws} 次模拟，随机数相同）；"
                      "每个方块为一个设计点，颜色和数字为该点的达成概率，虚线为达成线，空心菱形为{scn}本身的杠杆值。",
        "design_nothing": "设计中没有约束性目标，也没有被杠杆改变且未全部达到 {p} 的目标。",
        "solve_title": "所需力度：{ind}达标需要多少{levers}（{scn}）",
        "solve_left": "{ind} {tgt}",
        "solve_right": "达成概率（目标概率 {p}）",
        "solve_x": "{lever}（{year}年区域合计，{u}，对数刻度）",
        "solve_x_factor": "{levers}的共同倍数（对数刻度）",
        "solve_answer": "达成概率达到 {p} 约需 {v}（倍数 ×{k}）{range}",
        "solve_range": "；±1 倍标准误范围 {lo} – {hi}",
        "solve_unreachable": "在所搜索的范围内（至 {hi}）达成概率达不到 {p}；最高 {best}（{v}）",
        "solve_plan": "{plan}：{v}",
        "solve_answer_line": "求解结果",
        "solve_cap": "将杠杆的整条路径乘以同一倍数重新运行{scn}（每点 {draws} 次模拟，随机数相同），求达成概率达到给定值的最小倍数；"
                     "左图为目标年指标的中位数与 90% 区间，右图为达成概率（误差线为 ±1 倍标准误）；竖实线为规划本身，点线与浅色带为求解结果及其范围。",
        "takes_x": "{lever}（{year}年区域合计，{u}，对数刻度）",
        "takes_x_lin": "{lever}（{year}年区域合计，{u}）",
        "plan_point": "{plan}：{v}",
        "needs_median": "中位数达到目标约需 {v}",
        "needs_on_track": "达成概率达到 {p} 约需 {v}",
        "needs_beyond": "扫描范围内（至 {v}）未达到",
        "regions_title": "{year}年各区域中位数与 90% 区间（{scn}）",
        "regions_cap": "各区域在{year}年的中位数（圆点）与 90% 区间（横线）；括号内为该区域占区域合计的份额"
                       "（按均值计算，仅对可相加的指标）。",
        "shares_title": "{year}年各区域所占份额（{scn}）",
        "shares_cap": "各可相加指标在{year}年区域合计中各区域所占份额（按各区域均值占合计均值计算）。",
        "share": "份额",
        "fans_title": "{scn}：各指标区域合计的预测（{k}/{n}）",
        "fans_cap": "{scn}：各指标区域合计的逐年中位数（线）、50% 与 90% 区间（深浅色带）、目标（横线与星/菱形）、"
                    "统计值（黑点，如有）；每图标题下为目标的达成概率与判断，目标年的数值为精确统计量。",
        "fan_pmet": "达成概率 {p} · {v}",
        "calib_title": "回测：统计值与预测区间（{scn}）",
        "calib_cap": "每个统计值（点）与运行在同一年份的 90% 区间（横线）；落在区间内的比例为覆盖率。",
        "coverage": "覆盖率 {p}（{k}/{n}）",
        "runs_compared": "情景",
        "significant": "变化超过两倍配对标准误",
        "not_significant": "变化在模拟噪声以内",
        "headline_one": "{scn}下，约束性目标“{tgt}”{verdict}（达成概率 {p}，中位数 {med}）",
        "headline_many": "{scn}下，{n} 项约束性目标中 {k} 项有望达成，全部同时达成的概率为 {p}",
        "headline_best": "；{scn}可使其达成概率{dir}至 {p}（{delta}）",
        "headline_best_verdict": "；{scn}可使其达成概率{dir}至 {p}（{delta}），判断变为“{verdict}”",
        "headline_none": "；所给其他情景均未明显改变其达成概率",
        "headline_end": "。",
        "headline_counts": "全部 {n} 项目标中，{on} 项有望达成、{risk} 项存在风险、{off} 项难以达成。",
        "headline_takes": "按参数扫描，{lever}约需达到 {v}（{plan}为 {base}），{ind}的中位数才能达到目标。",
        "headline_takes_beyond": "按参数扫描，{lever}即使增至 {v}（{plan}为 {base}），{ind}的中位数仍达不到目标。",
        "targets_table": "目标表",
        "run_info": "运行信息",
        "page": "第 {k}/{n} 页",
        "and": "、",
        "list_sep": "、",
        "up": "上升",
        "down": "下降",
        "unchanged": "不变",
        "lever_on": "启用",
        "lever_off": "未启用",
        "by_region_diff": "{regions}",
        "from_year": "{y}年起",
        "none": "无",
    },
    "en": {
        "report_title": "Will the plan's targets be met?",
        "report_subtitle": "A Monte Carlo briefing",
        "toc": "Contents",
        "year": "Year",
        "year_suffix": "",
        "median": "Median",
        "band50": "50% band (quartiles)",
        "band90": "90% band (5–95%)",
        "observed": "Statistic",
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
        "se_label": "± is 1 Monte Carlo standard error √(p(1−p)/n), as in the command-line table",
        "se_short": "±1 standard error",
        "pp": " pp",
        "sec_summary": "Summary",
        "sec_overview": "Overview: P(met) of every target in every scenario",
        "sec_binding": "The binding indicator",
        "sec_whatif": "What the what-ifs change",
        "sec_drivers": "Drivers",
        "sec_takes": "What it would take",
        "sec_regions": "Regions",
        "sec_calibration": "Calibration and hindcast",
        "sec_index": "S&T innovation index",
        "sec_appendix": "Appendix",
        "sec_scenarios": "Scenarios and target tables",
        "sec_fans": "Fan charts by scenario",
        "sec_runs": "Run information",
        "sec_absent": "Analyses not given",
        "headline": "In one sentence",
        "binding_card": "Binding target",
        "p_all_binding": "P(all binding targets met)",
        "p_all": "P(all targets met)",
        "off_track_list": "Targets off track ({scn})",
        "none_off_track": "No target is off track.",
        "whatif_effects": "What each scenario changes against {plan}",
        "col_scenario": "Scenario",
        "col_binding_change": "Binding target P(met)",
        "col_up_down": "Targets clearly up / down",
        "col_largest": "Largest change",
        "col_indicator": "Indicator",
        "col_region": "Region",
        "col_year": "Year",
        "col_kind": "Kind",
        "col_target": "Target",
        "col_median": "Median",
        "col_band": "90% band",
        "col_p_met": "P(met) ± s.e.",
        "col_verdict": "Verdict",
        "col_lever": "Lever",
        "col_plan_value": "{plan}",
        "col_other_value": "{scn}",
        "col_years": "Years that differ",
        "col_change": "Change",
        "role_plan": "Reference scenario",
        "role_whatif": "What-if (changes levers of the reference scenario)",
        "role_base": "Comparison scenario (the reference scenario builds on it)",
        "role_other": "Other scenario",
        "description": "Description",
        "no_description": "The scenario file gives no description.",
        "lever_diff_heading": "Levers that differ from {plan}",
        "no_lever_diff": "The levers are those of {plan}.",
        "generated": "Report generated (UTC)",
        "scenario": "Scenario",
        "scenario_id": "Scenario id",
        "model": "Model",
        "seed": "Seed",
        "sampler": "Sampler",
        "draws": "Draws (requested / valid / dropped)",
        "engine": "Engine version",
        "git_sha": "Git commit",
        "created": "Run time (UTC)",
        "file": "File",
        "sweep_file": "Sweep file",
        "lever": "Lever",
        "draws_per_point": "Draws per point",
        "scale_factors": "Scale factors",
        "observation_file": "Observation file",
        "absent_text": "None of the files given holds these results, so they are not charted:",
        "sensitivity": "Global sensitivity (Sobol indices)",
        "discovery": "Scenario discovery (PRIM)",
        "sweep": "Lever sweep or solve",
        "observations": "Observed statistics",
        "innovation_index": "S&T innovation index",
        "index_axis": "index (0–100)",
        "index_left": "Each region's index: median and 5–95% band",
        "index_rank": "rank (1 = the highest index)",
        "index_right": "Probability of each rank in {year}",
        "index_title": "{name}: regions' scores and ranks ({scn})",
        "index_cap": "The index is the weighted mean of {n} component scores (each scored 0–100 against its "
                     "standard value or between the regions' minimum and maximum); on the right each cell "
                     "is the share of the draws in which the region takes that rank, tied regions sharing "
                     "the better rank. {source}",
        "index_assumed": "The weights are an assumption (the scenario's [index] source says on what).",
        "index_sourced": "The scenario's [index] source gives where the weights and standards come from.",
        "index_unsourced": "The scenario does not say where the weights come from.",
        "n/a": "n/a",
        "unit_label": "{u}",
        "dimensionless": "dimensionless",
        "footer": "{scn} · {n} valid draws · seed {seed}",
        "overview_title": "P(met) of every target in every scenario (sorted by {plan})",
        "overview_cap": "Each cell is one target's probability of being met in one scenario (darker = more "
                        "likely; the figures are those of the target tables); ★ = binding target; rows "
                        "sorted by {plan}'s P(met), highest first.",
        "binding_title": "Binding target: {ind} ({reg}), all scenarios",
        "binding_cap": "Each scenario's yearly median (line) and 90% band (shade); the values in the target "
                       "year are the exact statistics of the target table; the line and star are the "
                       "target; black dots are statistics (where given). The legend gives each "
                       "scenario's P(met) and verdict.",
        "whatif_title": "{scn} against {plan}: change in P(met)",
        "whatif_cap": "Grey dot = {plan}, coloured dot = {scn}, the arrow shows the direction; pale rows "
                      "changed by less than two paired standard errors (simulation noise). {desc}",
        "drivers_title": "Drivers: the uncertain parameters that move the targets missed or at risk ({scn})",
        "drivers_cap_rank": "{ind}: for each parameter, the indicator's median in the target year when the "
                            "parameter is in its lowest 10% of draws and in its highest 10% (the bar's "
                            "ends); the black line is the median over all draws, the dashed line the "
                            "target (an arrow when it lies off the chart). The parameters with the "
                            "largest difference are shown; in brackets the share of variance the "
                            "parameter explains alone (binned estimate). A rank-based measure from the "
                            "run file's draws, not a Sobol index.",
        "drivers_no_draws": "The run file of {scn} did not keep its parameter draws (store level "
                            "{store}), so its drivers cannot be computed. To see them, run the "
                            "scenario again with innosim run SCENARIO --store parameters: the same "
                            "draws and results, and the file keeps each draw's parameter values.",
        "drivers_cap_sobol": "Sobol total-effect indices of the indicator in the target year (bars: the "
                             "factor's effect including its interactions) with their bootstrap "
                             "confidence intervals (error bars); dots are the first-order indices (the "
                             "factor alone). Sorted by total effect: the largest factors and the model's "
                             "yearly random inputs. From the sensitivity file {file}; factors are "
                             "uncertain parameters (or declared groups of them), the indices of the "
                             "sampler's independent uniforms.",
        "yearly_noise": "yearly random inputs",
        "sobol_axis": "Sobol index (share of variance)",
        "sobol_total": "total-effect index",
        "sobol_ci": "{c} confidence interval",
        "sobol_first": "first-order index",
        "sobol_footer": "Sensitivity: {n} base samples (Saltelli design), {r} bootstrap resamples, seed {seed}",
        "prim_title": "When is the target on {ind} {case}? (PRIM scenario discovery, {scn})",
        "prim_case_met": "met",
        "prim_case_missed": "missed",
        "prim_trajectory": "Peeling trajectory: each box's coverage and density",
        "prim_coverage": "coverage (share of all cases inside the box)",
        "prim_density": "density (share of the box's points that are cases)",
        "prim_restricted": "inputs restricted",
        "prim_overall": "all points",
        "prim_chosen": "◆ chosen box: {mass} of the points, coverage {cov}, density {dens}",
        "prim_box": "The chosen box's {n} restrictions (grey: the data's range; green: the box's)",
        "prim_no_box": "The chosen box restricts nothing",
        "prim_kept": "keeps {kept} of the points alone, quasi-p {p}",
        "prim_footer": "{points} points ({cases} cases), {alpha} peeled a step; source {src}",
        "prim_cap": "PRIM (patient rule induction) peels, a step at a time, the edge with the fewest cases "
                    "(target {case}), giving the peeling trajectory; the chosen box is the densest "
                    "whose coverage is at least the minimum. The quasi-p-value says how likely each "
                    "restriction's gain in density is by chance. From the discovery file {file}.",
        "drivers_axis": "{ind} ({u})",
        "low10": "parameter in its lowest 10%",
        "high10": "parameter in its highest 10%",
        "overall_median": "median over all draws",
        "var_share": "alone {p}",
        "target_line": "Target",
        "takes_title": "What it takes: {ind} against {lever} ({scn})",
        "takes_cap": "The lever '{lever}' with its whole path multiplied by {scales}, {scn} re-run at each "
                     "point with the same random numbers; x = the lever's zone total in {year} (log "
                     "scale), line and shade = the median and 90% band of the indicator in the target "
                     "year, horizontal line = the target, diamond = {plan} itself.",
        "takes_pmet_title": "What it takes: P(met) of each target against {lever} ({scn})",
        "takes_pmet_cap": "P(met) of every target in the same sweep; the vertical line is {plan}'s own "
                          "lever value, dotted lines are the verdict thresholds.",
        "solve_file": "Solve file",
        "shrinkage": "interval shrinkage {s}",
        "prior90": "prior 90% interval",
        "prior_median": "prior median",
        "posterior90": "posterior 90% interval and median",
        "posterior_title": "Calibration: how much the observations narrowed each parameter ({scn})",
        "posterior_cap": "One row per calibrated parameter, drawn on the scale of its prior 5–95% interval "
                         "(the numbers at the ends): grey the prior interval, blue the posterior given the "
                         "observations, sorted by shrinkage (1 − posterior variance / prior variance). From "
                         "the posterior file {file} (sequential Monte Carlo with tempering).",
        "posterior_cap_used": "Shown: the {n} parameters that '{scn}' takes from this posterior; the other {m} "
                              "stay on their priors there (its [posterior] exclude list).",
        "smc_title": "How the calibration went ({scn}): temperature, effective sample size and acceptance "
                     "over {g} generations",
        "smc_cap": "Left: the temperature φ of each generation (0 the prior, 1 the posterior); right: the "
                   "effective sample size after reweighting as a share of the particles, and the share of "
                   "parameter and noise moves accepted. Healthy values here do not prove that the posterior "
                   "has not degenerated (calibration.md). From the posterior file {file}.",
        "smc_phi": "temperature φ",
        "smc_shares": "effective sample size and acceptance",
        "smc_ess": "ESS / particles",
        "smc_acc_theta": "parameter moves accepted",
        "smc_acc_noise": "noise moves accepted",
        "smc_generation": "generation",
        "smc_warnings": "Warnings: {w}",
        "smc_no_warnings": "none",
        "posterior_footer": "Calibration: {n} particles, {obs} observations, seed {seed}, log evidence {ev}",
        "posterior_fans_title": "The model before and after calibration ({scn}): {k} of {n} observations "
                                "inside the posterior 90% band",
        "posterior_fans_cap": "Grey: the model's 5–95% band over the prior draws (dashed: median); blue: over "
                              "the posterior particles. Dots: the observed values with 1 standard deviation "
                              "of measurement error; red ones lie outside the posterior predictive band. "
                              "From the posterior file {file}.",
        "prior_band": "prior 5–95%",
        "posterior_band": "posterior 5–95%",
        "observed_sd": "observed ±1 sd",
        "observed_outside": "observed, outside the posterior band",
        "mix_title": "What it takes: the cheapest mix for {ind} {tgt} ({scn})",
        "mix_left": "Each lever: {plan} (grey) and the cheapest mix (blue)",
        "mix_factor": "factor (1 = the plan's own lever)",
        "mix_right": "Extra cost of reaching {p} along each split of the money",
        "mix_share": "share of the extra money going to '{lever}'",
        "mix_splits": "splits tried",
        "mix_extra_cost": "extra cost",
        "mix_answer": "The cheapest mix reaching P(met) {p}: {levers}; cost {cost} (the plan's own {plan})",
        "mix_unreachable": "No split tried reaches {p} within the range; the highest is {best}",
        "mix_cap": "Each lever has a factor of its own; along each split of the extra money, the smallest "
                   "extra cost reaching the probability ({draws} draws a point, same random numbers); "
                   "the cheapest of them. Costs from each lever's cost per unit (--cost).",
        "design_file": "Design file",
        "design_points": "Design points",
        "design_grid": "full grid",
        "design_latin_hypercube": "Latin hypercube",
        "design_title": "What it takes: P(met) over a combination of levers ({scn})",
        "design_plan": "{plan}'s own levers ({v})",
        "design_best": "Highest P(met) {p}: {at}",
        "design_each_note": "Every point changes all levers at once: the spread at one amount of a lever comes from the others. The vertical line is {plan}'s own amount, the dotted line on track.",
        "design_cap": "{scn} re-run with each lever's whole path multiplied by the design's factors ({points} points, "
                      "{method}, {draws} draws a point, same random numbers); each square is a point of the design, "
                      "coloured and labelled with its P(met); the dashed line is the on-track threshold and the "
                      "hollow diamond {scn}'s own levers.",
        "design_nothing": "The design has no binding target and no target that the levers move and that is below {p} somewhere.",
        "solve_title": "What it takes: {levers} needed for {ind} ({scn})",
        "solve_left": "{ind} {tgt}",
        "solve_right": "P(met) (probability sought {p})",
        "solve_x": "{lever} (zone total in {year}, {u}, log scale)",
        "solve_x_factor": "common factor on {levers} (log scale)",
        "solve_answer": "P(met) reaches {p} at about {v} (factor ×{k}){range}",
        "solve_range": "; ±1 standard error range {lo} – {hi}",
        "solve_unreachable": "P(met) does not reach {p} within the range searched (up to {hi}); highest {best} (at {v})",
        "solve_plan": "{plan}: {v}",
        "solve_answer_line": "solved amount",
        "solve_cap": "{scn} re-run with the levers' whole paths multiplied by one factor ({draws} draws a point, same random numbers), "
                     "solving for the smallest factor at which P(met) reaches the probability sought; left the indicator's median and 90% band in the "
                     "target year, right P(met) (error bars ±1 standard error); the solid line is the plan itself, the dotted line and the pale band the answer and its range.",
        "takes_x": "{lever} (zone total in {year}, {u}, log scale)",
        "takes_x_lin": "{lever} (zone total in {year}, {u})",
        "plan_point": "{plan}: {v}",
        "needs_median": "median reaches the target at about {v}",
        "needs_on_track": "P(met) reaches {p} at about {v}",
        "needs_beyond": "not reached within the sweep (up to {v})",
        "regions_title": "Regions in {year}: median and 90% band ({scn})",
        "regions_cap": "Each region's median (dot) and 90% band (bar) in {year}; in brackets its share of "
                       "the zone total (from means; additive indicators only).",
        "shares_title": "Each region's share in {year} ({scn})",
        "shares_cap": "Each region's share of the zone total in {year} (its mean over the zone's mean), "
                      "for the indicators that add up over regions.",
        "share": "share",
        "fans_title": "{scn}: zone forecasts ({k}/{n})",
        "fans_cap": "{scn}: yearly median (line), 50% and 90% bands (dark and light) of the zone, "
                    "targets (line with star or diamond), statistics (black dots, where given); under each "
                    "title the target's P(met) and verdict; values in target years are exact statistics.",
        "fan_pmet": "P(met) {p} · {v}",
        "calib_title": "Hindcast: statistics against the forecast bands ({scn})",
        "calib_cap": "Each statistic (dot) and the run's 90% band in the same year (bar); the share inside "
                     "the band is the coverage.",
        "coverage": "coverage {p} ({k}/{n})",
        "runs_compared": "Scenarios",
        "significant": "changed by more than two paired standard errors",
        "not_significant": "change within simulation noise",
        "headline_one": "Under {scn}, the binding target '{tgt}' is {verdict} (P(met) {p}, median {med})",
        "headline_many": "Under {scn}, {k} of the {n} binding targets are on track and all are met "
                         "together with probability {p}",
        "headline_best": "; {scn} would move its P(met) {dir} to {p} ({delta})",
        "headline_best_verdict": "; {scn} would move its P(met) {dir} to {p} ({delta}), {verdict}",
        "headline_none": "; none of the other scenarios changes its P(met) beyond simulation noise",
        "headline_end": ".",
        "headline_counts": "Of all {n} targets, {on} are on track, {risk} at risk and {off} off track.",
        "headline_takes": "By the sweep, {lever} would have to reach about {v} ({plan}: {base}) for the "
                          "median of {ind} to meet the target.",
        "headline_takes_beyond": "By the sweep, even {v} of {lever} ({plan}: {base}) leaves the median "
                                 "of {ind} short of the target.",
        "targets_table": "Target table",
        "run_info": "Run information",
        "page": "page {k}/{n}",
        "and": " and ",
        "list_sep": ", ",
        "up": "up",
        "down": "down",
        "unchanged": "unchanged",
        "lever_on": "on",
        "lever_off": "off",
        "by_region_diff": "{regions}",
        "from_year": "from {y}",
        "none": "none",
    },
}


# Chinese and English forms of unit strings that files use verbatim.
UNIT_NAMES = {
    "per 10k people": ("件/万人", "per 10k people"),
    "per 10,000 people": ("件/万人", "per 10k people"),
    "people": ("人", "people"),
    "persons": ("人", "people"),
    "enterprises": ("家", "enterprises"),
}


def t(lang, key, **kw):
    s = TEXT[lang][key]
    return s.format(**kw) if kw else s


def verdict_text(lang, v):
    return t(lang, v) if v in VERDICTS else str(v)


def year_str(lang, year):
    return f"{year}{TEXT[lang]['year_suffix']}"


def fmt_pct(p, lang=None):
    """A probability in [0, 1] as a percentage: one decimal, two below 1 % and
    above 99 % (so 0.3 % and 99.8 % do not read as 0 % and 100 %)."""
    if p is None or not math.isfinite(p):
        return "—"
    x = 100.0 * p
    d = 2 if (x < 1.0 or x > 99.0) else 1
    return f"{x:.{d}f}%"


def fmt_se(se):
    """A standard error of a probability, in percent (two decimals below 1 %)."""
    if se is None or not math.isfinite(se):
        return "—"
    x = 100.0 * se
    return f"{x:.2f}%" if x < 1.0 else f"{x:.1f}%"


def fmt_p_se(p, se, lang):
    """'73.2% ± 0.44%' — the ± is one standard error, as in the CLI (labelled where shown)."""
    return f"{fmt_pct(p)} ± {fmt_se(se)}"


def fmt_pp(delta, lang):
    """A change of a probability in percentage points, signed: '+12.3 个百分点' / '+12.3 pp'."""
    if delta is None or not math.isfinite(delta):
        return "—"
    x = 100.0 * delta
    d = 2 if abs(x) < 1.0 else 1
    s = f"{x:+.{d}f}"
    if s in ("+0.00", "-0.00"):
        s = "±0.00"
    return s + TEXT[lang]["pp"]


class UnitScale:
    """How one indicator's (or lever's) values are shown: factor, unit label
    and decimals. `values` fixes the scale (亿元 or 万元, decimals) so that every
    number of one indicator uses the same format; the report builds one
    UnitScale per indicator (Formats) and uses it in every chart and table."""

    def __init__(self, unit, lang, values=()):
        self.unit, self.lang = unit, lang
        finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
        vmax = max(finite) if finite else 0.0
        self.factor, self.label, self.decimals, self.suffix = 1.0, unit, 2, ""
        self.integer = False
        zh = lang == "zh"
        if unit == "yuan":
            if zh:
                if vmax >= 1e7 or vmax == 0:
                    self.factor, self.label = 1e-8, "亿元"
                elif vmax >= 1e4:
                    self.factor, self.label = 1e-4, "万元"
                else:
                    self.label = "元"
            else:
                if vmax >= 1e9:
                    self.factor, self.label = 1e-9, "billion yuan"
                elif vmax >= 1e6 or vmax == 0:
                    self.factor, self.label = 1e-6, "million yuan"
                else:
                    self.label = "yuan"
            self.suffix = self.label if zh else " " + self.label
            scaled = vmax * self.factor
            self.decimals = 2 if scaled < 100 else (1 if scaled < 1000 else 0)
        elif unit in ("%", "share", "probability"):
            self.factor = 100.0 if unit != "%" else 1.0
            self.label, self.suffix = "%", "%"
            self.decimals = 2 if vmax * self.factor < 10 else 1
        elif unit in ("% per year", "%/yr", "%/year"):
            self.decimals = 1
            self.label = "%/年" if zh else "%/yr"
            self.suffix = self.label if zh else " " + self.label
        elif unit == "rate":
            self.factor = 100.0
            self.decimals = 2 if vmax * 100 < 10 else 1
            self.label = "%/年" if zh else "%/yr"
            self.suffix = self.label if zh else " " + self.label
        elif unit in ("people", "persons") and vmax >= 1e5:
            self.factor, self.label = (1e-4, "万人") if zh else (1e-6, "million people")
            self.suffix = self.label if zh else " " + self.label
            self.decimals = 0 if zh else 2
        elif unit == "count":
            self.label = "个" if zh else "count"
            self.suffix = ""
            self.decimals = 0
            self.integer = True
        elif unit in ("1", ""):
            self.label = TEXT[lang]["dimensionless"]
            self.decimals = 2 if vmax < 100 else 0
        else:  # any other unit string is shown verbatim (or its known translation)
            if unit in UNIT_NAMES:
                self.label = UNIT_NAMES[unit][0 if zh else 1]
            self.suffix = self.label if zh else " " + self.label
            self.decimals = 2 if vmax < 100 else 0

    def scale(self, v):
        return v * self.factor

    def number(self, v):
        """Scaled number without unit, e.g. '1.21' or '1,234' (counts whole)."""
        if v is None or not math.isfinite(v):
            return "—"
        return f"{v * self.factor:,.{self.decimals}f}"

    def value(self, v):
        """Scaled number with unit, e.g. '1.21%', '2.00亿元', '300'."""
        s = self.number(v)
        return s if s == "—" else s + self.suffix

    def axis_label(self):
        return t(self.lang, "unit_label", u=self.label)


def sense_symbol(sense):
    return "≤" if sense == "at_most" else "≥"


def wrap(text, lang, width):
    """Wraps a label: by characters for Chinese, by words for English (a
    middle dot or a dash does not make a label Chinese)."""
    if any(ord(c) > 0x2E80 for c in text):
        lines = math.ceil(display_width(text) / (2 * width))
        if lines <= 1:
            return text
        step = math.ceil(len(text) / lines)  # balanced: 8 + 7, not 12 + 3
        return "\n".join(text[i:i + step] for i in range(0, len(text), step))
    import textwrap
    return "\n".join(textwrap.wrap(text, width * 2)) or text


def display_width(text):
    """Approximate width in Latin characters (CJK characters count twice)."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def shorten(text, max_width):
    """Cuts a label to max_width display columns with an ellipsis."""
    if display_width(text) <= max_width:
        return text
    out, w = "", 0
    for c in text:
        cw = 2 if ord(c) > 0x2E80 else 1
        if w + cw > max_width - 1:
            break
        out += c
        w += cw
    return out + "…"


def join_list(lang, items):
    return TEXT[lang]["list_sep"].join(items)


def title_wrap(text, max_width=64):
    """Breaks a long chart title once, at a separator or a space near the middle."""
    if display_width(text) <= max_width:
        return text
    for sep in ("：", ": ", "——", "（"):
        if sep in text:
            head, tail = text.split(sep, 1)
            if sep == "（":
                return f"{head}\n（{tail}"
            return f"{head}{sep.strip()}\n{tail}"
    mid = len(text) // 2
    cut = text.rfind(" ", 0, mid + 10)
    return text[:cut] + "\n" + text[cut + 1:] if cut > 0 else text


def legend_label(lang, head, value, max_width=34):
    """'head: value' on one line, or on two when it would be too wide."""
    sep = "：" if lang == "zh" else ": "
    one = f"{head}{sep}{value}"
    return one if display_width(one) <= max_width else f"{head}\n{value}"
