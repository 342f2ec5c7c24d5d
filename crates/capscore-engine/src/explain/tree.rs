//! The explanation tree: the same partner / area / track / metric nesting as the
//! scores, each metric with every option evaluated, each option with the
//! contributions that add up to its value and the rows that did not count.

use std::collections::BTreeMap;

use capscore_catalog::Category;
use capscore_core::{Month, Num};
use serde::Serialize;

use crate::result::{exact, fraction, ser_points};
pub use crate::trace::Reason;

#[allow(clippy::ref_option)] // serde's serialize_with hands over &Option<T>
fn opt_fraction<S: serde::Serializer>(v: &Option<Num>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(n) => s.collect_str(n),
        None => s.serialize_none(),
    }
}

fn fractions<S: serde::Serializer>(v: &BTreeMap<String, Num>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, n)| (k, n.to_string())))
}

/// Explanations of every requested partner for one month.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Evaluation month.
    pub month: Month,
    /// Catalog release and the date its rules in force date from.
    pub catalog_version: String,
    /// One entry per partner.
    pub partners: Vec<PartnerExplanation>,
}

/// One partner's explanation.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerExplanation {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name, if the data gives one.
    pub name: Option<String>,
    /// One entry per area.
    pub areas: Vec<AreaExplanation>,
}

/// One area's explanation.
#[derive(Debug, Clone, Serialize)]
pub struct AreaExplanation {
    /// Area id.
    pub area: String,
    /// Display name.
    pub name: String,
    /// The counting track.
    pub track: Option<String>,
    /// Why the partner is in that track (classified areas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_reason: Option<String>,
    /// The pairs the classification looked at (classified areas).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classification: Vec<Entry>,
    /// Every track evaluated (one with `track: null` for areas without tracks).
    pub tracks: Vec<TrackExplanation>,
}

/// One track's explanation.
#[derive(Debug, Clone, Serialize)]
pub struct TrackExplanation {
    /// Track id (`None` for areas without tracks).
    pub track: Option<String>,
    /// Whether this is the counting track.
    pub counts: bool,
    /// Total points.
    #[serde(serialize_with = "ser_points")]
    pub total: Num,
    /// Total points, exact.
    #[serde(serialize_with = "fraction")]
    pub total_exact: Num,
    /// Metrics.
    pub metrics: Vec<MetricExplanation>,
}

/// A catalog rule: its id and the source reference the catalog cites for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// Id (`modern_work.usage_growth.associations`).
    pub id: String,
    /// The source reference as the catalog file cites it.
    pub reference: String,
    /// The catalog file.
    pub file: String,
}

/// One metric's explanation.
#[derive(Debug, Clone, Serialize)]
pub struct MetricExplanation {
    /// Metric id.
    pub metric: String,
    /// Category.
    pub category: Category,
    /// The value, as `score` prints it.
    #[serde(serialize_with = "exact")]
    pub value: Num,
    /// The value, as an exact fraction.
    #[serde(serialize_with = "fraction")]
    pub value_exact: Num,
    /// Target of the winning option.
    #[serde(serialize_with = "exact")]
    pub target: Num,
    /// Points.
    #[serde(serialize_with = "ser_points")]
    pub points: Num,
    /// Maximum points.
    #[serde(serialize_with = "exact")]
    pub max_points: Num,
    /// The winning option.
    pub option: Option<String>,
    /// The metric's rule.
    pub rule: RuleRef,
    /// The notes `score` prints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every option evaluated, the winning one first.
    pub options: Vec<OptionExplanation>,
}

/// One association option of a metric (or the only computation of a metric without
/// options, with `option: null`).
#[derive(Debug, Clone, Serialize)]
pub struct OptionExplanation {
    /// Option name.
    pub option: Option<String>,
    /// Whether it is the winning option.
    pub chosen: bool,
    /// Its value, exact.
    #[serde(serialize_with = "fraction")]
    pub value_exact: Num,
    /// Its target.
    #[serde(serialize_with = "exact")]
    pub target: Num,
    /// Its points.
    #[serde(serialize_with = "ser_points")]
    pub points: Num,
    /// The sum of the contributions (always equal to `value_exact`).
    #[serde(serialize_with = "fraction")]
    pub contributions_total_exact: Num,
    /// What makes up the value.
    pub contributions: Vec<Entry>,
    /// What did not count, with why.
    pub excluded: Vec<Entry>,
}

/// An input row an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SourceRow {
    /// Table (`m365_usage`).
    pub table: &'static str,
    /// Line in the file (CSV, header = 1) or row (Parquet).
    pub line: u32,
    /// For an association: its type, scope and dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<AssocDetail>,
}

/// An association row, as an explanation shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AssocDetail {
    /// Type id (`CPOR`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Workload id, if limited to one.
    pub workload: Option<String>,
    /// Subscription, if limited to one.
    pub subscription: Option<String>,
    /// First day.
    pub start: String,
    /// Last day (`None`: open).
    pub end: Option<String>,
}

/// A certification, as an explanation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertDetail {
    /// Catalog id.
    pub id: String,
    /// The title it bore on the date (a former name before a rename).
    pub name_on_date: String,
    /// Current title.
    pub name: String,
    /// Retirement date, if retired.
    pub retired: Option<String>,
    /// Last day a retired certification counts.
    pub eligible_through: Option<String>,
}

/// A contribution (with `amount_exact`) or an exclusion (with `reason`).
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Why it did not count (exclusions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// What it adds to the value (contributions only).
    #[serde(
        serialize_with = "opt_fraction",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_exact: Option<Num>,
    /// The catalog rule applied.
    pub rule: RuleRef,
    /// Tenant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Tenant name, where the data gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// Workload id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Subscription id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Azure service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Azure offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Person id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Certification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification: Option<CertDetail>,
    /// Months by role (`m`, `m-12`, `claim`, `ttm`).
    pub months: BTreeMap<String, String>,
    /// Amounts by name, exact (`mau_at_m`, `acr_usd`, `threshold`).
    #[serde(serialize_with = "fractions")]
    pub amounts: BTreeMap<String, Num>,
    /// Facts by name (`counts_at_m`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, bool>,
    /// Other details (dates).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
    /// The input rows.
    pub sources: Vec<SourceRow>,
}

impl Entry {
    /// A one-line summary of the months, amounts, flags and details (for tables).
    #[must_use]
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.months.iter().map(|(k, v)| format!("{k} {v}")));
        parts.extend(
            self.amounts
                .iter()
                .map(|(k, v)| format!("{k} {}", capscore_core::format_num(v, true))),
        );
        parts.extend(
            self.flags
                .iter()
                .map(|(k, v)| format!("{k} {}", if *v { "yes" } else { "no" })),
        );
        parts.extend(
            self.details
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k} {v}")),
        );
        for s in &self.sources {
            if let Some(a) = &s.association {
                parts.push(format!(
                    "{} {}..{}{}",
                    a.kind,
                    a.start,
                    a.end.as_deref().unwrap_or(""),
                    a.workload
                        .as_deref()
                        .map_or_else(String::new, |w| format!(" on {w}"))
                ));
            }
        }
        parts.join("; ")
    }
}
