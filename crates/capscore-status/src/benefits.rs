//! Benefits a partner is entitled to on a date (docs/rules.md §8; seed 004): the designation
//! packages or the legacy package, and specialization packages within each area's cap.

use capscore_catalog::membership::{BenefitPackage, PackageFor};

use crate::PartnerCtx;
use crate::lifecycle::DESIGNATION;
use crate::result::{
    BenefitEntitlement, BenefitItem, CompetencyHeld, DesignationStanding, DesignationStatus,
    LegacyBenefits, SpecializationStanding,
};

/// Phases of a specialization cycle in which its benefits continue.
const HOLDING: [&str; 3] = ["active", "renewal_window", "grace"];

/// `enrollments.benefits` choosing the legacy package.
const LEGACY_CHOICE: &str = "legacy";

fn entitlement(p: &BenefitPackage, count: u32, reason: String) -> BenefitEntitlement {
    BenefitEntitlement {
        package: p.id.clone(),
        name: p.name.clone(),
        count,
        reason,
        items: p
            .items
            .iter()
            .map(|(product, grant)| BenefitItem {
                product: product.clone(),
                grant: grant.clone(),
            })
            .collect(),
    }
}

fn enrolled(d: &DesignationStanding) -> bool {
    matches!(
        d.status,
        DesignationStatus::Enrolled | DesignationStatus::EnrolledRenewalDue
    )
}

/// Packages, in catalog order.
pub(crate) fn entitled(
    ctx: &PartnerCtx<'_>,
    designations: &[DesignationStanding],
    competencies: &[CompetencyHeld],
    legacy: Option<&LegacyBenefits>,
    specializations: &[SpecializationStanding],
) -> Vec<BenefitEntitlement> {
    let membership = &ctx.catalog.membership;
    let any_enrolled = designations.iter().any(enrolled);
    // The package chosen at the current purchase: the newest designation enrollment in
    // force (its `benefits`), Solutions Partner by default.
    let chose_legacy = any_enrolled && chose_legacy_package(ctx);
    let legacy_era = !competencies.is_empty();
    let legacy_kept = legacy.is_some_and(|l| ctx.date <= l.kept_until);
    let mut out = Vec::new();
    for p in &membership.packages {
        match &p.for_ {
            PackageFor::Designation(area)
                if any_enrolled
                    && !chose_legacy
                    && designations.iter().any(|d| &d.area == area && enrolled(d)) =>
            {
                out.push(entitlement(
                    p,
                    1,
                    format!(
                        "enrolled in the {} designation",
                        ctx.catalog.area_name(area)
                    ),
                ));
            }
            PackageFor::Legacy if chose_legacy || legacy_era || legacy_kept => {
                let reason = if chose_legacy {
                    "chose the legacy benefits package at purchase".to_string()
                } else if legacy_era {
                    "holds a legacy competency".to_string()
                } else {
                    legacy.map_or_else(String::new, |l| l.detail.clone())
                };
                out.push(entitlement(p, 1, reason));
            }
            PackageFor::SpecializationArea(area) if any_enrolled && !chose_legacy => {
                let cap = membership
                    .specialization_benefit_caps
                    .iter()
                    .find(|c| c.areas.contains(area));
                let in_group = |a: &str| cap.map_or(a == area, |c| c.areas.iter().any(|x| x == a));
                let held = specializations
                    .iter()
                    .filter(|s| in_group(&s.area))
                    .filter(|s| {
                        s.held
                            .as_ref()
                            .is_some_and(|h| HOLDING.contains(&h.phase.as_str()))
                    })
                    .count();
                let held = u32::try_from(held).unwrap_or(u32::MAX);
                let count = cap.map_or(held, |c| held.min(c.max));
                if count > 0 {
                    let reason = match cap {
                        Some(c) if held > c.max => {
                            format!("{held} specializations held; benefits stack for {}", c.max)
                        }
                        _ => format!("{held} specialization(s) held"),
                    };
                    out.push(entitlement(p, count, reason));
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the newest designation purchase by the date chose the legacy package.
pub(crate) fn chose_legacy_package(ctx: &PartnerCtx<'_>) -> bool {
    ctx.enrollments
        .iter()
        .filter(|e| e.program.starts_with(DESIGNATION) && e.enrolled <= ctx.date)
        .max_by_key(|e| e.enrolled)
        .and_then(|e| e.benefits.as_deref())
        == Some(LEGACY_CHOICE)
}
