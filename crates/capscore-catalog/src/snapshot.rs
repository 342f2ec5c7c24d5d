//! The rules in force on one date, typed for the engine.

use std::collections::BTreeMap;

use capscore_core::{
    AssocMask, AssocTypeId, CertId, Month, NaiveDate, Num, Vocabulary, WorkloadId,
};

use crate::error::CatalogError;
use crate::model::{Catalog, ParameterValue, WorkloadSet};
use crate::names::normalize;
use crate::raw::{Category, MetricKind, TrackSelection};

/// A tenant size band on paid seats of one eligible workload:
/// `above < paid_units <= at_most`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Paid seats must exceed this.
    pub above: u64,
    /// Paid seats must not exceed this (`None`: no upper bound).
    pub at_most: Option<u64>,
}

impl Band {
    /// Whether a workload with `paid_units` seats puts the tenant in the band.
    #[must_use]
    pub fn holds(self, paid_units: u64) -> bool {
        paid_units > self.above && self.at_most.is_none_or(|m| paid_units <= m)
    }
}

/// Named numeric settings of a metric kind (thresholds such as `min_mcv`), validated
/// when the catalog loads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings(pub BTreeMap<String, Num>);

impl Settings {
    /// A setting. Every setting a kind needs is checked when the catalog loads; a name
    /// the kind does not declare reads as 0.
    #[must_use]
    pub fn get(&self, name: &str) -> Num {
        self.0
            .get(name)
            .copied()
            .unwrap_or_else(|| Num::from_integer(0))
    }
}

/// One association option of a metric: the associations it counts and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRule {
    /// Name shown as the winning option (`CPOR`); `None` for a metric without options.
    pub name: Option<String>,
    /// Association types counted.
    pub assoc: AssocMask,
    /// Value that earns the metric's maximum.
    pub target: Num,
    /// The kind's settings for this track.
    pub settings: Settings,
}

/// A certification step: a prerequisite needing `min_people` distinct people, or the
/// scoring step whose people earn points.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// People needed (prerequisite steps).
    pub min_people: u32,
    /// Whether this is the scoring step.
    pub scoring: bool,
    /// Certifications of the step.
    pub certifications: Vec<CertId>,
}

/// Association types that count for a group of workloads.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// The workloads.
    pub workloads: WorkloadSet,
    /// The association types.
    pub assoc: AssocMask,
}

/// How a partner is classified into one track of a `classified` area: `track` when it
/// has at least `min_pairs` (tenant, workload) pairs with revenue above
/// `revenue_above` at both `m` and `m-12`, `otherwise` else.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// Track when the rule is met.
    pub track: String,
    /// Track otherwise.
    pub otherwise: String,
    /// Pairs needed.
    pub min_pairs: u32,
    /// Revenue a pair must exceed in the month.
    pub revenue_above: Num,
    /// Association types that credit a pair.
    pub assoc: AssocMask,
}

/// How points are rounded (docs/rules.md §9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Exact fractions.
    Exact,
    /// Whole increments, rounded down.
    FloorWhole,
}

/// What Modern Work deployments count (docs/rules.md §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentUnit {
    /// (tenant, workload) services.
    Service,
    /// Tenants with at least one deployed service.
    Tenant,
}

/// Parameters in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Total points needed.
    pub qualifying_total_points: Num,
    /// Points every metric needs.
    pub min_metric_points: Num,
    /// Rounding of a metric's points.
    pub points_rounding: Rounding,
    /// Modern Work deployment unit.
    pub deployment_unit: DeploymentUnit,
}

