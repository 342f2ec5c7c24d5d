//! From what the rows showed to the canonical tables: association spells, usage
//! merged across rows and datasets, accounts with their global account.

use std::collections::{BTreeMap, BTreeSet};

use capscore_core::{AssocTypeId, Month, NaiveDate, Num, WorkloadId};
use num_traits::CheckedAdd;

use crate::convert::{Ctx, Name};
use crate::parse::decimal_text;
use crate::tables::{
    AssociationRow, AzureRow, BizAppsRow, CertificationRow, M365Row, PartnerRow, Tables, TenantRow,
};

/// A spell of presence: first month, last month, and whether it ended (a later month
/// of data exists without the association).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    /// First month of the run.
    pub first: Month,
    /// Last month of the run.
    pub last: Month,
    /// Whether the source has data for a later month without the association.
    pub ended: bool,
}

/// The spells of an association seen in the months `present` of a source whose data
/// covers the months `coverage`.
///
/// The rule: walk the covered months in order; a run of covered months in which the
/// association is present is one spell. Months the source has no data for at all are
/// not evidence of absence, so they never break a run. A spell starts on the first
/// day of its first month and, if the source covers a later month without the
/// association, ends on the last day of its last month; otherwise it is still in
/// force (no end date).
#[must_use]
pub fn spells(present: &BTreeSet<Month>, coverage: &BTreeSet<Month>) -> Vec<Spell> {
    let mut out = Vec::new();
    let mut run: Option<(Month, Month)> = None;
    let all: BTreeSet<Month> = coverage.union(present).copied().collect();
    for m in all {
        if present.contains(&m) {
            run = Some(match run {
                Some((first, _)) => (first, m),
                None => (m, m),
            });
        } else if let Some((first, last)) = run.take() {
            out.push(Spell {
                first,
                last,
                ended: true,
            });
        }
    }
    if let Some((first, last)) = run {
        out.push(Spell {
            first,
            last,
            ended: false,
        });
    }
    out
}

/// Revenue and units summed over subscriptions.
type Totals = (Option<Num>, Option<Num>);

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Counts and the first example of values that should have agreed and did not.
#[derive(Default)]
struct Conflicts {
    count: usize,
    example: Option<String>,
}

impl Conflicts {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.example.is_none() {
            self.example = Some(example());
        }
    }

    fn note(&self, what: &str, notes: &mut Vec<String>) {
        if let Some(e) = &self.example {
            notes.push(format!(
                "{what}: {} case(s), the largest value kept (first: {e})",
                self.count
            ));
        }
    }
}

