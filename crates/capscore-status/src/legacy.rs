//! Legacy competencies (docs/rules.md §5, §6): held on a date from `enrollments`, what the
//! data supports before they ended, and legacy benefits kept after.

use std::collections::{BTreeMap, BTreeSet};

use capscore_catalog::membership::Competency;
use capscore_core::{NaiveDate, Num, PersonIdx};
use capscore_data::{Market, rows_of};
use capscore_engine::covers;

use crate::result::{
    CompetencyEval, CompetencyHeld, DesignationStanding, DesignationStatus, LegacyBenefits,
    LevelEval,
};
use crate::{Enrollment, PartnerCtx};

/// `enrollments.program` of a legacy competency.
const COMPETENCY: &str = "competency:";

fn competency_of(e: &Enrollment) -> Option<&str> {
    e.program.strip_prefix(COMPETENCY)
}

/// Rank of a level in the catalog (higher is better), for picking the best held.
fn rank(ctx: &PartnerCtx<'_>, competency: &str, level: &str) -> usize {
    ctx.catalog
        .membership
        .competencies
        .iter()
        .find(|c| c.id == competency)
        .and_then(|c| c.levels.iter().position(|l| l.id == level))
        .map_or(0, |p| p + 1)
}

/// Competencies held on `date`: an enrollment in force, and legacy competencies not
/// yet ended. The best level per competency.
pub(crate) fn held(ctx: &PartnerCtx<'_>, date: NaiveDate) -> Vec<CompetencyHeld> {
    if date > ctx.catalog.membership.lifecycle.legacy_competencies_until {
        return Vec::new();
    }
    let mut best: BTreeMap<&str, &Enrollment> = BTreeMap::new();
    for e in ctx
        .enrollments
        .iter()
        .filter(|e| e.enrolled <= date && date <= e.anniversary)
    {
        if let Some(c) = competency_of(e) {
            let level = e.level.as_deref().unwrap_or("");
            let better = best.get(c).is_none_or(|b| {
                rank(ctx, c, level) > rank(ctx, c, b.level.as_deref().unwrap_or(""))
            });
            if better {
                best.insert(c, e);
            }
        }
    }
    best.into_iter()
        .map(|(c, e)| CompetencyHeld {
            competency: c.to_string(),
            level: e.level.clone().unwrap_or_default(),
            anniversary_date: e.anniversary,
        })
        .collect()
}

/// Active entitlements: active users of the competency's workloads, summed over the
/// (tenant, workload) pairs of customers associated through its association types in
/// the data month (docs/rules.md §9.8).
fn active_entitlements(ctx: &PartnerCtx<'_>, c: &Competency) -> i64 {
    let u = &ctx.data.m365_usage;
    let m = ctx.month;
    let mut total: i64 = 0;
    for (t, assocs) in &ctx.view.tenants {
        for i in u.rows(*t, m) {
            let w = u.workload[i];
            if c.workloads.contains(&w) && covers(assocs, c.associations, w, m) {
                total = total.saturating_add(i64::try_from(u.active_users[i]).unwrap_or(i64::MAX));
            }
        }
    }
    total
}

/// People who passed every exam of one set, or hold one of the certifications, by the date.
fn qualifying_people(ctx: &PartnerCtx<'_>, c: &Competency) -> u32 {
    let date = ctx.date;
    let x = &ctx.data.exams;
    let mut passed: BTreeMap<PersonIdx, BTreeSet<String>> = BTreeMap::new();
    for p in ctx.members {
        for i in rows_of(&x.by_partner, p.index()) {
            if x.passed[i] <= date {
                passed
                    .entry(x.person[i])
                    .or_default()
                    .insert(x.exam[i].to_lowercase());
            }
        }
    }
    let mut people: BTreeSet<PersonIdx> = passed
        .iter()
        .filter(|(_, exams)| {
            c.exam_sets
                .iter()
                .any(|set| set.iter().all(|e| exams.contains(&e.to_lowercase())))
        })
        .map(|(p, _)| *p)
        .collect();
    for h in &ctx.view.certs {
        if c.certifications.contains(&h.cert)
            && h.earned <= date
            && h.expires.is_none_or(|e| e >= date)
        {
            people.insert(h.person);
        }
    }
    u32::try_from(people.len()).unwrap_or(u32::MAX)
}

/// What the data supports for each legacy competency, while they exist.
pub(crate) fn evaluate(ctx: &PartnerCtx<'_>) -> Vec<CompetencyEval> {
    if ctx.date > ctx.catalog.membership.lifecycle.legacy_competencies_until {
        return Vec::new();
    }
    ctx.catalog
        .membership
        .competencies
        .iter()
        .map(|c| {
            let ae = active_entitlements(ctx, c);
            let people = qualifying_people(ctx, c);
            let levels: Vec<LevelEval> = c
                .levels
                .iter()
                .map(|l| {
                    let needed = match ctx.market {
                        Market::Mature => l.ae_mature,
                        Market::Emerging => l.ae_emerging,
                    };
                    LevelEval {
                        level: l.id.clone(),
                        met: Num::from_integer(i128::from(ae)) >= needed && people >= l.people,
                        active_entitlements_needed: i64::try_from(needed.to_integer())
                            .unwrap_or(i64::MAX),
                        people_needed: l.people,
                    }
                })
                .collect();
            CompetencyEval {
                competency: c.id.clone(),
                month: ctx.month,
                active_entitlements: ae,
                qualifying_people: people,
                level_met: levels.iter().rev().find(|l| l.met).map(|l| l.level.clone()),
                levels,
            }
        })
        .collect()
}

/// Legacy benefits after legacy competencies ended: a partner holding one on their
/// last day keeps legacy benefits until that competency's next anniversary, then may
/// pay to retain them unless it holds an active designation (docs/rules.md §5).
pub(crate) fn kept_benefits(
    ctx: &PartnerCtx<'_>,
    designations: &[DesignationStanding],
) -> Option<LegacyBenefits> {
    let last = ctx.catalog.membership.lifecycle.legacy_competencies_until;
    if ctx.date <= last {
        return None;
    }
    let held_then = held(ctx, last);
    let best = held_then
        .iter()
        .max_by_key(|h| rank(ctx, &h.competency, &h.level))?;
    let has_designation = designations.iter().any(|d| {
        matches!(
            d.status,
            DesignationStatus::Enrolled | DesignationStatus::EnrolledRenewalDue
        )
    });
    let detail = if ctx.date <= best.anniversary_date {
        format!(
            "held {} {} on {last}: legacy benefits continue until the anniversary {}",
            best.level, best.competency, best.anniversary_date
        )
    } else if has_designation && crate::benefits::chose_legacy_package(ctx) {
        format!(
            "the anniversary {} has passed; legacy benefits continue as the package chosen with the designation purchase",
            best.anniversary_date
        )
    } else if has_designation {
        format!(
            "the anniversary {} has passed; with an active designation legacy benefits cannot be renewed",
            best.anniversary_date
        )
    } else {
        format!(
            "the anniversary {} has passed; legacy benefits continue only if retained for a fee (or a Microsoft Action Pack instead)",
            best.anniversary_date
        )
    };
    Some(LegacyBenefits {
        competency: best.competency.clone(),
        level: best.level.clone(),
        kept_until: best.anniversary_date,
        may_retain: !has_designation,
        detail,
    })
}
