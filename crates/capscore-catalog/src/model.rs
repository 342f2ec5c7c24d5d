//! The validated catalog: every name resolved to an id, every date parsed.

use std::collections::BTreeMap;

use capscore_core::{AssocMask, CertId, NaiveDate, Num, WorkloadId};

use crate::names::NameIndex;
use crate::raw::{Category, MetricKind, TrackSelection};

/// Something in force from `since` (inclusive; `None`: from the beginning) to `until`
/// (inclusive; `None`: still in force).
#[derive(Debug, Clone, PartialEq)]
pub struct Dated<T> {
    /// First day in force.
    pub since: Option<NaiveDate>,
    /// Last day in force.
    pub until: Option<NaiveDate>,
    /// The thing.
    pub value: T,
}

impl<T> Dated<T> {
    /// Whether it is in force on `date`.
    #[must_use]
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| s <= date) && self.until.is_none_or(|u| date <= u)
    }

    /// Whether two periods share a day.
    #[must_use]
    pub fn overlaps<U>(&self, other: &Dated<U>) -> bool {
        let starts_before_other_ends = match (self.since, other.until) {
            (Some(s), Some(u)) => s <= u,
            _ => true,
        };
        let other_starts_before_self_ends = match (other.since, self.until) {
            (Some(s), Some(u)) => s <= u,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_self_ends
    }
}

/// Where a workload's usage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadFamily {
    /// Microsoft 365 usage (`m365_usage`).
    M365,
    /// Dynamics 365 / Power Platform usage (`bizapps_usage`).
    BizApps,
}

/// A workload: a canonical id, its display name and the aliases data files use.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Canonical id (`exchange`).
    pub id: String,
    /// Display name (`Exchange`).
    pub name: String,
    /// Usage family.
    pub family: WorkloadFamily,
    /// Other names accepted in data (`EXO`, `Exchange Online`).
    pub aliases: Vec<String>,
}

/// A set of workloads, as a bit set over [`WorkloadId`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkloadSet {
    bits: Vec<u64>,
}

impl WorkloadSet {
    /// Adds a workload.
    pub fn insert(&mut self, w: WorkloadId) {
        let (word, bit) = (w.index() / 64, w.index() % 64);
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
    }

    /// Whether the set holds a workload.
    #[must_use]
    pub fn contains(&self, w: WorkloadId) -> bool {
        let (word, bit) = (w.index() / 64, w.index() % 64);
        self.bits.get(word).is_some_and(|b| b & (1 << bit) != 0)
    }

    /// The workloads in the set, in id order.
    pub fn iter(&self) -> impl Iterator<Item = WorkloadId> + '_ {
        self.bits.iter().enumerate().flat_map(|(word, &b)| {
            (0..64)
                .filter(move |bit| b & (1u64 << bit) != 0)
                .map(move |bit| WorkloadId(u16::try_from(word * 64 + bit).unwrap_or(u16::MAX)))
        })
    }
}

/// An association type (`CPOR`, `CSP_T1`, ...).
#[derive(Debug, Clone)]
pub struct AssocType {
    /// Canonical id as written in data (`CSP_T1`).
    pub id: String,
    /// Description.
    pub name: String,
    /// Other names accepted in data.
    pub aliases: Vec<String>,
}

/// A name a certification had until a date.
#[derive(Debug, Clone)]
pub struct FormerName {
    /// The former title.
    pub name: String,
    /// Last day it bore that title.
    pub until: NaiveDate,
}

/// A certification or assessment.
#[derive(Debug, Clone)]
pub struct Certification {
    /// Canonical id.
    pub id: String,
    /// Current title, without prefix.
    pub name: String,
    /// Prefix of the official title (`Microsoft 365 Certified:`), if any.
    pub official_prefix: Option<String>,
    /// Earlier titles.
    pub former_names: Vec<FormerName>,
    /// Other accepted titles.
    pub aliases: Vec<String>,
    /// Retirement date, if retired.
    pub retired: Option<NaiveDate>,
    /// Last day a retired certification still counts.
    pub eligible_through: Option<NaiveDate>,
}

impl Certification {
    /// The title the certification bore on `date`.
    #[must_use]
    pub fn name_on(&self, date: NaiveDate) -> &str {
        self.former_names
            .iter()
            .filter(|f| date <= f.until)
            .min_by_key(|f| f.until)
            .map_or(self.name.as_str(), |f| f.name.as_str())
    }

