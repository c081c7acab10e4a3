#!/usr/bin/python3
"""Independent NumPy/SciPy reference implementation of the 4+1 model.

Recomputes every indicator trajectory of an innosim run from the run file's
parameter draws (/parameters/draws) and the model's per-year random inputs
(/draws/yearly_uniforms, written by `innosim run --save-uniforms`), without
calling the C++ code. Written from docs/model.md and checked line by line
against models/src/four_plus_one.cpp (the C++ is the ground truth where the
two differ).

    /usr/bin/python3 tools/reference_model.py RUN.h5 --scenario SCENARIO.toml \
        [--draws N] [--out ref.npz] [--compare] [--tolerance 1e-4] [--time] [--batch B]

Structure: all draws at once. The continuous state is an array of shape
(n_vars, n_regions, N); each simulated year is one scipy.integrate.solve_ivp
call (DOP853, rtol 1e-10) over the whole flattened system, between the
year-boundary events (shocks, integer events by inverse CDF of the given
uniforms), which are plain NumPy. --batch B splits the draws into systems of
B draws (faster when the whole state no longer fits in cache; the step
sequence, and so the last digits, then depend on the batch).

--compare reads /trajectories/values (written with `--trajectories`) and
prints, per indicator and region, the largest relative difference over the
valid draws; it exits with status 1 when one exceeds --tolerance.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import ndtr, ndtri

# --------------------------------------------------------------------------
# Scenario files: `extends` resolution (docs/scenario-reference.md)
# --------------------------------------------------------------------------

# Keys that describe a distribution (replaced wholesale when a child sets `dist`).
DIST_KEYS = {"dist", "value", "min", "max", "mean", "sd", "median", "sigma", "mode", "alpha", "beta"}


def _merge_tables(base: dict, over: dict) -> dict:
    """Tables merge key by key, recursively; every other value (arrays too) is replaced."""
    out = dict(base)
    for key, val in over.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_tables(out[key], val)
        else:
            out[key] = val
    return out


def _merge_distribution(base: dict, over: dict) -> dict:
    """A table that sets `dist` replaces the parent's distribution keys (and by_region)."""
    if "dist" in over:
        base = {k: v for k, v in base.items() if k not in DIST_KEYS and k != "by_region"}
    elif "by_region" in over:
        base = {k: v for k, v in base.items() if k not in DIST_KEYS}
    out = _merge_tables(base, {k: v for k, v in over.items() if k != "by_region"})
    val = over.get("by_region")
    if isinstance(val, dict) and isinstance(out.get("by_region"), dict):
        # Per region, the same rule: a region entry that sets `dist` drops the
        # parent's distribution keys for that region.
        regions = dict(out["by_region"])
        for rid, rval in val.items():
            if isinstance(rval, dict) and isinstance(regions.get(rid), dict):
                rb = regions[rid]
                if "dist" in rval:
                    rb = {k: v for k, v in rb.items() if k not in DIST_KEYS}
                regions[rid] = _merge_tables(rb, rval)
            else:
                regions[rid] = rval
        out["by_region"] = regions
    elif "by_region" in over:
        out["by_region"] = val
    return out


def _merge_lever(base: dict, over: dict) -> dict:
    """Setting years or values drops the parent's by_region; by_region drops years/values."""
    if "years" in over or "values" in over:
        base = {k: v for k, v in base.items() if k != "by_region"}
    if "by_region" in over:
        base = {k: v for k, v in base.items() if k not in ("years", "values")}
    return _merge_tables(base, over)


