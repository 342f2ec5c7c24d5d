//! Specializations (docs/rules.md §7; seed 000): Teamwork Deployment's prerequisite,
//! performance, knowledge and customer references; the other Modern Work
//! specializations' checkable requirements; the renewal cycle of those held.

use std::collections::BTreeSet;

use capscore_catalog::membership::{
    Prerequisite, Specialization, TeamworkRules, add_days, sub_days,
};
use capscore_core::{
    AssocMask, CertId, Month, Num, PersonIdx, WorkloadId, format_grouped, format_num,
};
use capscore_data::UsageTable;
use capscore_data::coverage::months_in_words;
use capscore_data::{ReferenceStatus, rows_of};
use capscore_engine::covers;
use chrono_months::sub_years;

use crate::PartnerCtx;
use crate::result::{
    CompetencyEval, CompetencyHeld, DesignationStanding, DesignationStatus, Requirement,
    SpecializationCycle, SpecializationStanding,
};

/// Fixed-point scale of averaged percentages.
const NANO: i128 = 1_000_000_000;

/// `enrollments.program` / `customer_references.program` of a specialization.
const SPECIALIZATION: &str = "specialization:";

mod chrono_months {
    use capscore_core::NaiveDate;

    /// `date` minus whole years (29 February falls back to 28 February).
    pub(super) fn sub_years(date: NaiveDate, years: u32) -> NaiveDate {
        date.checked_sub_months(chrono::Months::new(years.saturating_mul(12)))
            .unwrap_or(NaiveDate::MIN)
    }
}

fn req(requirement: &str, met: bool, detail: String) -> Requirement {
    Requirement {
        requirement: requirement.to_string(),
        met,
        checked: true,
        detail,
    }
}

/// Each specialization of the catalog, evaluated on the date.
pub(crate) fn evaluate(
    ctx: &PartnerCtx<'_>,
    designations: &[DesignationStanding],
    competencies: &[CompetencyHeld],
    supported: &[CompetencyEval],
) -> Vec<SpecializationStanding> {
    ctx.catalog
        .membership
        .specializations
        .iter()
        .map(|s| {
            let prerequisite = prerequisite(ctx, s, designations, competencies, supported);
            let prerequisite_met = prerequisite.met;
            let mut requirements = vec![prerequisite];
            if let Some(t) = &s.teamwork {
                requirements.extend(teamwork(ctx, t));
            }
            requirements.push(references(ctx, s));
            for u in &s.unchecked {
                requirements.push(Requirement {
                    requirement: u.replace(' ', "_"),
                    met: false,
                    checked: false,
                    detail: format!(
                        "not checkable from data: the {u} of {} are not in capscore's sources",
                        s.name
                    ),
                });
            }
            let met = requirements.iter().all(|r| r.met && r.checked);
            SpecializationStanding {
                specialization: s.id.clone(),
                name: s.name.clone(),
                area: s.area.clone(),
                met,
                held: cycle(ctx, s, prerequisite_met),
                requirements,
            }
        })
        .collect()
}

fn prerequisite(
    ctx: &PartnerCtx<'_>,
    s: &Specialization,
    designations: &[DesignationStanding],
    competencies: &[CompetencyHeld],
    supported: &[CompetencyEval],
) -> Requirement {
    let Some(p) = s.prerequisites.iter().find(|p| p.in_force(ctx.date)) else {
        return req(
            "prerequisite",
            false,
            format!("no prerequisite of {} is in force on {}", s.name, ctx.date),
        );
    };
    match &p.value {
        Prerequisite::Competency { id, level } => {
            let levels = ctx
                .catalog
                .membership
                .competencies
                .iter()
                .find(|c| &c.id == id)
                .map(|c| &c.levels);
            let rank = |l: &str| levels.and_then(|ls| ls.iter().position(|x| x.id == l));
            let held = competencies.iter().find(|c| &c.competency == id);
            let met =
                held.is_some_and(|h| rank(&h.level) >= rank(level) && rank(&h.level).is_some());
            let name = ctx
                .catalog
                .membership
                .competencies
                .iter()
                .find(|c| &c.id == id)
                .map_or(id.as_str(), |c| c.name.as_str());
            let detail = if let Some(h) = held {
                format!("needs a {level} {name} competency; holds {}", h.level)
            } else {
                // What the data supports, beside the enrollment that is missing.
                let data = supported
                    .iter()
                    .find(|c| &c.competency == id)
                    .map_or_else(String::new, |c| match &c.level_met {
                        Some(l) => format!(
                            "; the data of {} supports {l}, but no {name} enrollment is recorded",
                            c.month
                        ),
                        None => format!(
                            "; the data of {} supports no level, and no {name} enrollment is recorded",
                            c.month
                        ),
                    });
                if data.is_empty() {
                    format!("needs a {level} {name} competency; no {name} enrollment is recorded")
                } else {
                    format!("needs a {level} {name} competency{data}")
                }
            };
            req("prerequisite", met, detail)
        }
        Prerequisite::Designation { area } => {
            let d = designations.iter().find(|d| &d.area == area);
            let met = d.is_some_and(|d| {
                matches!(
                    d.status,
                    DesignationStatus::Enrolled | DesignationStatus::EnrolledRenewalDue
                )
            });
            let now = d.map_or("none", |d| d.status.label());
            req(
                "prerequisite",
                met,
                format!(
                    "needs the {} designation (enrolled); status: {now}",
                    ctx.catalog.area_name(area)
                ),
            )
        }
    }
}

