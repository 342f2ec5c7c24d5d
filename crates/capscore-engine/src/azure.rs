//! Azure consumed revenue (ACR) attributed to a partner (docs/rules.md §2–§3).
//!
//! A usage row counts for a partner through association types `mask` when the
//! partner has an association of such a type, in force in the row's month, for the
//! tenant, covering the whole tenant (no workload) and either every subscription or
//! the row's subscription. Offers the area excludes (Support, Internal, ...) never
//! count; an area that lists eligible services counts only those.

use std::collections::BTreeMap;
use std::ops::Range;

use capscore_catalog::{AreaRules, normalize};
use capscore_core::{AssocMask, Month, Num, TenantIdx};
use capscore_data::Dataset;

use crate::outcome::{Outcome, count};
use crate::view::{Assoc, PartnerView};

/// Which of the dataset's service and offer names an area counts, resolved once per
/// scoring run.
#[derive(Debug, Clone)]
pub(crate) struct AzureNames {
    service_ok: Vec<bool>,
    offer_ok: Vec<bool>,
    service_norm: Vec<String>,
}

impl AzureNames {
    pub fn new(data: &Dataset, area: &AreaRules) -> Self {
        let service_norm: Vec<String> = (0..data.services.len())
            .map(|i| normalize(data.services.name(id(i))))
            .collect();
        let service_ok = service_norm
            .iter()
            .map(|s| {
                area.eligible_services
                    .as_ref()
                    .is_none_or(|l| l.contains(s))
            })
            .collect();
        let offer_ok = (0..data.offers.len())
            .map(|i| {
                !area
                    .excluded_offers
                    .contains(&normalize(data.offers.name(id(i))))
            })
            .collect();
        AzureNames {
            service_ok,
            offer_ok,
            service_norm,
        }
    }
}

fn id(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// ACR queries for one partner and one area.
pub(crate) struct Azure<'a> {
    pub data: &'a Dataset,
    pub view: &'a PartnerView,
    pub names: &'a AzureNames,
    pub m: Month,
}

fn attributed(assocs: &[Assoc], mask: AssocMask, subscription: Option<u32>, x: Month) -> bool {
    assocs.iter().any(|a| {
        mask.contains(a.kind)
            && a.workload.is_none()
            && (a.subscription.is_none() || a.subscription == subscription)
            && a.in_force(x)
    })
}

impl Azure<'_> {
    /// Rows of a tenant in months `from ..= to`.
    fn rows(&self, t: TenantIdx, from: Month, to: Month) -> Range<usize> {
        let u = &self.data.azure_usage;
        let Some(r) = u.by_tenant.get(t.index()) else {
            return 0..0;
        };
        let (lo, hi) = (r.start as usize, r.end as usize);
        let months = &u.month[lo..hi];
        lo + months.partition_point(|x| *x < from)..lo + months.partition_point(|x| *x <= to)
    }

    /// Counted rows of a tenant in `from ..= to`: (row, service).
    fn counted<'s>(
        &'s self,
        t: TenantIdx,
        assocs: &'s [Assoc],
        mask: AssocMask,
        from: Month,
        to: Month,
    ) -> impl Iterator<Item = (usize, u32)> + 's {
        let u = &self.data.azure_usage;
        self.rows(t, from, to).filter_map(move |i| {
            let (svc, offer) = (u.service[i], u.offer[i]);
            let ok = self
                .names
                .service_ok
                .get(svc as usize)
                .copied()
                .unwrap_or(false)
                && self
                    .names
                    .offer_ok
                    .get(offer as usize)
                    .copied()
                    .unwrap_or(false)
                && attributed(assocs, mask, u.subscription[i], u.month[i]);
            ok.then_some((i, svc))
        })
    }

    /// Attributed ACR of a tenant over `from ..= to`.
    pub fn acr(
        &self,
        t: TenantIdx,
        assocs: &[Assoc],
        mask: AssocMask,
        from: Month,
        to: Month,
    ) -> Num {
        let u = &self.data.azure_usage;
        self.counted(t, assocs, mask, from, to)
            .fold(Num::from_integer(0), |acc, (i, _)| acc + u.acr_usd[i])
    }

    /// Attributed ACR of the partner's whole base in month `x`.
    pub fn total(&self, mask: AssocMask, x: Month) -> Num {
        self.view
            .tenants
            .iter()
            .fold(Num::from_integer(0), |acc, (t, a)| {
                acc + self.acr(*t, a, mask, x, x)
            })
    }

    /// Tenants whose attributed ACR over the twelve months ending `end` is at least `min`.
    pub fn tenants_over_ttm(&self, mask: AssocMask, end: Month, min: Num) -> usize {
        self.view
            .tenants
            .iter()
            .filter(|(t, a)| self.acr(*t, a, mask, end.ttm_start(), end) >= min)
            .count()
    }

    /// Azure net customer adds: tenants with at least `min` ACR in a month or the month
    /// before, at `m` minus at `m-12`.
    pub fn net_customer_adds(&self, mask: AssocMask, min: Num) -> Outcome {
        let eligible = |x: Month| {
            self.view
                .tenants
                .iter()
                .filter(|(t, a)| {
                    self.acr(*t, a, mask, x, x) >= min
                        || self.acr(*t, a, mask, x.offset(-1), x.offset(-1)) >= min
                })
                .count()
        };
        Outcome::of(count(eligible(self.m)) - count(eligible(self.m.year_ago())))
    }

    /// Percentage ACR growth from `m-12` to `m`; nothing unless ACR at `m-12` is at
    /// least `min_baseline`.
    pub fn usage_growth(&self, mask: AssocMask, min_baseline: Num) -> Outcome {
        let now = self.total(mask, self.m);
        let before = self.total(mask, self.m.year_ago());
        if before < min_baseline || before <= Num::from_integer(0) {
            return Outcome::noted(
                Num::from_integer(0),
                format!(
                    "baseline ACR at {} is {}, under {}: no points",
                    self.m.year_ago(),
                    capscore_core::format_amount(&before, "USD", "USD"),
                    capscore_core::format_amount(&min_baseline, "USD", "USD")
                ),
            );
        }
        Outcome::of((now - before) * Num::from_integer(100) / before)
    }

    /// Distinct services (names compared case-insensitively) with attributed ACR > 0
    /// over the TTM, except `excluded`.
    pub fn deployments(&self, mask: AssocMask, excluded: &[String]) -> Outcome {
        let u = &self.data.azure_usage;
        let mut by_service: BTreeMap<&str, Num> = BTreeMap::new();
        for (t, a) in &self.view.tenants {
            for (i, svc) in self.counted(*t, a, mask, self.m.ttm_start(), self.m) {
                let name = self.names.service_norm[svc as usize].as_str();
                *by_service
                    .entry(name)
                    .or_insert_with(|| Num::from_integer(0)) += u.acr_usd[i];
            }
        }
        let n = by_service
            .iter()
            .filter(|(name, acr)| {
                **acr > Num::from_integer(0) && !excluded.iter().any(|e| e == *name)
            })
            .count();
        Outcome::of(count(n))
    }
}
