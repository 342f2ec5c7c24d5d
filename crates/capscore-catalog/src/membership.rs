//! Membership rules: the lifecycle calendar, the dated qualification window, legacy
//! competencies, specializations and benefit packages (`catalog/membership/*.toml`).

use capscore_core::{AssocMask, CertId, Month, NaiveDate, Num, WorkloadId};
use chrono::{Datelike, Days};
use serde::Deserialize;

use crate::build::{date, number, parse};
use crate::error::CatalogError;
use crate::model::Dated;

/// The membership files, relative to the catalog folder.
pub(crate) const FILES: [&str; 4] = [
    "membership/lifecycle.toml",
    "membership/competencies.toml",
    "membership/specializations.toml",
    "membership/benefits.toml",
];

/// Dates and numbers of the membership lifecycle.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    /// First day of Solutions Partner designations.
    pub designations_since: NaiveDate,
    /// Last day of legacy competencies.
    pub legacy_competencies_until: NaiveDate,
    /// Day of month `m+1` by which data of month `m` is published.
    pub refresh_publish_day: u32,
    /// Length of a designation's renewal window from the anniversary, in days.
    pub renewal_window_days: u32,
    /// Annual fee, once for any number of designations.
    pub annual_fee_usd: Num,
    /// Scoring history: the current data month and this many before.
    pub history_months: u32,
}

impl Lifecycle {
    /// The newest data month whose scores are published on `date` (docs/rules.md §0): the
    /// month before on/after the publish day, else two months before.
    #[must_use]
    pub fn data_month(&self, date: NaiveDate) -> Month {
        let back = if date.day() >= self.refresh_publish_day {
            1
        } else {
            2
        };
        Month::of(date).offset(-back)
    }

    /// The last day of a designation's renewal window that opens on `anniversary`.
    #[must_use]
    pub fn renewal_window_end(&self, anniversary: NaiveDate) -> NaiveDate {
        add_days(anniversary, self.renewal_window_days)
    }
}

/// `date + n` days, saturating at the calendar's end.
#[must_use]
pub fn add_days(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

/// `date - n` days, saturating at the calendar's start.
#[must_use]
pub fn sub_days(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MIN)
}

/// How a qualification window is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowUnit {
    /// The `length` days up to the date (or up to the anniversary).
    Days,
    /// The current (or renewal) month and the `length - 1` months before.
    Months,
}

/// A qualification window rule.
#[derive(Debug, Clone, PartialEq)]
pub struct QualificationWindow {
    /// Unit of `length`.
    pub unit: WindowUnit,
    /// Length in that unit.
    pub length: u32,
    /// Source.
    pub reference: String,
}

impl QualificationWindow {
    /// First day of the window that ends on `end`.
    #[must_use]
    pub fn start(&self, end: NaiveDate) -> NaiveDate {
        match self.unit {
            WindowUnit::Days => sub_days(end, self.length.saturating_sub(1)),
            WindowUnit::Months => {
                let back = i32::try_from(self.length.saturating_sub(1)).unwrap_or(0);
                Month::of(end).offset(-back).first_day()
            }
        }
    }
}

/// One level of a legacy competency.
#[derive(Debug, Clone)]
pub struct CompetencyLevel {
    /// `silver` or `gold`.
    pub id: String,
    /// Active entitlements needed in a mature market.
    pub ae_mature: Num,
    /// Active entitlements needed in an emerging market.
    pub ae_emerging: Num,
    /// Qualifying people needed.
    pub people: u32,
}

/// A legacy competency.
#[derive(Debug, Clone)]
pub struct Competency {
    /// Id (`cloud_productivity`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Workloads whose active users count.
    pub workloads: Vec<WorkloadId>,
    /// Association types that make a customer count.
    pub associations: AssocMask,
    /// Sets of exams: passing every exam of one set qualifies a person.
    pub exam_sets: Vec<Vec<String>>,
    /// Certifications that qualify a person.
    pub certifications: Vec<CertId>,
    /// Levels, lowest first.
    pub levels: Vec<CompetencyLevel>,
}