/// A metric as in force.
#[derive(Debug, Clone)]
pub struct MetricRules {
    /// Metric id.
    pub id: String,
    /// The computation.
    pub kind: MetricKind,
    /// Category.
    pub category: Category,
    /// Maximum points.
    pub max_points: Num,
    /// Association options (one, unnamed, for a metric without options).
    pub options: Vec<OptionRule>,
    /// Certifications eligible on the date (certified-people metrics).
    pub certifications: Vec<CertId>,
    /// Active-usage percentage of a deployed service.
    pub active_percent: Option<Num>,
    /// Association types of the Azure source (two-source metrics).
    pub azure_assoc: AssocMask,
    /// Association types of the Microsoft 365 source (two-source metrics).
    pub m365_assoc: AssocMask,
    /// Certification steps, certifications eligible on the date (step metrics).
    pub steps: Vec<Step>,
    /// Association types by workload group (scoped metrics).
    pub scopes: Vec<Scope>,
    /// Azure services not counted, normalised.
    pub excluded_services: Vec<String>,
}

/// A track as in force.
#[derive(Debug, Clone)]
pub struct TrackRules {
    /// Track id (`None` for an area without tracks).
    pub id: Option<String>,
    /// Tenant band.
    pub band: Option<Band>,
    /// Metrics.
    pub metrics: Vec<MetricRules>,
}

/// An area as in force.
#[derive(Debug, Clone)]
pub struct AreaRules {
    /// Area id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How the counting track is chosen.
    pub track_selection: TrackSelection,
    /// Eligible workloads.
    pub eligible_workloads: WorkloadSet,
    /// Tracks (one, unnamed, for an area without tracks).
    pub tracks: Vec<TrackRules>,
    /// Azure services that count, normalised (`None`: all).
    pub eligible_services: Option<Vec<String>>,
    /// Azure offers that never count, normalised.
    pub excluded_offers: Vec<String>,
    /// Classification into a track (`classified` areas).
    pub classification: Option<Classification>,
    /// MCV rate per unit, indexed by [`WorkloadId`] (`None`: no rate in force).
    pub mcv_rate: Vec<Option<Num>>,
}

/// The rules in force on one date.
#[derive(Debug, Clone)]
pub struct Snapshot<'c> {
    /// The catalog.
    pub catalog: &'c Catalog,
    /// The date.
    pub date: NaiveDate,
    /// Parameters.
    pub params: Params,
    /// Areas in force.
    pub areas: Vec<AreaRules>,
    /// Latest `since` among the entries in force: the rules have been as they are since.
    pub in_force_since: Option<NaiveDate>,
}

impl Snapshot<'_> {
    /// An area by id.
    #[must_use]
    pub fn area(&self, id: &str) -> Option<&AreaRules> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// `version+YYYY-MM-DD`: the catalog release and the date its rules in force date from.
    #[must_use]
    pub fn version_label(&self) -> String {
        match self.in_force_since {
            Some(d) => format!("{}+{d}", self.catalog.version),
            None => self.catalog.version.clone(),
        }
    }
}

