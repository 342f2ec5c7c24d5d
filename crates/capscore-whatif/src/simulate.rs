//! `simulate`: a partner's scores before and after a scenario, both from the engine.

use capscore_catalog::Catalog;
use capscore_core::{Month, NaiveDate, Num, PartnerIdx, TenantIdx};
use capscore_data::{Dataset, Loaded};
use capscore_engine::{AreaScore, PartnerScore, ScoreRequest, score_checked};
use capscore_status::{PartnerStanding, StatusRequest};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use crate::edit;
use crate::error::WhatIfError;
use crate::scenario::{self, Scenario};
use crate::tables::Tables;

/// A partner's data and month, ready for what-ifs.
#[derive(Debug, Clone)]
pub struct Base<'c> {
    /// The catalog.
    pub catalog: &'c Catalog,
    /// The partner (global account) id.
    pub partner: String,
    /// The evaluation month.
    pub month: Month,
    /// Areas asked (`None`: all in force).
    pub areas: Option<Vec<String>>,
    /// Score without refusing months the data does not cover (set only for a part of
    /// the dataset checked to score as the whole dataset, see
    /// [`crate::recommend::Planner`]).
    pub partial: bool,
    /// The loaded dataset.
    pub loaded: Arc<Loaded>,
    /// What scenarios read of it, worked out when first needed.
    cache: Arc<Cache>,
}

/// What [`Base`] works out once: the dataset's tables as text (for `simulate` and its
/// `--write`), and what applying a scenario in memory needs.
#[derive(Debug, Default)]
struct Cache {
    tables: OnceLock<Tables>,
    facts: OnceLock<Facts>,
}

#[derive(Debug)]
struct Facts {
    /// The partner's accounts (itself and its location accounts), by partner index.
    accounts: Option<Vec<bool>>,
    /// Tenants a scenario may name (see [`edit::named_tenants`]).
    named: Vec<bool>,
    /// The latest month of any usage row (a scenario's default last month).
    latest: Option<Month>,
}

/// Scores one partner (refusing months the data does not cover unless `allow_partial`).
///
/// # Errors
/// [`WhatIfError::Engine`], or [`WhatIfError::Scenario`] when the partner is missing.
pub fn score_partner(
    data: &Dataset,
    catalog: &Catalog,
    partner: &str,
    month: Month,
    areas: Option<&[String]>,
    allow_partial: bool,
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
    let mut s = score_checked(data, catalog, &req, allow_partial)?;
    s.partners
        .pop()
        .ok_or_else(|| WhatIfError::Scenario(format!("partner \"{partner}\" has no score")))
}

impl<'c> Base<'c> {
    /// From a loaded dataset.
    ///
    /// # Errors
    /// None today; kept fallible for the callers.
    pub fn new(
        loaded: &Loaded,
        catalog: &'c Catalog,
        partner: &str,
        month: Month,
        areas: Option<Vec<String>>,
    ) -> Result<Self, WhatIfError> {
        Ok(Base::of(
            Arc::new(loaded.clone()),
            catalog,
            partner,
            month,
            areas,
            false,
        ))
    }

    /// From a dataset already shared.
    #[must_use]
    pub fn of(
        loaded: Arc<Loaded>,
        catalog: &'c Catalog,
        partner: &str,
        month: Month,
        areas: Option<Vec<String>>,
        partial: bool,
    ) -> Self {
        Base {
            catalog,
            partner: partner.to_string(),
            month,
            areas,
            partial,
            loaded,
            cache: Arc::default(),
        }
    }

    /// The same partner, month and areas on another dataset (`partial`: see
    /// [`Base::partial`]).
    #[must_use]
    pub fn with_dataset(&self, dataset: Dataset, partial: bool) -> Self {
        Base::of(
            Arc::new(Loaded {
                dataset,
                warnings: Vec::new(),
            }),
            self.catalog,
            &self.partner,
            self.month,
            self.areas.clone(),
            partial,
        )
    }