/// What a specialization needs first.
#[derive(Debug, Clone, PartialEq)]
pub enum Prerequisite {
    /// A legacy competency at a level.
    Competency {
        /// Competency id.
        id: String,
        /// Level id.
        level: String,
    },
    /// A Solutions Partner designation.
    Designation {
        /// Area id.
        area: String,
    },
}

/// Teamwork Deployment's checkable requirements (docs/rules.md §7).
#[derive(Debug, Clone)]
pub struct TeamworkRules {
    /// The four services.
    pub services: Vec<WorkloadId>,
    /// Services that must meet each performance test.
    pub services_needed: u32,
    /// MAU growth over the TTM a service needs.
    pub mau_growth_at_least: Num,
    /// Average active usage (percent) a service needs.
    pub active_usage_percent_at_least: Num,
    /// New customer tenants needed for one service.
    pub new_customers_at_least: u32,
    /// Association types that count, by era.
    pub associations: Vec<Dated<AssocMask>>,
    /// Certifications and people needed, each group different people.
    pub knowledge: Vec<(CertId, u32)>,
    /// Alternative: people holding one certification.
    pub knowledge_alternative: Option<(CertId, u32)>,
}

/// A specialization.
#[derive(Debug, Clone)]
pub struct Specialization {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Solution area.
    pub area: String,
    /// Source.
    pub reference: String,
    /// Prerequisite by era.
    pub prerequisites: Vec<Dated<Prerequisite>>,
    /// Approved customer references needed.
    pub customer_references: u32,
    /// Checkable requirements of Teamwork Deployment.
    pub teamwork: Option<TeamworkRules>,
    /// Requirements capscore cannot check from data.
    pub unchecked: Vec<String>,
}

/// Renewal cycle of specializations.
#[derive(Debug, Clone)]
pub struct SpecializationRules {
    /// The renewal window opens this many days before the anniversary.
    pub renewal_opens_days_before: u32,
    /// Grace days after the anniversary.
    pub renewal_grace_days: u32,
    /// Years a customer reference or audit stays valid.
    pub references_valid_years: u32,
}

/// How many specializations of a group of areas earn their benefits.
#[derive(Debug, Clone)]
pub struct BenefitCap {
    /// The areas sharing the cap.
    pub areas: Vec<String>,
    /// Specializations whose benefits stack.
    pub max: u32,
}

/// Who a benefit package is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PackageFor {
    /// Holders of a designation.
    Designation(String),
    /// Holders of a specialization of an area (within the area's cap).
    SpecializationArea(String),
    /// Partners that kept legacy benefits.
    Legacy,
}

/// A benefit package.
#[derive(Debug, Clone)]
pub struct BenefitPackage {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who it is for.
    pub for_: PackageFor,
    /// (product, grant) lines.
    pub items: Vec<(String, String)>,
}

/// All membership rules.
#[derive(Debug, Clone)]
pub struct Membership {
    /// Lifecycle dates and numbers.
    pub lifecycle: Lifecycle,
    /// Qualification window rules, dated.
    pub windows: Vec<Dated<QualificationWindow>>,
    /// Legacy competencies.
    pub competencies: Vec<Competency>,
    /// Specialization renewal cycle.
    pub specialization_rules: SpecializationRules,
    /// Specializations.
    pub specializations: Vec<Specialization>,
    /// How many specializations of a group of areas earn benefits.
    pub specialization_benefit_caps: Vec<BenefitCap>,
    /// Benefit packages.
    pub packages: Vec<BenefitPackage>,
}

impl Membership {
    /// The qualification window rule in force on `date`.
    #[must_use]
    pub fn window_at(&self, date: NaiveDate) -> Option<&QualificationWindow> {
        self.windows
            .iter()
            .find(|w| w.in_force(date))
            .map(|w| &w.value)
    }
}