impl Catalog {
    /// The rules in force for evaluation month `m` (as of its last day).
    ///
    /// # Errors
    /// When a parameter has no value in force on that day.
    pub fn at_month(&self, m: Month) -> Result<Snapshot<'_>, CatalogError> {
        self.at(m.last_day())
    }

    /// The rules in force on `date`.
    ///
    /// # Errors
    /// When a parameter has no value in force on that day, or holds a value of the
    /// wrong kind.
    pub fn at(&self, date: NaiveDate) -> Result<Snapshot<'_>, CatalogError> {
        let mut since: Option<NaiveDate> = None;
        let mut note = |s: Option<NaiveDate>| {
            if let Some(s) = s {
                since = Some(since.map_or(s, |x: NaiveDate| x.max(s)));
            }
        };
        let mut value = |name: &str| -> Result<ParameterValue, CatalogError> {
            let p = self
                .parameters
                .get(name)
                .ok_or_else(|| CatalogError::NotInForce {
                    what: format!("parameter \"{name}\""),
                    date: date.to_string(),
                    message: "catalog.toml must define it under [parameters]".into(),
                })?;
            let v = p.values.iter().find(|v| v.in_force(date)).ok_or_else(|| {
                CatalogError::NotInForce {
                    what: format!("parameter \"{name}\""),
                    date: date.to_string(),
                    message: "no dated value covers this day".into(),
                }
            })?;
            note(v.since);
            Ok(v.value.clone())
        };
        let wrong = |name: &str, expected: &str| CatalogError::Invalid {
            file: "catalog.toml".into(),
            item: format!("parameter \"{name}\""),
            message: format!("must be {expected}"),
        };
        let num = |v: ParameterValue, name: &str| match v {
            ParameterValue::Number(n) => Ok(n),
            ParameterValue::Choice(_) => Err(wrong(name, "a number")),
        };
        let params = Params {
            qualifying_total_points: num(
                value("qualifying_total_points")?,
                "qualifying_total_points",
            )?,
            min_metric_points: num(value("min_metric_points")?, "min_metric_points")?,
            points_rounding: match value("points_rounding")? {
                ParameterValue::Choice(c) if c == "exact" => Rounding::Exact,
                ParameterValue::Choice(c) if c == "floor_whole" => Rounding::FloorWhole,
                _ => return Err(wrong("points_rounding", "\"exact\" or \"floor_whole\"")),
            },
            deployment_unit: match value("deployment_unit")? {
                ParameterValue::Choice(c) if c == "service" => DeploymentUnit::Service,
                ParameterValue::Choice(c) if c == "tenant" => DeploymentUnit::Tenant,
                _ => return Err(wrong("deployment_unit", "\"service\" or \"tenant\"")),
            },
        };
        let mut areas = Vec::new();
        for a in &self.areas {
            let span = crate::Dated {
                since: a.since,
                until: a.until,
                value: (),
            };
            if !span.in_force(date) {
                continue;
            }
            note(a.since);
            let track_ids: Vec<Option<&crate::TrackDef>> = if a.tracks.is_empty() {
                vec![None]
            } else {
                a.tracks.iter().map(Some).collect()
            };
            let mut tracks: Vec<TrackRules> = track_ids
                .iter()
                .map(|t| TrackRules {
                    id: t.map(|t| t.id.clone()),
                    band: t.and_then(|t| t.band),
                    metrics: Vec::new(),
                })
                .collect();
            for m in &a.metrics {
                let mspan = crate::Dated {
                    since: m.since,
                    until: m.until,
                    value: (),
                };
                if !mspan.in_force(date) {
                    continue;
                }
                note(m.since);
                let mut certs = Vec::new();
                for c in &m.certifications {
                    if c.in_force(date) && !self.certifications[c.value.index()].retired_out(date) {
                        certs.push(c.value);
                    }
                    note(c.since);
                }
                let steps: Vec<Step> = m
                    .steps
                    .iter()
                    .map(|s| Step {
                        certifications: s
                            .certifications
                            .iter()
                            .copied()
                            .filter(|c| !self.certifications[c.index()].retired_out(date))
                            .collect(),
                        ..s.clone()
                    })
                    .collect();
                for (i, t) in tracks.iter_mut().enumerate() {
                    t.metrics.push(MetricRules {
                        id: m.id.clone(),
                        kind: m.kind,
                        category: m.category,
                        max_points: m.max_points,
                        options: m.per_track.get(i).cloned().unwrap_or_default(),
                        certifications: certs.clone(),
                        active_percent: m.active_percent,
                        azure_assoc: m.azure_assoc,
                        m365_assoc: m.m365_assoc,
                        steps: steps.clone(),
                        scopes: m.scopes.clone(),
                        excluded_services: m.excluded_services.clone(),
                    });
                }
            }
            let mut mcv_rate = vec![None; self.workloads.len()];
            for r in a.mcv_rates.iter().filter(|r| r.in_force(date)) {
                note(r.since);
                for w in &r.value.0 {
                    mcv_rate[w.index()] = Some(r.value.1);
                }
            }
            areas.push(AreaRules {
                id: a.id.clone(),
                name: a.name.clone(),
                track_selection: a.track_selection,
                eligible_workloads: a.eligible_workloads.clone(),
                tracks,
                eligible_services: a.eligible_services.clone(),
                excluded_offers: a.excluded_offers.clone(),
                classification: a.classification.clone(),
                mcv_rate,
            });
        }
        // Renames and retirements change what counts too.
        for c in &self.certifications {
            for f in &c.former_names {
                if f.until < date {
                    note(f.until.succ_opt());
                }
            }
            if let Some(e) = c.eligible_through.filter(|e| *e < date) {
                note(e.succ_opt());
            }
        }
        Ok(Snapshot {
            catalog: self,
            date,
            params,
            areas,
            in_force_since: since,
        })
    }

    /// Resolves an association type id or group name (`CSP`) to a mask.
    #[must_use]
    pub fn association_mask(&self, name: &str) -> Option<AssocMask> {
        self.association_groups
            .get(&name.to_lowercase())
            .copied()
            .or_else(|| self.assoc_names.get(name).map(AssocMask::of))
    }

    /// The association type names in a mask, in catalog order.
    #[must_use]
    pub fn mask_names(&self, mask: AssocMask) -> Vec<&str> {
        self.association_types
            .iter()
            .enumerate()
            .filter(|(i, _)| mask.contains(AssocTypeId(u8::try_from(*i).unwrap_or(u8::MAX))))
            .map(|(_, t)| t.id.as_str())
            .collect()
    }
}

