//! The import rules: which headers mean which field, how a file's kind is recognised,
//! and how Partner Center values map to capscore's. They are data
//! (`partner_center.toml`, compiled in); this module parses and checks them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

/// The rules compiled into capscore (`crates/capscore-import/partner_center.toml`).
pub const EMBEDDED_RULES: &str = include_str!("../partner_center.toml");

/// What capscore does with the rows of a file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handler {
    /// Partner profile: the account hierarchy only.
    Profile,
    /// Microsoft 365 usage per tenant, workload and month, with attributions.
    M365Usage,
    /// CPOR claims with their exact association date, and their usage.
    Cpor,
    /// EMS usage: one pair of seat / user columns per workload.
    Ems,
    /// Azure consumed revenue per subscription and service.
    Azure,
    /// Customers and tenants: tenant names and countries.
    Customers,
    /// Trainings: people and their certifications.
    Trainings,
    /// Business applications revenue and usage.
    Bizapps,
    /// Recognised and not imported.
    Ignore,
}

/// Fields each handler reads; the rules must define a column list for each.
const HANDLER_FIELDS: &[(Handler, &[&str])] = &[
    (
        Handler::Profile,
        &[
            "partner_id",
            "global_partner_id",
            "partner_name",
            "global_partner_name",
            "hierarchy",
        ],
    ),
    (
        Handler::M365Usage,
        &[
            "tenant_id",
            "tenant_name",
            "tenant_country",
            "month",
            "workload",
            "paid_units",
            "active_users",
            "attribution",
            "row_duplicate_for_global",
        ],
    ),
    (
        Handler::Cpor,
        &[
            "tenant_id",
            "month",
            "workload",
            "paid_units",
            "active_users",
            "attribution",
            "date_associated",
        ],
    ),
    (
        Handler::Ems,
        &[
            "tenant_id",
            "month",
            "subscription_id",
            "sku",
            "free_vs_paid",
            "attribution",
        ],
    ),
    (
        Handler::Azure,
        &[
            "tenant_id",
            "month",
            "subscription_id",
            "service",
            "offer",
            "acr",
            "acr_duplicate_for_global",
            "attribution",
        ],
    ),
    (
        Handler::Customers,
        &["tenant_id", "tenant_name", "tenant_country", "attribution"],
    ),
    (
        Handler::Trainings,
        &[
            "training_title",
            "training_type",
            "completion_date",
            "expiration_date",
        ],
    ),
    (
        Handler::Bizapps,
        &[
            "tenant_id",
            "month",
            "subscription_id",
            "bizapps_workload",
            "revenue",
            "units_mau",
            "units_pamau",
            "units_mac",
            "metric_type",
            "attribution",
        ],
    ),
];