/// Sums of active users (and paid seats) of one service over tenants associated
/// through `mask` in month `x`.
fn service_usage(ctx: &PartnerCtx<'_>, mask: AssocMask, w: WorkloadId, x: Month) -> (i128, i128) {
    let u = &ctx.data.m365_usage;
    let (mut mau, mut pau) = (0i128, 0i128);
    for (t, assocs) in &ctx.view.tenants {
        if !covers(assocs, mask, w, x) {
            continue;
        }
        for i in u.rows(*t, x) {
            if u.workload[i] == w {
                mau += i128::from(u.active_users[i]);
                pau += i128::from(u.paid_units[i]);
            }
        }
    }
    (mau, pau)
}

fn teamwork(ctx: &PartnerCtx<'_>, t: &TeamworkRules) -> Vec<Requirement> {
    let m = ctx.month;
    let mask = t
        .associations
        .iter()
        .find(|a| a.in_force(ctx.date))
        .map_or(AssocMask::EMPTY, |a| a.value);
    let name = |w: &WorkloadId| ctx.catalog.workloads[w.index()].name.clone();
    let needed = t.services_needed as usize;
    // a. MAU growth over the TTM on enough services.
    let growth: Vec<(String, i128)> = t
        .services
        .iter()
        .map(|w| {
            (
                name(w),
                service_usage(ctx, mask, *w, m).0 - service_usage(ctx, mask, *w, m.year_ago()).0,
            )
        })
        .collect();
    let grown = growth
        .iter()
        .filter(|(_, g)| Num::from_integer(*g) >= t.mau_growth_at_least)
        .count();
    let detail_g: Vec<String> = growth
        .iter()
        .map(|(n, g)| format!("{n} {}", format_grouped(&Num::from_integer(*g))))
        .collect();
    // b. Average active usage over the TTM (mean of monthly Σ MAU / Σ PAU; months
    //    without paid seats are left out).
    let usage: Vec<(String, Option<Num>)> = t
        .services
        .iter()
        .map(|w| {
            // Each month's percentage in billionths of a percent (fixed point), so that
            // averaging twelve ratios cannot overflow exact arithmetic.
            let ratios: Vec<i128> = Month::range(m.ttm_start(), m)
                .filter_map(|x| {
                    let (mau, pau) = service_usage(ctx, mask, *w, x);
                    (pau > 0).then(|| mau.saturating_mul(100 * NANO) / pau)
                })
                .collect();
            let n = i128::try_from(ratios.len()).unwrap_or(i128::MAX);
            let avg = (n > 0).then(|| {
                Num::new(
                    ratios.iter().fold(0i128, |a, r| a.saturating_add(*r)),
                    n * NANO,
                )
            });
            (name(w), avg)
        })
        .collect();
    let active = usage
        .iter()
        .filter(|(_, a)| a.is_some_and(|a| a >= t.active_usage_percent_at_least))
        .count();
    let detail_u: Vec<String> = usage
        .iter()
        .map(|(n, a)| {
            format!(
                "{n} {}",
                a.map_or("no paid seats".to_string(), |a| format!(
                    "{}%",
                    format_num(&a, false)
                ))
            )
        })
        .collect();
    // c. New customer tenants associated for one service in the TTM.
    let new: Vec<(String, usize)> = t
        .services
        .iter()
        .map(|w| {
            let n = ctx
                .view
                .tenants
                .iter()
                .filter(|(_, a)| covers(a, mask, *w, m) && !covers(a, mask, *w, m.year_ago()))
                .count();
            (name(w), n)
        })
        .collect();
    let best_new = new.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let detail_n: Vec<String> = new
        .iter()
        .map(|(n, c)| {
            format!(
                "{n} {}",
                format_grouped(&Num::from_integer(i128::try_from(*c).unwrap_or(i128::MAX)))
            )
        })
        .collect();
    vec![
        req(
            "mau_growth",
            grown >= needed,
            format!(
                "MAU growth >= {} users on {grown} of {} services (needs {needed}): {}",
                format_grouped(&t.mau_growth_at_least),
                t.services.len(),
                detail_g.join(", ")
            ),
        ),
        req(
            "active_usage",
            active >= needed,
            format!(
                "average active usage >= {}% on {active} of {} services (needs {needed}): {}",
                format_num(&t.active_usage_percent_at_least, true),
                t.services.len(),
                detail_u.join(", ")
            ),
        ),
        req(
            "new_customers",
            best_new >= t.new_customers_at_least as usize,
            format!(
                "new customer tenants in the TTM (needs {} for one service): {}",
                t.new_customers_at_least,
                detail_n.join(", ")
            ),
        ),
        knowledge(ctx, t),
    ]
    .into_iter()
    .map(|r| match r.requirement.as_str() {
        "mau_growth" => unless_lacking(ctx, r, vec![m.year_ago(), m]),
        "active_usage" => unless_lacking(ctx, r, Month::range(m.ttm_start(), m).collect()),
        _ => r,
    })
    .collect()
}

