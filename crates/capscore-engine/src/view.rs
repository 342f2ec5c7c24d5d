//! One partner's slice of the dataset, gathered from the columnar tables: its
//! associations grouped by tenant, and its certified people.

use std::collections::BTreeMap;

use capscore_core::{
    AssocMask, AssocTypeId, CertId, Month, NaiveDate, PartnerIdx, PersonIdx, TenantIdx, WorkloadId,
};
use capscore_data::{Dataset, rows_of};

use crate::EngineError;
use crate::trace::{Item, Reason, Rule, Src, Tracer};

/// Global accounts and the location accounts that roll up into each.
#[derive(Debug, Clone)]
pub struct PartnerGroups {
    root: Vec<PartnerIdx>,
    members: Vec<Vec<PartnerIdx>>,
}

impl PartnerGroups {
    /// Global accounts (partners without a parent), in table order.
    pub fn roots(&self) -> impl Iterator<Item = PartnerIdx> + '_ {
        self.root
            .iter()
            .enumerate()
            .filter(|(i, r)| r.index() == *i)
            .map(|(_, r)| *r)
    }

    /// The global account of a partner.
    #[must_use]
    pub fn root_of(&self, p: PartnerIdx) -> Option<PartnerIdx> {
        self.root.get(p.index()).copied()
    }

    /// The partners to score: every global account, or those asked for, refusing a
    /// location account (its data is scored as part of its global account).
    ///
    /// # Errors
    /// [`EngineError::LocationAccount`] for a location account.
    pub fn global_accounts(
        &self,
        data: &Dataset,
        asked: Option<&[PartnerIdx]>,
    ) -> Result<Vec<PartnerIdx>, EngineError> {
        let Some(list) = asked else {
            return Ok(self.roots().collect());
        };
        for p in list {
            if let Some(root) = self.root_of(*p).filter(|r| r != p) {
                return Err(EngineError::LocationAccount {
                    partner: data.partners.ids[p.index()].clone(),
                    global: data.partners.ids[root.index()].clone(),
                });
            }
        }
        Ok(list.to_vec())
    }

    /// A global account and its location accounts.
    #[must_use]
    pub fn members(&self, root: PartnerIdx) -> &[PartnerIdx] {
        self.members.get(root.index()).map_or(&[], Vec::as_slice)
    }
}

/// Resolves every partner's global account by following `parent_id`.
///
/// # Errors
/// [`EngineError::ParentCycle`] when links go round in a circle.
pub fn partner_groups(data: &Dataset) -> Result<PartnerGroups, EngineError> {
    let n = data.partners.len();
    let mut root = Vec::with_capacity(n);
    for start in 0..n {
        let mut p = start;
        let mut steps = 0;
        while let Some(parent) = data.partners.parent.get(p).copied().flatten() {
            p = parent.index();
            steps += 1;
            if steps > n {
                let mut cycle = vec![data.partners.ids[start].clone()];
                let mut q = data.partners.parent[start].map_or(start, PartnerIdx::index);
                while q != start && cycle.len() <= n {
                    cycle.push(data.partners.ids[q].clone());
                    q = data.partners.parent[q].map_or(start, PartnerIdx::index);
                }
                return Err(EngineError::ParentCycle(cycle.join(" -> ")));
            }
        }
        root.push(PartnerIdx(u32::try_from(p).unwrap_or(u32::MAX)));
    }
    let mut members = vec![Vec::new(); n];
    for (i, r) in root.iter().enumerate() {
        members[r.index()].push(PartnerIdx(u32::try_from(i).unwrap_or(u32::MAX)));
    }
    Ok(PartnerGroups { root, members })
}

/// One association, as the engine needs it.
#[derive(Debug, Clone, Copy)]
pub struct Assoc {
    /// Association type.
    pub kind: AssocTypeId,
    /// Workload covered (`None`: the whole tenant).
    pub workload: Option<WorkloadId>,
    /// Subscription covered (`None`: all).
    pub subscription: Option<u32>,
    /// First day.
    pub start: NaiveDate,
    /// Last day (`None`: open).
    pub end: Option<NaiveDate>,
    /// Row index in the dataset's `associations` table.
    pub row: usize,
    /// First month in force: the month of `start`.
    pub from: Month,
    /// Last month in force (`None`: open): the month of `end` when it is that month's
    /// last day, else the month before.
    pub until: Option<Month>,
}

impl Assoc {
    /// Whether it covers a workload: one naming that workload, or one naming neither a
    /// workload nor a subscription (the whole tenant). An association limited to a
    /// subscription and no workload covers only that subscription's Azure usage.
    #[must_use]
    pub fn covers_workload(&self, w: WorkloadId) -> bool {
        self.workload
            .map_or(self.subscription.is_none(), |aw| aw == w)
    }

    /// Whether it covers the whole tenant or a workload for which `eligible` holds.
    #[must_use]
    pub fn covers_any(&self, eligible: impl Fn(WorkloadId) -> bool) -> bool {
        self.workload.map_or(self.subscription.is_none(), eligible)
    }

    /// In force in month `x`: started by its last day and not ended before it (in
    /// months, worked out once when the view is built: this is asked for every usage
    /// row).
    #[must_use]
    pub fn in_force(&self, x: Month) -> bool {
        self.from <= x && self.until.is_none_or(|u| x <= u)
    }

    /// The months `start ..= end` of [`Assoc::in_force`].
    fn months_in_force(start: NaiveDate, end: Option<NaiveDate>) -> (Month, Option<Month>) {
        let until = end.map(|e| {
            let m = Month::of(e);
            if e == m.last_day() { m } else { m.offset(-1) }
        });
        (Month::of(start), until)
    }
}

