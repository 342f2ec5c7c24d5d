//! Microsoft 365 metric kinds (docs/rules.md §0–§1): net customer adds, usage growth with
//! the claim baseline, deployed services. Tenants count in a track only in months
//! when they are in the track's band.

use capscore_catalog::{AreaRules, DeploymentUnit, Params, TrackRules};
use capscore_core::{AssocMask, Month, Num, TenantIdx, WorkloadId};
use capscore_data::Dataset;

use crate::outcome::count;
use crate::view::{Assoc, PartnerView, covers};

/// One workload of one tenant in one month.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub workload: WorkloadId,
    pub paid: u64,
    pub active: u64,
}

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
    pub fn new(
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
        assocs.iter().any(|a| {
            mask.contains(a.kind)
                && a.covers_any(|w| self.area.eligible_workloads.contains(w))
                && a.in_force(x)
        })
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
    pub fn net_customer_adds(&self, mask: AssocMask) -> Num {
        let at = |x: Month| {
            self.view
                .tenants
                .iter()
                .filter(|(t, assocs)| self.associated(assocs, mask, x) && self.in_band(*t, x))
                .count()
        };
        count(at(self.m)) - count(at(self.m.year_ago()))
    }

    /// Σ MAU at `m` − Σ MAU at `m-12` − Σ MAU at the claim month of coverages that
    /// started inside the TTM, over covered eligible workloads of tenants in the band.
    pub fn usage_growth(&self, mask: AssocMask) -> Num {
        let (m, y) = (self.m, self.m.year_ago());
        let mut total: i128 = 0;
        for (t, assocs) in &self.view.tenants {
            if self.in_band(*t, m) {
                for u in self
                    .usage(*t, m)
                    .filter(|u| covers(assocs, mask, u.workload, m))
                {
                    total += i128::from(u.active);
                    if !covers(assocs, mask, u.workload, y) {
                        let c = self.claim_month(assocs, mask, u.workload);
                        total -= self
                            .usage_of(*t, u.workload, c)
                            .map_or(0, |b| i128::from(b.active));
                    }
                }
            }
            if self.in_band(*t, y) {
                for u in self
                    .usage(*t, y)
                    .filter(|u| covers(assocs, mask, u.workload, y))
                {
                    total -= i128::from(u.active);
                }
            }
        }
        Num::from_integer(total)
    }

    /// Deployed services (or tenants, per `deployment_unit`) at `m` − at `m-12` −
    /// those whose coverage started inside the TTM and that were already deployed at
    /// the claim month.
    pub fn deployments(&self, mask: AssocMask, active_percent: Option<Num>) -> Num {
        let pct = active_percent.unwrap_or_else(|| Num::from_integer(0));
        // active / paid >= pct / 100, cross-multiplied in integers (exact, no fractions
        // built per row).
        let (num, den) = (*pct.numer(), *pct.denom());
        let deployed =
            |u: &Usage| u.paid > 0 && i128::from(u.active) * 100 * den >= num * i128::from(u.paid);
        let (m, y) = (self.m, self.m.year_ago());
        let (mut now, mut before) = (0usize, 0usize);
        for (t, assocs) in &self.view.tenants {
            if self.in_band(*t, m) {
                // For each deployed covered service: whether it counts as new.
                let services: Vec<bool> = self
                    .usage(*t, m)
                    .filter(|u| deployed(u) && covers(assocs, mask, u.workload, m))
                    .map(|u| {
                        let pre_deployed = !covers(assocs, mask, u.workload, y) && {
                            let c = self.claim_month(assocs, mask, u.workload);
                            self.usage_of(*t, u.workload, c)
                                .is_some_and(|b| deployed(&b))
                        };
                        !pre_deployed
                    })
                    .collect();
                now += match self.params.deployment_unit {
                    DeploymentUnit::Service => services.iter().filter(|new| **new).count(),
                    DeploymentUnit::Tenant => usize::from(services.iter().any(|new| *new)),
                };
            }
            if self.in_band(*t, y) {
                let n = self
                    .usage(*t, y)
                    .filter(|u| deployed(u) && covers(assocs, mask, u.workload, y))
                    .count();
                before += match self.params.deployment_unit {
                    DeploymentUnit::Service => n,
                    DeploymentUnit::Tenant => usize::from(n > 0),
                };
            }
        }
        count(now) - count(before)
    }

    /// Tenants (in the band) with some covered eligible workload in month `x` for
    /// which `pred` holds.
    pub fn tenants_where(&self, mask: AssocMask, x: Month, pred: impl Fn(&Usage) -> bool) -> usize {
        self.view
            .tenants
            .iter()
            .filter(|(t, assocs)| {
                self.in_band(*t, x)
                    && self
                        .usage(*t, x)
                        .any(|u| covers(assocs, mask, u.workload, x) && pred(&u))
            })
            .count()
    }

    /// Σ active users of covered eligible workloads with paid seats, in month `x`.
    pub fn active_paid_users(&self, mask: AssocMask, x: Month) -> i128 {
        self.view
            .tenants
            .iter()
            .filter(|(t, _)| self.in_band(*t, x))
            .flat_map(|(t, assocs)| {
                self.usage(*t, x)
                    .filter(move |u| u.paid > 0 && covers(assocs, mask, u.workload, x))
                    .map(|u| i128::from(u.active))
            })
            .sum()
    }
}
