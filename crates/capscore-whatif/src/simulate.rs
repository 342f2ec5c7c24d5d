//! `simulate`: a partner's scores before and after a scenario, both from the engine.

use capscore_catalog::Catalog;
use capscore_core::{Month, Num, PartnerIdx};
use capscore_data::{Dataset, Loaded};
use capscore_engine::{AreaScore, PartnerScore, ScoreRequest, score_checked};
use serde::Serialize;

use crate::error::WhatIfError;
use crate::scenario::{self, Scenario};
use crate::tables::Tables;

/// A partner's data and month, ready for what-ifs.
#[derive(Debug, Clone)]
pub struct Base<'c> {
    /// The catalog.
    pub catalog: &'c Catalog,
    /// The dataset's tables as text.
    pub tables: Tables,
    /// The partner (global account) id.
    pub partner: String,
    /// The evaluation month.
    pub month: Month,
    /// Areas asked (`None`: all in force).
    pub areas: Option<Vec<String>>,
}

/// Scores one partner (refusing months the data does not cover).
///
/// # Errors
/// [`WhatIfError::Engine`], or [`WhatIfError::Scenario`] when the partner is missing.
pub fn score_partner(
    data: &Dataset,
    catalog: &Catalog,
    partner: &str,
    month: Month,
    areas: Option<&[String]>,
) -> Result<PartnerScore, WhatIfError> {
    let idx: PartnerIdx = data.partners.find(partner).ok_or_else(|| {
        WhatIfError::Scenario(format!(
            "partner \"{partner}\" is not in the partners table"
        ))
    })?;
    let req = ScoreRequest {
        month,
        partners: Some(vec![idx]),
        areas: areas.map(<[String]>::to_vec),
    };
    let mut s = score_checked(data, catalog, &req, false)?;
    s.partners
        .pop()
        .ok_or_else(|| WhatIfError::Scenario(format!("partner \"{partner}\" has no score")))
}

impl<'c> Base<'c> {
    /// From a loaded dataset.
    ///
    /// # Errors
    /// As [`Tables::from_dataset`].
    pub fn new(
        loaded: &Loaded,
        catalog: &'c Catalog,
        partner: &str,
        month: Month,
        areas: Option<Vec<String>>,
    ) -> Result<Self, WhatIfError> {
        Ok(Base {
            catalog,
            tables: Tables::from_dataset(&loaded.dataset, catalog)?,
            partner: partner.to_string(),
            month,
            areas,
        })
    }

    /// Scores edited tables at `month` (loaded through the dataset loader).
    ///
    /// # Errors
    /// [`WhatIfError::Data`] when the tables do not validate; engine refusals.
    pub fn score(&self, tables: &Tables, month: Month) -> Result<PartnerScore, WhatIfError> {
        let loaded = tables.load(self.catalog)?;
        score_partner(
            &loaded.dataset,
            self.catalog,
            &self.partner,
            month,
            self.areas.as_deref(),
        )
    }

    /// Applies a scenario and scores before and after.
    ///
    /// # Errors
    /// A refused scenario (file, line, column), data the scenario makes invalid, or a
    /// month the data does not cover.
    pub fn simulate(
        &self,
        scenario: &Scenario,
        file: &str,
        text: &str,
    ) -> Result<(Simulation, Tables), WhatIfError> {
        let applied = scenario::apply(
            scenario,
            &self.tables,
            self.catalog,
            &self.partner,
            file,
            text,
        )?;
        let before = self.score(&self.tables, self.month)?;
        let month_after = applied.month.unwrap_or(self.month);
        let after = self.score(&applied.tables, month_after)?;
        Ok((
            Simulation::compare(&before, self.month, &after, month_after),
            applied.tables,
        ))
    }
}

/// One metric before and after.
#[derive(Debug, Clone, Serialize)]
pub struct MetricChange {
    /// Metric id.
    pub metric: String,
    /// Value before.
    #[serde(serialize_with = "ser_num")]
    pub value_before: Num,
    /// Value after.
    #[serde(serialize_with = "ser_num")]
    pub value_after: Num,
    /// Points before.
    #[serde(serialize_with = "ser_num")]
    pub points_before: Num,
    /// Points after.
    #[serde(serialize_with = "ser_num")]
    pub points_after: Num,
    /// Winning association option after.
    pub option_after: Option<String>,
}

