//! Standings as `capscore status` prints them; serialises to the JSON contract of
//! docs/output.md (`capscore status --format json`), with more fields added.

use capscore_core::{Month, NaiveDate};
use serde::Serialize;

/// Where every requested partner stands on a date.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// The date asked about.
    pub date: NaiveDate,
    /// The data month whose scores are in force on that date.
    pub month: Month,
    /// Catalog release and the date its scoring rules in force date from.
    pub catalog_version: String,
    /// One entry per partner (global accounts), in partner-table order.
    pub partners: Vec<PartnerStanding>,
}

/// One partner's standing.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerStanding {
    /// `partner_id`.
    pub partner_id: String,
    /// Name, if given.
    pub name: Option<String>,
    /// Solutions Partner designations (empty before they existed).
    pub designations: Vec<DesignationStanding>,
    /// Badges held: enrolled designations' areas, and `microsoft_cloud` for all six.
    pub badges: Vec<String>,
    /// The annual fee, once for any number of designations, when one is enrolled or may
    /// be purchased.
    pub annual_fee_usd: Option<f64>,
    /// Each area's total in the current data month and the months before it.
    pub history: Vec<HistoryMonth>,
    /// Legacy competencies held on the date (empty after they ended).
    pub competencies: Vec<CompetencyHeld>,
    /// What the data supports for each legacy competency (legacy era only).
    pub competency_requirements: Vec<CompetencyEval>,
    /// Legacy benefits kept after legacy competencies ended, if any.
    pub legacy_benefits: Option<LegacyBenefits>,
    /// Specializations and their requirements.
    pub specializations: Vec<SpecializationStanding>,
    /// Benefit packages the partner is entitled to on the date.
    pub benefits: Vec<BenefitEntitlement>,
}

/// Status of a designation on a date (docs/rules.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationStatus {
    /// Not qualified in the qualification window.
    InProgress,
    /// Qualified in the window, not enrolled: may purchase.
    Qualified,
    /// Enrolled, kept until the anniversary whatever the score.
    Enrolled,
    /// Enrolled and inside the renewal window.
    EnrolledRenewalDue,
}

impl DesignationStatus {
    /// The status as written in JSON (`enrolled_renewal_due`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DesignationStatus::InProgress => "in_progress",
            DesignationStatus::Qualified => "qualified",
            DesignationStatus::Enrolled => "enrolled",
            DesignationStatus::EnrolledRenewalDue => "enrolled_renewal_due",
        }
    }

    /// The status in words (`enrolled, renewal due`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DesignationStatus::InProgress => "in progress",
            DesignationStatus::Qualified => "qualified",
            DesignationStatus::Enrolled => "enrolled",
            DesignationStatus::EnrolledRenewalDue => "enrolled, renewal due",
        }
    }
}

/// How an enrolled designation was enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolledVia {
    /// An `enrollments` row for the designation.
    Purchase,
    /// Qualified while enrolled in another designation (shares its anniversary).
    Automatic,
}

/// One designation's standing.
#[derive(Debug, Clone, Serialize)]
pub struct DesignationStanding {
    /// Area id.
    pub area: String,
    /// Status.
    pub status: DesignationStatus,
    /// Data months in force during the qualification window whose score qualifies.
    pub qualifying_months: Vec<Month>,
    /// The shared anniversary date, when enrolled.
    pub anniversary_date: Option<NaiveDate>,
    /// First day of the qualification window (the renewal window's, when enrolled).
    pub window_start: NaiveDate,
    /// Last day of the qualification window: the date, or the anniversary when
    /// enrolled (only months in force up to the date can have qualified).
    pub window_end: NaiveDate,
    /// How it was enrolled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolled_via: Option<EnrolledVia>,
    /// Last day of the renewal window, when enrolled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_window_end: Option<NaiveDate>,
    /// Whether the partner qualified in the renewal qualification window (enrolled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_renew: Option<bool>,
    /// Data months of the window whose score the data cannot answer (months its metrics
    /// read are missing): they are not counted as qualifying.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_computable_months: Vec<Month>,
}

/// One month of scoring history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryMonth {
    /// Data month.
    pub month: Month,
    /// Each area's total that month.
    pub areas: Vec<HistoryArea>,
}