// ---- files ------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LifecycleFile {
    lifecycle: RawLifecycle,
    qualification_window: Vec<RawWindow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLifecycle {
    designations_since: toml::Value,
    legacy_competencies_until: toml::Value,
    refresh_publish_day: u32,
    renewal_window_days: u32,
    annual_fee_usd: toml::Value,
    history_months: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    since: Option<toml::Value>,
    until: Option<toml::Value>,
    unit: WindowUnit,
    length: u32,
    reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetencyFile {
    competency: Vec<RawCompetency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompetency {
    id: String,
    name: String,
    reference: String,
    workloads: Vec<String>,
    associations: Vec<String>,
    exam_sets: Vec<Vec<String>>,
    certifications: Vec<String>,
    level: Vec<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    id: String,
    active_entitlements: RawByMarket,
    people: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawByMarket {
    mature: toml::Value,
    emerging: toml::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecializationFile {
    specialization_rules: RawSpecRules,
    specialization: Vec<RawSpecialization>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecRules {
    renewal_opens_days_before: u32,
    renewal_grace_days: u32,
    references_valid_years: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecialization {
    id: String,
    name: String,
    area: String,
    reference: String,
    prerequisites: Vec<RawPrerequisite>,
    customer_references: u32,
    teamwork: Option<RawTeamwork>,
    #[serde(default)]
    unchecked: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrerequisite {
    since: Option<toml::Value>,
    until: Option<toml::Value>,
    competency: Option<String>,
    level: Option<String>,
    designation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeamwork {
    services: Vec<String>,
    services_needed: u32,
    mau_growth_at_least: toml::Value,
    active_usage_percent_at_least: toml::Value,
    new_customers_at_least: u32,
    associations: Vec<RawDatedTypes>,
    knowledge: Vec<RawKnowledge>,
    knowledge_alternative: Option<RawKnowledge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatedTypes {
    since: Option<toml::Value>,
    until: Option<toml::Value>,
    types: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKnowledge {
    certification: String,
    people: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BenefitFile {
    specialization_benefit_cap: Vec<RawCap>,
    package: Vec<RawPackage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCap {
    areas: Vec<String>,
    max: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    id: String,
    name: String,
    #[serde(rename = "for")]
    for_: RawFor,
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFor {
    designation: Option<String>,
    specialization_area: Option<String>,
    legacy: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    product: String,
    grant: String,
}

/// What the membership builder needs from the rest of the catalog.
pub(crate) trait Names {
    fn workload_id(&self, file: &str, item: &str, id: &str) -> Result<WorkloadId, CatalogError>;
    fn cert_id(&self, file: &str, item: &str, id: &str) -> Result<CertId, CatalogError>;
    fn assoc_mask(
        &self,
        file: &str,
        item: &str,
        names: &[String],
    ) -> Result<AssocMask, CatalogError>;
    fn area_exists(&self, id: &str) -> bool;
}

fn invalid(file: &str, item: impl Into<String>, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        item: item.into(),
        message: message.into(),
    }
}

/// Builds the membership rules from the files' texts.
pub(crate) fn build<'t>(
    text: &dyn Fn(&str) -> Result<&'t str, CatalogError>,
    names: &dyn Names,
) -> Result<Membership, CatalogError> {
    let required = |file: &str, item: &str, v: Option<&toml::Value>| {
        date(file, item, v)?.ok_or_else(|| invalid(file, item, "a date is required"))
    };

    // lifecycle
    let f = FILES[0];
    let lf: LifecycleFile = parse(f, text(f)?)?;
    let l = &lf.lifecycle;
    if !(1..=28).contains(&l.refresh_publish_day) {
        return Err(invalid(f, "refresh_publish_day", "must be a day 1..=28"));
    }
    let lifecycle = Lifecycle {
        designations_since: required(f, "designations_since", Some(&l.designations_since))?,
        legacy_competencies_until: required(
            f,
            "legacy_competencies_until",
            Some(&l.legacy_competencies_until),
        )?,
        refresh_publish_day: l.refresh_publish_day,
        renewal_window_days: l.renewal_window_days,
        annual_fee_usd: number(f, "annual_fee_usd", &l.annual_fee_usd)?,
        history_months: l.history_months,
    };
    let mut windows: Vec<Dated<QualificationWindow>> = Vec::new();
    for w in &lf.qualification_window {
        if w.length == 0 {
            return Err(invalid(
                f,
                "qualification_window",
                "length must be at least 1",
            ));
        }
        let d = Dated {
            since: date(f, "qualification_window since", w.since.as_ref())?,
            until: date(f, "qualification_window until", w.until.as_ref())?,
            value: QualificationWindow {
                unit: w.unit,
                length: w.length,
                reference: w.reference.clone(),
            },
        };
        if windows.iter().any(|o| o.overlaps(&d)) {
            return Err(invalid(
                f,
                "qualification_window",
                "two rules are in force on the same day",
            ));
        }
        windows.push(d);
    }

    // competencies
    let f = FILES[1];
    let cf: CompetencyFile = parse(f, text(f)?)?;
    let mut competencies = Vec::new();
    for c in cf.competency {
        let item = format!("competency \"{}\"", c.id);
        let _ = &c.reference;
        let workloads = c
            .workloads
            .iter()
            .map(|w| names.workload_id(f, &item, w))
            .collect::<Result<Vec<_>, _>>()?;
        let certifications = c
            .certifications
            .iter()
            .map(|x| names.cert_id(f, &item, x))
            .collect::<Result<Vec<_>, _>>()?;
        if c.level.is_empty() {
            return Err(invalid(f, &item, "needs at least one [[competency.level]]"));
        }
        let levels = c
            .level
            .iter()
            .map(|lv| {
                Ok(CompetencyLevel {
                    id: lv.id.clone(),
                    ae_mature: number(f, &item, &lv.active_entitlements.mature)?,
                    ae_emerging: number(f, &item, &lv.active_entitlements.emerging)?,
                    people: lv.people,
                })
            })
            .collect::<Result<Vec<_>, CatalogError>>()?;
        competencies.push(Competency {
            associations: names.assoc_mask(f, &item, &c.associations)?,
            id: c.id,
            name: c.name,
            workloads,
            exam_sets: c.exam_sets,
            certifications,
            levels,
        });
    }

    // specializations
    let f = FILES[2];
    let sf: SpecializationFile = parse(f, text(f)?)?;
    let mut specializations = Vec::new();
    for s in sf.specialization {
        let item = format!("specialization \"{}\"", s.id);
        if !names.area_exists(&s.area) {
            return Err(invalid(f, &item, format!("unknown area \"{}\"", s.area)));
        }
        let mut prerequisites = Vec::new();
        for p in &s.prerequisites {
            let value = match (&p.competency, &p.level, &p.designation) {
                (Some(id), Some(level), None) => {
                    let comp = competencies
                        .iter()
                        .find(|c| &c.id == id)
                        .ok_or_else(|| invalid(f, &item, format!("unknown competency \"{id}\"")))?;
                    if !comp.levels.iter().any(|l| &l.id == level) {
                        return Err(invalid(
                            f,
                            &item,
                            format!("competency \"{id}\" has no level \"{level}\""),
                        ));
                    }
                    Prerequisite::Competency {
                        id: id.clone(),
                        level: level.clone(),
                    }
                }
                (None, None, Some(area)) if names.area_exists(area) => {
                    Prerequisite::Designation { area: area.clone() }
                }
                (None, None, Some(area)) => {
                    return Err(invalid(f, &item, format!("unknown area \"{area}\"")));
                }
                _ => {
                    return Err(invalid(
                        f,
                        &item,
                        "a prerequisite is either { competency, level } or { designation }",
                    ));
                }
            };
            prerequisites.push(Dated {
                since: date(f, &item, p.since.as_ref())?,
                until: date(f, &item, p.until.as_ref())?,
                value,
            });
        }
        let teamwork = match &s.teamwork {
            None => None,
            Some(t) => {
                let services = t
                    .services
                    .iter()
                    .map(|w| names.workload_id(f, &item, w))
                    .collect::<Result<Vec<_>, _>>()?;
                if t.services_needed as usize > services.len() {
                    return Err(invalid(
                        f,
                        &item,
                        "services_needed exceeds the services listed",
                    ));
                }
                let associations = t
                    .associations
                    .iter()
                    .map(|a| {
                        Ok(Dated {
                            since: date(f, &item, a.since.as_ref())?,
                            until: date(f, &item, a.until.as_ref())?,
                            value: names.assoc_mask(f, &item, &a.types)?,
                        })
                    })
                    .collect::<Result<Vec<_>, CatalogError>>()?;
                let knowledge = t
                    .knowledge
                    .iter()
                    .map(|k| Ok((names.cert_id(f, &item, &k.certification)?, k.people)))
                    .collect::<Result<Vec<_>, CatalogError>>()?;
                let knowledge_alternative = match &t.knowledge_alternative {
                    Some(k) => Some((names.cert_id(f, &item, &k.certification)?, k.people)),
                    None => None,
                };
                Some(TeamworkRules {
                    services,
                    services_needed: t.services_needed,
                    mau_growth_at_least: number(f, &item, &t.mau_growth_at_least)?,
                    active_usage_percent_at_least: number(
                        f,
                        &item,
                        &t.active_usage_percent_at_least,
                    )?,
                    new_customers_at_least: t.new_customers_at_least,
                    associations,
                    knowledge,
                    knowledge_alternative,
                })
            }
        };
        specializations.push(Specialization {
            id: s.id,
            name: s.name,
            area: s.area,
            reference: s.reference,
            prerequisites,
            customer_references: s.customer_references,
            teamwork,
            unchecked: s.unchecked,
        });
    }
    let r = &sf.specialization_rules;
    let specialization_rules = SpecializationRules {
        renewal_opens_days_before: r.renewal_opens_days_before,
        renewal_grace_days: r.renewal_grace_days,
        references_valid_years: r.references_valid_years,
    };

    // benefits
    let f = FILES[3];
    let bf: BenefitFile = parse(f, text(f)?)?;
    let mut packages = Vec::new();
    for p in bf.package {
        let item = format!("package \"{}\"", p.id);
        let for_ = match (
            &p.for_.designation,
            &p.for_.specialization_area,
            p.for_.legacy,
        ) {
            (Some(a), None, None) if names.area_exists(a) => PackageFor::Designation(a.clone()),
            (None, Some(a), None) if names.area_exists(a) => {
                PackageFor::SpecializationArea(a.clone())
            }
            (None, None, Some(true)) => PackageFor::Legacy,
            _ => {
                return Err(invalid(
                    f,
                    &item,
                    "`for` is one of { designation = AREA }, { specialization_area = AREA }, { legacy = true }",
                ));
            }
        };
        packages.push(BenefitPackage {
            id: p.id,
            name: p.name,
            for_,
            items: p.items.into_iter().map(|i| (i.product, i.grant)).collect(),
        });
    }
    let mut specialization_benefit_caps = Vec::new();
    for c in bf.specialization_benefit_cap {
        if let Some(a) = c.areas.iter().find(|a| !names.area_exists(a)) {
            return Err(invalid(
                f,
                "specialization_benefit_cap",
                format!("unknown area \"{a}\""),
            ));
        }
        if specialization_benefit_caps
            .iter()
            .any(|o: &BenefitCap| o.areas.iter().any(|a| c.areas.contains(a)))
        {
            return Err(invalid(
                f,
                "specialization_benefit_cap",
                "an area is in two caps",
            ));
        }
        specialization_benefit_caps.push(BenefitCap {
            areas: c.areas,
            max: c.max,
        });
    }
    Ok(Membership {
        lifecycle,
        windows,
        competencies,
        specialization_rules,
        specializations,
        specialization_benefit_caps,
        packages,
    })
}
