//! Monthly scores of every area, computed once per data month for all partners asked.

use std::collections::BTreeMap;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num, PartnerIdx};
use capscore_data::Dataset;
use capscore_engine::{ScoreRequest, score};

use crate::StatusError;

/// One area's outcome in one month.
#[derive(Debug, Clone)]
pub(crate) struct AreaMonth {
    pub area: String,
    pub total: Num,
    pub qualified: bool,
    /// Months the area's metrics read that the data lacks (empty: complete).
    pub missing: Vec<Month>,
}

/// Scores by data month, then by partner id.
#[derive(Debug, Clone, Default)]
pub(crate) struct MonthlyScores {
    by_month: BTreeMap<Month, BTreeMap<String, Vec<AreaMonth>>>,
}

impl MonthlyScores {
    /// Scores every area of `partners` in each month `from ..= to`.
    pub(crate) fn compute(
        data: &Dataset,
        catalog: &Catalog,
        partners: &[PartnerIdx],
        from: Month,
        to: Month,
    ) -> Result<Self, StatusError> {
        let mut by_month = BTreeMap::new();
        for m in Month::range(from, to) {
            let req = ScoreRequest {
                month: m,
                partners: Some(partners.to_vec()),
                areas: None,
            };
            let s = score(data, catalog, &req)?;
            let per_partner = s
                .partners
                .into_iter()
                .map(|p| {
                    let areas = p
                        .areas
                        .into_iter()
                        .map(|a| AreaMonth {
                            missing: a.missing_months(),
                            area: a.area,
                            total: a.total,
                            qualified: a.qualified,
                        })
                        .collect();
                    (p.partner_id, areas)
                })
                .collect();
            by_month.insert(m, per_partner);
        }
        Ok(MonthlyScores { by_month })
    }

    /// A partner's areas in a month (empty when the month was not scored).
    pub(crate) fn areas(&self, partner: &str, month: Month) -> &[AreaMonth] {
        self.by_month
            .get(&month)
            .and_then(|p| p.get(partner))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether an area qualified in a month (never when the data cannot answer it).
    pub(crate) fn qualified(&self, partner: &str, area: &str, month: Month) -> bool {
        self.areas(partner, month)
            .iter()
            .any(|a| a.area == area && a.qualified && a.missing.is_empty())
    }

    /// Whether the data cannot answer an area's score in a month.
    pub(crate) fn incomplete(&self, partner: &str, area: &str, month: Month) -> bool {
        self.areas(partner, month)
            .iter()
            .any(|a| a.area == area && !a.missing.is_empty())
    }
}