    /// The dataset's tables as text (made on first use).
    ///
    /// # Errors
    /// As [`Tables::from_dataset`].
    pub fn tables(&self) -> Result<&Tables, WhatIfError> {
        if let Some(t) = self.cache.tables.get() {
            return Ok(t);
        }
        let t = Tables::from_dataset(&self.loaded.dataset, self.catalog)?;
        Ok(self.cache.tables.get_or_init(|| t))
    }

    fn facts(&self) -> &Facts {
        self.cache.facts.get_or_init(|| {
            let d = &self.loaded.dataset;
            Facts {
                accounts: d.partners.find(&self.partner).map(|p| edit::accounts(d, p)),
                named: edit::named_tenants(d),
                latest: edit::latest_usage_month(d),
            }
        })
    }

    /// The partner's accounts (itself and its location accounts), by partner index.
    pub(crate) fn accounts(&self) -> Option<&[bool]> {
        self.facts().accounts.as_deref()
    }

    /// Scores edited tables at `month` (loaded through the dataset loader).
    ///
    /// # Errors
    /// [`WhatIfError::Data`] when the tables do not validate; engine refusals.
    pub fn score(&self, tables: &Tables, month: Month) -> Result<PartnerScore, WhatIfError> {
        let loaded = tables.load(self.catalog)?;
        self.score_loaded(&loaded.dataset, month)
    }

    /// Applies a scenario to the dataset: the changed dataset and the month the
    /// scenario asks for. In memory when it can be ([`Base::apply_in_memory`]), else
    /// through the tables as text, edited and loaded again; both give the same dataset
    /// and the same refusals.
    ///
    /// # Errors
    /// A refused scenario (file, line, column), or data the scenario makes invalid.
    pub fn apply(
        &self,
        scenario: &Scenario,
        file: &str,
        text: &str,
    ) -> Result<(Dataset, Option<Month>), WhatIfError> {
        if let Some(done) = self.apply_in_memory(scenario, file, text) {
            return Ok(done);
        }
        let applied = scenario::apply(
            scenario,
            self.tables()?,
            self.catalog,
            &self.partner,
            file,
            text,
        )?;
        let loaded = applied.tables.load(self.catalog)?;
        Ok((loaded.dataset, applied.month))
    }

    /// Applies a scenario to the rows it touches only: the tenants it names (their
    /// usage, `tenants` details and the partner's associations of them) and the
    /// partner's certifications are written as tables, edited by the scenario code,
    /// loaded through the dataset loader (the same checks as user data) and put in
    /// place of those rows in the loaded dataset ([`edit::splice`]). `None` when the
    /// scenario names a tenant the data does not have, refuses, or makes data the
    /// loader refuses: the caller then applies it to the whole tables, which gives the
    /// refusal with every name to suggest.
    #[must_use]
    pub fn apply_in_memory(
        &self,
        scenario: &Scenario,
        file: &str,
        text: &str,
    ) -> Option<(Dataset, Option<Month>)> {
        let d = &self.loaded.dataset;
        if d.usage_window.is_some() {
            return None;
        }
        let facts = self.facts();
        let accounts = facts.accounts.as_ref()?;
        let added: BTreeSet<&str> = scenario
            .add_customer
            .iter()
            .map(|c| c.tenant.get_ref().trim())
            .collect();
        if added
            .iter()
            .any(|t| t.is_empty() || d.tenants.get(t).is_some())
        {
            return None;
        }
        let mut touched = BTreeSet::new();
        for t in scenario::tenants_named(scenario) {
            if added.contains(t) {
                continue;
            }
            let i = d.tenants.get(t)?;
            if !facts.named.get(i as usize).copied().unwrap_or(false) {
                return None;
            }
            touched.insert(TenantIdx(i));
        }
        let rows = edit::restrict(d, accounts, &edit::Tenants::Exactly(&touched), None);
        let tables = Tables::from_dataset(&rows, self.catalog).ok()?;
        let applied = scenario::apply_with_latest(
            scenario,
            &tables,
            self.catalog,
            &self.partner,
            file,
            text,
            facts.latest,
        )
        .ok()?;
        let patch = applied.tables.load(self.catalog).ok()?;
        Some((
            edit::splice(d, &patch.dataset, accounts, &touched),
            applied.month,
        ))
    }

