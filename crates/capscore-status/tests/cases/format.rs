//! The case file format (docs/cases.md): what a `cases/<area>/*.toml` file holds.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// One case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    /// What the case shows, in words.
    pub name: String,
    /// The catalog `reference` or docs/rules.md section the case checks.
    pub source: String,
    /// Evaluation month (`YYYY-MM`) of a score case.
    pub month: Option<String>,
    /// Evaluation date (`YYYY-MM-DD`) of a status case.
    pub date: Option<String>,
    /// The area scored (score cases); every area when omitted.
    pub area: Option<String>,
    /// The partner whose result is checked (default `P1`).
    #[serde(default = "default_partner")]
    pub partner: String,
    /// Adds usage of an unassociated tenant so that the data covers the months the rules
    /// read (default true).
    #[serde(default = "yes")]
    pub filler: bool,
    /// `sample` loads data/sample instead of the inline tables.
    pub dataset: Option<String>,
    /// Changes to the embedded catalog text for this case only: `[[catalog_edit]]` with
    /// `file`, `replace` and `with`.
    #[serde(default)]
    pub catalog_edit: Vec<CatalogEdit>,
    /// Inline tables: table name -> CSV text with a header line.
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
    /// What the engine or the status must answer.
    pub expect: Expect,
}

fn default_partner() -> String {
    "P1".into()
}

fn yes() -> bool {
    true
}

/// A change to one embedded catalog file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogEdit {
    pub file: String,
    pub replace: String,
    pub with: String,
}

/// A number: an integer, a decimal, or a fraction written as a string (`"5/2"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expect {
    /// The area's result (counting track).
    pub area: Option<Spanned<AreaExpect>>,
    #[serde(default)]
    pub track: Vec<Spanned<TrackExpect>>,
    #[serde(default)]
    pub metric: Vec<Spanned<MetricExpect>>,
    #[serde(default)]
    pub option: Vec<Spanned<OptionExpect>>,
    /// Score cases: any partner's result in any area scored, totals as displayed (two
    /// decimals).
    #[serde(default)]
    pub scorecard: Vec<Spanned<ScorecardExpect>>,
    /// Score cases: a row's part in a metric, from `capscore explain`.
    #[serde(default)]
    pub contribution: Vec<Spanned<ContributionExpect>>,
    /// Score cases: the badges the partner earns (ids).
    pub badges: Option<Spanned<Vec<String>>>,
    /// The evaluation is refused with a message containing this text.
    pub error: Option<Spanned<String>>,
    /// Status cases: the partner's standing (any field of the JSON output).
    pub partner: Option<Spanned<toml::Table>>,
    #[serde(default)]
    pub designation: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    pub specialization: Vec<Spanned<SpecializationExpect>>,
    /// Status cases: a legacy competency's evaluation, by `competency` id.
    #[serde(default)]
    pub competency: Vec<Spanned<toml::Table>>,
    /// Status cases: a benefit package, by `package` id (absent: `granted = false`).
    #[serde(default)]
    pub benefit: Vec<Spanned<toml::Table>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AreaExpect {
    pub total: Option<Number>,
    pub qualified: Option<bool>,
    /// The counting track (`"none"` for an area without tracks).
    pub track: Option<String>,
    /// Unmet rules: metric ids under the minimum, `total` for the total.
    pub unmet: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContributionExpect {
    /// The track (default: the area's counting track).
    pub track: Option<String>,
    pub metric: String,
    /// The option (best-of metrics).
    pub option: Option<String>,
    /// The tenant or the person the row is about.
    pub tenant: Option<String>,
    pub person: Option<String>,
    /// Whether it counts (a contribution) or not (an exclusion).
    pub counts: bool,
    /// What it adds to the value.
    pub amount: Option<Number>,
    /// Text the reason of an exclusion contains.
    pub reason_contains: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScorecardExpect {
    pub partner: String,
    pub area: String,
    /// The total as displayed, rounded to two decimals.
    pub total: Option<Number>,
    pub qualified: Option<bool>,
    pub track: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrackExpect {
    pub track: String,
    pub total: Option<Number>,
    pub qualified: Option<bool>,
    pub unmet: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetricExpect {
    /// The track (default: the area's counting track).
    pub track: Option<String>,
    pub metric: String,
    pub value: Option<Number>,
    pub points: Option<Number>,
    pub target: Option<Number>,
    /// The option that counts (best of).
    pub option: Option<String>,
    /// True when the data does not cover every month the metric reads.
    pub incomplete: Option<bool>,
    /// Text one of the metric's notes contains.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionExpect {
    pub track: Option<String>,
    pub metric: String,
    pub option: String,
    pub value: Option<Number>,
    pub points: Option<Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpecializationExpect {
    pub specialization: String,
    pub met: Option<bool>,
    /// Requirement id -> met.
    #[serde(default)]
    pub requirements: BTreeMap<String, bool>,
    /// Requirement id -> text its detail contains.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    /// The phase of the specialization held (`active`, `renewal_window`, `grace`,
    /// `lapsed`, `prerequisite_lost`).
    pub phase: Option<String>,
}