/// A requirement computed from `m365_usage` in `months`, or not checkable when the
/// table does not cover all of them (never a figure computed from months the data
/// lacks).
fn unless_lacking(ctx: &PartnerCtx<'_>, r: Requirement, months: Vec<Month>) -> Requirement {
    let lacking: Vec<Month> = months
        .into_iter()
        .filter(|x| !ctx.data.coverage.covers(UsageTable::M365Usage, *x))
        .collect();
    if lacking.is_empty() {
        return r;
    }
    Requirement {
        met: false,
        checked: false,
        detail: format!(
            "not checkable from data: it reads m365_usage for {}, which the table does not cover ({})",
            months_in_words(&lacking),
            ctx.data
                .coverage
                .table(UsageTable::M365Usage)
                .map_or_else(String::new, capscore_data::TableCoverage::describe)
        ),
        ..r
    }
}

/// People holding `cert` on the date.
fn holders(ctx: &PartnerCtx<'_>, cert: CertId) -> BTreeSet<PersonIdx> {
    let d = ctx.date;
    ctx.view
        .certs
        .iter()
        .filter(|h| h.cert == cert && h.earned <= d && h.expires.is_none_or(|e| e >= d))
        .map(|h| h.person)
        .collect()
}

/// Whether each group can get its number of people, no person serving two groups
/// (bipartite matching by augmenting paths).
fn distinct_people(groups: &[(BTreeSet<PersonIdx>, u32)]) -> bool {
    let slots: Vec<&BTreeSet<PersonIdx>> = groups
        .iter()
        .flat_map(|(p, n)| std::iter::repeat_n(p, *n as usize))
        .collect();
    let mut owner: std::collections::BTreeMap<PersonIdx, usize> = std::collections::BTreeMap::new();
    #[allow(clippy::items_after_statements)] // the matching's step, next to its state
    fn augment(
        slot: usize,
        slots: &[&BTreeSet<PersonIdx>],
        owner: &mut std::collections::BTreeMap<PersonIdx, usize>,
        seen: &mut BTreeSet<PersonIdx>,
    ) -> bool {
        for p in slots[slot] {
            if seen.insert(*p) {
                let free = match owner.get(p) {
                    None => true,
                    Some(&other) => augment(other, slots, owner, seen),
                };
                if free {
                    owner.insert(*p, slot);
                    return true;
                }
            }
        }
        false
    }
    (0..slots.len()).all(|s| augment(s, &slots, &mut owner, &mut BTreeSet::new()))
}

