//! The shape of the TOML files, as written by a person. Validated into [`crate::Catalog`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    pub catalog: Meta,
    #[serde(default)]
    pub parameters: BTreeMap<String, RawParameter>,
    #[serde(default)]
    pub association_type: Vec<RawAssocType>,
    #[serde(default)]
    pub association_group: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub version: String,
    pub title: String,
    #[serde(default)]
    pub certification_title_prefixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParameter {
    pub description: String,
    pub reference: String,
    pub unit: String,
    pub values: Vec<RawDatedValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDatedValue {
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
    pub value: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssocType {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkloadFile {
    pub workload: Vec<RawWorkload>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorkload {
    pub id: String,
    pub name: String,
    pub family: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CertificationFile {
    pub certification: Vec<RawCertification>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCertification {
    pub id: String,
    pub name: String,
    pub official_prefix: Option<String>,
    #[serde(default)]
    pub former_names: Vec<RawFormerName>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub retired: Option<toml::Value>,
    pub eligible_through: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFormerName {
    pub name: String,
    pub until: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AreaFile {
    pub area: RawArea,
    #[serde(default)]
    pub track: Vec<RawTrack>,
    pub metric: Vec<RawMetric>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArea {
    pub id: String,
    pub name: String,
    pub reference: String,
    pub track_selection: Option<TrackSelection>,
    #[serde(default)]
    pub eligible_workloads: Vec<String>,
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrack {
    pub id: String,
    pub band: Option<RawBand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    pub paid_units_above: u64,
    pub paid_units_at_most: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMetric {
    pub id: String,
    pub kind: MetricKind,
    pub category: Category,
    pub max_points: toml::Value,
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
    #[serde(default)]
    pub track: BTreeMap<String, RawTrackMetric>,
    #[serde(flatten)]
    pub untracked: RawTrackMetric,
    pub certifications: Option<Vec<RawCertListing>>,
    pub active_percent_at_least: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrackMetric {
    pub associations: Option<Vec<String>>,
    pub target: Option<toml::Value>,
    pub options: Option<Vec<RawOption>>,
}

impl RawTrackMetric {
    pub fn is_empty(&self) -> bool {
        self.associations.is_none() && self.target.is_none() && self.options.is_none()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOption {
    pub name: Option<String>,
    pub associations: Vec<String>,
    pub target: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCertListing {
    pub cert: String,
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
}

/// How an area with several tracks picks the one that counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSelection {
    /// Every track is evaluated; the higher total counts.
    BestOf,
}

/// The category a metric belongs to (for display; points add up the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Performance (net customer adds).
    Performance,
    /// Skilling (certified people).
    Skilling,
    /// Customer success (usage growth, deployments).
    CustomerSuccess,
}

/// The computations the engine knows. A catalog metric names one; adding a kind is the
/// only engine change a new rule of an existing shape needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// Microsoft 365 net customer adds: tenants in the band associated at `m` minus at `m-12`.
    M365NetCustomerAdds,
    /// Distinct certified people holding an eligible certification.
    CertifiedPeople,
    /// Microsoft 365 MAU growth with the claim baseline, per association option.
    M365UsageGrowth,
    /// Microsoft 365 deployed services (or tenants) added, per association option.
    M365Deployments,
}

impl MetricKind {
    /// Whether the kind reads association options (and so needs `associations`).
    #[must_use]
    pub fn uses_associations(self) -> bool {
        !matches!(self, MetricKind::CertifiedPeople)
    }
}