/// One area in one month of history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryArea {
    /// Area id.
    pub area: String,
    /// Total points (2 decimals).
    pub total: f64,
    /// Whether the area qualified that month (false when it cannot be computed).
    pub qualified: bool,
    /// Months the area's metrics read that the data lacks: the total cannot be trusted
    /// and the month cannot be computed (absent: complete).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_months: Vec<Month>,
}

/// A legacy competency held on the date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetencyHeld {
    /// Competency id.
    pub competency: String,
    /// `silver` or `gold`.
    pub level: String,
    /// Its anniversary date.
    pub anniversary_date: NaiveDate,
}

/// What the data supports for a legacy competency in a data month.
#[derive(Debug, Clone, Serialize)]
pub struct CompetencyEval {
    /// Competency id.
    pub competency: String,
    /// Data month evaluated.
    pub month: Month,
    /// Active entitlements (active users of eligible workloads of associated customers).
    pub active_entitlements: i64,
    /// People meeting the exam or certification requirement.
    pub qualifying_people: u32,
    /// The highest level met, if any.
    pub level_met: Option<String>,
    /// Each level's requirements.
    pub levels: Vec<LevelEval>,
}

/// One level of a legacy competency.
#[derive(Debug, Clone, Serialize)]
pub struct LevelEval {
    /// Level id.
    pub level: String,
    /// Whether both requirements are met.
    pub met: bool,
    /// Active entitlements needed (for the partner's market).
    pub active_entitlements_needed: i64,
    /// People needed.
    pub people_needed: u32,
}

/// Legacy benefits kept after legacy competencies ended (docs/rules.md §5).
#[derive(Debug, Clone, Serialize)]
pub struct LegacyBenefits {
    /// The competency held on the last day of legacy competencies.
    pub competency: String,
    /// Its level.
    pub level: String,
    /// Legacy benefits continue until this anniversary date.
    pub kept_until: NaiveDate,
    /// Whether the partner may pay to retain legacy benefits at that anniversary (it
    /// may not while it holds an active designation).
    pub may_retain: bool,
    /// In words.
    pub detail: String,
}

/// One requirement of a specialization.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// Requirement id (`prerequisite`, `mau_growth`, `customer_references`, ...).
    pub requirement: String,
    /// Whether it is met (false when it cannot be checked).
    pub met: bool,
    /// Whether capscore can check it from data.
    pub checked: bool,
    /// Figures behind it.
    pub detail: String,
}

/// A specialization's renewal cycle, when the partner holds it.
#[derive(Debug, Clone, Serialize)]
pub struct SpecializationCycle {
    /// Enrolled on.
    pub enrolled_date: NaiveDate,
    /// Anniversary.
    pub anniversary_date: NaiveDate,
    /// The renewal window opens.
    pub renewal_window_start: NaiveDate,
    /// The grace period ends.
    pub grace_end: NaiveDate,
    /// `active`, `renewal_window`, `grace` or `lapsed`.
    pub phase: String,
}

/// One specialization's standing.
#[derive(Debug, Clone, Serialize)]
pub struct SpecializationStanding {
    /// Id.
    pub specialization: String,
    /// Display name.
    pub name: String,
    /// Area.
    pub area: String,
    /// Whether every requirement is met (false if any cannot be checked).
    pub met: bool,
    /// Requirements.
    pub requirements: Vec<Requirement>,
    /// The partner's cycle, from `enrollments`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<SpecializationCycle>,
}

/// A benefit package the partner is entitled to.
#[derive(Debug, Clone, Serialize)]
pub struct BenefitEntitlement {
    /// Package id.
    pub package: String,
    /// Display name.
    pub name: String,
    /// How many times it applies (specializations stack up to the area's cap).
    pub count: u32,
    /// Why.
    pub reason: String,
    /// (product, grant) lines.
    pub items: Vec<BenefitItem>,
}

/// One line of a benefit package.
#[derive(Debug, Clone, Serialize)]
pub struct BenefitItem {
    /// Product group.
    pub product: String,
    /// What is granted.
    pub grant: String,
}

impl Standing {
    /// Keeps only the given areas (by id) in each partner's designations, scoring
    /// history and specializations; everything else is left as it is.
    pub fn retain_areas(&mut self, areas: &[String]) {
        let keep = |a: &String| areas.contains(a);
        for p in &mut self.partners {
            p.designations.retain(|d| keep(&d.area));
            for h in &mut p.history {
                h.areas.retain(|a| keep(&a.area));
            }
            p.specializations.retain(|s| keep(&s.area));
        }
    }
}