/// One track before and after.
#[derive(Debug, Clone, Serialize)]
pub struct TrackChange {
    /// Track id (`None`: the area has one computation).
    pub track: Option<String>,
    /// Total before.
    #[serde(serialize_with = "ser_num")]
    pub total_before: Num,
    /// Total after.
    #[serde(serialize_with = "ser_num")]
    pub total_after: Num,
    /// Qualified before.
    pub qualified_before: bool,
    /// Qualified after.
    pub qualified_after: bool,
    /// Every metric.
    pub metrics: Vec<MetricChange>,
}

/// One area before and after.
#[derive(Debug, Clone, Serialize)]
pub struct AreaChange {
    /// Area id.
    pub area: String,
    /// Track that counts before.
    pub track_before: Option<String>,
    /// Track that counts after.
    pub track_after: Option<String>,
    /// Total before.
    #[serde(serialize_with = "ser_num")]
    pub total_before: Num,
    /// Total after.
    #[serde(serialize_with = "ser_num")]
    pub total_after: Num,
    /// Qualified before.
    pub qualified_before: bool,
    /// Qualified after.
    pub qualified_after: bool,
    /// What keeps the area from qualifying after, in words.
    pub unmet_after: Vec<String>,
    /// Every track.
    pub tracks: Vec<TrackChange>,
}

/// A partner before and after a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// Partner id.
    pub partner_id: String,
    /// Partner name.
    pub name: Option<String>,
    /// Month scored before.
    pub month_before: Month,
    /// Month scored after.
    pub month_after: Month,
    /// Badges before.
    pub badges_before: Vec<String>,
    /// Badges after.
    pub badges_after: Vec<String>,
    /// Every area.
    pub areas: Vec<AreaChange>,
}

/// Exact numbers as JSON numbers rounded to 2 decimals, or integers when whole.
pub(crate) fn ser_num<S: serde::Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    if v.is_integer()
        && let Ok(i) = i64::try_from(v.to_integer())
    {
        return s.serialize_i64(i);
    }
    s.serialize_f64(capscore_core::num_to_f64_2dp(v))
}

/// The tracks of an area (the area itself when it has one computation).
fn tracks(a: &AreaScore) -> Vec<(Option<String>, Num, bool, &[capscore_engine::MetricScore])> {
    if a.tracks.is_empty() {
        vec![(a.track.clone(), a.total, a.qualified, a.metrics.as_slice())]
    } else {
        a.tracks
            .iter()
            .map(|t| (t.track.clone(), t.total, t.qualified, t.metrics.as_slice()))
            .collect()
    }
}

impl Simulation {
    /// Compares two scores of the same partner.
    #[must_use]
    pub fn compare(before: &PartnerScore, m0: Month, after: &PartnerScore, m1: Month) -> Self {
        let zero = Num::from_integer(0);
        let mut areas = Vec::new();
        for a1 in &after.areas {
            let a0 = before.areas.iter().find(|a| a.area == a1.area);
            let t0 = a0.map(tracks).unwrap_or_default();
            let mut tr = Vec::new();
            for (id, total, q, ms) in tracks(a1) {
                let old = t0.iter().find(|t| t.0 == id);
                let metrics = ms
                    .iter()
                    .map(|m| {
                        let om = old.and_then(|o| o.3.iter().find(|x| x.metric == m.metric));
                        MetricChange {
                            metric: m.metric.clone(),
                            value_before: om.map_or(zero, |x| x.value),
                            value_after: m.value,
                            points_before: om.map_or(zero, |x| x.points),
                            points_after: m.points,
                            option_after: m.option.clone(),
                        }
                    })
                    .collect();
                tr.push(TrackChange {
                    track: id,
                    total_before: old.map_or(zero, |o| o.1),
                    total_after: total,
                    qualified_before: old.is_some_and(|o| o.2),
                    qualified_after: q,
                    metrics,
                });
            }
            areas.push(AreaChange {
                area: a1.area.clone(),
                track_before: a0.and_then(|a| a.track.clone()),
                track_after: a1.track.clone(),
                total_before: a0.map_or(zero, |a| a.total),
                total_after: a1.total,
                qualified_before: a0.is_some_and(|a| a.qualified),
                qualified_after: a1.qualified,
                unmet_after: a1.unmet.iter().map(ToString::to_string).collect(),
                tracks: tr,
            });
        }
        Simulation {
            partner_id: after.partner_id.clone(),
            name: after.name.clone(),
            month_before: m0,
            month_after: m1,
            badges_before: before.badges.clone(),
            badges_after: after.badges.clone(),
            areas,
        }
    }

    /// The area change of `area`.
    #[must_use]
    pub fn area(&self, area: &str) -> Option<&AreaChange> {
        self.areas.iter().find(|a| a.area == area)
    }
}
