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
use capscore_core::{AssocMask, ExactSum, Month, Num, TenantIdx};
use capscore_data::Dataset;

use crate::outcome::{Outcome, count};
use crate::trace::{Item, Reason, Rule, Src, Tracer};
use crate::view::{Assoc, PartnerView, trace_assocs};

/// Which of the dataset's service and offer names an area counts, resolved once per
/// scoring run.
#[derive(Debug, Clone)]
pub(crate) struct AzureNames {
    service_ok: Vec<bool>,
    offer_ok: Vec<bool>,
    service_norm: Vec<String>,
}

impl AzureNames {
    pub(crate) fn new(data: &Dataset, area: &AreaRules) -> Self {
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

/// Why an Azure row does not count, or that it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Counted,
    Excluded(Reason, Rule),
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

    /// Whether a row counts through `mask`, and if not, why.
    fn check(&self, i: usize, assocs: &[Assoc], mask: AssocMask) -> Check {
        let u = &self.data.azure_usage;
        let (svc, offer) = (u.service[i], u.offer[i]);
        if !self
            .names
            .service_ok
            .get(svc as usize)
            .copied()
            .unwrap_or(false)
        {
            Check::Excluded(Reason::ServiceExcluded, Rule::EligibleServices)
        } else if !self
            .names
            .offer_ok
            .get(offer as usize)
            .copied()
            .unwrap_or(false)
        {
            Check::Excluded(Reason::OfferExcluded, Rule::ExcludedOffers)
        } else if !attributed(assocs, mask, u.subscription[i], u.month[i]) {
            Check::Excluded(Reason::NotAttributed, Rule::Associations)
        } else {
            Check::Counted
        }
    }

    /// An entry about one Azure row (explain).
    pub(crate) fn row_item(&self, i: usize, rule: Rule, role: &'static str) -> Item {
        let u = &self.data.azure_usage;
        let name = match role {
            "m" => "acr_at_m",
            "m-1" => "acr_at_m-1",
            "m-12" => "acr_at_m-12",
            "m-13" => "acr_at_m-13",
            _ => "acr_usd",
        };
        let mut item = Item::rule(rule)
            .tenant(u.tenant[i])
            .month(role, u.month[i])
            .amount(name, u.acr_usd[i])
            .src([Src::Azure(i)]);
        item.subscription = u.subscription[i];
        item.service = Some(u.service[i]);
        item.offer = Some(u.offer[i]);
        item
    }

    /// Counted rows of a tenant in `from ..= to`: (row, service). Explain: the rows
    /// that do not count are excluded with their reason.
    fn counted<'s, T: Tracer>(
        &'s self,
        t: TenantIdx,
        assocs: &'s [Assoc],
        mask: AssocMask,
        (from, to): (Month, Month),
        tr: &'s mut T,
        role: &'static str,
    ) -> impl Iterator<Item = (usize, u32)> + 's {
        let u = &self.data.azure_usage;
        self.rows(t, from, to)
            .filter_map(move |i| match self.check(i, assocs, mask) {
                Check::Counted => Some((i, u.service[i])),
                Check::Excluded(reason, rule) => {
                    if T::ON {
                        tr.exclude(reason, self.row_item(i, rule, role));
                    }
                    None
                }
            })
    }

    /// Attributed ACR of a tenant over `from ..= to`. Explain: counted rows are
    /// pushed to `used`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn acr<T: Tracer>(
        &self,
        t: TenantIdx,
        assocs: &[Assoc],
        mask: AssocMask,
        from: Month,
        to: Month,
        tr: &mut T,
        (role, used): (&'static str, &mut Vec<usize>),
    ) -> Num {
        let u = &self.data.azure_usage;
        let mut sum = ExactSum::default();
        for (i, _) in self.counted(t, assocs, mask, (from, to), tr, role) {
            if T::ON {
                used.push(i);
            }
            sum.add(&u.acr_usd[i]);
        }
        sum.value()
    }

    /// Attributed ACR of the partner's whole base in month `x`. Explain: counted rows
    /// are pushed to `used`.
    pub(crate) fn total<T: Tracer>(
        &self,
        mask: AssocMask,
        x: Month,
        tr: &mut T,
        (role, used): (&'static str, &mut Vec<usize>),
    ) -> Num {
        self.view
            .tenants
            .iter()
            .fold(Num::from_integer(0), |acc, (t, a)| {
                acc + self.acr(*t, a, mask, x, x, tr, (role, &mut *used))
            })
    }

    /// Tenants whose attributed ACR over the twelve months ending `end` is at least
    /// `min`. Explain: each counted tenant adds `sign` under `rule`; the others are
    /// excluded as below the threshold.
    pub(crate) fn tenants_over_ttm<T: Tracer>(
        &self,
        mask: AssocMask,
        end: Month,
        min: Num,
        tr: &mut T,
        (sign, role, rule): (i128, &'static str, Rule),
    ) -> usize {
        let mut n = 0;
        for (t, a) in &self.view.tenants {
            let mut used = Vec::new();
            let acr = self.acr(*t, a, mask, end.ttm_start(), end, tr, (role, &mut used));
            let counts = acr >= min;
            n += usize::from(counts);
            if T::ON && (counts || !used.is_empty()) {
                let item = Item::rule(rule)
                    .tenant(*t)
                    .month(role, end)
                    .amount("ttm_acr_usd", acr)
                    .amount("threshold", min)
                    .src(used.into_iter().map(Src::Azure));
                if counts {
                    let mut item = item;
                    item.amount = Num::from_integer(sign);
                    tr.add(item);
                } else {
                    tr.exclude(Reason::BelowThreshold, item);
                }
            }
        }
        n
    }

    /// Explain: the associations of every tenant this option cannot use, each with
    /// why; the others are attached to the tenant's first contribution.
    pub(crate) fn trace_tenant_assocs<T: Tracer>(
        &self,
        tr: &mut T,
        mask: AssocMask,
        months: &[Month],
    ) {
        for (t, a) in &self.view.tenants {
            let kept = trace_assocs(tr, *t, a, mask, months, azure_scope);
            tr.attach_tenant(*t, kept);
        }
    }

    /// Azure net customer adds: tenants with at least `min` ACR in a month or the month
    /// before, at `m` minus at `m-12`.
    pub(crate) fn net_customer_adds<T: Tracer>(
        &self,
        mask: AssocMask,
        min: Num,
        tr: &mut T,
    ) -> Outcome {
        let (m, y) = (self.m, self.m.year_ago());
        let mut net: i128 = 0;
        for (t, a) in &self.view.tenants {
            let mark = tr.mark();
            let mut used = Vec::new();
            let mut eligible =
                |x: Month, (role, prev_role): (&'static str, &'static str), tr: &mut T| {
                    let here = self.acr(*t, a, mask, x, x, tr, (role, &mut used));
                    if here >= min && !T::ON {
                        return (true, here, Num::from_integer(0));
                    }
                    let prev = x.offset(-1);
                    let before = self.acr(*t, a, mask, prev, prev, tr, (prev_role, &mut used));
                    (here >= min || before >= min, here, before)
                };
            let (now, acr_m, acr_m1) = eligible(m, ("m", "m-1"), tr);
            let (was, acr_y, acr_y1) = eligible(y, ("m-12", "m-13"), tr);
            net += i128::from(now) - i128::from(was);
            if T::ON {
                let item = Item::new(
                    Rule::Setting("min_monthly_acr_usd"),
                    Num::from_integer(i128::from(now) - i128::from(was)),
                )
                .tenant(*t)
                .month("m", m)
                .month("m-12", y)
                .amount("acr_at_m", acr_m)
                .amount("acr_at_m-1", acr_m1)
                .amount("acr_at_m-12", acr_y)
                .amount("acr_at_m-13", acr_y1)
                .amount("threshold", min)
                .flag("counts_at_m", now)
                .flag("counts_at_m-12", was)
                .src(used.into_iter().map(Src::Azure));
                if now || was {
                    tr.add(item);
                } else {
                    tr.exclude(Reason::BelowThreshold, item);
                }
                let months = [m, m.offset(-1), y, y.offset(-1)];
                let kept = trace_assocs(tr, *t, a, mask, &months, azure_scope);
                tr.attach(mark, *t, kept);
            }
        }
        Outcome::of(Num::from_integer(net))
    }

    /// Percentage ACR growth from `m-12` to `m`; nothing unless ACR at `m-12` is at
    /// least `min_baseline`.
    pub(crate) fn usage_growth<T: Tracer>(
        &self,
        mask: AssocMask,
        min_baseline: Num,
        tr: &mut T,
    ) -> Outcome {
        let (mut at_m, mut at_y) = (Vec::new(), Vec::new());
        let now = self.total(mask, self.m, tr, ("m", &mut at_m));
        let before = self.total(mask, self.m.year_ago(), tr, ("m-12", &mut at_y));
        let zero = Num::from_integer(0);
        let hundred = Num::from_integer(100);
        let cut = before < min_baseline || before <= zero;
        if T::ON {
            let share = |acr: Num| {
                if before > zero {
                    acr * hundred / before
                } else {
                    zero
                }
            };
            let u = &self.data.azure_usage;
            let mut sum = zero;
            for (rows, sign, role) in [(&at_m, 1, "m"), (&at_y, -1, "m-12")] {
                for &i in rows {
                    let mut item = self.row_item(i, Rule::Metric, role);
                    item.amount = share(u.acr_usd[i]) * Num::from_integer(sign);
                    sum += item.amount;
                    tr.add(item);
                }
            }
            if cut {
                tr.add(
                    Item::new(Rule::Setting("min_baseline_acr_usd"), -sum)
                        .month("m-12", self.m.year_ago())
                        .amount("acr_at_m", now)
                        .amount("acr_at_m-12", before)
                        .amount("threshold", min_baseline),
                );
            }
            self.trace_tenant_assocs(tr, mask, &[self.m, self.m.year_ago()]);
        }
        if cut {
            return Outcome::noted(
                zero,
                format!(
                    "baseline ACR at {} is {}, under {}: no points",
                    self.m.year_ago(),
                    capscore_core::format_amount(&before, "USD", "USD"),
                    capscore_core::format_amount(&min_baseline, "USD", "USD")
                ),
            );
        }
        Outcome::of((now - before) * hundred / before)
    }

    /// Distinct services (names compared case-insensitively) with attributed ACR > 0
    /// over the TTM, except `excluded`.
    pub(crate) fn deployments<T: Tracer>(
        &self,
        mask: AssocMask,
        excluded: &[String],
        tr: &mut T,
    ) -> Outcome {
        let u = &self.data.azure_usage;
        let mut sums: BTreeMap<&str, ExactSum> = BTreeMap::new();
        let mut rows: Vec<usize> = Vec::new();
        for (t, a) in &self.view.tenants {
            for (i, svc) in self.counted(*t, a, mask, (self.m.ttm_start(), self.m), tr, "ttm") {
                let name = self.names.service_norm[svc as usize].as_str();
                sums.entry(name).or_default().add(&u.acr_usd[i]);
                if T::ON {
                    rows.push(i);
                }
            }
        }
        let by_service: BTreeMap<&str, Num> =
            sums.into_iter().map(|(k, s)| (k, s.value())).collect();
        let counts = |name: &str, acr: &Num| {
            *acr > Num::from_integer(0) && !excluded.iter().any(|e| e == name)
        };
        let n = by_service
            .iter()
            .filter(|(name, acr)| counts(name, acr))
            .count();
        if T::ON {
            self.trace_deployments(tr, &by_service, &rows, &counts);
            self.trace_tenant_assocs(
                tr,
                mask,
                &Month::range(self.m.ttm_start(), self.m).collect::<Vec<_>>(),
            );
        }
        Outcome::of(count(n))
    }

    /// Explain for [`Self::deployments`]: +1 per counted service, the rows of each
    /// service by tenant (amount 0), and the services that do not count.
    fn trace_deployments<T: Tracer>(
        &self,
        tr: &mut T,
        by_service: &BTreeMap<&str, Num>,
        rows: &[usize],
        counts: &dyn Fn(&str, &Num) -> bool,
    ) {
        let u = &self.data.azure_usage;
        for (name, acr) in by_service {
            let mine: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|i| self.names.service_norm[u.service[*i] as usize] == *name)
                .collect();
            let mut item = Item::rule(Rule::Metric)
                .month("m", self.m)
                .amount("ttm_acr_usd", *acr)
                .note("service", (*name).to_string());
            item.service = mine.first().map(|i| u.service[*i]);
            if counts(name, acr) {
                item.amount = Num::from_integer(1);
                tr.add(item);
                for &i in &mine {
                    tr.add(self.row_item(i, Rule::Metric, "ttm"));
                }
            } else {
                let (reason, rule) = if *acr > Num::from_integer(0) {
                    (Reason::ServiceExcluded, Rule::ExcludedServices)
                } else {
                    (Reason::BelowThreshold, Rule::Metric)
                };
                item.rule = rule;
                tr.exclude(reason, item.src(mine.into_iter().map(Src::Azure)));
            }
        }
    }
}

/// Which associations can attribute Azure consumption: those naming no workload.
pub(crate) fn azure_scope(a: &Assoc) -> Option<Reason> {
    a.workload
        .is_some()
        .then_some(Reason::AssociationScopeNotAzure)
}
