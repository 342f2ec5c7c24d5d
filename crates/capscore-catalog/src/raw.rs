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
    #[serde(default)]
    pub badge: Vec<RawBadge>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBadge {
    pub id: String,
    pub name: String,
    pub reference: String,
    pub requires_areas: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub version: String,
    pub title: String,
    #[serde(default)]
    pub certification_title_prefixes: Vec<String>,
    pub areas: Vec<String>,
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
    #[serde(default)]
    pub mcv_rate: Vec<RawRate>,
    pub metric: Vec<RawMetric>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRate {
    pub workloads: Vec<String>,
    pub per_unit: toml::Value,
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClassification {
    pub track: String,
    pub otherwise: String,
    pub min_pairs: u32,
    pub revenue_above_usd: toml::Value,
    pub associations: Vec<String>,
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
    pub eligible_services: Option<Vec<String>>,
    #[serde(default)]
    pub excluded_offers: Vec<String>,
    pub classification: Option<RawClassification>,
    pub since: Option<toml::Value>,
    pub until: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrack {
    pub id: String,
    pub name: String,
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
    pub name: String,
    pub unit: String,
    pub unit_one: Option<String>,
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
    pub azure_associations: Option<Vec<String>>,
    pub m365_associations: Option<Vec<String>>,
    pub steps: Option<Vec<RawStep>>,
    pub association_scopes: Option<Vec<RawScope>>,
    pub excluded_services: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub min_people: Option<u32>,
    #[serde(default)]
    pub scoring: bool,
    pub certifications: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScope {
    pub workloads: Vec<String>,
    pub associations: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrackMetric {
    pub associations: Option<Vec<String>>,
    pub target: Option<toml::Value>,
    pub options: Option<Vec<RawOption>>,
    pub settings: Option<BTreeMap<String, toml::Value>>,
}

impl RawTrackMetric {
    pub(crate) fn is_empty(&self) -> bool {
        self.associations.is_none()
            && self.target.is_none()
            && self.options.is_none()
            && self.settings.is_none()
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
    /// The partner is classified into one track by the area's classification rule.
    Classified,
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
    /// Prerequisite steps of N distinct people, then each person of the scoring step.
    CertificationSteps,
    /// Security net customer adds: Azure (TTM ACR) plus Microsoft 365 (paid seats).
    SecurityNetCustomerAdds,
    /// Security usage growth in points: ACR growth per dollar amount plus protected-user growth.
    SecurityUsageGrowth,
    /// Security deployments: Azure (TTM ACR) plus Microsoft 365 (seats and activity).
    SecurityDeployments,
    /// Azure net customer adds: tenants over a monthly ACR in the month or the one before.
    AzureNetCustomerAdds,
    /// Azure ACR growth in percent, with a minimum baseline.
    AzureUsageGrowth,
    /// Distinct Azure services with ACR over the TTM.
    AzureDeployments,
    /// Business Applications (tenant, workload) pairs over a revenue, at `m` minus at `m-12`.
    BizappsNetCustomerAdds,
    /// Business Applications MCV growth in percent, with a minimum baseline.
    BizappsUsageGrowth,
    /// Business Applications (tenant, workload) pairs over an MCV, at `m` minus at `m-12`.
    BizappsDeployments,
}

/// What a metric kind reads from its catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// `associations` (or `options`) per track.
    Associations,
    /// `azure_associations` and `m365_associations`.
    TwoSources,
    /// `certifications`.
    CertificationList,
    /// `steps`.
    Steps,
    /// `association_scopes`.
    Scopes,
}

impl MetricKind {
    /// What the kind reads besides `target` and `max_points`.
    #[must_use]
    pub fn needs(self) -> Needs {
        use MetricKind as K;
        match self {
            K::M365NetCustomerAdds
            | K::M365UsageGrowth
            | K::M365Deployments
            | K::AzureNetCustomerAdds
            | K::AzureUsageGrowth
            | K::AzureDeployments
            | K::BizappsNetCustomerAdds => Needs::Associations,
            K::CertifiedPeople => Needs::CertificationList,
            K::CertificationSteps => Needs::Steps,
            K::SecurityNetCustomerAdds | K::SecurityUsageGrowth | K::SecurityDeployments => {
                Needs::TwoSources
            }
            K::BizappsUsageGrowth | K::BizappsDeployments => Needs::Scopes,
        }
    }

    /// Whether the kind reads association options (and so needs `associations`).
    #[must_use]
    pub fn uses_associations(self) -> bool {
        self.needs() == Needs::Associations
    }

    /// Names of the numeric `settings` the kind requires.
    #[must_use]
    pub fn settings(self) -> &'static [&'static str] {
        use MetricKind as K;
        match self {
            K::SecurityNetCustomerAdds => &["azure_min_ttm_acr_usd", "m365_min_paid_units"],
            K::SecurityUsageGrowth => &["azure_usd_per_point", "m365_users_per_point"],
            K::SecurityDeployments => &[
                "azure_min_ttm_acr_usd",
                "m365_min_paid_units",
                "m365_active_percent_at_least",
            ],
            K::AzureNetCustomerAdds => &["min_monthly_acr_usd"],
            K::AzureUsageGrowth => &["min_baseline_acr_usd"],
            K::BizappsNetCustomerAdds => &["min_revenue_usd"],
            K::BizappsUsageGrowth => &["min_baseline_mcv"],
            K::BizappsDeployments => &["min_mcv"],
            K::M365NetCustomerAdds
            | K::CertifiedPeople
            | K::M365UsageGrowth
            | K::M365Deployments
            | K::CertificationSteps
            | K::AzureDeployments => &[],
        }
    }
}
