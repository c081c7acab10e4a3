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
from scipy.special import ndtri

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
    "maker_spaces", "invention_grant_growth",
]
RANDOMS_PER_REGION = 19

# Continuous variables (first axis of the state).
Y, B, K, E, M, H, I, V, GRANTS_YEAR, GDP_YEAR, RD_YEAR, STAGE0 = range(12)


def _bool_option(v) -> bool:
    return bool(v) if isinstance(v, bool) else not (float(v) == 0.0)


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
        # Spillover weights W_rs ([model_matrices.spillover], rows keyed by region id, zero diagonal).
        mat = sc.get("model_matrices", {}).get("spillover")
        if mat is None:
            raise ValueError("model_matrices.spillover: required by the four_plus_one model")
        self.W = np.array([[float(v) for v in mat[rid]] for rid in self.regions])
        if self.W.shape != (self.R, self.R) or np.any(np.diag(self.W) != 0.0):
            raise ValueError("model_matrices.spillover: expected R rows of R numbers with a zero diagonal")
        self.nv = STAGE0 + self.stages
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
        v = self.pr(pid)
        return v / seqsum(v)

    # ---- init ----
    def init(self, ids: list[str], draws: np.ndarray) -> np.ndarray:
        self._bind(ids, draws)
        p, pr, lev, R, start = self.p, self.pr, self.lev, self.R, self.start
        N = draws.shape[1]
        w = self.__dict__
        gdp_s, pop_s, rd_s = self.shares("gdp_share"), self.shares("population_share"), self.shares("rd_share")
        e_s, m_s, h_s = self.shares("mass_entrepreneurship_share"), self.shares("tech_sme_share"), self.shares("hte_share")
        p_s, inc_s, mk_s = self.shares("platform_share"), self.shares("incubator_share"), self.shares("maker_space_share")
        t_s, i_s, pat_s = self.shares("team_share"), self.shares("intermediary_share"), self.shares("patent_share")

        for name, pid in [
            ("inflation", "gdp_deflator_growth"), ("shock_sd", "gdp_shock_sd"),
            ("shock_rho", "gdp_shock_correlation"), ("contribution0", "st_contribution_2015"),
            ("eta", "rd_output_elasticity"), ("delta", "rd_depreciation"),
            ("kappa", "business_rd_adjustment"), ("eps", "user_cost_elasticity"),
            ("mu", "subsidy_additionality"), ("psi_b", "firm_base_elasticity"),
            ("chi", "hte_weight_in_firm_base"), ("hte_rd", "hte_rd_share"),
            ("fiscal_rd_share", "fiscal_st_rd_share"), ("rd_growth0", "rd_growth_pre_2015"),
            ("exec_mean", "execution_rate_mean"), ("exec_sd", "execution_rate_sd"),
            ("x_e", "entrepreneur_exit_rate"), ("gamma_e", "entrepreneur_graduation_rate"),
            ("beta_maker", "entities_per_maker_space"), ("beta_inc", "entities_per_incubator"),
            ("x_m", "sme_exit_rate"), ("sme_prog", "sme_programme_inflow"),
            ("reg_uplift", "sme_registration_uplift"), ("c0", "hte_certification_rate"),
            ("psi_c", "hte_certification_rd_elasticity"), ("hte_uplift", "hte_programme_uplift"),
            ("x_h", "hte_exit_rate"), ("lg_cap", "little_giant_max_share_of_smes"),
            ("lg_exit", "little_giant_exit_rate"), ("plat_close", "platform_closure_rate"),
            ("etc_per_hte", "enterprise_centres_per_new_hte"), ("inc_close", "incubator_closure_rate"),
            ("inc_cost", "incubator_unit_cost"), ("upgrade", "maker_space_upgrade_rate"),
            ("maker_close", "maker_space_closure_rate"), ("maker_cost", "maker_space_unit_cost"),
            ("team_cost", "team_unit_cost"), ("kappa_i", "intermediary_adjustment"),
            ("psi_i", "intermediary_demand_elasticity"), ("inter_cost", "intermediary_unit_cost"),
            ("beta_pat", "patent_rd_elasticity"),
            ("lapse", "patent_lapse_rate"), ("nu", "patent_subsidy_effect"),
            ("va_growth", "va_per_hte_growth"), ("pop_growth", "population_growth"),
        ]:
            w[name] = p(pid)
        self.recert = p("hte_recertification_failure") / p("hte_status_years")
        self.team_dissolve = 1.0 / p("team_lifetime")
        self.plat_cost = np.stack([p(f"platform_unit_cost_{t}") for t in PLATFORM_TYPES])  # (5, N)
        self.stage_rate = float(self.stages) / p("patent_examination_lag")
        s0 = self.contribution0 / 100.0

        # Levers in force in the start year (the levels the base rates embody).
        sw_reg0, sw_hte0 = lev("tech_sme_registration", start), lev("hte_cultivation_programme", start)
        self.rho0 = tax_price(lev("corporate_tax_rate", start), lev("high_tech_tax_rate", start), self.hte_rd,
                              lev("super_deduction_rate", start), lev("super_deduction_claimed_share", start))
        gamma_e0 = self.gamma_e * (1.0 + self.reg_uplift * sw_reg0)
        cert0 = self.c0 * (1.0 + self.hte_uplift * sw_hte0)

        wb_, wg_, wo_ = p("rd_business_weight"), p("rd_government_weight"), p("rd_other_weight")
        wsum = wb_ + wg_ + wo_
        wb, wg, wo = wb_ / wsum, wg_ / wsum, wo_ / wsum

        # Small-count stocks: platforms_2015 split over types, then over regions (integers).
        tsh = np.stack([p(f"platform_type_share_{t}") for t in PLATFORM_TYPES])
        tsh = tsh / seqsum(tsh)
        by_type = split_integer(p("platforms_2015"), tsh)
        self.plat0 = np.stack([split_integer(by_type[k], p_s) for k in range(5)])  # (5, R, N)
        self.platforms = self.plat0.copy()
        self.incubators = split_integer(p("incubators_2015"), inc_s)
        self.makers = split_integer(p("maker_spaces_2015"), mk_s)
        self.teams = split_integer(p("innovation_teams_2015"), t_s)
        self.little_giants = split_integer(p("little_giants_2015"), m_s)

        gdp0 = p("gdp_2015")
        rd0 = p("rd_intensity_2015") / 100.0 * gdp0
        pop0, ppk0, g_app = p("population_2015"), p("patents_per_10k_2015"), p("application_trend_growth")
        ks = self.stage_rate

        x = np.zeros((self.nv, R, N))
        y0 = gdp0 * gdp_s
        self.y0, self.inv_y0, self.lny0 = y0, 1.0 / y0, np.log(y0)
        self.n0 = pop0 * pop_s
        self.g_real = pr("gdp_growth_real")
        self.g_factor = (1.0 - s0) * self.g_real
        self.iva_share = pr("industrial_va_share")
        self.k_absorb = pr("spillover_absorption")
        rd_r = rd0 * rd_s
        b0 = wb * rd_r
        self.g0 = wg * rd_r
        self.o_coef = wo * rd_r / y0
        self.b0 = b0 * (1.0 + (self.g_real + self.inflation) / self.kappa)
        with np.errstate(divide="ignore"):
            self.b_over_y0_inv = np.where(b0 > 0, y0 / np.where(b0 > 0, b0, 1.0), 0.0)
        x[Y], x[B], x[K] = y0, b0, rd_r / (self.delta + self.rd_growth0)
        e0 = p("mass_entrepreneurship_2015") * e_s
        m0 = p("tech_smes_2015") * m_s
        h0 = p("high_tech_enterprises_2015") * h_s
        x[E], x[M], x[H] = e0, m0, h0
        self.h0, self.m0_share = h0, m_s
        self.inv_z0 = 1.0 / (m0 + self.chi * h0)
        self.e_base = np.maximum(0.0, (self.x_e + gamma_e0 + p("entrepreneur_trend_growth")) * e0
                                 - self.beta_maker * self.makers - self.beta_inc * self.incubators)
        self.m_base = np.maximum(0.0, (self.x_m + cert0 + p("sme_trend_growth")) * m0
                                 - gamma_e0 * e0 - self.recert * h0)
        self.h_base = np.maximum(0.0, (self.x_h + self.recert + p("hte_trend_growth")) * h0 - cert0 * m0)
        self.i0 = p("intermediaries_2015") * i_s
        x[I] = self.i0
        self.plat_base = np.maximum(0.0, (p("platform_trend_growth") + self.plat_close) * self.plat0)
        self.inc_base = np.maximum(0.0, (p("incubator_trend_growth") + self.inc_close) * self.incubators
                                   - self.upgrade * self.makers)
        self.maker_base = np.maximum(0.0, (p("maker_space_trend_growth") + self.maker_close + self.upgrade)
                                     * self.makers)
        self.team_base = np.maximum(0.0, (p("team_trend_growth") + self.team_dissolve) * self.teams)
        # Patents: valid stock from the per-10k figure; examination chain in steady growth.
        x[V] = ppk0 * pop0 / 1e4 * pat_s
        a0 = p("invention_applications_2015") * pat_s
        stage = a0 / (g_app + ks)
        for j in range(self.stages):
            x[STAGE0 + j] = stage
            stage = stage * (ks / (g_app + ks))
        # 2015 grants: the last stage's outflow over the year, growing at g_app (per unit grant
        # rate); the grant rate is calibrated so that the zone's total is invention_grants_2015.
        small = np.abs(g_app) <= 1e-12
        safe_g = np.where(small, 1.0, g_app)
        year_factor = np.where(small, 1.0, -np.expm1(-g_app) / safe_g)
        per_rate = ks * x[STAGE0 + self.stages - 1] * year_factor  # (R, N)
        self.grant_rate = p("invention_grants_2015") / seqsum(per_rate)
        self.grants_base = self.grant_rate * per_rate
        self.grant_growth0 = 100.0 * np.expm1(g_app)
        self.va_per_hte = p("high_tech_va_share_2015") / 100.0 * seqsum(self.iva_share * y0) / seqsum(h0)
        keff = self._keff(x[K])
        self.a_coef = a0 / keff ** self.beta_pat
        return x

    def _spill(self, k: np.ndarray) -> np.ndarray:
        """absorption_r * sum_s W_rs k_s (W has a zero diagonal), per draw."""
        return self.k_absorb * (self.W @ k)

    def _keff(self, k: np.ndarray) -> np.ndarray:
        return k + self._spill(k)

    # ---- year boundary ----
    def year_start(self, year: int, x: np.ndarray, u: np.ndarray) -> None:
        """u: (K, N) uniforms of this year."""
        R, lev, start = self.R, self.lev, self.start
        cy = year + 1  # the interval [year, year+1] is calendar year year+1
        N = x.shape[2]
        clamp01 = lambda v: np.clip(v, 0.0, 1.0)  # noqa: E731
        if self.shocks:
            zc = ndtri(u[0])
            a, c = np.sqrt(self.shock_rho), np.sqrt(1.0 - self.shock_rho)
            xi = self.shock_sd * (a * zc + c * ndtri(u[1:1 + R]))
            e_fund = clamp01(self.exec_mean + self.exec_sd * ndtri(u[R + 1]))
            e_own = clamp01(self.exec_mean + self.exec_sd * ndtri(u[R + 2]))
        else:
            xi = np.zeros((R, N))
            e_fund = e_own = clamp01(self.exec_mean)

        fund = (lev("fiscal_rd_zone", cy) - lev("fiscal_rd_zone", start)) * e_fund
        use = {k: lev(f"fund_use_{k}", cy) for k in (
            "enterprise_rd", "platforms", "incubators", "maker_spaces", "teams", "patents",
            "intermediaries", "public_rd")}
        self.tax_price = tax_price(lev("corporate_tax_rate", cy), lev("high_tech_tax_rate", cy), self.hte_rd,
                                   lev("super_deduction_rate", cy), lev("super_deduction_claimed_share", cy))
        price_factor = (self.tax_price / self.rho0) ** (-self.eps)
        sw_reg, sw_sme = lev("tech_sme_registration", cy), lev("sme_doubling_programme", cy)
        sw_hte = lev("hte_cultivation_programme", cy)
        self.gamma_e_year = self.gamma_e * (1.0 + self.reg_uplift * sw_reg)
        self.cert_rate = self.c0 * (1.0 + self.hte_uplift * sw_hte)
        sum_m = seqsum(x[M])
        lg_select = lev("little_giants_selected_per_year", cy)

        pot = fund * lev("fiscal_rd_allocation", cy, "all")  # (R, N)
        subsidy, plat_money = pot * use["enterprise_rd"], pot * use["platforms"]
        own = (lev("own_fiscal_st", cy, "all") - lev("own_fiscal_st", start, "all")) * e_own
        self.growth = self.g_real + self.inflation + xi
        self.gov_rd = np.maximum(0.0, self.g0 + self.fiscal_rd_share * own + subsidy + plat_money
                                 + pot * use["teams"] + pot * use["public_rd"])
        self.bstar_coef = self.b0 * self.inv_y0 * price_factor
        self.mu_subsidy = self.mu * subsidy
        self.m_inflow = self.m_base * (1.0 + self.reg_uplift * sw_reg) + self.sme_prog * self.m0_share * sw_sme
        self.inter_funded = np.maximum(0.0, pot * use["intermediaries"]) / self.inter_cost
        self.app_subsidy = self.nu * np.maximum(0.0, pot * use["patents"])
        keff = self._keff(x[K])
        self.keff_year, self.inv_keff_year = keff, 1.0 / keff
        self.app_scale = self.a_coef * keff ** self.beta_pat

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
            births_s(self.inc_base + np.maximum(0.0, pot * use["incubators"]) / self.inc_cost, ur[10])
            - inc_closed + up)
        self.makers = self.makers + (
            births_s(self.maker_base + np.maximum(0.0, pot * use["maker_spaces"]) / self.maker_cost, ur[12])
            - mk_closed - up)
        dissolved = losses(self.teams, self.team_dissolve, ur[16])
        self.teams = self.teams + (
            births_s(self.team_base + np.maximum(0.0, pot * use["teams"]) / self.team_cost, ur[15]) - dissolved)
        lg = self.little_giants
        lg = lg - losses(lg, self.lg_exit, ur[18])
        m = x[M]
        room = self.lg_cap * m - lg
        safe = np.where(sum_m > 0, sum_m, 1.0)
        want = np.where(sum_m > 0, lg_select * m / safe, 0.0)
        picked = births_s(np.maximum(0.0, np.minimum(want, room)), ur[17])
        if self.integer_events:
            picked = np.minimum(picked, np.maximum(0.0, np.floor(room)))
        self.little_giants = lg + picked
        self.e_births = self.e_base + self.beta_maker * self.makers + self.beta_inc * self.incubators
        x[GRANTS_YEAR] = 0.0
        x[GDP_YEAR] = 0.0
        x[RD_YEAR] = 0.0

    # ---- continuous part ----
    def rhs(self, t: float, flat: np.ndarray) -> np.ndarray:
        self.rhs_evals += 1
        x = flat.reshape(self.nv, self.R, -1)
        dx = np.empty_like(x)
        y, b, k, e, m, h = x[Y], x[B], x[K], x[E], x[M], x[H]
        zr = (m + self.chi * h) * self.inv_z0
        bstar = self.bstar_coef * y * (1.0 + self.psi_b * (zr - 1.0)) + self.mu_subsidy
        rd = self.gov_rd + b + self.o_coef * y
        dk = rd - self.delta * k
        dx[B] = self.kappa * (bstar - b)
        dx[K] = dk
        dx[RD_YEAR] = rd
        dx[GDP_YEAR] = y
        rd_rel = b / y * self.b_over_y0_inv
        cert = self.cert_rate * np.maximum(0.0, 1.0 + self.psi_c * (rd_rel - 1.0))
        dx[E] = self.e_births - (self.x_e + self.gamma_e_year) * e
        dx[M] = self.gamma_e_year * e + self.m_inflow - (self.x_m + cert) * m + self.recert * h
        dx[H] = self.h_base + cert * m - (self.x_h + self.recert) * h
        istar = self.i0 * (1.0 + self.psi_i * (zr - 1.0))
        dx[I] = self.kappa_i * (istar - x[I]) + self.inter_funded
        keff = self._keff(k)
        dkeff = dk + self._spill(dk)
        dx[Y] = (self.growth + self.eta * (dkeff / keff - self.rd_growth0)) * y
        beta = self.beta_pat
        v = keff * self.inv_keff_year - 1.0
        apps = self.app_scale * (1.0 + beta * v + 0.5 * beta * (beta - 1.0) * v * v) + self.app_subsidy
        ks = self.stage_rate
        dx[STAGE0] = apps - ks * x[STAGE0]
        for j in range(1, self.stages):
            dx[STAGE0 + j] = ks * (x[STAGE0 + j - 1] - x[STAGE0 + j])
        grants = self.grant_rate * ks * x[STAGE0 + self.stages - 1]
        dx[GRANTS_YEAR] = grants
        dx[V] = grants - self.lapse * x[V]
        return dx.reshape(-1)

    # ---- indicators ----
    def observe(self, year: int, x: np.ndarray) -> np.ndarray:
        """Indicators [I, R + 1, N] at the end of `year` (zone last)."""
        R, N = self.R, x.shape[2]
        out = np.empty((len(INDICATORS), R + 1, N))
        ix = {name: i for i, name in enumerate(INDICATORS)}
        first = year == self.start
        tau = float(year - self.start)
        y = x[Y]
        if first:
            rd, ya = self.g0 + x[B] + self.o_coef * y, y
        else:
            rd, ya = x[RD_YEAR], x[GDP_YEAR]
        out[ix["rd_intensity"], :R] = 100.0 * rd / ya
        out[ix["rd_intensity"], R] = 100.0 * seqsum(rd) / seqsum(ya)
        if first:
            out[ix["st_progress_contribution"]] = self.contribution0
        else:
            real = np.log(y) - self.lny0 - self.inflation * tau
            out[ix["st_progress_contribution"], :R] = \
                100.0 * (real - self.g_factor * tau) / np.maximum(real, self.min_growth * tau)
            s_y0 = seqsum(self.y0)
            zreal = np.log(seqsum(y) / s_y0) - self.inflation * tau
            factor = np.log(seqsum(self.y0 * np.exp(self.g_factor * tau)) / s_y0)
            out[ix["st_progress_contribution"], R] = \
                100.0 * (zreal - factor) / np.maximum(zreal, self.min_growth * tau)
        counts = {
            "platforms": seqsum(self.platforms),
            "intermediaries": x[I], "incubators": self.incubators, "innovation_teams": self.teams,
            "high_tech_enterprises": x[H], "tech_smes": x[M], "mass_entrepreneurship": x[E],
            "little_giants": self.little_giants, "maker_spaces": self.makers,
        }
        for kt, t in enumerate(PLATFORM_TYPES):
            counts[t] = self.platforms[kt]
        for name, v in counts.items():
            out[ix[name], :R] = v
            out[ix[name], R] = seqsum(v)
        n = self.n0 * np.exp(self.pop_growth * tau)
        out[ix["invention_patents_per_10k"], :R] = 1e4 * x[V] / n
        out[ix["invention_patents_per_10k"], R] = 1e4 * seqsum(x[V]) / seqsum(n)
        va = self.va_per_hte * x[H] * np.exp(self.va_growth * tau)
        iva = self.iva_share * y
        out[ix["high_tech_va_share"], :R] = 100.0 * va / iva
        out[ix["high_tech_va_share"], R] = 100.0 * seqsum(va) / seqsum(iva)
        if first:
            out[ix["invention_grant_growth"]] = self.grant_growth0
        else:
            g = x[GRANTS_YEAR]
            out[ix["invention_grant_growth"], :R] = 100.0 * ((g / self.grants_base) ** (1.0 / tau) - 1.0)
            out[ix["invention_grant_growth"], R] = \
                100.0 * ((seqsum(g) / seqsum(self.grants_base)) ** (1.0 / tau) - 1.0)
        return out

    # ---- one run over all draws ----
    def simulate(self, ids: list[str], draws: np.ndarray, uniforms: np.ndarray | None) -> np.ndarray:
        """Trajectories [I, R + 1, years + 1, N] for calendar years start..end."""
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
        x = self.init(ids, draws)
        traj = np.empty((len(INDICATORS), self.R + 1, S + 1, N))
        traj[:, :, 0] = self.observe(self.start, x)
        for yi, year in enumerate(range(self.start, self.end)):
            self.year_start(year, x, uniforms[:, yi, :])
            sol = solve_ivp(self.rhs, (year, year + 1), x.reshape(-1), method=self.method,
                            rtol=self.rtol, atol=self.atol, first_step=0.25)
            if not sol.success:
                raise RuntimeError(f"solve_ivp failed in {year + 1}: {sol.message}")
            x = sol.y[:, -1].reshape(x.shape).copy()
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
    if meta["regions"][:-1] != model.regions:
        print(f"reference_model: the run's regions {meta['regions'][:-1]} differ from the scenario's "
              f"{model.regions}", file=sys.stderr)
        return 2
    N = draws.shape[1]
    batch = a.batch if a.batch > 0 else max(N, 1)
    t0 = time.perf_counter()
    parts = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for b0 in range(0, N, batch):
            sl = slice(b0, min(N, b0 + batch))
            parts.append(model.simulate(ids, draws[:, sl], None if uniforms is None else uniforms[..., sl]))
    full = np.concatenate(parts, axis=-1)
    seconds = time.perf_counter() - t0
    # Keep the run's indicator order and report years.
    ind_idx = [INDICATORS.index(i) for i in meta["indicators"]]
    year_idx = [int(y) - model.start for y in meta["years"]]
    traj = full[ind_idx][:, :, year_idx]
    if a.time:
        print(f"reference: {N} draws in {seconds:.2f} s = {N / seconds:.1f} draws/s "
              f"({model.rhs_evals} vectorised right-hand-side evaluations, {a.method}, rtol {a.rtol:g}, "
              f"{len(parts)} batch{'es' if len(parts) > 1 else ''} of <= {batch} draws)")
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