/// Builds the tables from the accumulators; notes go to `notes`.
pub(crate) fn tables(ctx: &mut Ctx<'_>, notes: &mut Vec<String>) -> Tables {
    let type_name = |t: AssocTypeId| {
        ctx.catalog
            .association_types
            .get(t.index())
            .map_or_else(String::new, |a| a.id.clone())
    };
    let workload_name = |w: Option<WorkloadId>| {
        w.and_then(|w| ctx.catalog.workloads.get(w.index()))
            .map_or_else(String::new, |x| x.name.clone())
    };
    let acc = &ctx.acc;

    // Associations. Exact CPOR claim dates beat spells inferred for the same partner,
    // tenant, type and workload from other datasets.
    let claimed: BTreeSet<(&Name, &Name, AssocTypeId, Option<WorkloadId>)> = acc
        .claims
        .keys()
        .map(|(_, p, t, k, w, _)| (p, t, *k, *w))
        .collect();
    let empty = BTreeSet::new();
    let mut associations = BTreeSet::new();
    let mut replaced = 0usize;
    for ((kind, partner, tenant, t, w, sub), months) in &acc.presence {
        if claimed.contains(&(partner, tenant, *t, *w)) {
            replaced += 1;
            continue;
        }
        let coverage = acc.coverage.get(kind).unwrap_or(&empty);
        for s in spells(months, coverage) {
            associations.insert(AssociationRow {
                partner_id: partner.to_string(),
                tenant_id: tenant.to_string(),
                kind: type_name(*t),
                workload: workload_name(*w),
                subscription_id: sub.to_string(),
                start_date: date_text(s.first.first_day()),
                end_date: if s.ended {
                    date_text(s.last.last_day())
                } else {
                    String::new()
                },
            });
        }
    }
    if replaced > 0 {
        notes.push(format!(
            "{replaced} association(s) inferred from monthly presence replaced by the CPOR claim's DateAssociated"
        ));
    }
    let mut late_claims = 0usize;
    for ((kind, partner, tenant, t, w, start), months) in &acc.claims {
        let coverage = acc.coverage.get(kind).unwrap_or(&empty);
        let end = months.last().and_then(|last| {
            coverage
                .range(last.offset(1)..)
                .next()
                .map(|_| last.last_day())
        });
        let end = end.map(|e| {
            if e < *start {
                late_claims += 1;
                *start
            } else {
                e
            }
        });
        associations.insert(AssociationRow {
            partner_id: partner.to_string(),
            tenant_id: tenant.to_string(),
            kind: type_name(*t),
            workload: workload_name(*w),
            subscription_id: String::new(),
            start_date: date_text(*start),
            end_date: end.map(date_text).unwrap_or_default(),
        });
    }
    if late_claims > 0 {
        notes.push(format!(
            "{late_claims} CPOR claim(s) have a DateAssociated after their last month of data: they end on that date"
        ));
    }

    // Microsoft 365 usage: per dataset, lines (EMS subscriptions and SKUs) are summed;
    // across datasets the largest value is kept.
    let mut m365 = Vec::new();
    let (mut within, mut across) = (Conflicts::default(), Conflicts::default());
    let mut lines = acc.m365.iter().peekable();
    while let Some(((tenant, w, month, _, _), _)) = lines.peek() {
        let (tenant, w, month) = (tenant.clone(), *w, *month);
        // Per kind of file: (kind, paid, active), its lines summed.
        let mut per_kind: Vec<(Name, u64, u64)> = Vec::new();
        while let Some(((_, _, _, kind, _), r)) =
            lines.next_if(|((t, x, m, _, _), _)| *t == tenant && *x == w && *m == month)
        {
            if r.conflict {
                within.add(|| {
                    format!(
                        "{kind}, tenant {tenant}, {}, {month}",
                        workload_name(Some(w))
                    )
                });
            }
            match per_kind.last_mut() {
                Some((k, p, a)) if k == kind => {
                    *p = p.saturating_add(r.paid);
                    *a = a.saturating_add(r.active);
                }
                _ => per_kind.push((kind.clone(), r.paid, r.active)),
            }
        }
        let paid = per_kind.iter().map(|x| x.1).max().unwrap_or(0);
        let active = per_kind.iter().map(|x| x.2).max().unwrap_or(0);
        if per_kind.iter().any(|x| (x.1, x.2) != (paid, active)) {
            across.add(|| {
                let parts: Vec<String> = per_kind
                    .iter()
                    .map(|(k, p, a)| format!("{k} {p}/{a}"))
                    .collect();
                format!(
                    "tenant {tenant}, {}, {month}: {}",
                    workload_name(Some(w)),
                    parts.join(" vs ")
                )
            });
        }
        m365.push(M365Row {
            tenant_id: tenant.to_string(),
            workload: workload_name(Some(w)),
            month: month.to_string(),
            paid_units: paid,
            active_users: active,
        });
    }
    within.note(
        "m365_usage: rows of one dataset that should agree (same tenant, workload, month) differ",
        notes,
    );
    across.note(
        "m365_usage: datasets give different paid units / active users for the same tenant, workload and month",
        notes,
    );

    // Azure usage: consumption lines summed per subscription, service, offer and month.
    let mut azure: BTreeMap<(Name, Name, Name, Name, Month), Num> = BTreeMap::new();
    let mut az_conflicts = Conflicts::default();
    let mut overflow = false;
    for ((tenant, sub, service, offer, month, _), f) in &acc.azure {
        if f.conflict {
            az_conflicts.add(|| format!("tenant {tenant}, {service}, {month}"));
        }
        let slot = azure
            .entry((
                tenant.clone(),
                sub.clone(),
                service.clone(),
                offer.clone(),
                *month,
            ))
            .or_insert_with(|| Num::from_integer(0));
        match slot.checked_add(&f.value) {
            Some(v) => *slot = v,
            None => overflow = true,
        }
    }
    az_conflicts.note(
        "azure_usage: rows of one consumption line (without a dedup flag) carry different ACR",
        notes,
    );
    let azure_rows = azure
        .into_iter()
        .map(|((tenant, sub, service, offer, month), acr)| AzureRow {
            tenant_id: tenant.to_string(),
            subscription_id: sub.to_string(),
            service: service.to_string(),
            offer: offer.to_string(),
            month: month.to_string(),
            acr_usd: decimal_text(&acr),
        })
        .collect();

    // Business applications: subscriptions summed per tenant, workload and month.
    let mut biz: BTreeMap<(Name, WorkloadId, Month), Totals> = BTreeMap::new();
    let mut biz_conflicts = Conflicts::default();
    for ((tenant, w, month, _), f) in &acc.biz {
        if f.conflict {
            biz_conflicts.add(|| format!("tenant {tenant}, {}, {month}", workload_name(Some(*w))));
        }
        let slot = biz.entry((tenant.clone(), *w, *month)).or_default();
        for (total, v) in [(&mut slot.0, f.revenue), (&mut slot.1, f.units)] {
            if let Some(v) = v {
                let sum = total
                    .unwrap_or_else(|| Num::from_integer(0))
                    .checked_add(&v);
                match sum {
                    Some(s) => *total = Some(s),
                    None => overflow = true,
                }
            }
        }
    }
    biz_conflicts.note(
        "bizapps_usage: rows of one subscription that should agree differ",
        notes,
    );
    if overflow {
        notes.push("a usage total was too large to add up and was left partial".to_string());
    }
    let biz_rows = biz
        .into_iter()
        .map(|((tenant, w, month), (revenue, units))| BizAppsRow {
            tenant_id: tenant.to_string(),
            workload: workload_name(Some(w)),
            month: month.to_string(),
            revenue_usd: revenue.map(|v| decimal_text(&v)).unwrap_or_default(),
            units: units.map(|v| decimal_text(&v)).unwrap_or_default(),
        })
        .collect();

    let certifications = acc
        .certs
        .iter()
        .map(
            |((partner, person, cert, earned), expires)| CertificationRow {
                partner_id: partner.to_string(),
                person_id: person.clone(),
                certification: cert.clone(),
                earned_date: date_text(*earned),
                expires_date: expires.map(date_text).unwrap_or_default(),
            },
        )
        .collect();

    let tenants = acc
        .tenants
        .iter()
        .map(|(t, picks)| TenantRow {
            tenant_id: t.to_string(),
            name: picks.name.value().to_string(),
            country: picks.country.value().to_string(),
        })
        .collect();

    let partners = ctx
        .accounts
        .parent
        .iter()
        .map(|(p, parent)| PartnerRow {
            partner_id: p.clone(),
            name: ctx.accounts.names.get(p).cloned().unwrap_or_default(),
            parent_id: parent.clone().unwrap_or_default(),
        })
        .collect();

    let mut t = Tables {
        partners,
        tenants,
        associations: associations.into_iter().collect(),
        m365_usage: m365,
        azure_usage: azure_rows,
        bizapps_usage: biz_rows,
        certifications,
    };
    // Rows in the order of their written values.
    t.partners.sort();
    t.tenants.sort();
    t.m365_usage.sort();
    t.azure_usage.sort();
    t.bizapps_usage.sort();
    t.certifications.sort();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(list: &[&str]) -> BTreeSet<Month> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn spell(first: &str, last: &str, ended: bool) -> Spell {
        Spell {
            first: first.parse().unwrap(),
            last: last.parse().unwrap(),
            ended,
        }
    }

    #[test]
    fn a_run_still_present_at_the_end_stays_open() {
        let cov = months(&["2024-01", "2024-02", "2024-03"]);
        assert_eq!(
            spells(&months(&["2024-02", "2024-03"]), &cov),
            vec![spell("2024-02", "2024-03", false)]
        );
    }

    #[test]
    fn a_covered_month_without_the_association_ends_it() {
        let cov = months(&["2024-01", "2024-02", "2024-03", "2024-04"]);
        assert_eq!(
            spells(&months(&["2024-01", "2024-02", "2024-04"]), &cov),
            vec![
                spell("2024-01", "2024-02", true),
                spell("2024-04", "2024-04", false)
            ]
        );
    }

    #[test]
    fn months_without_any_data_do_not_break_a_run() {
        // The source has no rows at all for 2024-02 and 2024-03.
        let cov = months(&["2024-01", "2024-04", "2024-05"]);
        assert_eq!(
            spells(&months(&["2024-01", "2024-04"]), &cov),
            vec![spell("2024-01", "2024-04", true)]
        );
    }
}
