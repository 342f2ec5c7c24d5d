//! Business Applications (docs/rules.md §4): (tenant, workload) pairs of Dynamics 365 and
//! Power Platform usage, revenue for performance, monthly consumption value (MCV =
//! units × rate) for customer success, and the classification into one track.

use std::ops::Range;

use capscore_catalog::{AreaRules, Classification, Scope};
use capscore_core::{AssocMask, Month, Num, TenantIdx, WorkloadId};
use capscore_data::Dataset;

use crate::outcome::{Outcome, count};
use crate::trace::{Item, Reason, Rule, Src, Tracer};
use crate::view::{Assoc, PartnerView, covers, trace_assocs};

/// One workload of one tenant in one month.
#[derive(Debug, Clone, Copy)]
struct Pair {
    row: usize,
    workload: WorkloadId,
    revenue: Num,
    units: Num,
}

/// Business Applications queries for one partner.
pub(crate) struct BizApps<'a> {
    pub data: &'a Dataset,
    pub view: &'a PartnerView,
    pub area: &'a AreaRules,
    pub m: Month,
}

impl BizApps<'_> {
    fn rows(&self, t: TenantIdx, x: Month) -> Range<usize> {
        let u = &self.data.bizapps_usage;
        let Some(r) = u.by_tenant.get(t.index()) else {
            return 0..0;
        };
        let (lo, hi) = (r.start as usize, r.end as usize);
        let months = &u.month[lo..hi];
        lo + months.partition_point(|m| *m < x)..lo + months.partition_point(|m| *m <= x)
    }

    fn pairs(&self, t: TenantIdx, x: Month) -> impl Iterator<Item = Pair> + '_ {
        let u = &self.data.bizapps_usage;
        self.rows(t, x).filter_map(move |i| {
            let w = u.workload[i];
            self.area.eligible_workloads.contains(w).then(|| Pair {
                row: i,
                workload: w,
                revenue: u.revenue_usd[i],
                units: u.units[i],
            })
        })
    }

    fn rate(&self, w: WorkloadId) -> Option<Num> {
        self.area.mcv_rate.get(w.index()).copied().flatten()
    }

    fn mcv(&self, p: &Pair) -> Num {
        self.rate(p.workload)
            .map_or_else(|| Num::from_integer(0), |r| p.units * r)
    }

    /// An entry about one pair (explain).
    fn item(&self, t: TenantIdx, p: &Pair, role: &'static str, x: Month) -> Item {
        let mut item = Item::rule(Rule::Metric)
            .tenant(t)
            .workload(p.workload)
            .month(role, x)
            .amount("revenue_usd", p.revenue)
            .amount("units", p.units)
            .amount("mcv", self.mcv(p))
            .src([Src::BizApps(p.row)]);
        if let Some(r) = self.rate(p.workload) {
            item = item.amount("rate", r);
        }
        item
    }

    /// Explain: rows of the tenant in `x` outside the area's workloads or not covered
    /// (`covered` says which pairs are), each with why.
    fn trace_uncovered<T: Tracer>(
        &self,
        tr: &mut T,
        t: TenantIdx,
        x: Month,
        role: &'static str,
        covered: &dyn Fn(&Pair) -> bool,
    ) {
        let u = &self.data.bizapps_usage;
        for i in self.rows(t, x) {
            if !self.area.eligible_workloads.contains(u.workload[i]) {
                let mut item = Item::rule(Rule::EligibleWorkloads)
                    .tenant(t)
                    .workload(u.workload[i])
                    .month(role, x)
                    .src([Src::BizApps(i)]);
                item.rule = Rule::EligibleWorkloads;
                tr.exclude(Reason::WorkloadOutsideArea, item);
            }
        }
        for p in self.pairs(t, x).filter(|p| !covered(p)) {
            let mut item = self.item(t, &p, role, x);
            item.rule = Rule::Associations;
            tr.exclude(Reason::NotAttributed, item);
        }
    }

    /// Pairs in month `x` covered through `mask` for which `pred` holds. Explain: each
    /// adds `sign` under `rule`; pairs failing `pred` are below its threshold.
    fn count_pairs<T: Tracer>(
        &self,
        mask: AssocMask,
        x: Month,
        pred: impl Fn(&Pair) -> bool,
        tr: &mut T,
        (sign, role, rule): (i128, &'static str, Rule),
    ) -> usize {
        self.view
            .tenants
            .iter()
            .map(|(t, a)| {
                let n = self
                    .pairs(*t, x)
                    .filter(|p| covers(a, mask, p.workload, x) && pred(p))
                    .count();
                if T::ON {
                    for p in self.pairs(*t, x).filter(|p| covers(a, mask, p.workload, x)) {
                        let mut item = self.item(*t, &p, role, x);
                        item.rule = rule;
                        if pred(&p) {
                            item.amount = Num::from_integer(sign);
                            tr.add(item);
                        } else {
                            tr.exclude(Reason::BelowThreshold, item);
                        }
                    }
                    self.trace_uncovered(tr, *t, x, role, &|p| covers(a, mask, p.workload, x));
                }
                n
            })
            .sum()
    }

    fn scoped(assocs: &[Assoc], scopes: &[Scope], w: WorkloadId, x: Month) -> bool {
        scopes
            .iter()
            .any(|s| s.workloads.contains(w) && covers(assocs, s.assoc, w, x))
    }

    /// Pairs in month `x` covered through the workload's scope. Explain: the pairs
    /// not covered are excluded.
    fn scoped_pairs<T: Tracer>(
        &self,
        scopes: &[Scope],
        x: Month,
        tr: &mut T,
        role: &'static str,
    ) -> Vec<(TenantIdx, Pair)> {
        let mut out = Vec::new();
        for (t, a) in &self.view.tenants {
            out.extend(
                self.pairs(*t, x)
                    .filter(|p| Self::scoped(a, scopes, p.workload, x))
                    .map(|p| (*t, p)),
            );
            if T::ON {
                self.trace_uncovered(tr, *t, x, role, &|p| Self::scoped(a, scopes, p.workload, x));
            }
        }
        out
    }

    /// Explain: every tenant's associations this option cannot use, each with why.
    fn trace_assocs<T: Tracer>(&self, tr: &mut T, mask: AssocMask) {
        if !T::ON {
            return;
        }
        for (t, a) in &self.view.tenants {
            let eligible = |w| self.area.eligible_workloads.contains(w);
            let kept = trace_assocs(tr, *t, a, mask, &[self.m, self.m.year_ago()], |a| {
                (!a.covers_any(eligible)).then_some(Reason::WorkloadOutsideArea)
            });
            tr.attach_tenant(*t, kept);
        }
    }

    /// The track the partner is classified into, and why (`track_name`: the display
    /// name of the classification's track). Explain: the pairs over the revenue at `m`
    /// and `m-12` (the evidence) are recorded.
    pub(crate) fn classify<T: Tracer>(
        &self,
        c: &Classification,
        track_name: &str,
        tr: &mut T,
    ) -> (String, String) {
        let rule = Rule::Setting("revenue_above");
        let mut over = |x: Month, role: &'static str| {
            self.count_pairs(
                c.assoc,
                x,
                |p| p.revenue > c.revenue_above,
                tr,
                (1, role, rule),
            )
        };
        let (now, before) = (over(self.m, "m"), over(self.m.year_ago(), "m-12"));
        let min = c.min_pairs as usize;
        let track = if now >= min && before >= min {
            &c.track
        } else {
            &c.otherwise
        };
        let why = format!(
            "{now} (tenant, workload) pairs with revenue over {} at {} and {before} at {}; the {} track needs {min} in both",
            capscore_core::format_amount(&c.revenue_above, "USD", "USD"),
            self.m,
            self.m.year_ago(),
            track_name
        );
        (track.clone(), why)
    }

    /// Pairs with revenue of at least `min` at `m` minus at `m-12`.
    pub(crate) fn net_customer_adds<T: Tracer>(
        &self,
        mask: AssocMask,
        min: Num,
        tr: &mut T,
    ) -> Outcome {
        let rule = Rule::Setting("min_revenue_usd");
        let now = self.count_pairs(mask, self.m, |p| p.revenue >= min, tr, (1, "m", rule));
        let before = self.count_pairs(
            mask,
            self.m.year_ago(),
            |p| p.revenue >= min,
            tr,
            (-1, "m-12", rule),
        );
        self.trace_assocs(tr, mask);
        Outcome::of(count(now) - count(before))
    }

    /// Percentage MCV growth; nothing unless MCV at `m-12` is at least `min_baseline`.
    pub(crate) fn usage_growth<T: Tracer>(
        &self,
        scopes: &[Scope],
        min_baseline: Num,
        tr: &mut T,
    ) -> Outcome {
        let zero = Num::from_integer(0);
        let at_m = self.scoped_pairs(scopes, self.m, tr, "m");
        let at_y = self.scoped_pairs(scopes, self.m.year_ago(), tr, "m-12");
        let total =
            |pairs: &[(TenantIdx, Pair)]| pairs.iter().fold(zero, |acc, (_, p)| acc + self.mcv(p));
        let (now, before) = (total(&at_m), total(&at_y));
        let cut = before < min_baseline || before <= zero;
        if T::ON {
            let hundred = Num::from_integer(100);
            let mut sum = zero;
            for (pairs, sign, role, x) in [
                (&at_m, 1, "m", self.m),
                (&at_y, -1, "m-12", self.m.year_ago()),
            ] {
                for (t, p) in pairs {
                    let mut item = self.item(*t, p, role, x);
                    if before > zero {
                        item.amount = self.mcv(p) * hundred / before * Num::from_integer(sign);
                    }
                    sum += item.amount;
                    tr.add(item);
                }
            }
            if cut {
                tr.add(
                    Item::new(Rule::Setting("min_baseline_mcv"), -sum)
                        .month("m-12", self.m.year_ago())
                        .amount("mcv_at_m", now)
                        .amount("mcv_at_m-12", before)
                        .amount("threshold", min_baseline),
                );
            }
            self.trace_assocs(
                tr,
                scopes
                    .iter()
                    .fold(AssocMask::EMPTY, |m, s| m.union(s.assoc)),
            );
        }
        if cut {
            return Outcome::noted(
                zero,
                format!(
                    "baseline MCV at {} is {}, under {}: no points",
                    self.m.year_ago(),
                    capscore_core::format_num(&before, true),
                    capscore_core::format_num(&min_baseline, true)
                ),
            );
        }
        Outcome::of((now - before) * Num::from_integer(100) / before)
    }

    /// Pairs with MCV of at least `min` at `m` minus at `m-12`.
    pub(crate) fn deployments<T: Tracer>(&self, scopes: &[Scope], min: Num, tr: &mut T) -> Outcome {
        let at = |x: Month, sign: i128, role: &'static str, tr: &mut T| {
            let mut n = 0;
            for (t, p) in self.scoped_pairs(scopes, x, tr, role) {
                let counts = self.mcv(&p) >= min;
                n += usize::from(counts);
                if T::ON {
                    let mut item = self.item(t, &p, role, x).amount("threshold", min);
                    item.rule = Rule::Setting("min_mcv");
                    if counts {
                        item.amount = Num::from_integer(sign);
                        tr.add(item);
                    } else {
                        tr.exclude(Reason::BelowThreshold, item);
                    }
                }
            }
            n
        };
        let now = at(self.m, 1, "m", tr);
        let before = at(self.m.year_ago(), -1, "m-12", tr);
        self.trace_assocs(
            tr,
            scopes
                .iter()
                .fold(AssocMask::EMPTY, |m, s| m.union(s.assoc)),
        );
        Outcome::of(count(now) - count(before))
    }
}
