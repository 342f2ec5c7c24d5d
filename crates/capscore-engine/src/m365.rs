//! Microsoft 365 metric kinds (docs/rules.md §0–§1): net customer adds, usage growth with
//! the claim baseline, deployed services. Tenants count in a track only in months
//! when they are in the track's band.

use capscore_catalog::{AreaRules, DeploymentUnit, Params, TrackRules};
use capscore_core::{AssocMask, Month, Num, TenantIdx, WorkloadId};
use capscore_data::Dataset;

use crate::outcome::count;
use crate::trace::{Item, Reason, Rule, Src, Tracer};
use crate::view::{Assoc, PartnerView, covers, trace_assocs};

/// One workload of one tenant in one month.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub row: usize,
    pub workload: WorkloadId,
    pub paid: u64,
    pub active: u64,
}

/// A further test a counted row must pass (explain), and the percentage it reads.
type Extra<'f> = (&'f dyn Fn(&Usage) -> bool, Num);

/// What a (tenant, month) looks like to one track of one area.
pub(crate) struct Context<'a> {
    data: &'a Dataset,
    view: &'a PartnerView,
    area: &'a AreaRules,
    track: &'a TrackRules,
    m: Month,
    params: &'a Params,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        data: &'a Dataset,
        view: &'a PartnerView,
        area: &'a AreaRules,
        track: &'a TrackRules,
        m: Month,
        params: &'a Params,
    ) -> Self {
        Context {
            data,
            view,
            area,
            track,
            m,
            params,
        }
    }

    /// Eligible-workload usage of a tenant in a month.
    fn usage(&self, t: TenantIdx, x: Month) -> impl Iterator<Item = Usage> + '_ {
        let u = &self.data.m365_usage;
        u.rows(t, x).filter_map(move |i| {
            let w = u.workload[i];
            self.area.eligible_workloads.contains(w).then(|| Usage {
                row: i,
                workload: w,
                paid: u.paid_units[i],
                active: u.active_users[i],
            })
        })
    }

    fn usage_of(&self, t: TenantIdx, w: WorkloadId, x: Month) -> Option<Usage> {
        self.usage(t, x).find(|u| u.workload == w)
    }

    /// Whether the tenant is in the track's band in month `x` (judged on all its
    /// eligible workloads). A track without a band takes every tenant.
    fn in_band(&self, t: TenantIdx, x: Month) -> bool {
        match self.track.band {
            None => true,
            Some(b) => self.usage(t, x).any(|u| b.holds(u.paid)),
        }
    }

    /// Associated in `x` through `mask`, for the whole tenant or an eligible workload.
    fn associated(&self, assocs: &[Assoc], mask: AssocMask, x: Month) -> bool {
        assocs
            .iter()
            .any(|a| mask.contains(a.kind) && self.covers_eligible(a) && a.in_force(x))
    }

    /// Whether an association covers the whole tenant or an eligible workload.
    pub(crate) fn covers_eligible(&self, a: &Assoc) -> bool {
        a.covers_any(|w| self.area.eligible_workloads.contains(w))
    }

    /// The month the current unbroken spell of coverage of (tenant, workload) began,
    /// for a coverage that holds at `m` but not at `m-12`.
    fn claim_month(&self, assocs: &[Assoc], mask: AssocMask, w: WorkloadId) -> Month {
        let mut start = self.m;
        while start.since(self.m) > -11 && covers(assocs, mask, w, start.offset(-1)) {
            start = start.offset(-1);
        }
        start
    }

    /// Tenants in the band and associated at `m`, minus the same at `m-12` (a tenant
    /// counts once whatever the number of its associations).
    pub(crate) fn net_customer_adds<T: Tracer>(&self, mask: AssocMask, tr: &mut T) -> Num {
        let (m, y) = (self.m, self.m.year_ago());
        let mut net: i128 = 0;
        for (t, assocs) in &self.view.tenants {
            let now = self.associated(assocs, mask, m) && self.in_band(*t, m);
            let before = self.associated(assocs, mask, y) && self.in_band(*t, y);
            net += i128::from(now) - i128::from(before);
            if T::ON {
                let mark = tr.mark();
                if now || before {
                    let rows = [(m, now), (y, before)]
                        .into_iter()
                        .filter(|(_, counts)| *counts)
                        .flat_map(|(x, _)| self.usage(*t, x).map(|u| Src::M365(u.row)));
                    let item = Item::new(
                        Rule::Metric,
                        count(usize::from(now)) - count(usize::from(before)),
                    )
                    .tenant(*t)
                    .month("m", m)
                    .month("m-12", y)
                    .flag("counts_at_m", now)
                    .flag("counts_at_m-12", before)
                    .int("seats_at_m", self.seats(*t, m))
                    .int("seats_at_m-12", self.seats(*t, y))
                    .src(rows.collect::<Vec<_>>());
                    tr.add(item);
                }
                for (x, role, counts) in [(m, "m", now), (y, "m-12", before)] {
                    if !counts {
                        let (reason, rule) = if self.associated(assocs, mask, x) {
                            (Reason::OutsideBand, Rule::Band)
                        } else {
                            (Reason::NotAttributed, Rule::Associations)
                        };
                        let item = Item::rule(rule)
                            .tenant(*t)
                            .month(role, x)
                            .int("seats", self.seats(*t, x))
                            .src(
                                self.usage(*t, x)
                                    .map(|u| Src::M365(u.row))
                                    .collect::<Vec<_>>(),
                            );
                        tr.exclude(reason, item);
                    }
                    self.trace_outside_area(tr, *t, x, role);
                }
                let kept = self.trace_assocs(tr, *t, assocs, mask);
                tr.attach(mark, *t, kept);
            }
        }
        Num::from_integer(net)
    }

    /// Σ MAU at `m` − Σ MAU at `m-12` − Σ MAU at the claim month of coverages that
    /// started inside the TTM, over covered eligible workloads of tenants in the band.
    pub(crate) fn usage_growth<T: Tracer>(&self, mask: AssocMask, tr: &mut T) -> Num {
        let (m, y) = (self.m, self.m.year_ago());
        let mut total: i128 = 0;
        for (t, assocs) in &self.view.tenants {
            let mark = tr.mark();
            if self.in_band(*t, m) {
                for u in self
                    .usage(*t, m)
                    .filter(|u| covers(assocs, mask, u.workload, m))
                {
                    let mut net = i128::from(u.active);
                    let mut item = None;
                    if T::ON {
                        item = Some(
                            Item::rule(Rule::Metric)
                                .tenant(*t)
                                .workload(u.workload)
                                .month("m", m)
                                .int("mau_at_m", u.active)
                                .int("paid_at_m", u.paid)
                                .src([Src::M365(u.row)]),
                        );
                    }
                    if !covers(assocs, mask, u.workload, y) {
                        let c = self.claim_month(assocs, mask, u.workload);
                        let base = self.usage_of(*t, u.workload, c);
                        net -= base.map_or(0, |b| i128::from(b.active));
                        if T::ON {
                            item = item.map(|i| {
                                i.month("claim", c)
                                    .int("claim_baseline_mau", base.map_or(0, |b| b.active))
                                    .flag("covered_at_m-12", false)
                                    .src(base.map(|b| Src::M365(b.row)))
                            });
                        }
                    }
                    total += net;
                    if let Some(mut i) = item {
                        i.amount = Num::from_integer(net);
                        tr.add(i);
                    }
                }
            }
            if self.in_band(*t, y) {
                for u in self
                    .usage(*t, y)
                    .filter(|u| covers(assocs, mask, u.workload, y))
                {
                    total -= i128::from(u.active);
                    if T::ON {
                        tr.add(
                            Item::new(Rule::Metric, -Num::from_integer(i128::from(u.active)))
                                .tenant(*t)
                                .workload(u.workload)
                                .month("m-12", y)
                                .int("mau_at_m-12", u.active)
                                .int("paid_at_m-12", u.paid)
                                .src([Src::M365(u.row)]),
                        );
                    }
                }
            }
            if T::ON {
                for (x, role) in [(m, "m"), (y, "m-12")] {
                    self.trace_uncounted(tr, *t, assocs, mask, x, role, None);
                }
                let kept = self.trace_assocs(tr, *t, assocs, mask);
                tr.attach(mark, *t, kept);
            }
        }
        Num::from_integer(total)
    }

    /// Deployed services (or tenants, per `deployment_unit`) at `m` − at `m-12` −
    /// those whose coverage started inside the TTM and that were already deployed at
    /// the claim month.
    pub(crate) fn deployments<T: Tracer>(
        &self,
        mask: AssocMask,
        active_percent: Option<Num>,
        tr: &mut T,
    ) -> Num {
        let pct = active_percent.unwrap_or_else(|| Num::from_integer(0));
        // active / paid >= pct / 100, cross-multiplied in integers (exact, no fractions
        // built per row).
        let (num, den) = (*pct.numer(), *pct.denom());
        let deployed =
            |u: &Usage| u.paid > 0 && i128::from(u.active) * 100 * den >= num * i128::from(u.paid);
        let unit = self.params.deployment_unit;
        let per_service = i128::from(unit == DeploymentUnit::Service);
        let (m, y) = (self.m, self.m.year_ago());
        let (mut now, mut before) = (0usize, 0usize);
        for (t, assocs) in &self.view.tenants {
            let mark = tr.mark();
            if self.in_band(*t, m) {
                // For each deployed covered service: whether it counts as new.
                let services: Vec<bool> = self
                    .usage(*t, m)
                    .filter(|u| deployed(u) && covers(assocs, mask, u.workload, m))
                    .map(|u| {
                        let claim = (!covers(assocs, mask, u.workload, y))
                            .then(|| self.claim_month(assocs, mask, u.workload));
                        let base = claim.and_then(|c| self.usage_of(*t, u.workload, c));
                        let pre_deployed = base.is_some_and(|b| deployed(&b));
                        if T::ON {
                            let mut item = Item::rule(Rule::Metric)
                                .tenant(*t)
                                .workload(u.workload)
                                .month("m", m)
                                .int("mau_at_m", u.active)
                                .int("paid_at_m", u.paid)
                                .src([Src::M365(u.row)]);
                            if let Some(c) = claim {
                                item = item
                                    .month("claim", c)
                                    .flag("deployed_at_claim", pre_deployed)
                                    .src(base.map(|b| Src::M365(b.row)));
                            }
                            if pre_deployed {
                                tr.exclude(Reason::DeployedBeforeClaim, item);
                            } else {
                                item.amount = Num::from_integer(per_service);
                                tr.add(item);
                            }
                        }
                        !pre_deployed
                    })
                    .collect();
                let n = match unit {
                    DeploymentUnit::Service => services.iter().filter(|new| **new).count(),
                    DeploymentUnit::Tenant => usize::from(services.iter().any(|new| *new)),
                };
                now += n;
                if T::ON && unit == DeploymentUnit::Tenant && n > 0 {
                    tr.add(
                        Item::new(Rule::Parameter("deployment_unit"), count(n))
                            .tenant(*t)
                            .month("m", m),
                    );
                }
            }
            if self.in_band(*t, y) {
                let mut n = 0;
                for u in self
                    .usage(*t, y)
                    .filter(|u| deployed(u) && covers(assocs, mask, u.workload, y))
                {
                    n += 1;
                    if T::ON {
                        tr.add(
                            Item::new(Rule::Metric, Num::from_integer(-per_service))
                                .tenant(*t)
                                .workload(u.workload)
                                .month("m-12", y)
                                .int("mau_at_m-12", u.active)
                                .int("paid_at_m-12", u.paid)
                                .src([Src::M365(u.row)]),
                        );
                    }
                }
                let n = match unit {
                    DeploymentUnit::Service => n,
                    DeploymentUnit::Tenant => usize::from(n > 0),
                };
                before += n;
                if T::ON && unit == DeploymentUnit::Tenant && n > 0 {
                    tr.add(
                        Item::new(Rule::Parameter("deployment_unit"), -count(n))
                            .tenant(*t)
                            .month("m-12", y),
                    );
                }
            }
            if T::ON {
                for (x, role) in [(m, "m"), (y, "m-12")] {
                    self.trace_uncounted(tr, *t, assocs, mask, x, role, Some((&deployed, pct)));
                }
                let kept = self.trace_assocs(tr, *t, assocs, mask);
                tr.attach(mark, *t, kept);
            }
        }
        count(now) - count(before)
    }

    /// Tenants (in the band) with some covered eligible workload in month `x` for
    /// which `pred` holds. Explain: each counted tenant adds `sign`, under `rule`.
    pub(crate) fn tenants_where<T: Tracer>(
        &self,
        mask: AssocMask,
        x: Month,
        pred: impl Fn(&Usage) -> bool,
        tr: &mut T,
        (sign, role, rule): (i128, &'static str, Rule),
    ) -> usize {
        let mut n = 0;
        for (t, assocs) in &self.view.tenants {
            let counts = self.in_band(*t, x)
                && self
                    .usage(*t, x)
                    .any(|u| covers(assocs, mask, u.workload, x) && pred(&u));
            n += usize::from(counts);
            if T::ON {
                let rows: Vec<Src> = self.usage(*t, x).map(|u| Src::M365(u.row)).collect();
                let item = Item::rule(rule)
                    .tenant(*t)
                    .month(role, x)
                    .int("seats", self.seats(*t, x));
                if counts {
                    let mut item = item.src(rows);
                    item.amount = Num::from_integer(sign);
                    tr.add(item);
                } else {
                    let reason = if !self.in_band(*t, x) {
                        Reason::OutsideBand
                    } else if self
                        .usage(*t, x)
                        .any(|u| covers(assocs, mask, u.workload, x))
                    {
                        Reason::BelowThreshold
                    } else {
                        Reason::NotAttributed
                    };
                    tr.exclude(reason, item.src(rows));
                }
                self.trace_outside_area(tr, *t, x, role);
            }
        }
        n
    }

    /// Σ active users of covered eligible workloads with paid seats, in month `x`.
    /// Explain: the rows counted are pushed to `used`, the others excluded.
    pub(crate) fn active_paid_users<T: Tracer>(
        &self,
        mask: AssocMask,
        x: Month,
        tr: &mut T,
        (role, used): (&'static str, &mut Vec<Usage>),
    ) -> i128 {
        let mut total = 0;
        for (t, assocs) in &self.view.tenants {
            if self.in_band(*t, x) {
                for u in self
                    .usage(*t, x)
                    .filter(|u| u.paid > 0 && covers(assocs, mask, u.workload, x))
                {
                    total += i128::from(u.active);
                    if T::ON {
                        used.push(u);
                    }
                }
            }
            if T::ON {
                let paid = |u: &Usage| u.paid > 0;
                let pct = Num::from_integer(0);
                self.trace_uncounted(tr, *t, assocs, mask, x, role, Some((&paid, pct)));
            }
        }
        total
    }

    /// The tenant's highest paid seats on one eligible workload in `x` (explain).
    pub(crate) fn seats(&self, t: TenantIdx, x: Month) -> u64 {
        self.usage(t, x).map(|u| u.paid).max().unwrap_or(0)
    }

    /// The tenant of a usage row, for the sources of an entry.
    pub(crate) fn tenant_of(&self, row: usize) -> TenantIdx {
        self.data.m365_usage.tenant[row]
    }

    /// Explain: rows of workloads outside the area, each excluded.
    fn trace_outside_area<T: Tracer>(
        &self,
        tr: &mut T,
        t: TenantIdx,
        x: Month,
        role: &'static str,
    ) {
        if !tr.keeps(Reason::WorkloadOutsideArea) {
            return;
        }
        let u = &self.data.m365_usage;
        for i in u.rows(t, x) {
            let w = u.workload[i];
            if !self.area.eligible_workloads.contains(w) {
                tr.exclude(
                    Reason::WorkloadOutsideArea,
                    Item::rule(Rule::EligibleWorkloads)
                        .tenant(t)
                        .workload(w)
                        .month(role, x)
                        .int("mau", u.active_users[i])
                        .int("paid", u.paid_units[i])
                        .src([Src::M365(i)]),
                );
            }
        }
    }

    /// Explain: every row of the tenant in `x` that the metric did not count (outside
    /// the area, outside the band, not covered, or failing `extra`), each with why.
    #[allow(clippy::too_many_arguments)]
    fn trace_uncounted<T: Tracer>(
        &self,
        tr: &mut T,
        t: TenantIdx,
        assocs: &[Assoc],
        mask: AssocMask,
        x: Month,
        role: &'static str,
        extra: Option<Extra<'_>>,
    ) {
        self.trace_outside_area(tr, t, x, role);
        let band = self.in_band(t, x);
        for u in self.usage(t, x) {
            let (reason, rule) = if !band {
                (Reason::OutsideBand, Rule::Band)
            } else if !covers(assocs, mask, u.workload, x) {
                (Reason::NotAttributed, Rule::Associations)
            } else {
                match extra {
                    Some((ok, _)) if !ok(&u) => (Reason::BelowThreshold, Rule::ActivePercent),
                    _ => continue,
                }
            };
            if !tr.keeps(reason) {
                continue;
            }
            let mut item = Item::rule(rule)
                .tenant(t)
                .workload(u.workload)
                .month(role, x)
                .int("mau", u.active)
                .int("paid", u.paid)
                .src([Src::M365(u.row)]);
            match (reason, extra) {
                (Reason::OutsideBand, _) => item = item.int("seats", self.seats(t, x)),
                (Reason::BelowThreshold, Some((_, pct))) => item = item.amount("percent", pct),
                _ => {}
            }
            tr.exclude(reason, item);
        }
    }

    /// Explain: the tenant's associations this option cannot use, each with why.
    pub(crate) fn trace_assocs<T: Tracer>(
        &self,
        tr: &mut T,
        t: TenantIdx,
        assocs: &[Assoc],
        mask: AssocMask,
    ) -> Vec<Src> {
        trace_assocs(tr, t, assocs, mask, &[self.m, self.m.year_ago()], |a| {
            (!self.covers_eligible(a)).then_some(Reason::WorkloadOutsideArea)
        })
    }
}