impl Vocabulary for Catalog {
    fn workload(&self, name: &str) -> Option<WorkloadId> {
        self.workload_names.get(name)
    }

    fn association_type(&self, name: &str) -> Option<AssocTypeId> {
        self.assoc_names.get(name)
    }

    fn certification(&self, name: &str) -> Option<CertId> {
        if let Some(id) = self.cert_names.get(name) {
            return Some(id);
        }
        let key = normalize(name);
        self.title_prefixes.iter().find_map(|p| {
            let p = normalize(p);
            key.strip_prefix(&p)
                .and_then(|rest| self.cert_names.get(rest.trim()))
        })
    }

    fn certification_listed(&self, id: CertId) -> bool {
        self.listed.get(id.index()).copied().unwrap_or(false)
    }

    fn suggest_workloads(&self, name: &str) -> Vec<String> {
        self.workload_names.suggest(name)
    }

    fn suggest_association_types(&self, name: &str) -> Vec<String> {
        self.assoc_names.suggest(name)
    }

    fn suggest_certifications(&self, name: &str) -> Vec<String> {
        let key = normalize(name);
        let bare = self
            .title_prefixes
            .iter()
            .find_map(|p| {
                key.strip_prefix(&normalize(p))
                    .map(|r| r.trim().to_string())
            })
            .unwrap_or(key);
        self.cert_names.suggest(&bare)
    }

    fn program(&self, name: &str) -> bool {
        let key = crate::names::normalize(name);
        self.programs().contains(&key)
    }

    fn suggest_programs(&self, name: &str) -> Vec<String> {
        let programs = self.programs();
        crate::names::suggest_among(name, programs.iter().map(|p| (p.as_str(), p.as_str())))
    }
}

impl Catalog {
    /// The programs `enrollments` and `customer_references` may name:
    /// `designation:AREA`, `competency:ID` and `specialization:ID`.
    #[must_use]
    pub fn programs(&self) -> Vec<String> {
        let areas = self.areas.iter().map(|a| format!("designation:{}", a.id));
        let competencies = self
            .membership
            .competencies
            .iter()
            .map(|c| format!("competency:{}", c.id));
        let specializations = self
            .membership
            .specializations
            .iter()
            .map(|s| format!("specialization:{}", s.id));
        areas.chain(competencies).chain(specializations).collect()
    }
}
