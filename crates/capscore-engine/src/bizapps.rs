//! Business Applications (docs/rules.md §4): (tenant, workload) pairs of Dynamics 365 and
//! Power Platform usage, revenue for performance, monthly consumption value (MCV =
//! units × rate) for customer success, and the classification into one track.

use std::ops::Range;

use capscore_catalog::{AreaRules, Classification, Scope};
use capscore_core::{AssocMask, Month, Num, TenantIdx, WorkloadId};
use capscore_data::Dataset;

use crate::outcome::{Outcome, count};
use crate::view::{Assoc, PartnerView, covers};

/// One workload of one tenant in one month.
#[derive(Debug, Clone, Copy)]
struct Pair {
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
                workload: w,
                revenue: u.revenue_usd[i],
                units: u.units[i],
            })
        })
    }

    fn mcv(&self, p: &Pair) -> Num {
        let rate = self
            .area
            .mcv_rate
            .get(p.workload.index())
            .copied()
            .flatten();
        rate.map_or_else(|| Num::from_integer(0), |r| p.units * r)
    }

    /// Pairs in month `x` covered through `mask` for which `pred` holds.
    fn count_pairs(&self, mask: AssocMask, x: Month, pred: impl Fn(&Pair) -> bool) -> usize {
        self.view
            .tenants
            .iter()
            .map(|(t, a)| {
                self.pairs(*t, x)
                    .filter(|p| covers(a, mask, p.workload, x) && pred(p))
                    .count()
            })
            .sum()
    }

    fn scoped(assocs: &[Assoc], scopes: &[Scope], w: WorkloadId, x: Month) -> bool {
        scopes
            .iter()
            .any(|s| s.workloads.contains(w) && covers(assocs, s.assoc, w, x))
    }

    /// Pairs in month `x` covered through the workload's scope for which `pred` holds.
    fn scoped_pairs(&self, scopes: &[Scope], x: Month) -> Vec<Pair> {
        self.view
            .tenants
            .iter()
            .flat_map(|(t, a)| {
                self.pairs(*t, x)
                    .filter(move |p| Self::scoped(a, scopes, p.workload, x))
            })
            .collect()
    }

    /// The track the partner is classified into, and why (`track_name`: the display
    /// name of the classification's track).
    pub fn classify(&self, c: &Classification, track_name: &str) -> (String, String) {
        let over = |x: Month| self.count_pairs(c.assoc, x, |p| p.revenue > c.revenue_above);
        let (now, before) = (over(self.m), over(self.m.year_ago()));
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
    pub fn net_customer_adds(&self, mask: AssocMask, min: Num) -> Outcome {
        let at = |x: Month| self.count_pairs(mask, x, |p| p.revenue >= min);
        Outcome::of(count(at(self.m)) - count(at(self.m.year_ago())))
    }

    /// Percentage MCV growth; nothing unless MCV at `m-12` is at least `min_baseline`.
    pub fn usage_growth(&self, scopes: &[Scope], min_baseline: Num) -> Outcome {
        let total = |x: Month| {
            self.scoped_pairs(scopes, x)
                .iter()
                .fold(Num::from_integer(0), |acc, p| acc + self.mcv(p))
        };
        let (now, before) = (total(self.m), total(self.m.year_ago()));
        if before < min_baseline || before <= Num::from_integer(0) {
            return Outcome::noted(
                Num::from_integer(0),
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
    pub fn deployments(&self, scopes: &[Scope], min: Num) -> Outcome {
        let at = |x: Month| {
            self.scoped_pairs(scopes, x)
                .iter()
                .filter(|p| self.mcv(p) >= min)
                .count()
        };
        Outcome::of(count(at(self.m)) - count(at(self.m.year_ago())))
    }
}