    /// Applies a scenario and scores before and after; with `standing`, also the
    /// partner's `capscore status` before and after ([`Simulation::status`]).
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
        self.simulate_with(scenario, file, text, true)
    }

    /// As [`Base::simulate`]; `standing` says whether to work out the status too
    /// (recommend and plan only need the scores). The scenario is applied to the
    /// dataset's tables as text, which are returned edited (for `--write`).
    ///
    /// # Errors
    /// As [`Base::simulate`].
    pub fn simulate_with(
        &self,
        scenario: &Scenario,
        file: &str,
        text: &str,
        standing: bool,
    ) -> Result<(Simulation, Tables), WhatIfError> {
        let applied = scenario::apply(
            scenario,
            self.tables()?,
            self.catalog,
            &self.partner,
            file,
            text,
        )?;
        let month_after = applied.month.unwrap_or(self.month);
        let data0 = self.base_loaded()?;
        let data1 = applied.tables.load(self.catalog)?;
        let before = self.score_loaded(&data0.dataset, self.month)?;
        let after = self.score_loaded(&data1.dataset, month_after)?;
        let mut sim = Simulation::compare(&before, self.month, &after, month_after);
        if standing {
            sim.status = Some(StatusComparison::of(
                self.standing(&data0.dataset, self.month),
                self.standing(&data1.dataset, month_after),
                &sim,
            ));
        }
        Ok((sim, applied.tables))
    }

    /// The loaded dataset.
    ///
    /// # Errors
    /// None today; kept fallible for the callers.
    pub fn base_loaded(&self) -> Result<Arc<Loaded>, WhatIfError> {
        Ok(Arc::clone(&self.loaded))
    }

    /// The partner's score on the dataset at the base month.
    ///
    /// # Errors
    /// As [`Base::score`].
    pub fn score_base(&self) -> Result<PartnerScore, WhatIfError> {
        self.score_loaded(&self.loaded.dataset, self.month)
    }

    /// The partner's score on `data` at `month`, with the base's areas.
    ///
    /// # Errors
    /// Engine refusals.
    pub fn score_loaded(&self, data: &Dataset, month: Month) -> Result<PartnerScore, WhatIfError> {
        score_partner(
            data,
            self.catalog,
            &self.partner,
            month,
            self.areas.as_deref(),
            self.partial,
        )
    }

    /// The partner's standing (`capscore status`) on the day the data of `month` is
    /// published, with that month in force; a refusal in words.
    fn standing(
        &self,
        data: &Dataset,
        month: Month,
    ) -> Result<(NaiveDate, PartnerStanding), String> {
        let date = status_date(self.catalog, month);
        let idx = data
            .partners
            .find(&self.partner)
            .ok_or_else(|| format!("partner \"{}\" is not in the partners table", self.partner))?;
        let req = StatusRequest {
            date,
            month: Some(month),
            partners: Some(vec![idx]),
        };
        let mut s = capscore_status::status(data, self.catalog, &req).map_err(|e| e.to_string())?;
        s.partners
            .pop()
            .map(|p| (date, p))
            .ok_or_else(|| format!("partner \"{}\" has no standing", self.partner))
    }
}

/// The day the data of `month` is published (the catalog's refresh day of the next
/// month): the first day on which its scores are in force.
#[must_use]
pub fn status_date(catalog: &Catalog, month: Month) -> NaiveDate {
    let first = month.offset(1).first_day();
    let day = catalog.membership.lifecycle.refresh_publish_day;
    first.with_day(day).unwrap_or(first)
}

