"""The one-page summary: the binding target's verdict and P(met) with its
labelled uncertainty, P(all binding met), the targets off track, each other
scenario's effect against the plan, what a sweep says it takes, and one
headline sentence made from these numbers. The same facts feed the HTML
section and the PDF's first page."""

from dataclasses import dataclass, field

from .analysis import changes, p_all_binding_se, sweep_needs, lever_scale
from .i18n import fmt_p_se, fmt_pct, fmt_pp, fmt_se, t, verdict_text


@dataclass
class Effect:
    run: object
    role: str
    binding: list          # Change per binding target of the plan
    up: int
    down: int
    largest: object        # the Change with the largest significant |delta|, or None
    levers: list           # text lines: lever changes against the plan


@dataclass
class Summary:
    headline: str
    counts: str
    takes: list
    binding: list          # dicts of display strings
    p_all_binding: tuple   # (p, se)
    off_track: list        # dicts of display strings
    effects: list
    se_label: str
    records: list = field(default_factory=list)  # target records shown (for the side file)


def target_name(ctx, run, tg):
    name = run.indicator_name(tg.indicator, ctx.lang)
    if tg.region != run.zone_id:
        name += f" · {run.region_name(tg.region, ctx.lang)}"
    return name


def target_phrase(ctx, run, tg):
    """'全社会研发投入占生产总值的比重 ≥ 2.50%（2020年）'."""
    from .charts import target_text
    lang = ctx.lang
    when = f"（{tg.year}年）" if lang == "zh" else f" ({tg.year})"
    return f"{target_name(ctx, run, tg)} {target_text(ctx, run, tg)}{when}"


def build_summary(ctx, effects_levers):
    lang, plan = ctx.lang, ctx.plan
    fmt = ctx.fmt
    bind = plan.binding_targets()
    records = [tg.record(plan.label) for tg in plan.targets]
    binding = [dict(label=target_phrase(ctx, plan, tg), verdict=verdict_text(lang, tg.verdict),
                    verdict_key=tg.verdict.replace(" ", "-"), p=fmt_pct(tg.p_met),
                    p_se=fmt_p_se(tg.p_met, tg.p_met_se, lang), se=fmt_se(tg.p_met_se),
                    median=fmt.value(tg.indicator, tg.median),
                    band=fmt.band(tg.indicator, tg.q05, tg.q95),
                    target=f"{tg.value}", index=tg.index) for tg in bind]
    pab = p_all_binding_se(plan)
    off = [dict(label=target_phrase(ctx, plan, tg), median=fmt.value(tg.indicator, tg.median),
                p=fmt_pct(tg.p_met), binding=tg.binding)
           for tg in sorted(plan.targets, key=lambda x: (x.p_met, x.index))
           if tg.verdict == "off track"]

    effects = []
    for run in ctx.others():
        ch = changes(plan, run)
        bch = [c for c in ch if c.plan.binding]
        sig = [c for c in ch if c.significant]
        largest = max(sig, key=lambda c: abs(c.delta)) if sig else None
        effects.append(Effect(run=run, role=ctx.roles[run.label], binding=bch,
                              up=sum(1 for c in sig if c.delta > 0),
                              down=sum(1 for c in sig if c.delta < 0), largest=largest,
                              levers=effects_levers.get(run.label, [])))

    headline = _headline(ctx, bind, pab, effects)
    counts = t(lang, "headline_counts", n=len(plan.targets),
               on=sum(tg.verdict == "on track" for tg in plan.targets),
               risk=sum(tg.verdict == "at risk" for tg in plan.targets),
               off=sum(tg.verdict == "off track" for tg in plan.targets))
    takes = _takes(ctx, bind)
    return Summary(headline=headline, counts=counts, takes=takes, binding=binding,
                   p_all_binding=pab, off_track=off, effects=effects,
                   se_label=t(lang, "se_label"), records=records)


def _headline(ctx, bind, pab, effects):
    lang, plan = ctx.lang, ctx.plan
    if not bind:
        return ""
    if len(bind) == 1:
        tg = bind[0]
        s = t(lang, "headline_one", scn=plan.name(lang), tgt=target_phrase(ctx, plan, tg),
              verdict=verdict_text(lang, tg.verdict), p=fmt_pct(tg.p_met),
              med=ctx.fmt.value(tg.indicator, tg.median))
        # the other scenario that moves this target most, beyond noise
        best = None
        for e in effects:
            c = next((c for c in e.binding if c.plan.index == tg.index), None)
            if c is not None and c.other is not None and c.significant and (
                    best is None or abs(c.delta) > abs(best[1].delta)):
                best = (e, c)
        if best is not None:
            e, c = best
            d = t(lang, "up") if c.delta > 0 else t(lang, "down")
            key = "headline_best_verdict" if c.other.verdict != tg.verdict else "headline_best"
            s += t(lang, key, scn=e.run.name(lang), dir=d, p=fmt_pct(c.other.p_met),
                   delta=fmt_pp(c.delta, lang), verdict=verdict_text(lang, c.other.verdict))
        elif effects:
            s += t(lang, "headline_none")
        return s + t(lang, "headline_end")
    k = sum(tg.verdict == "on track" for tg in bind)
    return t(lang, "headline_many", scn=plan.name(lang), n=len(bind), k=k,
             p=fmt_pct(pab[0])) + t(lang, "headline_end")


def _takes(ctx, bind):
    """One sentence per sweep of the plan's scenario on a binding target."""
    lang, plan = ctx.lang, ctx.plan
    out = []
    for sw in ctx.sweeps:
        if sw.id != plan.id:
            continue
        sc = lever_scale(sw.lever_unit, lang, sw.lever_value)
        for tg in bind:
            st = next((x for x in sw.targets if x.key == tg.key), None)
            if st is None:
                continue
            med, _ = sweep_needs(sw, st)
            base = sc.value(sw.base_value)
            ind = plan.indicator_name(tg.indicator, lang)
            if med.beyond:
                out.append(t(lang, "headline_takes_beyond", lever=sw.lever_name(lang),
                             v=sc.value(med.max_value), plan=plan.name(lang), base=base, ind=ind))
            else:
                out.append(t(lang, "headline_takes", lever=sw.lever_name(lang),
                             v=sc.value(med.value), plan=plan.name(lang), base=base, ind=ind))
    for sv in ctx.solves:
        if sv.id == plan.id:
            from .solve import answer_text
            sep = "：" if lang == "zh" else ": "
            out.append(f"{sv.target_name(lang)}{sep}{answer_text(ctx, sv)}")
    return out


def effect_cells(ctx, e):
    """Display strings of one row of the effects table."""
    lang = ctx.lang
    parts = []
    for c in e.binding:
        if c.other is None:
            parts.append(t(lang, "n/a"))
            continue
        parts.append(f"{fmt_pct(c.plan.p_met)} → {fmt_pct(c.other.p_met)}"
                     f"（{fmt_pp(c.delta, lang)}）" if lang == "zh" else
                     f"{fmt_pct(c.plan.p_met)} → {fmt_pct(c.other.p_met)} "
                     f"({fmt_pp(c.delta, lang)})")
    largest = ""
    if e.largest is not None:
        largest = f"{target_name(ctx, ctx.plan, e.largest.plan)} {fmt_pp(e.largest.delta, lang)}"
    return dict(binding="；".join(parts) if lang == "zh" else "; ".join(parts),
                updown=f"{e.up} / {e.down}", largest=largest or t(lang, "none"))