/// Fields of the Azure usage rows that tell one consumption line from another
/// (used to count a line once when a file has no dedup flag).
pub(crate) const AZURE_DETAIL_PREFIX: &str = "service_detail_";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    values: RawValues,
    columns: BTreeMap<String, Vec<String>>,
    kind: Vec<RawKind>,
    attribution: RawAttribution,
    hierarchy: RawHierarchy,
    ems: RawEms,
    trainings: RawTrainings,
    bizapps: RawBizapps,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValues {
    missing: Vec<String>,
    flag_true: Vec<String>,
    flag_false: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    id: String,
    name: String,
    handler: Handler,
    requires: Vec<String>,
    #[serde(default)]
    requires_any: Vec<String>,
    #[serde(default)]
    forbids: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    one_file_per_month: bool,
    #[serde(default)]
    default_attribution: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribution {
    types: BTreeMap<String, String>,
    not_associations: BTreeMap<String, RawNotAssociation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotAssociation {
    reason: String,
    usage: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHierarchy {
    global: Vec<String>,
    location: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEms {
    free_sku_values: Vec<String>,
    workloads: Vec<EmsWorkload>,
}

/// One EMS workload: its name (resolved through the catalog) and its two columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmsWorkload {
    /// Workload name, as the catalog knows it (or not).
    pub workload: String,
    /// Field of the paid available units.
    pub paid: String,
    /// Field of the monthly active users.
    pub active: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrainings {
    person: Vec<String>,
    certification_types: Vec<String>,
    skip_types: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBizapps {
    paid_metric_types: Vec<String>,
    skip_metric_types: BTreeMap<String, String>,
}

/// A file kind: how it is recognised and what is done with it.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Id (`office_usage`).
    pub id: String,
    /// Name shown in the report (`Microsoft 365 usage (OfficeUsage)`).
    pub name: String,
    /// What is done with its rows.
    pub handler: Handler,
    /// Fields that must all be present.
    pub requires: Vec<String>,
    /// Fields of which one must be present (none listed: no condition).
    pub requires_any: Vec<String>,
    /// Fields that must be absent.
    pub forbids: Vec<String>,
    /// Why an ignored kind is not imported.
    pub reason: Option<String>,
    /// Whether each month is taken from one file only.
    pub one_file_per_month: bool,
    /// Attribution of rows whose attribution column is absent or empty.
    pub default_attribution: Option<String>,
}

/// An attribution value that is known and makes no association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotAssociation {
    /// Why.
    pub reason: String,
    /// Whether the row's usage still counts.
    pub usage: bool,
}

/// The checked import rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Folded header variants of each field, best first.
    columns: BTreeMap<String, Vec<String>>,
    /// File kinds, in file order.
    pub kinds: Vec<Kind>,
    missing: Vec<String>,
    flag_true: Vec<String>,
    flag_false: Vec<String>,
    /// Folded attribution value → association type name (a catalog id).
    pub(crate) attribution_types: HashMap<String, String>,
    /// Folded attribution value → why it is not an association.
    pub(crate) not_associations: HashMap<String, NotAssociation>,
    hierarchy_global: HashSet<String>,
    hierarchy_location: HashSet<String>,
    /// EMS free SKU values, folded.
    ems_free: HashSet<String>,
    /// EMS workloads.
    pub ems_workloads: Vec<EmsWorkload>,
    /// Fields that say who a Trainings row's person is, best first.
    pub person_fields: Vec<String>,
    certification_types: HashSet<String>,
    training_skip: HashMap<String, String>,
    paid_metric_types: HashSet<String>,
    metric_skip: HashMap<String, String>,
}

/// A header or a variant as compared: letters and digits only, lower case.
#[must_use]
pub fn fold_header(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value as compared: lower case, runs of white space folded, trimmed.
#[must_use]
pub fn fold_value(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `value` equals one of the folded `values` (case-insensitively, white space
/// folded).
fn one_of(values: &[String], value: &str) -> bool {
    let v = value.trim();
    if v.contains(char::is_whitespace) {
        let f = fold_value(v);
        values.contains(&f)
    } else {
        values
            .iter()
            .any(|x| x.eq_ignore_ascii_case(v) || (!v.is_ascii() && *x == v.to_lowercase()))
    }
}

/// How a hierarchy value classifies an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Global,
    Location,
}

impl Rules {
    /// The rules compiled into capscore.
    ///
    /// # Errors
    /// A message when the embedded rules are invalid (a build defect, caught by tests).
    pub fn embedded() -> Result<Rules, String> {
        Rules::from_toml(EMBEDDED_RULES)
    }

    /// Parses and checks rules written as TOML.
    ///
    /// # Errors
    /// A message naming the problem: TOML syntax, an unknown key, a kind naming a field
    /// with no column list, a handler missing a field it reads, a duplicate variant.
    pub fn from_toml(text: &str) -> Result<Rules, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut columns = BTreeMap::new();
        for (field, variants) in &raw.columns {
            if variants.is_empty() {
                return Err(format!("column {field} lists no header"));
            }
            let mut folded: Vec<String> = Vec::new();
            for v in variants {
                let f = fold_header(v);
                if f.is_empty() {
                    return Err(format!(
                        "column {field}: header {v:?} has no letter or digit"
                    ));
                }
                if folded.contains(&f) {
                    return Err(format!(
                        "column {field}: header {v:?} is listed twice (headers are compared \
                         on letters and digits only, ignoring case)"
                    ));
                }
                folded.push(f);
            }
            columns.insert(field.clone(), folded);
        }
        let known = |f: &str| columns.contains_key(f);
        let mut ids = HashSet::new();
        let mut kinds = Vec::new();
        for k in raw.kind {
            if !ids.insert(k.id.clone()) {
                return Err(format!("kind {} is defined twice", k.id));
            }
            if k.requires.is_empty() {
                return Err(format!("kind {} requires no field", k.id));
            }
            for f in k.requires.iter().chain(&k.requires_any).chain(&k.forbids) {
                if !known(f) {
                    return Err(format!(
                        "kind {} names field {f}, which has no column list",
                        k.id
                    ));
                }
            }
            if (k.handler == Handler::Ignore) != k.reason.is_some() {
                return Err(format!(
                    "kind {}: a reason is required for handler \"ignore\" and only for it",
                    k.id
                ));
            }
            kinds.push(Kind {
                id: k.id,
                name: k.name,
                handler: k.handler,
                requires: k.requires,
                requires_any: k.requires_any,
                forbids: k.forbids,
                reason: k.reason,
                one_file_per_month: k.one_file_per_month,
                default_attribution: k.default_attribution,
            });
        }
        for (handler, fields) in HANDLER_FIELDS {
            for f in *fields {
                if !known(f) {
                    return Err(format!(
                        "field {f} (read for {handler:?} files) has no column list"
                    ));
                }
            }
        }
        for w in &raw.ems.workloads {
            for f in [&w.paid, &w.active] {
                if !known(f) {
                    return Err(format!(
                        "EMS workload {}: field {f} has no column list",
                        w.workload
                    ));
                }
            }
        }
        if raw.trainings.person.is_empty() {
            return Err("trainings.person lists no field".to_string());
        }
        for f in &raw.trainings.person {
            if !known(f) {
                return Err(format!("trainings.person: field {f} has no column list"));
            }
        }
        let set = |v: &[String]| v.iter().map(|s| fold_value(s)).collect::<HashSet<_>>();
        let map = |m: &BTreeMap<String, String>| {
            m.iter()
                .map(|(k, v)| (fold_value(k), v.clone()))
                .collect::<HashMap<_, _>>()
        };
        let list = |v: &[String]| v.iter().map(|s| fold_value(s)).collect::<Vec<_>>();
        let flag_true = list(&raw.values.flag_true);
        let flag_false = list(&raw.values.flag_false);
        if let Some(both) = flag_true.iter().find(|v| flag_false.contains(v)) {
            return Err(format!("flag value {both:?} is both true and false"));
        }
        let attribution_types = map(&raw.attribution.types);
        let not_associations: HashMap<String, NotAssociation> = raw
            .attribution
            .not_associations
            .iter()
            .map(|(k, v)| {
                (
                    fold_value(k),
                    NotAssociation {
                        reason: v.reason.clone(),
                        usage: v.usage,
                    },
                )
            })
            .collect();
        if let Some(both) = attribution_types
            .keys()
            .find(|k| not_associations.contains_key(*k))
        {
            return Err(format!(
                "attribution {both:?} is both an association type and not an association"
            ));
        }
        Ok(Rules {
            columns,
            kinds,
            missing: list(&raw.values.missing),
            flag_true,
            flag_false,
            attribution_types,
            not_associations,
            hierarchy_global: set(&raw.hierarchy.global),
            hierarchy_location: set(&raw.hierarchy.location),
            ems_free: set(&raw.ems.free_sku_values),
            ems_workloads: raw.ems.workloads,
            person_fields: raw.trainings.person,
            certification_types: set(&raw.trainings.certification_types),
            training_skip: map(&raw.trainings.skip_types),
            paid_metric_types: set(&raw.bizapps.paid_metric_types),
            metric_skip: map(&raw.bizapps.skip_metric_types),
        })
    }

    /// Which column of a header (folded names) each field reads: the first variant
    /// present wins.
    #[must_use]
    pub fn resolve_header(&self, folded: &[String]) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for (field, variants) in &self.columns {
            if let Some(i) = variants
                .iter()
                .find_map(|v| folded.iter().position(|h| h == v))
            {
                out.insert(field.clone(), i);
            }
        }
        out
    }

    /// The kind a file with these fields is, if any: every `requires`, one of
    /// `requires_any`, no `forbids`; the match naming the most fields wins, and a tie
    /// between kinds is no match (the names of the tied kinds are returned).
    pub fn detect(&self, fields: &HashMap<String, usize>) -> Result<Option<usize>, Vec<String>> {
        let has = |f: &String| fields.contains_key(f);
        let mut best: Vec<(usize, usize)> = Vec::new();
        for (i, k) in self.kinds.iter().enumerate() {
            if !k.requires.iter().all(has) || k.forbids.iter().any(has) {
                continue;
            }
            let any = k.requires_any.iter().filter(|f| has(f)).count();
            if !k.requires_any.is_empty() && any == 0 {
                continue;
            }
            let score = k.requires.len() + usize::from(any > 0);
            match best.first() {
                Some(&(s, _)) if s > score => {}
                Some(&(s, _)) if s == score => best.push((score, i)),
                _ => best = vec![(score, i)],
            }
        }
        match best.as_slice() {
            [] => Ok(None),
            [(_, i)] => Ok(Some(*i)),
            tied => Err(tied
                .iter()
                .filter_map(|(_, i)| self.kinds.get(*i).map(|k| k.name.clone()))
                .collect()),
        }
    }

    /// Whether a value means "nothing here" in an id column (compared without
    /// allocating: these lists are short and read for every row).
    #[must_use]
    pub fn is_missing(&self, value: &str) -> bool {
        one_of(&self.missing, value)
    }

    /// A dedup flag's value: `Some(true)` for a duplicate row, `None` when the value
    /// is not a flag value.
    #[must_use]
    pub fn flag(&self, value: &str) -> Option<bool> {
        if one_of(&self.flag_true, value) {
            Some(true)
        } else if one_of(&self.flag_false, value) {
            Some(false)
        } else {
            None
        }
    }

    pub(crate) fn level(&self, value: &str) -> Option<Level> {
        let v = fold_value(value);
        if self.hierarchy_global.contains(&v) {
            Some(Level::Global)
        } else if self.hierarchy_location.contains(&v) {
            Some(Level::Location)
        } else {
            None
        }
    }

    pub(crate) fn is_free_sku(&self, value: &str) -> bool {
        self.ems_free.contains(&fold_value(value))
    }

    /// For a training type: `Ok(true)` a certification type, `Ok(false)` unknown (read
    /// as a certification), `Err(reason)` a type that is skipped.
    pub(crate) fn training_type(&self, value: &str) -> Result<bool, &str> {
        let v = fold_value(value);
        if let Some(reason) = self.training_skip.get(&v) {
            return Err(reason);
        }
        Ok(self.certification_types.contains(&v))
    }

    /// For a business applications metric type: as [`Rules::training_type`].
    pub(crate) fn metric_type(&self, value: &str) -> Result<bool, &str> {
        let v = fold_value(value);
        if let Some(reason) = self.metric_skip.get(&v) {
            return Err(reason);
        }
        Ok(self.paid_metric_types.contains(&v))
    }

    /// Every association type name the rules map attribution values to.
    pub(crate) fn attribution_targets(&self) -> impl Iterator<Item = &str> {
        self.attribution_types.values().map(String::as_str).chain(
            self.kinds
                .iter()
                .filter_map(|k| k.default_attribution.as_deref()),
        )
    }

    /// The fields that tell one Azure consumption line from another.
    pub(crate) fn azure_detail_fields(&self) -> impl Iterator<Item = &str> {
        self.columns
            .keys()
            .map(String::as_str)
            .filter(|f| f.starts_with(AZURE_DETAIL_PREFIX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_are_valid() {
        let r = Rules::embedded().unwrap();
        assert!(r.kinds.iter().any(|k| k.handler == Handler::Cpor));
        assert_eq!(r.flag("1"), Some(true));
        assert_eq!(r.flag(" False "), Some(false));
        assert_eq!(r.flag("maybe"), None);
        assert!(r.is_missing("NULL"));
        assert!(r.is_missing("00000000-0000-0000-0000-000000000000"));
        assert!(!r.is_missing("contoso"));
    }

    #[test]
    fn headers_fold_to_letters_and_digits() {
        assert_eq!(fold_header("\u{feff}PGA_MPNID"), "pgampnid");
        assert_eq!(fold_header("Meeting count"), "meetingcount");
        assert_eq!(fold_value("  CSP   Tier 1 "), "csp tier 1");
    }

    #[test]
    fn header_variants_resolve_best_first() {
        let r = Rules::embedded().unwrap();
        let h: Vec<String> = ["PartnerLocationID", "MPNID", "CustomerTenantId"]
            .iter()
            .map(|s| fold_header(s))
            .collect();
        let f = r.resolve_header(&h);
        assert_eq!(f.get("partner_id"), Some(&1), "MPNId is preferred");
        assert_eq!(f.get("tenant_id"), Some(&2));
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        let good = EMBEDDED_RULES;
        let dup = good.replace(
            "paid_units = [\"PaidAvailableUnits\"]",
            "paid_units = [\"PaidAvailableUnits\", \"Paid_Available_Units\"]",
        );
        assert!(Rules::from_toml(&dup).unwrap_err().contains("listed twice"));
        let unknown_field = good.replace(
            "requires = [\"training_title\", \"completion_date\"]",
            "requires = [\"training_title\", \"nope\"]",
        );
        assert!(
            Rules::from_toml(&unknown_field)
                .unwrap_err()
                .contains("nope")
        );
        let missing_handler_field = good.replace("claim_id = [\"ClaimId\"]\n", "");
        assert!(Rules::from_toml(&missing_handler_field).is_err());
        assert!(Rules::from_toml("[values]\nbogus = 1").is_err());
    }
}