/// One certification held by one person.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    /// The person.
    pub person: PersonIdx,
    /// The certification.
    pub cert: CertId,
    /// Earned on.
    pub earned: NaiveDate,
    /// Expires on (`None`: no expiry).
    pub expires: Option<NaiveDate>,
    /// Row index in the dataset's `certifications` table.
    pub row: usize,
}

/// A partner's data, rolled up over its location accounts.
#[derive(Debug, Clone, Default)]
pub struct PartnerView {
    /// Associations by tenant, tenants in id order.
    pub tenants: Vec<(TenantIdx, Vec<Assoc>)>,
    /// Certifications the catalog knows.
    pub certs: Vec<Held>,
}

impl PartnerView {
    /// Gathers the data of a global account and its location accounts.
    #[must_use]
    pub fn build(data: &Dataset, members: &[PartnerIdx]) -> PartnerView {
        let mut by_tenant: BTreeMap<TenantIdx, Vec<Assoc>> = BTreeMap::new();
        let a = &data.associations;
        let c = &data.certifications;
        let mut certs = Vec::new();
        for p in members {
            for i in rows_of(&a.by_partner, p.index()) {
                let (from, until) = Assoc::months_in_force(a.start[i], a.end[i]);
                by_tenant.entry(a.tenant[i]).or_default().push(Assoc {
                    kind: a.kind[i],
                    workload: a.workload[i],
                    subscription: a.subscription[i],
                    start: a.start[i],
                    end: a.end[i],
                    row: i,
                    from,
                    until,
                });
            }
            for i in rows_of(&c.by_partner, p.index()) {
                if let Some(cert) = c.cert[i] {
                    certs.push(Held {
                        person: c.person[i],
                        cert,
                        earned: c.earned[i],
                        expires: c.expires[i],
                        row: i,
                    });
                }
            }
        }
        PartnerView {
            tenants: by_tenant.into_iter().collect(),
            certs,
        }
    }
}

/// Whether some association of a type in `mask`, in force in `x`, covers workload `w`
/// (or the whole tenant).
#[must_use]
pub fn covers(assocs: &[Assoc], mask: AssocMask, w: WorkloadId, x: Month) -> bool {
    covering(assocs, mask, w, x).is_some()
}

/// The first association that [`covers`] a workload in a month.
pub(crate) fn covering(
    assocs: &[Assoc],
    mask: AssocMask,
    w: WorkloadId,
    x: Month,
) -> Option<&Assoc> {
    assocs
        .iter()
        .find(|a| mask.contains(a.kind) && a.covers_workload(w) && a.in_force(x))
}

/// Sorts a tenant's associations for an option (explain only): those of another type,
/// of a scope the metric does not count (`scope` says why), or in force in none of
/// `months` are excluded with their reason; the others are returned, to be attached
/// to the tenant's entries.
pub(crate) fn trace_assocs<T: Tracer>(
    tr: &mut T,
    t: TenantIdx,
    assocs: &[Assoc],
    mask: AssocMask,
    months: &[Month],
    scope: impl Fn(&Assoc) -> Option<Reason>,
) -> Vec<Src> {
    let mut kept = Vec::new();
    for a in assocs {
        let why = if !mask.contains(a.kind) {
            Some((Reason::AssociationTypeNotEligible, Rule::Associations))
        } else if let Some(r) = scope(a) {
            Some((r, Rule::EligibleWorkloads))
        } else if !months.iter().any(|x| a.in_force(*x)) {
            Some((Reason::AssociationNotInForce, Rule::Metric))
        } else {
            None
        };
        match why {
            Some((reason, _)) if !tr.keeps(reason) => {}
            Some((reason, rule)) => {
                let mut item = Item::rule(rule).tenant(t).src([Src::Assoc(a.row)]);
                item.workload = a.workload;
                item.subscription = a.subscription;
                let item = months.iter().fold(item, |i, x| i.month("checked", *x));
                tr.exclude(reason, item);
            }
            None => kept.push(Src::Assoc(a.row)),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In force in month `x`, as the rule states it: started by the month's last day
    /// and not ended before it.
    fn by_dates(start: NaiveDate, end: Option<NaiveDate>, x: Month) -> bool {
        let last = x.last_day();
        start <= last && end.is_none_or(|e| e >= last)
    }

    /// The months worked out when the view is built agree with the dates, for every
    /// start and end day of three years (ends on the first, the middle and the last
    /// day of a month, and open) and every month around them.
    #[test]
    fn months_in_force_agree_with_the_dates() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        let days: Vec<NaiveDate> = day(2023, 1, 1)
            .iter_days()
            .take_while(|d| *d <= day(2025, 12, 31))
            .collect();
        let months: Vec<Month> =
            Month::range(Month::of(day(2022, 11, 1)), Month::of(day(2026, 2, 1))).collect();
        let mut checked = 0;
        for (k, start) in days.iter().enumerate().step_by(7) {
            for end in days.iter().skip(k).map(Some).chain([None]) {
                let end = end.copied();
                let a = Assoc {
                    kind: AssocTypeId(0),
                    workload: None,
                    subscription: None,
                    start: *start,
                    end,
                    row: 0,
                    from: Assoc::months_in_force(*start, end).0,
                    until: Assoc::months_in_force(*start, end).1,
                };
                for x in &months {
                    assert_eq!(
                        a.in_force(*x),
                        by_dates(*start, end, *x),
                        "{start} {end:?} {x}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1_000_000, "{checked}");
    }
}