def merge_scenario(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, val in over.items():
        if key in ("parameters", "levers") and isinstance(val, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            rule = _merge_distribution if key == "parameters" else _merge_lever
            for item, tab in val.items():
                if isinstance(tab, dict) and isinstance(merged.get(item), dict):
                    merged[item] = rule(merged[item], tab)
                else:
                    merged[item] = tab
            out[key] = merged
        elif isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_tables(out[key], val)
        else:
            out[key] = val
    return out


def load_scenario(path: str, _chain: tuple[str, ...] = ()) -> dict:
    """Reads a scenario file and merges the files it extends (left to right, then itself)."""
    real = os.path.realpath(path)
    if real in _chain:
        chain = " -> ".join(list(_chain) + [real])
        raise ValueError(f"{path}: scenario.extends forms a cycle: {chain}")
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        via = f" (extended by {_chain[-1]})" if _chain else ""
        raise ValueError(f"{path}: scenario file not found{via}") from None
    parents = doc.get("scenario", {}).get("extends", [])
    if isinstance(parents, str):
        parents = [parents]
    merged: dict = {}
    for parent in parents:
        ppath = os.path.join(os.path.dirname(path), parent)
        merged = merge_scenario(merged, load_scenario(ppath, _chain + (real,)))
    merged = merge_scenario(merged, doc)
    # `extends` itself is not inherited.
    merged.setdefault("scenario", {})
    merged["scenario"] = {k: v for k, v in merged["scenario"].items() if k != "extends"}
    if "extends" in doc.get("scenario", {}):
        merged["scenario"]["extends"] = doc["scenario"]["extends"]
    return merged


def series_at(years: list[int], values: list[float], rule: str, year: int) -> float:
    """A lever path at `year`: first value before, last after, step or linear between."""
    if year <= years[0]:
        return float(values[0])
    if year >= years[-1]:
        return float(values[-1])
    i = max(j for j, y in enumerate(years) if y <= year)
    if rule == "step" or years[i] == year:
        return float(values[i])
    f = (year - years[i]) / (years[i + 1] - years[i])
    return float(values[i] + f * (values[i + 1] - values[i]))


class Levers:
    """Every lever resolved per calendar year start..end and region: v[lever][year - start, r]."""

    def __init__(self, sc: dict, regions: list[str], start: int, end: int):
        self.start, self.end = start, end
        self.paths: dict[str, np.ndarray] = {}
        for lid, tab in sc.get("levers", {}).items():
            rule = tab.get("rule", "step")
            arr = np.empty((end - start + 1, len(regions)))
            for yi, year in enumerate(range(start, end + 1)):
                for r, rid in enumerate(regions):
                    if "by_region" in tab:
                        p = tab["by_region"][rid]
                        arr[yi, r] = series_at(p["years"], p["values"], rule, year)
                    else:
                        arr[yi, r] = series_at(tab["years"], tab["values"], rule, year)
            self.paths[lid] = arr

    def __call__(self, lid: str, year: int, r=None):
        """Zone value (or region r's, or all regions' as an (R, 1) column when r is 'all')."""
        row = self.paths[lid][min(max(year, self.start), self.end) - self.start]
        if r == "all":
            return row[:, None]
        return float(row[0 if r is None else r])


# --------------------------------------------------------------------------
# Integer events: inverse CDF by sequential search, as the C++ defines them
# --------------------------------------------------------------------------

SEARCH_MAX_MEAN = 500.0  # above this, a normal approximation (numerics, as in the C++)


def poisson_inverse(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Smallest k with u <= CDF(k), summing pmf terms from 0 (vectorised)."""
    lam, u = np.broadcast_arrays(np.asarray(lam, float), np.asarray(u, float))
    lam, u = lam.ravel(), u.ravel()
    k = np.zeros_like(lam)
    pos = lam > 0.0
    big = pos & (lam > SEARCH_MAX_MEAN)
    if big.any():
        lb = lam[big]
        k[big] = np.maximum(0.0, np.floor(lb + np.sqrt(lb) * ndtri(u[big]) + 0.5))
    idx = np.nonzero(pos & ~big)[0]
    lm = lam[idx]
    p = np.exp(-lm)
    cdf = p.copy()
    kk = np.zeros_like(lm)
    uu = u[idx]
    act = np.nonzero(uu > cdf)[0]
    while act.size:
        kk[act] += 1.0
        p[act] = p[act] * (lm[act] / kk[act])
        cdf[act] = cdf[act] + p[act]
        stalled = (p[act] == 0.0) & (kk[act] > lm[act])
        act = act[~stalled & (uu[act] > cdf[act])]
    k[idx] = kk
    return k


def binomial_inverse(n: np.ndarray, prob: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Binomial(round(n), prob) by inversion of u, sequential search from 0 (vectorised)."""
    n, prob, u = np.broadcast_arrays(np.asarray(n, float), np.asarray(prob, float), np.asarray(u, float))
    shape = n.shape
    nn = np.floor(n.ravel() + 0.5)
    pr, u = prob.ravel(), u.ravel()
    k = np.zeros_like(nn)
    live = (nn > 0.0) & (pr > 0.0)
    full = live & (pr >= 1.0)
    k[full] = nn[full]
    live &= ~full
    with np.errstate(divide="ignore"):
        log_p0 = np.where(live, nn * np.log1p(-np.where(live, pr, 0.0)), 0.0)
    big = live & (-log_p0 > SEARCH_MAX_MEAN)
    if big.any():
        nb, pb = nn[big], pr[big]
        kb = np.floor(nb * pb + np.sqrt(nb * pb * (1.0 - pb)) * ndtri(u[big]) + 0.5)
        k[big] = np.clip(kb, 0.0, nb)
    idx = np.nonzero(live & ~big)[0]
    ns, ps, uu = nn[idx], pr[idx], u[idx]
    ratio = ps / (1.0 - ps)
    pm = np.exp(log_p0[idx])
    cdf = pm.copy()
    kk = np.zeros_like(ns)
    act = np.nonzero((uu > cdf) & (kk < ns))[0]
    while act.size:
        pm[act] = pm[act] * ((ns[act] - kk[act]) / (kk[act] + 1.0) * ratio[act])
        kk[act] += 1.0
        cdf[act] = cdf[act] + pm[act]
        act = act[(uu[act] > cdf[act]) & (kk[act] < ns[act])]
    k[idx] = kk
    return k.reshape(shape)


def split_integer(total: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Largest-remainder split of round(total) [N] by shares [n, N]; ties go to the lower index."""
    t = np.maximum(0.0, np.floor(total + 0.5))
    q = t * share
    out = np.floor(q)
    frac = q - out
    assigned = out[0].copy()
    for r in range(1, share.shape[0]):
        assigned = assigned + out[r]
    left = np.rint(t - assigned).astype(np.int64)  # remainders to hand out (< n)
    order = np.argsort(-frac, axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(share.shape[0])[:, None].repeat(share.shape[1], 1), axis=0)
    return out + (rank < left[None, :])


def seqsum(a: np.ndarray) -> np.ndarray:
    """Sum over the first axis in index order (the C++ loop order, so rounding matches)."""
    s = a[0].copy()
    for i in range(1, a.shape[0]):
        s = s + a[i]
    return s


def tax_price(corp, ht, ht_share, super_rate, claimed):
    def rho(tau):
        return (1.0 - tau * (1.0 + super_rate * claimed)) / (1.0 - tau)

    return ht_share * rho(ht) + (1.0 - ht_share) * rho(corp)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

PLATFORM_TYPES = ["key_labs", "engineering_labs", "engineering_research_centres",
                  "tech_innovation_centres", "enterprise_tech_centres"]
INDICATORS = [
    "rd_intensity", "st_progress_contribution", "platforms", "intermediaries", "incubators",
    "innovation_teams", "invention_patents_per_10k", "high_tech_enterprises", "tech_smes",
    "mass_entrepreneurship", "high_tech_va_share", *PLATFORM_TYPES, "little_giants",
    "maker_spaces", "invention_grant_growth", "gdp", "gdp_real_growth", "population",
    "rd_expenditure", "business_rd", "fiscal_st_spending", "invention_applications",
    "invention_grants", "valid_invention_patents",
]
RANDOMS_PER_REGION = 18
MAX_STAGES = 4
# Indicators that are sums over regions (the others are ratios of sums or growth rates).
SUMMED = ["platforms", "intermediaries", "incubators", "innovation_teams", "high_tech_enterprises",
          "tech_smes", "mass_entrepreneurship", "little_giants", "maker_spaces", *PLATFORM_TYPES, "gdp",
          "population", "rd_expenditure", "business_rd", "fiscal_st_spending", "invention_applications",
          "invention_grants", "valid_invention_patents"]

# Continuous variables (first axis of the state), as in the C++ (unused stages stay 0).
(Y, B_INC, B_NEW, K, E, M, H, I, V_YOUNG, V_YOUNG_SUB, V_OLD, GRANTS_YEAR, APPS_YEAR, GDP_YEAR,
 BRD_YEAR) = range(15)
STAGE0 = 15
SUB_STAGE0 = STAGE0 + MAX_STAGES
NV = SUB_STAGE0 + MAX_STAGES
# Draw-wide trend factors.
T_INT, T_SME, T_HTE, T_PAT = range(4)
NG = 4


def _bool_option(v) -> bool:
    return bool(v) if isinstance(v, bool) else not (float(v) == 0.0)


def year_integral_factor(g: np.ndarray) -> np.ndarray:
    """(1 - e^-g)/g: a flow growing at g over the year that ends at its current value, per unit."""
    g = np.asarray(g, float)
    small = np.abs(g) <= 1e-12
    safe = np.where(small, 1.0, g)
    return np.where(small, 1.0, -np.expm1(-safe) / safe)


class FourPlusOneReference:
    def __init__(self, sc: dict, rtol: float = 1e-10, atol: float = 1e-9, method: str = "DOP853"):
        self.regions = [r["id"] for r in sc["regions"]]
        self.R = len(self.regions)
        self.start = int(sc["horizon"]["start"])
        self.end = int(sc["horizon"]["end"])
        opt = sc.get("model_options", {})
        for key in ("integer_events", "shocks", "patent_exam_stages", "contribution_min_growth"):
            if key not in opt:
                raise ValueError(f"model_options.{key}: required by the four_plus_one model")
        self.integer_events = _bool_option(opt["integer_events"])
        self.shocks = _bool_option(opt["shocks"])
        self.stages = int(opt["patent_exam_stages"])
        self.min_growth = float(opt["contribution_min_growth"])
        self.lev = Levers(sc, self.regions, self.start, self.end)
        # Regions in the zone ([[regions]] in_zone, default true), and the aggregates after the
        # regions: the zone, then the whole territory ([territory]) when declared.
        self.in_zone = np.array([bool(r.get("in_zone", True)) for r in sc["regions"]])
        self.aggregates = [self.in_zone.copy()]
        self.aggregate_ids = ["zone"]
        if "territory" in sc:
            self.aggregates.append(np.ones(self.R, bool))
            self.aggregate_ids.append(sc["territory"]["id"])
        # Spillover weights W_rs ([model_matrices.spillover], rows keyed by region id, zero diagonal).
        mat = sc.get("model_matrices", {}).get("spillover")
        if mat is None:
            raise ValueError("model_matrices.spillover: required by the four_plus_one model")
        self.W = np.array([[float(v) for v in mat[rid]] for rid in self.regions])
        if self.W.shape != (self.R, self.R) or np.any(np.diag(self.W) != 0.0):
            raise ValueError("model_matrices.spillover: expected R rows of R numbers with a zero diagonal")
        self.rtol, self.atol, self.method = rtol, atol, method
        self.rhs_evals = 0

    @property
    def randoms_per_year(self) -> int:
        return 3 + RANDOMS_PER_REGION * self.R + self.R

    # ---- parameters ----
    def _bind(self, ids: list[str], draws: np.ndarray) -> None:
        col = {pid: i for i, pid in enumerate(ids)}
        self._th, self._col = draws, col

    def p(self, pid: str) -> np.ndarray:
        """A scalar parameter over draws, shape (N,)."""
        return self._th[self._col[pid]]

    def pr(self, pid: str) -> np.ndarray:
        """A per-region parameter, shape (R, N)."""
        return np.stack([self._th[self._col[f"{pid}[{rid}]"]] for rid in self.regions])

    def shares(self, pid: str) -> np.ndarray:
        """Drawn shares over the sum of the zone's regions (a region outside keeps its ratio)."""
        v = self.pr(pid)
        return v / seqsum(v[self.in_zone])

    def zsum(self, a: np.ndarray, members: np.ndarray | None = None) -> np.ndarray:
        """Sum over the member regions (default: the zone), in region order."""
        members = self.in_zone if members is None else members
        return seqsum(a[members])

    def split(self, total: np.ndarray, share: np.ndarray) -> np.ndarray:
        """Integer split: the zone's regions share round(total) exactly; others round their own."""
        zs = np.where(self.in_zone[:, None], share, 0.0)
        out = split_integer(total, zs)
        own = np.maximum(0.0, np.floor(total * share + 0.5))
        return np.where(self.in_zone[:, None], out, own)

    # ---- init ----
    def init(self, ids: list[str], draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self._bind(ids, draws)
        p, pr, lev, R, start = self.p, self.pr, self.lev, self.R, self.start
        N = draws.shape[1]
        w = self.__dict__
        gdp_s, pop_s, rd_s = self.shares("gdp_share"), self.shares("population_share"), self.shares("rd_share")
        fst_s = self.shares("fiscal_st_share")
        e_s, m_s, h_s = self.shares("mass_entrepreneurship_share"), self.shares("tech_sme_share"), self.shares("hte_share")
        p_s, inc_s, mk_s = self.shares("platform_share"), self.shares("incubator_share"), self.shares("maker_space_share")
        t_s, i_s, pat_s = self.shares("team_share"), self.shares("intermediary_share"), self.shares("patent_share")

        for name, pid in [
            ("inflation", "gdp_deflator_growth"), ("shock_sd", "gdp_shock_sd"),
            ("shock_rho", "gdp_shock_correlation"), ("contribution0", "st_contribution_start"),
            ("eta", "rd_output_elasticity"), ("delta", "rd_depreciation"),
            ("kappa", "business_rd_adjustment"), ("g_int", "business_rd_intensity_trend"),
            ("eps", "user_cost_elasticity"), ("mu", "subsidy_additionality"),
            ("low_tax", "low_tax_rd_share"), ("theta_b", "public_funds_business_share"),
            ("alpha", "absorptive_capacity"), ("rd_growth0", "rd_growth_pre_start"),
            ("exec_mean", "execution_rate_mean"), ("exec_sd", "execution_rate_sd"),
            ("set_yearly", "set_yearly_amount_factor"), ("fst_margin", "fiscal_st_growth_margin"),
            ("fst_sd", "fiscal_st_growth_sd"), ("fst_push", "fiscal_st_push_uplift"),
            ("r_m", "rd_per_new_sme"), ("r_h", "rd_per_new_hte"), ("rampup", "new_firm_rd_rampup"),
            ("x_e", "entrepreneur_exit_rate"), ("gamma_e", "entrepreneur_graduation_rate"),
            ("beta_maker", "entities_per_maker_space"), ("beta_inc", "entities_per_incubator"),
            ("x_m", "sme_exit_rate"), ("g_m", "sme_trend_growth"), ("sme_prog", "sme_programme_inflow"),
            ("reg_uplift", "sme_registration_uplift"), ("sme_sub", "sme_subsidy_share"),
            ("c0", "hte_certification_rate"), ("p0", "sme_share_above_threshold"),
            ("sigma_i", "sme_rd_intensity_dispersion"), ("hte_uplift", "hte_programme_uplift"),
            ("reform_uplift", "hte_reform_uplift"), ("x_h", "hte_exit_rate"), ("g_h", "hte_trend_growth"),
            ("lg_cap", "little_giant_max_share_of_smes"),
            ("lg_exit", "little_giant_exit_rate"), ("plat_close", "platform_closure_rate"),
            ("etc_per_hte", "enterprise_centres_per_new_hte"), ("inc_close", "incubator_closure_rate"),
            ("inc_cost", "incubator_unit_cost"), ("upgrade", "maker_space_upgrade_rate"),
            ("maker_close", "maker_space_closure_rate"), ("maker_cost", "maker_space_unit_cost"),
            ("team_cost", "team_unit_cost"), ("kappa_i", "intermediary_adjustment"),
            ("psi_i", "intermediary_demand_elasticity"), ("inter_cost", "intermediary_unit_cost"),
            ("beta_pat", "patent_rd_elasticity"), ("g_pat", "patent_propensity_growth"),
            ("grant_rate", "patent_grant_rate"), ("lapse_young", "patent_lapse_rate_young"),
            ("lapse_old", "patent_lapse_rate_old"), ("nu", "patent_subsidy_effect"),
            ("s_max", "patent_subsidy_max_share"), ("grant_ratio_sub", "subsidised_grant_rate_ratio"),
            ("lapse_mult_sub", "subsidised_lapse_multiplier"),
            ("va_growth", "high_tech_va_growth"), ("va_hte_elast", "high_tech_va_hte_elasticity"),
            ("pop_growth", "population_growth"),
        ]:
            w[name] = p(pid)
        self.recert = p("hte_recertification_failure") / p("hte_status_years")
        self.team_dissolve = 1.0 / p("team_lifetime")
        self.plat_cost = np.stack([p(f"platform_unit_cost_{t}") for t in PLATFORM_TYPES])  # (5, N)
        s0 = self.contribution0 / 100.0

        # Levers in force in the start year (the levels the base rates embody).
        sw_reg0 = lev("tech_sme_registration", start)
        self.rho0 = tax_price(lev("corporate_tax_rate", start), lev("high_tech_tax_rate", start), self.low_tax,
                              lev("super_deduction_rate", start), lev("super_deduction_claimed_share", start))
        gamma_e0 = self.gamma_e * (1.0 + self.reg_uplift * sw_reg0)
        # The zone's programmes act on its regions only (below); national measures on every region.
        cert0 = self.c0 * (1.0 + self.reform_uplift * lev("hte_certification_reform", start))
        self.z0 = ndtri(self.p0)

        wb_, wg_, wo_ = p("rd_business_weight"), p("rd_government_weight"), p("rd_other_weight")
        wsum = wb_ + wg_ + wo_
        wb, wg, wo = wb_ / wsum, wg_ / wsum, wo_ / wsum

        # Small-count stocks: platforms_start split over types, then over regions (integers).
        tsh = np.stack([p(f"platform_type_share_{t}") for t in PLATFORM_TYPES])
        tsh = tsh / seqsum(tsh)
        by_type = split_integer(p("platforms_start"), tsh)
        self.plat0 = np.stack([self.split(by_type[k], p_s) for k in range(5)])  # (5, R, N)
        self.platforms = self.plat0.copy()
        self.incubators = self.split(p("incubators_start"), inc_s)
        self.makers = self.split(p("maker_spaces_start"), mk_s)
        self.teams = self.split(p("innovation_teams_start"), t_s)
        self.little_giants = self.split(p("little_giants_start"), m_s)

        x = np.zeros((NV, R, N))
        g = np.ones((NG, N))
        self.g_real = pr("gdp_growth_real")
        g_nom = self.g_real + self.inflation
        gdp0 = p("gdp_start") * gdp_s
        y0 = gdp0 / year_integral_factor(g_nom)
        self.gdp0, self.gdp_prev = gdp0, gdp0.copy()
        self.y0, self.lny0 = y0, np.log(y0)
        self.inv_y0 = 1.0 / y0
        self.n0 = p("population_start") * pop_s
        self.g_factor = (1.0 - s0) * self.g_real
        self.iva_share = pr("industrial_va_share")
        self.k_absorb = pr("spillover_absorption")
        rd0 = p("rd_intensity_start") / 100.0 * self.zsum(gdp0)
        rd_r = rd0 * rd_s
        self.rd0 = rd_r
        self.g0 = wg * rd_r
        self.gov_rd = self.g0.copy()
        self.fst0 = p("fiscal_st_start") * fst_s
        self.fst = self.fst0.copy()
        self.o_coef = wo * rd_r / gdp0
        g_b = g_nom + self.g_int
        b0 = wb * rd_r / year_integral_factor(g_b)
        self.b_inc0 = b0 * (1.0 + g_b / self.kappa)
        x[Y], x[B_INC], x[K] = y0, b0, rd_r / (self.delta + self.rd_growth0)
        e0 = p("mass_entrepreneurship_start") * e_s
        m0 = p("tech_smes_start") * m_s
        h0 = p("high_tech_enterprises_start") * h_s
        x[E], x[M], x[H] = e0, m0, h0
        self.m0, self.h0, self.m0_share = m0, h0, m_s
        self.inv_firms0 = 1.0 / (m0 + h0)
        self.e_base = np.maximum(0.0, (self.x_e + gamma_e0 + p("entrepreneur_trend_growth")) * e0
                                 - self.beta_maker * self.makers - self.beta_inc * self.incubators)
        cert0 = cert0 * (1.0 + self.hte_uplift * lev("hte_cultivation_programme", start) * self.in_zone[:, None])
        self.m_base = np.maximum(0.0, (self.x_m + cert0 + self.g_m) * m0 - gamma_e0 * e0 - self.recert * h0)
        self.h_base = np.maximum(0.0, (self.x_h + self.recert + self.g_h) * h0 - cert0 * m0)
        self.i0 = p("intermediaries_start") * i_s
        x[I] = self.i0
        self.plat_base = np.maximum(0.0, (p("platform_trend_growth") + self.plat_close) * self.plat0)
        self.inc_base = np.maximum(0.0, (p("incubator_trend_growth") + self.inc_close) * self.incubators
                                   - self.upgrade * self.makers)
        self.maker_base = np.maximum(0.0, (p("maker_space_trend_growth") + self.maker_close + self.upgrade)
                                     * self.makers)
        self.team_base = np.maximum(0.0, (p("team_trend_growth") + self.team_dissolve) * self.teams)
        self.ht_va0 = p("high_tech_va_share_start") / 100.0 * self.iva_share * gdp0

        # Patents: the start-year pipeline in steady growth at g_A.
        g_app = p("application_trend_growth")
        ks = float(self.stages) / p("patent_examination_lag")
        self.stage_rate, self.ageing = ks, 1.0 / p("patent_young_years")
        self.grant_growth0 = 100.0 * np.expm1(g_app)
        phi = year_integral_factor(g_app)
        pop_prev = self.zsum(self.n0) * np.exp(-self.pop_growth)
        young_share = 1.0 / (1.0 + self.ageing / (g_app + self.lapse_old))
        a_year = p("invention_applications_start") * pat_s
        a_rate = a_year / phi
        self.apps0 = a_year
        stage = a_rate / (g_app + ks)
        for j in range(self.stages):
            x[STAGE0 + j] = stage
            stage = stage * (ks / (g_app + ks))
        self.grants_base = self.grant_rate * ks * x[STAGE0 + self.stages - 1] * phi
        v = p("patents_per_10k_start") * pop_prev / 1e4 * pat_s
        x[V_YOUNG] = v * young_share
        x[V_OLD] = v - x[V_YOUNG]
        self.a_coef = a_rate / self._keff(x[K]) ** self.beta_pat
        self.pot = np.zeros((R, N))
        self.subsidy = np.zeros((R, N))
        return x, g

    def _spill(self, k: np.ndarray) -> np.ndarray:
        """absorption_r * sum_s W_rs k_s (W has a zero diagonal), per draw."""
        return self.k_absorb * (self.W @ k)

    def _keff(self, k: np.ndarray) -> np.ndarray:
        return k + self._spill(k)

    # ---- year boundary ----
    def year_start(self, year: int, x: np.ndarray, g: np.ndarray, u: np.ndarray) -> None:
        """u: (K, N) uniforms of this year."""
        R, lev, start = self.R, self.lev, self.start
        cy = year + 1  # the interval [year, year+1] is calendar year year+1
        N = x.shape[2]
        if self.shocks:
            zc = ndtri(u[0])
            a, c = np.sqrt(self.shock_rho), np.sqrt(1.0 - self.shock_rho)
            xi = self.shock_sd * (a * zc + c * ndtri(u[1:1 + R]))
            e_fund = np.maximum(0.0, self.exec_mean + self.exec_sd * ndtri(u[R + 1]))
            z_fiscal = ndtri(u[R + 2])
        else:
            xi = np.zeros((R, N))
            e_fund = np.maximum(0.0, self.exec_mean)
            z_fiscal = np.zeros(N)
        sw_yearly = lev("fiscal_rd_zone_set_yearly", cy)
        fund_path = lev("fiscal_rd_zone", cy) * (1.0 + (self.set_yearly - 1.0) * sw_yearly)
        fund = (fund_path - lev("fiscal_rd_zone", start)) * e_fund
        use = {u_: lev(f"fund_use_{u_}", cy) for u_ in
               ("enterprise_rd", "platforms", "incubators", "maker_spaces", "teams", "patents",
                "intermediaries", "public_rd")}
        rd_uses = use["enterprise_rd"] + use["platforms"] + use["teams"] + use["public_rd"]
        pot = fund * lev("fiscal_rd_allocation", cy, "all")
        d = 1.0 / (1.0 + np.maximum(0.0, pot) / (self.alpha * self.rd0))
        subsidy = pot * use["enterprise_rd"]
        plat_money = pot * use["platforms"] * d
        self.pot, self.subsidy = pot, subsidy

        rho = tax_price(lev("corporate_tax_rate", cy), lev("high_tech_tax_rate", cy), self.low_tax,
                        lev("super_deduction_rate", cy), lev("super_deduction_claimed_share", cy))
        price = (rho / self.rho0) ** (-self.eps)
        self.growth = self.g_real + self.inflation + xi
        self.fst = self.fst * np.exp(self.growth + self.fst_margin + self.fst_sd * z_fiscal
                                     + self.fst_push * lev("fiscal_st_push", cy, "all"))
        self.gov_rd = np.maximum(0.0, self.g0 * self.fst / self.fst0 + pot * rd_uses)
        self.bstar_coef = self.b_inc0 * self.inv_y0 * price
        self.mu_subsidy = self.mu * subsidy * d
        sw_reg = lev("tech_sme_registration", cy)
        sw_sme = lev("sme_doubling_programme", cy)
        self.gamma_e_year = self.gamma_e * (1.0 + self.reg_uplift * sw_reg)
        self.m_inflow = (self.m_base * (1.0 + self.reg_uplift * sw_reg)
                         + self.sme_prog * self.m0_share * sw_sme * self.in_zone[:, None])
        self.inter_funded = np.maximum(0.0, pot * use["intermediaries"] * d) / self.inter_cost
        # Certification: the share of tech SMEs above the threshold in force, subsidised R&D counting.
        cert_c = (self.c0 * (1.0 + self.reform_uplift * lev("hte_certification_reform", cy)) / self.p0
                  * (1.0 + self.hte_uplift * lev("hte_cultivation_programme", cy) * self.in_zone[:, None]))
        z_common = self.z0 + (np.log(price * g[T_INT])
                              - np.log(lev("hte_rd_threshold", cy) / lev("hte_rd_threshold", start))) / self.sigma_i
        sme_rd = self.r_m * x[M]
        with np.errstate(divide="ignore", invalid="ignore"):
            lift = np.where(sme_rd > 0, np.maximum(0.0, self.sme_sub * subsidy) / np.where(sme_rd > 0, sme_rd, 1.0),
                            0.0)
        self.cert_rate = cert_c * ndtr(z_common + np.log1p(lift) / self.sigma_i)
        self.propensity_growth = self.g_pat * lev("patent_promotion", cy)
        keff = self._keff(x[K])
        self.keff_year, self.inv_keff_year = keff, 1.0 / keff
        self.app_scale = self.a_coef * keff ** self.beta_pat
        ceiling = self.s_max * self.app_scale * g[T_PAT]
        pat_money = np.maximum(0.0, pot * use["patents"])
        with np.errstate(divide="ignore", invalid="ignore"):
            self.app_subsidy = np.where(ceiling > 0, -ceiling * np.expm1(-self.nu * pat_money
                                                                         / np.where(ceiling > 0, ceiling, 1.0)), 0.0)

        # Integer events for the small-count stocks (expected flows when switched off).
        ur = u[3 + R:3 + R + RANDOMS_PER_REGION * R].reshape(R, RANDOMS_PER_REGION, N).transpose(1, 0, 2)
        if self.integer_events:
            births = poisson_inverse
            losses = binomial_inverse
        else:
            births = lambda mean, uu: np.maximum(0.0, mean)  # noqa: E731
            losses = lambda n, prob, uu: n * prob  # noqa: E731
        births_s = lambda mean, uu: births(mean, uu).reshape(np.shape(uu))  # noqa: E731
        h_gain = np.maximum(0.0, x[H] - self.h0)
        for kt, t in enumerate(PLATFORM_TYPES):
            mean = self.plat_base[kt] + np.maximum(0.0, plat_money * lev(f"platform_funding_share_{t}", cy)) \
                / self.plat_cost[kt]
            if t == "enterprise_tech_centres":
                mean = mean + self.etc_per_hte * h_gain
            n = self.platforms[kt]
            closed = losses(n, self.plat_close, ur[2 * kt + 1])
            self.platforms[kt] = n + (births_s(mean, ur[2 * kt]) - closed)
        up = losses(self.makers, self.upgrade, ur[14])
        inc_closed = losses(self.incubators, self.inc_close, ur[11])
        mk_closed = losses(self.makers - up, self.maker_close, ur[13])
        self.incubators = self.incubators + (
            births_s(self.inc_base + np.maximum(0.0, pot * use["incubators"] * d) / self.inc_cost, ur[10])
            - inc_closed + up)
        self.makers = self.makers + (
            births_s(self.maker_base + np.maximum(0.0, pot * use["maker_spaces"] * d) / self.maker_cost, ur[12])
            - mk_closed - up)
        dissolved = losses(self.teams, self.team_dissolve, ur[16])
        self.teams = self.teams + (
            births_s(self.team_base + np.maximum(0.0, pot * use["teams"] * d) / self.team_cost, ur[15])
            - dissolved)
        self.little_giants = self.little_giants - losses(self.little_giants, self.lg_exit, ur[17])
        self.e_births = self.e_base + self.beta_maker * self.makers + self.beta_inc * self.incubators
        self.gdp_prev = self.gdp0.copy() if year == start else x[GDP_YEAR].copy()
        x[GRANTS_YEAR] = 0.0
        x[APPS_YEAR] = 0.0
        x[GDP_YEAR] = 0.0
        x[BRD_YEAR] = 0.0
        self._select_little_giants(x, cy)

    def _select_little_giants(self, x: np.ndarray, cy: int) -> None:
        """Exactly the year's selection, split by the room cap*M - L (largest remainder)."""
        free = np.maximum(0.0, self.lg_cap * x[M] - self.little_giants)
        room = np.where(self.in_zone[:, None], np.floor(free) if self.integer_events else free, 0.0)
        total = seqsum(room)
        selected = max(0.0, self.lev("little_giants_selected_per_year", cy))
        ok = (total > 0) & (selected > 0)
        if not ok.any():
            return
        share = room / np.where(total > 0, total, 1.0)
        if self.integer_events:
            picked = split_integer(np.minimum(np.floor(selected + 0.5), total), share)
        else:
            picked = np.minimum(selected, total) * share
        self.little_giants = self.little_giants + np.where(ok, picked, 0.0)

    # ---- continuous part ----
    def rhs(self, t: float, flat: np.ndarray) -> np.ndarray:
        self.rhs_evals += 1
        R = self.R
        n_x = NV * R * self._n
        x = flat[:n_x].reshape(NV, R, -1)
        g = flat[n_x:].reshape(NG, -1)
        dx = np.zeros_like(x)
        dg = np.empty_like(g)
        y, b_inc, b_new, k, e, m, h = x[Y], x[B_INC], x[B_NEW], x[K], x[E], x[M], x[H]
        bstar = self.bstar_coef * y * g[T_INT] + self.mu_subsidy
        bnew_star = self.r_m * (m - self.m0 * g[T_SME]) + self.r_h * (h - self.h0 * g[T_HTE])
        b = b_inc + b_new
        rd = self.gov_rd + b + self.o_coef * y
        dk = rd - self.delta * k
        dx[B_INC] = self.kappa * (bstar - b_inc)
        dx[B_NEW] = self.rampup * (bnew_star - b_new)
        dx[K] = dk
        dx[BRD_YEAR] = b
        dx[GDP_YEAR] = y
        cert = self.cert_rate
        dx[E] = self.e_births - (self.x_e + self.gamma_e_year) * e
        dx[M] = self.gamma_e_year * e + self.m_inflow - (self.x_m + cert) * m + self.recert * h
        dx[H] = self.h_base + cert * m - (self.x_h + self.recert) * h
        istar = self.i0 * (1.0 + self.psi_i * ((m + h) * self.inv_firms0 - 1.0))
        dx[I] = self.kappa_i * (istar - x[I]) + self.inter_funded
        keff = self._keff(k)
        dkeff = dk + self._spill(dk)
        dx[Y] = (self.growth + self.eta * (dkeff / keff - self.rd_growth0)) * y
        beta = self.beta_pat
        v = keff * self.inv_keff_year - 1.0
        apps = self.app_scale * (1.0 + beta * v + 0.5 * beta * (beta - 1.0) * v * v)
        apps_sub = apps * (g[T_PAT] - 1.0) + self.app_subsidy
        ks = self.stage_rate
        dx[STAGE0] = apps - ks * x[STAGE0]
        dx[SUB_STAGE0] = apps_sub - ks * x[SUB_STAGE0]
        for j in range(1, self.stages):
            dx[STAGE0 + j] = ks * (x[STAGE0 + j - 1] - x[STAGE0 + j])
            dx[SUB_STAGE0 + j] = ks * (x[SUB_STAGE0 + j - 1] - x[SUB_STAGE0 + j])
        last = self.stages - 1
        grants = self.grant_rate * ks * x[STAGE0 + last]
        grants_sub = self.grant_rate * self.grant_ratio_sub * ks * x[SUB_STAGE0 + last]
        dx[V_YOUNG] = grants - (self.lapse_young + self.ageing) * x[V_YOUNG]
        dx[V_YOUNG_SUB] = grants_sub - (self.lapse_young * self.lapse_mult_sub + self.ageing) * x[V_YOUNG_SUB]
        dx[V_OLD] = self.ageing * (x[V_YOUNG] + x[V_YOUNG_SUB]) - self.lapse_old * x[V_OLD]
        dx[GRANTS_YEAR] = grants + grants_sub
        dx[APPS_YEAR] = apps + apps_sub
        dg[T_INT] = self.g_int * g[T_INT]
        dg[T_SME] = self.g_m * g[T_SME]
        dg[T_HTE] = self.g_h * g[T_HTE]
        dg[T_PAT] = self.propensity_growth * g[T_PAT]
        return np.concatenate([dx.reshape(-1), dg.reshape(-1)])

    # ---- indicators ----
    def observe(self, year: int, x: np.ndarray) -> np.ndarray:
        """Indicators [I, R + A, N] at the end of `year` (the aggregates after the regions)."""
        R, N = self.R, x.shape[2]
        A = len(self.aggregates)
        out = np.empty((len(INDICATORS), R + A, N))
        ix = {name: i for i, name in enumerate(INDICATORS)}
        first = year == self.start
        tau = float(year - self.start)
        y = x[Y]
        gdp = self.gdp0 if first else x[GDP_YEAR]
        gov_base = self.g0 * self.fst / self.fst0
        other = self.o_coef * gdp
        funds = self.rd0 - self.g0 - other if first else x[BRD_YEAR]
        rd = self.rd0 if first else self.gov_rd + funds + other
        reg = {
            "gdp": gdp, "rd_expenditure": rd, "rd_intensity": 100.0 * rd / gdp,
            "business_rd": funds + (0.0 if first else self.subsidy) + self.theta_b * (gov_base + other),
            "fiscal_st_spending": self.fst0 if first else np.maximum(0.0, self.fst + self.pot),
            "gdp_real_growth": (100.0 * np.expm1(self.g_real) if first
                                else 100.0 * (gdp / self.gdp_prev * np.exp(-self.inflation) - 1.0)),
        }
        if first:
            reg["st_progress_contribution"] = np.broadcast_to(self.contribution0, (R, N))
        else:
            real = np.log(y) - self.lny0 - self.inflation * tau
            reg["st_progress_contribution"] = \
                100.0 * (real - self.g_factor * tau) / np.maximum(real, self.min_growth * tau)
        for kt, t in enumerate(PLATFORM_TYPES):
            reg[t] = self.platforms[kt]
        reg.update({
            "platforms": seqsum(self.platforms), "intermediaries": x[I], "incubators": self.incubators,
            "innovation_teams": self.teams, "high_tech_enterprises": x[H], "tech_smes": x[M],
            "mass_entrepreneurship": x[E], "little_giants": self.little_giants, "maker_spaces": self.makers,
        })
        n = self.n0 * np.exp(self.pop_growth * tau)
        n_prev = self.n0 * np.exp(self.pop_growth * (tau - 1.0))
        patents = x[V_YOUNG] + x[V_YOUNG_SUB] + x[V_OLD]
        reg["population"] = n
        reg["valid_invention_patents"] = patents
        reg["invention_patents_per_10k"] = 1e4 * patents / n_prev
        grants = self.grants_base if first else x[GRANTS_YEAR]
        reg["invention_applications"] = self.apps0 if first else x[APPS_YEAR]
        reg["invention_grants"] = grants
        reg["invention_grant_growth"] = (np.broadcast_to(self.grant_growth0, (R, N)) if first
                                         else 100.0 * ((grants / self.grants_base) ** (1.0 / tau) - 1.0))
        va = self.ht_va0 * np.exp(self.va_growth * tau) * (x[H] / self.h0) ** self.va_hte_elast
        iva = self.iva_share * gdp
        reg["high_tech_va_share"] = 100.0 * va / iva
        for name in INDICATORS:
            out[ix[name], :R] = reg[name]
        for a, members in enumerate(self.aggregates):
            k = R + a

            def s(q):
                return self.zsum(q, members)

            for name in SUMMED:
                out[ix[name], k] = s(reg[name])
            s_gdp = s(gdp)
            out[ix["rd_intensity"], k] = 100.0 * s(rd) / s_gdp
            out[ix["gdp_real_growth"], k] = (100.0 * (s(self.gdp0 * np.exp(self.g_real)) / s_gdp - 1.0) if first
                                             else 100.0 * (s_gdp / s(self.gdp_prev) * np.exp(-self.inflation) - 1.0))
            if first:
                out[ix["st_progress_contribution"], k] = self.contribution0
            else:
                s_y0 = s(self.y0)
                zreal = np.log(s(y) / s_y0) - self.inflation * tau
                factor = np.log(s(self.y0 * np.exp(self.g_factor * tau)) / s_y0)
                out[ix["st_progress_contribution"], k] = \
                    100.0 * (zreal - factor) / np.maximum(zreal, self.min_growth * tau)
            out[ix["invention_patents_per_10k"], k] = 1e4 * s(patents) / s(n_prev)
            out[ix["high_tech_va_share"], k] = 100.0 * s(va) / s(iva)
            out[ix["invention_grant_growth"], k] = (
                self.grant_growth0 if first else 100.0 * ((s(grants) / s(self.grants_base)) ** (1.0 / tau) - 1.0))
        return out

    # ---- one run over all draws ----
    def simulate(self, ids: list[str], draws: np.ndarray, uniforms: np.ndarray | None) -> np.ndarray:
        """Trajectories [I, R + A, years + 1, N] for calendar years start..end."""
        N = draws.shape[1]
        S = self.end - self.start
        if uniforms is None:
            if self.integer_events or self.shocks:
                raise ValueError("the run file has no /draws/yearly_uniforms (run with --save-uniforms), "
                                 "which this scenario needs (integer events or shocks are on)")
            uniforms = np.full((self.randoms_per_year, S, N), 0.5)
        if uniforms.shape[:2] != (self.randoms_per_year, S):
            raise ValueError(f"/draws/yearly_uniforms has shape {uniforms.shape}; the model needs "
                             f"[{self.randoms_per_year}, {S}, N]")
        x, g = self.init(ids, draws)
        self._n = N
        traj = np.empty((len(INDICATORS), self.R + len(self.aggregates), S + 1, N))
        traj[:, :, 0] = self.observe(self.start, x)
        for yi, year in enumerate(range(self.start, self.end)):
            self.year_start(year, x, g, uniforms[:, yi, :])
            y0 = np.concatenate([x.reshape(-1), g.reshape(-1)])
            sol = solve_ivp(self.rhs, (year, year + 1), y0, method=self.method,
                            rtol=self.rtol, atol=self.atol, first_step=0.25)
            if not sol.success:
                raise RuntimeError(f"solve_ivp failed in {year + 1}: {sol.message}")
            n_x = x.size
            x = sol.y[:n_x, -1].reshape(x.shape).copy()
            g = sol.y[n_x:, -1].reshape(g.shape).copy()
            traj[:, :, yi + 1] = self.observe(year + 1, x)
        return traj


# --------------------------------------------------------------------------
# Comparison with the engine
# --------------------------------------------------------------------------

def relative_difference(ref: np.ndarray, eng: np.ndarray, floor_fraction: float = 1e-2) -> np.ndarray:
    """|ref - eng| / max(|eng|, floor), elementwise, over [I, R, Y, N].

    floor = floor_fraction x the largest |eng| of that indicator and region over all years and
    draws, so indicators that pass through zero (the contribution ratio, growth rates, counts at
    0) are compared on the scale of their own range instead of dividing by ~0.
    """
    scale = np.nanmax(np.abs(eng), axis=(2, 3), keepdims=True)
    denom = np.maximum(np.abs(eng), np.maximum(floor_fraction * scale, 1e-300))
    with np.errstate(invalid="ignore"):
        d = np.abs(ref - eng) / denom
    d[(ref == eng)] = 0.0  # also equal infinities
    return d


def compare(ref: np.ndarray, eng: np.ndarray, indicators: list[str], regions: list[str], tol: float,
            out=sys.stdout) -> tuple[bool, np.ndarray]:
    """Prints the table; returns (all within tol, per-draw max difference)."""
    d = relative_difference(ref, eng)
    d = np.where(np.isnan(d), np.inf, d)
    worst = d.max(axis=(2, 3))
    print(f"max relative difference over {ref.shape[3]} draws (tolerance {tol:g}):", file=out)
    width = max(len(s) for s in indicators)
    print(" " * width + "".join(f" {r[:11]:>11}" for r in regions), file=out)
    for i, name in enumerate(indicators):
        print(f"{name:<{width}}" + "".join(f" {v:11.2e}" for v in worst[i]), file=out)
    ok = bool((worst <= tol).all())
    per_draw = d.max(axis=(0, 1, 2))
    bad = np.nonzero(per_draw > tol)[0]
    if bad.size:
        print(f"{bad.size} draw(s) above tolerance: {bad[:20].tolist()}{' ...' if bad.size > 20 else ''}",
              file=out)
    return ok, per_draw


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def read_run(path: str, ndraws: int | None, trajectories: bool = True):
    import h5py

    with h5py.File(path, "r") as f:
        ids = [s.decode() if isinstance(s, bytes) else s for s in f["parameters/id"][...]]
        n = f["parameters/draws"].shape[1]
        n = n if ndraws is None else min(n, ndraws)
        draws = f["parameters/draws"][:, :n]
        uniforms = f["draws/yearly_uniforms"][:, :, :n] if "draws/yearly_uniforms" in f else None
        valid = f["draws/valid"][:n].astype(bool) if "draws/valid" in f else np.ones(n, bool)
        meta = {
            "indicators": list(f["meta/indicators/id"].asstr()[...]),
            "regions": list(f["meta/regions/id"].asstr()[...]),
            "years": f["meta/years"][...].astype(int),
            "trajectories": (f["trajectories/values"][..., :n]
                             if trajectories and "trajectories/values" in f else None),
        }
    return ids, draws, uniforms, valid, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", help="HDF5 run file written by `innosim run` (with --save-uniforms)")
    ap.add_argument("--scenario", required=True, help="the scenario TOML the run used")
    ap.add_argument("--draws", type=int, help="use only the first N draws")
    ap.add_argument("--out", help="write the reference trajectories to this .npz file")
    ap.add_argument("--compare", action="store_true", help="compare with /trajectories/values")
    ap.add_argument("--tolerance", type=float, default=1e-4, help="relative tolerance for --compare")
    ap.add_argument("--time", action="store_true", help="print the reference's draws per second")
    ap.add_argument("--rtol", type=float, default=1e-10, help="solve_ivp rtol (default 1e-10)")
    ap.add_argument("--method", default="DOP853", choices=["DOP853", "RK45"])
    ap.add_argument("--batch", type=int, default=0,
                    help="integrate this many draws per solve_ivp system (default 0: all at once)")
    a = ap.parse_args(argv)

    try:
        sc = load_scenario(a.scenario)
        ids, draws, uniforms, valid, meta = read_run(a.run, a.draws, trajectories=a.compare)
    except (ValueError, OSError, KeyError) as e:
        print(f"reference_model: {e}", file=sys.stderr)
        return 2
    model = FourPlusOneReference(sc, rtol=a.rtol, method=a.method)
    if meta["regions"] != model.regions + model.aggregate_ids:
        print(f"reference_model: the run's regions {meta['regions']} differ from the scenario's "
              f"{model.regions + model.aggregate_ids}", file=sys.stderr)
        return 2
    N = draws.shape[1]
    batch = a.batch if a.batch > 0 else max(N, 1)
    t0, c0 = time.perf_counter(), time.process_time()
    parts = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for b0 in range(0, N, batch):
            sl = slice(b0, min(N, b0 + batch))
            parts.append(model.simulate(ids, draws[:, sl], None if uniforms is None else uniforms[..., sl]))
    full = np.concatenate(parts, axis=-1)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    # Keep the run's indicator order and report years.
    ind_idx = [INDICATORS.index(i) for i in meta["indicators"]]
    year_idx = [int(y) - model.start for y in meta["years"]]
    traj = full[ind_idx][:, :, year_idx]
    if a.time:
        print(f"reference: {N} draws in {seconds:.2f} s = {N / seconds:.1f} draws/s "
              f"({model.rhs_evals} vectorised right-hand-side evaluations, {a.method}, rtol {a.rtol:g}, "
              f"{len(parts)} batch{'es' if len(parts) > 1 else ''} of <= {batch} draws; cpu {cpu:.2f} s)")
    if a.out:
        np.savez_compressed(a.out, values=traj, valid=valid, indicators=np.array(meta["indicators"]),
                            regions=np.array(meta["regions"]), years=meta["years"])
    if a.compare:
        eng = meta["trajectories"]
        if eng is None:
            print("reference_model: the run file has no /trajectories/values (run with --trajectories)",
                  file=sys.stderr)
            return 2
        ok, _ = compare(traj[..., valid], eng[..., valid], meta["indicators"], meta["regions"], a.tolerance)
        print(f"{'AGREE' if ok else 'DISAGREE'}: {int(valid.sum())} valid draws of {N}")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
