//! Membership over time: where a partner stands in the program on a date, and why.
//!
//! On a date, the newest data month published by then is in force (docs/rules.md §0). From
//! the monthly scores of the engine over the qualification window, the partner's
//! `enrollments`, its exams, certifications and customer references, this crate derives
//! each designation's status (in progress, qualified, enrolled, renewal due), the
//! shared anniversary and automatic enrollment, the scoring history, legacy Cloud
//! Productivity competency standing before 2022-10, legacy benefits after, the
//! specializations' requirements and renewal cycle, and the benefits the partner is
//! entitled to. Every date and number comes from the catalog's membership files.
#![deny(missing_docs)]

mod benefits;
mod error;
mod legacy;
mod lifecycle;
mod result;
mod scores;
mod specialization;

use capscore_catalog::Catalog;
use capscore_core::{Month, NaiveDate, PartnerIdx};
use capscore_data::{Dataset, Market, rows_of};
use capscore_engine::{PartnerView, partner_groups};

pub use error::StatusError;
pub use result::*;

/// What to report.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    /// The date.
    pub date: NaiveDate,
    /// Force this data month instead of the one the refresh calendar gives.
    pub month: Option<Month>,
    /// Partners (global accounts); `None` = all.
    pub partners: Option<Vec<PartnerIdx>>,
}

/// One `enrollments` row of a partner or its location accounts.
#[derive(Debug, Clone)]
pub(crate) struct Enrollment {
    pub program: String,
    pub level: Option<String>,
    pub enrolled: NaiveDate,
    pub anniversary: NaiveDate,
    pub benefits: Option<String>,
}

/// Everything known about one partner while its standing is worked out.
pub(crate) struct PartnerCtx<'a> {
    pub data: &'a Dataset,
    pub catalog: &'a Catalog,
    pub date: NaiveDate,
    pub month: Month,
    pub scores: &'a scores::MonthlyScores,
    pub partner: PartnerIdx,
    pub members: &'a [PartnerIdx],
    pub view: PartnerView,
    pub market: Market,
    pub enrollments: Vec<Enrollment>,
}

impl PartnerCtx<'_> {
    pub(crate) fn partner_id(&self) -> &str {
        &self.data.partners.ids[self.partner.index()]
    }

    /// Enrollment rows of a program (`designation:modern_work`, ...).
    pub(crate) fn rows<'s>(
        &'s self,
        program: &'s str,
    ) -> impl Iterator<Item = &'s Enrollment> + 's {
        self.enrollments
            .iter()
            .filter(move |e| e.program == program)
    }
}

/// The standing of partners on a date.
///
/// # Errors
/// A cycle of `parent_id` links, a partner that is a location account, or rules the
/// catalog does not have for a month needed.
pub fn status(
    data: &Dataset,
    catalog: &Catalog,
    req: &StatusRequest,
) -> Result<Standing, StatusError> {
    let lc = &catalog.membership.lifecycle;
    let month = req.month.unwrap_or_else(|| lc.data_month(req.date));
    if !data.coverage.covers_all(month) {
        return Err(StatusError::NotCovered {
            date: req.date,
            month,
            covered: data.coverage.describe(),
        });
    }
    let groups = partner_groups(data)?;
    let roots = groups.global_accounts(data, req.partners.as_deref())?;
    let mut ctxs: Vec<PartnerCtx<'_>> = Vec::new();
    let mut earliest = month.offset(-i32::try_from(lc.history_months).unwrap_or(0));
    let placeholder = scores::MonthlyScores::default();
    for &p in &roots {
        let members = groups.members(p);
        let mut enrollments: Vec<Enrollment> = Vec::new();
        let e = &data.enrollments;
        for m in members {
            for i in rows_of(&e.by_partner, m.index()) {
                enrollments.push(Enrollment {
                    program: e.program[i].clone(),
                    level: e.level[i].clone(),
                    enrolled: e.enrolled[i],
                    anniversary: e.anniversary[i],
                    benefits: e.benefits[i].clone(),
                });
            }
        }
        enrollments.sort_by(|a, b| {
            (a.enrolled, a.anniversary, &a.program).cmp(&(b.enrolled, b.anniversary, &b.program))
        });
        let ctx = PartnerCtx {
            data,
            catalog,
            date: req.date,
            month,
            scores: &placeholder,
            partner: p,
            members,
            view: PartnerView::build(data, members),
            market: data.partners.market[p.index()],
            enrollments,
        };
        earliest = earliest.min(lifecycle::earliest_month_needed(&ctx));
        ctxs.push(ctx);
    }
    let scores = scores::MonthlyScores::compute(data, catalog, &roots, earliest, month)?;
    let version = catalog.at_month(month)?.version_label();
    let partners = ctxs
        .into_iter()
        .map(|mut ctx| {
            ctx.scores = &scores;
            standing(&ctx)
        })
        .collect();
    Ok(Standing {
        date: req.date,
        month,
        catalog_version: version,
        partners,
    })
}

fn standing(ctx: &PartnerCtx<'_>) -> PartnerStanding {
    let designations = lifecycle::designations(ctx);
    let badges = lifecycle::badges(ctx, &designations);
    let annual_fee_usd = lifecycle::annual_fee(ctx, &designations);
    let history = lifecycle::history(ctx);
    let competencies = legacy::held(ctx, ctx.date);
    let competency_requirements = legacy::evaluate(ctx);
    let legacy_benefits = legacy::kept_benefits(ctx, &designations);
    let specializations =
        specialization::evaluate(ctx, &designations, &competencies, &competency_requirements);
    let benefits = benefits::entitled(
        ctx,
        &designations,
        &competencies,
        legacy_benefits.as_ref(),
        &specializations,
    );
    PartnerStanding {
        partner_id: ctx.partner_id().to_string(),
        name: ctx.data.partners.names[ctx.partner.index()].clone(),
        designations,
        badges,
        annual_fee_usd,
        history,
        competencies,
        competency_requirements,
        legacy_benefits,
        specializations,
        benefits,
    }
}
