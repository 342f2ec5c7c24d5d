//! Designation statuses on a date (docs/rules.md §5): the qualification window, enrollment
//! with its shared anniversary and renewal window, automatic enrollment in further
//! areas, badges, the fee and the scoring history.

use capscore_catalog::membership::QualificationWindow;
use capscore_core::{Month, NaiveDate, num_to_f64_2dp};

use crate::result::{
    DesignationStanding, DesignationStatus, EnrolledVia, HistoryArea, HistoryMonth,
};
use crate::{Enrollment, PartnerCtx};

/// `enrollments.program` of a designation.
pub(crate) const DESIGNATION: &str = "designation:";

/// How far back monthly scores may be needed (two years covers any window or cycle).
const MAX_LOOKBACK_MONTHS: i32 = 24;

/// The current membership cycle: the designation enrollments in force on the date
/// (from enrollment through the end of the renewal window), the newest first.
struct Cycle<'a> {
    head: &'a Enrollment,
    start: NaiveDate,
}

fn in_force(ctx: &PartnerCtx<'_>, e: &Enrollment) -> bool {
    let lc = &ctx.catalog.membership.lifecycle;
    e.enrolled <= ctx.date && ctx.date <= lc.renewal_window_end(e.anniversary)
}

fn cycle<'a>(ctx: &'a PartnerCtx<'_>) -> Option<Cycle<'a>> {
    let active: Vec<&Enrollment> = ctx
        .enrollments
        .iter()
        .filter(|e| e.program.starts_with(DESIGNATION) && in_force(ctx, e))
        .collect();
    let head = *active.iter().max_by_key(|e| (e.enrolled, e.anniversary))?;
    // Enrollments that share the head's anniversary belong to the same cycle.
    let start = active
        .iter()
        .filter(|e| e.anniversary == head.anniversary)
        .map(|e| e.enrolled)
        .min()
        .unwrap_or(head.enrolled);
    Some(Cycle { head, start })
}

fn window<'a>(ctx: &PartnerCtx<'a>) -> Option<&'a QualificationWindow> {
    ctx.catalog.membership.window_at(ctx.date)
}

/// Data months in force on some day of `from ..= to`, never after the month in force.
fn months_in_force(ctx: &PartnerCtx<'_>, from: NaiveDate, to: NaiveDate) -> Vec<Month> {
    if to < from {
        return Vec::new();
    }
    let lc = &ctx.catalog.membership.lifecycle;
    let hi = lc.data_month(to).min(ctx.month);
    let lo = lc.data_month(from).min(hi);
    Month::range(lo, hi).collect()
}

/// The earliest data month a partner's standing reads.
pub(crate) fn earliest_month_needed(ctx: &PartnerCtx<'_>) -> Month {
    let lc = &ctx.catalog.membership.lifecycle;
    let mut earliest = ctx.month;
    if let Some(w) = window(ctx) {
        earliest = earliest.min(lc.data_month(w.start(ctx.date)));
        if let Some(c) = cycle(ctx) {
            earliest = earliest
                .min(lc.data_month(c.start))
                .min(lc.data_month(w.start(c.head.anniversary)));
        }
    }
    earliest.max(ctx.month.offset(-MAX_LOOKBACK_MONTHS))
}