    /// Whether retirement (after its grace date) has taken it out of every list on `date`.
    #[must_use]
    pub fn retired_out(&self, date: NaiveDate) -> bool {
        match (self.retired, self.eligible_through) {
            (_, Some(last)) => date > last,
            (Some(retired), None) => date >= retired,
            (None, None) => false,
        }
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterValue {
    /// An exact number.
    Number(Num),
    /// A choice among names.
    Choice(String),
}

/// A named parameter with its dated values.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// What it means.
    pub description: String,
    /// Where the value comes from.
    pub reference: String,
    /// Unit.
    pub unit: String,
    /// Dated values, non-overlapping.
    pub values: Vec<Dated<ParameterValue>>,
}

/// A track of an area (Enterprise / SMB), with the tenant band it counts.
#[derive(Debug, Clone)]
pub struct TrackDef {
    /// Track id.
    pub id: String,
    /// Display name (`Enterprise`).
    pub name: String,
    /// Paid-seat band of a tenant in this track (Microsoft 365 areas).
    pub band: Option<crate::Band>,
}

/// A certification as listed by a metric, with the period the listing holds.
pub type CertListing = Dated<CertId>;

/// One version of a metric.
#[derive(Debug, Clone)]
pub struct MetricDef {
    /// Metric id (`usage_growth`).
    pub id: String,
    /// Display name (`Usage growth`).
    pub name: String,
    /// Unit of the metric's value.
    pub unit: Unit,
    /// The computation.
    pub kind: MetricKind,
    /// Category.
    pub category: Category,
    /// Maximum points.
    pub max_points: Num,
    /// Period of this version.
    pub since: Option<NaiveDate>,
    /// Period of this version.
    pub until: Option<NaiveDate>,
    /// Options per track, in the area's track order (one entry when the area has no tracks).
    pub per_track: Vec<Vec<crate::OptionRule>>,
    /// Eligible certifications (certified-people metrics).
    pub certifications: Vec<CertListing>,
    /// Active-usage percentage for a deployed service (deployment metrics).
    pub active_percent: Option<Num>,
    /// Association types of the Azure source (two-source metrics).
    pub azure_assoc: AssocMask,
    /// Association types of the Microsoft 365 source (two-source metrics).
    pub m365_assoc: AssocMask,
    /// Certification steps (step metrics).
    pub steps: Vec<crate::Step>,
    /// Association types by workload group (scoped metrics).
    pub scopes: Vec<crate::Scope>,
    /// Azure services not counted, normalised (deployment metrics).
    pub excluded_services: Vec<String>,
}

/// The unit a metric's value is counted in: `%`, `USD`, or a word (`tenants`,
/// `people`) with its singular (`tenant`, `person`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The unit of any amount but one (`people`, `%`, `USD`).
    pub many: String,
    /// The unit of exactly one (`person`); the same as `many` when the catalog gives none.
    pub one: String,
}

/// A solution area.
#[derive(Debug, Clone)]
pub struct AreaDef {
    /// Area id (`modern_work`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Source.
    pub reference: String,
    /// Period in force.
    pub since: Option<NaiveDate>,
    /// Period in force.
    pub until: Option<NaiveDate>,
    /// How the counting track is chosen.
    pub track_selection: TrackSelection,
    /// Eligible workloads.
    pub eligible_workloads: WorkloadSet,
    /// Tracks (empty: the area has none).
    pub tracks: Vec<TrackDef>,
    /// Metrics, every version.
    pub metrics: Vec<MetricDef>,
    /// Azure services that count, normalised (`None`: all).
    pub eligible_services: Option<Vec<String>>,
    /// Azure offers that never count, normalised.
    pub excluded_offers: Vec<String>,
    /// How a partner is classified into a track (`classified` areas).
    pub classification: Option<crate::Classification>,
    /// Monthly consumption value rate per unit, by workloads, dated.
    pub mcv_rates: Vec<Dated<(Vec<WorkloadId>, Num)>>,
    /// The file that defined it.
    pub file: String,
}

/// A badge earned by qualifying in a set of areas.
#[derive(Debug, Clone)]
pub struct Badge {
    /// Badge id (`microsoft_cloud`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Source.
    pub reference: String,
    /// Areas that must all qualify.
    pub requires_areas: Vec<String>,
}

/// A whole catalog, validated.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Release of the catalog (`2026.11.0`).
    pub version: String,
    /// Title.
    pub title: String,
    /// Where it was loaded from (a folder, or `embedded`).
    pub origin: String,
    /// Prefixes accepted before certification titles.
    pub title_prefixes: Vec<String>,
    /// Workloads; index = [`WorkloadId`].
    pub workloads: Vec<Workload>,
    /// Association types; index = [`capscore_core::AssocTypeId`].
    pub association_types: Vec<AssocType>,
    /// Named groups of association types (`CSP`).
    pub association_groups: BTreeMap<String, AssocMask>,
    /// Certifications; index = [`CertId`].
    pub certifications: Vec<Certification>,
    /// Parameters by name.
    pub parameters: BTreeMap<String, Parameter>,
    /// Areas, in file order.
    pub areas: Vec<AreaDef>,
    /// Badges.
    pub badges: Vec<Badge>,
    /// Membership rules: lifecycle, windows, competencies, specializations, benefits.
    pub membership: crate::membership::Membership,
    /// The default cost model of `recommend` and `plan` (`costs.toml`).
    pub costs: crate::costs::Costs,
    pub(crate) workload_names: NameIndex<WorkloadId>,
    pub(crate) assoc_names: NameIndex<capscore_core::AssocTypeId>,
    pub(crate) cert_names: NameIndex<CertId>,
    pub(crate) listed: Vec<bool>,
}

impl AreaDef {
    /// The display name without the program prefix (`Modern Work` for
    /// `Solutions Partner for Modern Work`).
    #[must_use]
    pub fn short_name(&self) -> &str {
        self.name.trim_start_matches("Solutions Partner for ")
    }

    /// The display name of one of the area's tracks (its id when the area has no such
    /// track).
    #[must_use]
    pub fn track_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.tracks
            .iter()
            .find(|t| t.id == id)
            .map_or(id, |t| t.name.as_str())
    }

    /// The newest version of a metric of the area.
    #[must_use]
    pub fn metric(&self, id: &str) -> Option<&MetricDef> {
        self.metrics.iter().rev().find(|m| m.id == id)
    }
}

impl Catalog {
    /// An area by id.
    #[must_use]
    pub fn area_def(&self, id: &str) -> Option<&AreaDef> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The short display name of an area (`Modern Work`), or the id when unknown.
    #[must_use]
    pub fn area_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.area_def(id).map_or(id, AreaDef::short_name)
    }
}