fn knowledge(ctx: &PartnerCtx<'_>, t: &TeamworkRules) -> Requirement {
    let cert_name = |c: CertId| {
        ctx.catalog.certifications[c.index()]
            .name_on(ctx.date)
            .to_string()
    };
    let groups: Vec<(BTreeSet<PersonIdx>, u32)> = t
        .knowledge
        .iter()
        .map(|(c, n)| (holders(ctx, *c), *n))
        .collect();
    let main = distinct_people(&groups);
    let alternative = t
        .knowledge_alternative
        .map(|(c, n)| (c, n, holders(ctx, c).len()));
    let alt_met = alternative.is_some_and(|(_, n, have)| have >= n as usize);
    let mut parts: Vec<String> = t
        .knowledge
        .iter()
        .zip(&groups)
        .map(|((c, n), (p, _))| format!("{n} with {} (has {})", cert_name(*c), p.len()))
        .collect();
    parts = vec![format!(
        "{} as different people: {}",
        parts.join(" and "),
        if main { "met" } else { "not met" }
    )];
    if let Some((c, n, have)) = alternative {
        parts.push(format!("or {n} with {} (has {have})", cert_name(c)));
    }
    req("knowledge", main || alt_met, parts.join("; "))
}

fn references(ctx: &PartnerCtx<'_>, s: &Specialization) -> Requirement {
    let years = ctx
        .catalog
        .membership
        .specialization_rules
        .references_valid_years;
    let since = sub_years(ctx.date, years);
    let program = format!("{SPECIALIZATION}{}", s.id);
    let r = &ctx.data.customer_references;
    let (mut approved, mut pending, mut expired) = (0u32, 0u32, 0u32);
    for p in ctx.members {
        for i in rows_of(&r.by_partner, p.index()) {
            if r.program[i] != program || r.submitted[i] > ctx.date {
                continue;
            }
            let on = r.reviewed[i].unwrap_or(r.submitted[i]);
            match r.status[i] {
                // Reviewed after the date: still under review on the date.
                _ if on > ctx.date => pending += 1,
                ReferenceStatus::Approved if on >= since => approved += 1,
                ReferenceStatus::Approved => expired += 1,
                ReferenceStatus::Pending => pending += 1,
                ReferenceStatus::Rejected => {}
            }
        }
    }
    let mut detail = format!("{approved} of {} approved", s.customer_references);
    if pending > 0 {
        detail.push_str(&format!(", {pending} pending"));
    }
    if expired > 0 {
        detail.push_str(&format!(", {expired} older than {years} years"));
    }
    req(
        "customer_references",
        approved >= s.customer_references,
        detail,
    )
}

/// The partner's cycle of a specialization it holds (the newest `enrollments` row):
/// the renewal window opens some days before the anniversary, a grace period follows,
/// and losing the prerequisite loses the specialization.
fn cycle(
    ctx: &PartnerCtx<'_>,
    s: &Specialization,
    prerequisite_met: bool,
) -> Option<SpecializationCycle> {
    let rules = &ctx.catalog.membership.specialization_rules;
    let program = format!("{SPECIALIZATION}{}", s.id);
    let e = ctx
        .rows(&program)
        .filter(|e| e.enrolled <= ctx.date)
        .max_by_key(|e| (e.enrolled, e.anniversary))?;
    let start = sub_days(e.anniversary, rules.renewal_opens_days_before);
    let grace_end = add_days(e.anniversary, rules.renewal_grace_days);
    let phase = if !prerequisite_met {
        "prerequisite_lost"
    } else if ctx.date < start {
        "active"
    } else if ctx.date <= e.anniversary {
        "renewal_window"
    } else if ctx.date <= grace_end {
        "grace"
    } else {
        "lapsed"
    };
    Some(SpecializationCycle {
        enrolled_date: e.enrolled,
        anniversary_date: e.anniversary,
        renewal_window_start: start,
        grace_end,
        phase: phase.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[u32]) -> BTreeSet<PersonIdx> {
        ids.iter().map(|i| PersonIdx(*i)).collect()
    }

    #[test]
    fn two_and_two_different_people() {
        assert!(distinct_people(&[(set(&[1, 2]), 2), (set(&[3, 4]), 2)]));
        assert!(
            !distinct_people(&[(set(&[1, 2]), 2), (set(&[1, 2]), 2)]),
            "the same two people"
        );
        assert!(
            !distinct_people(&[(set(&[1, 2, 3]), 2), (set(&[1, 2]), 2)]),
            "only three people"
        );
        assert!(distinct_people(&[
            (set(&[1, 2]), 2),
            (set(&[1, 2, 3, 4]), 2)
        ]));
        assert!(distinct_people(&[
            (set(&[1, 2, 3]), 2),
            (set(&[1, 3, 4]), 2)
        ]));
        assert!(!distinct_people(&[(set(&[1]), 2), (set(&[2, 3, 4]), 2)]));
    }

    #[test]
    fn years_back() {
        let d = capscore_core::parse_date("2024-02-29").unwrap();
        assert_eq!(sub_years(d, 2).to_string(), "2022-02-28");
    }
}