/// Each area's designation standing; empty before designations existed.
pub(crate) fn designations(ctx: &PartnerCtx<'_>) -> Vec<DesignationStanding> {
    let lc = &ctx.catalog.membership.lifecycle;
    if ctx.date < lc.designations_since {
        return Vec::new();
    }
    let w = window(ctx);
    let start_of = |end: NaiveDate| w.map_or(end, |w| w.start(end));
    let cyc = cycle(ctx);
    let pid = ctx.partner_id();
    let qualifying = |area: &str, months: &[Month]| -> Vec<Month> {
        months
            .iter()
            .copied()
            .filter(|m| ctx.scores.qualified(pid, area, *m))
            .collect()
    };
    let not_computable = |area: &str, months: &[Month]| -> Vec<Month> {
        months
            .iter()
            .copied()
            .filter(|m| ctx.scores.incomplete(pid, area, *m))
            .collect()
    };
    ctx.catalog
        .areas
        .iter()
        .map(|area| {
            let purchased = ctx
                .rows(&format!("{DESIGNATION}{}", area.id))
                .any(|e| in_force(ctx, e));
            let automatic = !purchased
                && cyc.as_ref().is_some_and(|c| {
                    !qualifying(&area.id, &months_in_force(ctx, c.start, ctx.date)).is_empty()
                });
            if let (Some(c), true) = (&cyc, purchased || automatic) {
                // The renewal qualification window ends on the anniversary; the
                // months seen so far are those in force up to the date.
                let ad = c.head.anniversary;
                let start = start_of(ad);
                let window = months_in_force(ctx, start, ctx.date.min(ad));
                let months = qualifying(&area.id, &window);
                DesignationStanding {
                    area: area.id.clone(),
                    status: if ctx.date >= ad {
                        DesignationStatus::EnrolledRenewalDue
                    } else {
                        DesignationStatus::Enrolled
                    },
                    can_renew: Some(!months.is_empty()),
                    qualifying_months: months,
                    anniversary_date: Some(ad),
                    window_start: start,
                    window_end: ad,
                    enrolled_via: Some(if purchased {
                        EnrolledVia::Purchase
                    } else {
                        EnrolledVia::Automatic
                    }),
                    renewal_window_end: Some(lc.renewal_window_end(ad)),
                    not_computable_months: not_computable(&area.id, &window),
                }
            } else {
                let start = start_of(ctx.date);
                let window = months_in_force(ctx, start, ctx.date);
                let months = qualifying(&area.id, &window);
                DesignationStanding {
                    area: area.id.clone(),
                    status: if months.is_empty() {
                        DesignationStatus::InProgress
                    } else {
                        DesignationStatus::Qualified
                    },
                    qualifying_months: months,
                    anniversary_date: None,
                    window_start: start,
                    window_end: ctx.date,
                    enrolled_via: None,
                    renewal_window_end: None,
                    can_renew: None,
                    not_computable_months: not_computable(&area.id, &window),
                }
            }
        })
        .collect()
}

fn enrolled(d: &DesignationStanding) -> bool {
    matches!(
        d.status,
        DesignationStatus::Enrolled | DesignationStatus::EnrolledRenewalDue
    )
}

/// Enrolled designations' areas, then badges whose areas are all enrolled.
pub(crate) fn badges(ctx: &PartnerCtx<'_>, designations: &[DesignationStanding]) -> Vec<String> {
    let held: Vec<&str> = designations
        .iter()
        .filter(|d| enrolled(d))
        .map(|d| d.area.as_str())
        .collect();
    let mut out: Vec<String> = held.iter().map(ToString::to_string).collect();
    for b in &ctx.catalog.badges {
        if b.requires_areas.iter().all(|a| held.contains(&a.as_str())) {
            out.push(b.id.clone());
        }
    }
    out
}

/// The annual fee, once, when a designation is enrolled or may be purchased.
pub(crate) fn annual_fee(
    ctx: &PartnerCtx<'_>,
    designations: &[DesignationStanding],
) -> Option<f64> {
    designations
        .iter()
        .any(|d| d.status != DesignationStatus::InProgress)
        .then(|| num_to_f64_2dp(&ctx.catalog.membership.lifecycle.annual_fee_usd))
}

/// Each area's total in the data month in force and the months before it.
pub(crate) fn history(ctx: &PartnerCtx<'_>) -> Vec<HistoryMonth> {
    let back = i32::try_from(ctx.catalog.membership.lifecycle.history_months).unwrap_or(0);
    Month::range(ctx.month.offset(-back), ctx.month)
        .map(|m| HistoryMonth {
            month: m,
            areas: ctx
                .scores
                .areas(ctx.partner_id(), m)
                .iter()
                .map(|a| HistoryArea {
                    area: a.area.clone(),
                    total: num_to_f64_2dp(&a.total),
                    qualified: a.qualified && a.missing.is_empty(),
                    missing_months: a.missing.clone(),
                })
                .collect(),
        })
        .collect()
}