/// One designation's `capscore status` before and after.
#[derive(Debug, Clone, Serialize)]
pub struct DesignationChange {
    /// Area id.
    pub area: String,
    /// Status before (`in_progress`, `qualified`, `enrolled`, `enrolled_renewal_due`).
    pub status_before: &'static str,
    /// Status after.
    pub status_after: &'static str,
    /// Data months of the qualification window whose score qualifies, before.
    pub qualifying_months_before: Vec<Month>,
    /// The same, after.
    pub qualifying_months_after: Vec<Month>,
}

impl DesignationChange {
    /// In words: `in progress → qualified; window met in 2024-05`.
    #[must_use]
    pub fn describe(&self) -> String {
        let label = |s: &str| {
            s.replace("enrolled_renewal_due", "enrolled, renewal due")
                .replace('_', " ")
        };
        let mut out = format!(
            "{} → {}",
            label(self.status_before),
            label(self.status_after)
        );
        let new: Vec<String> = self
            .qualifying_months_after
            .iter()
            .filter(|m| !self.qualifying_months_before.contains(m))
            .map(ToString::to_string)
            .collect();
        let lost: Vec<String> = self
            .qualifying_months_before
            .iter()
            .filter(|m| !self.qualifying_months_after.contains(m))
            .map(ToString::to_string)
            .collect();
        if !new.is_empty() {
            out.push_str(&format!("; window met in {}", new.join(", ")));
        }
        if !lost.is_empty() {
            out.push_str(&format!("; no longer met in {}", lost.join(", ")));
        }
        if new.is_empty() && lost.is_empty() {
            if self.qualifying_months_after.is_empty() {
                out.push_str("; window not met");
            } else {
                out.push_str("; window met as before");
            }
        }
        out
    }
}

/// `capscore status` before and after a scenario, for the areas simulated.
#[derive(Debug, Clone, Serialize)]
pub struct StatusComparison {
    /// The date asked before (the day the data of the month before is published).
    pub date_before: Option<NaiveDate>,
    /// The date asked after.
    pub date_after: Option<NaiveDate>,
    /// Each designation simulated.
    pub designations: Vec<DesignationChange>,
    /// Badges (designations enrolled) before.
    pub badges_before: Vec<String>,
    /// Badges after.
    pub badges_after: Vec<String>,
    /// Why the status cannot be worked out (a data month the usage tables do not all
    /// cover), when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

type StandingResult = Result<(NaiveDate, PartnerStanding), String>;

impl StatusComparison {
    fn of(before: StandingResult, after: StandingResult, sim: &Simulation) -> Self {
        match (before, after) {
            (Ok((d0, s0)), Ok((d1, s1))) => {
                let designations = sim
                    .areas
                    .iter()
                    .filter_map(|a| {
                        let b = s0.designations.iter().find(|d| d.area == a.area)?;
                        let n = s1.designations.iter().find(|d| d.area == a.area)?;
                        Some(DesignationChange {
                            area: a.area.clone(),
                            status_before: b.status.as_str(),
                            status_after: n.status.as_str(),
                            qualifying_months_before: b.qualifying_months.clone(),
                            qualifying_months_after: n.qualifying_months.clone(),
                        })
                    })
                    .collect();
                StatusComparison {
                    date_before: Some(d0),
                    date_after: Some(d1),
                    designations,
                    badges_before: s0.badges,
                    badges_after: s1.badges,
                    refused: None,
                }
            }
            (Err(e), _) | (_, Err(e)) => StatusComparison {
                date_before: None,
                date_after: None,
                designations: Vec::new(),
                badges_before: Vec::new(),
                badges_after: Vec::new(),
                refused: Some(e),
            },
        }
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
    /// `capscore status` before and after (`None` when not asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusComparison>,
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
            status: None,
        }
    }

    /// The area change of `area`.
    #[must_use]
    pub fn area(&self, area: &str) -> Option<&AreaChange> {
        self.areas.iter().find(|a| a.area == area)
    }
}
