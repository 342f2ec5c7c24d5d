//! Scenario files (TOML, docs/scenarios.md): what to change in a partner's data, and
//! applying it to the canonical [`Tables`].
//!
//! Every name is checked before anything changes: a tenant the data does not have (and
//! no `[[add_customer]]` adds), a workload, association type or certification the
//! catalog does not know, is refused with the scenario file, line and column, and the
//! closest names.

use std::collections::BTreeSet;
use std::ops::Range;

use capscore_catalog::{Catalog, WorkloadFamily};
use capscore_core::{Month, Num, Vocabulary, parse_date, parse_decimal};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::WhatIfError;
use crate::tables::{Tables, decimal};

/// A scenario as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Evaluate this month instead (`YYYY-MM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<Spanned<String>>,
    /// Customers (tenants) to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_customer: Vec<AddCustomer>,
    /// Associations to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_association: Vec<AddAssociation>,
    /// Associations to remove (every association of the partner matching).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_association: Vec<RemoveAssociation>,
    /// Usage rows to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_usage: Vec<AddUsage>,
    /// Usage rows to change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub change_usage: Vec<ChangeUsage>,
    /// Certifications to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_certification: Vec<AddCertification>,
    /// Certifications (or certified people) to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_certification: Vec<RemoveCertification>,
}

/// `[[add_customer]]`: a new tenant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddCustomer {
    /// New tenant id.
    pub tenant: Spanned<String>,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its country.
    #[serde(default)]
    pub country: Option<String>,
}

/// `[[add_association]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddAssociation {
    /// Tenant id.
    pub tenant: Spanned<String>,
    /// Association type (`CPOR`, `CSP_T1`, an alias).
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    /// Workload (a CPOR claim); none: the whole tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Spanned<String>>,
    /// Subscription; none: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// First day in force (`YYYY-MM-DD`).
    pub start: Spanned<String>,
    /// Last day in force; none: open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Spanned<String>>,
}

/// `[[remove_association]]`: the partner's associations of a tenant (optionally of
/// one type and workload).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveAssociation {
    /// Tenant id.
    pub tenant: Spanned<String>,
    /// Only this type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Spanned<String>>,
    /// Only this workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Spanned<String>>,
}

/// `[[add_usage]]`: one row per month from `from` to `to` (default: the data's latest
/// usage month). A Microsoft 365 workload takes `paid_units` and `active_users`; a
/// Business Applications workload `revenue_usd` and `units`; no workload means Azure:
/// `service`, `offer`, `acr_usd` (and `subscription`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddUsage {
    /// Tenant id.
    pub tenant: Spanned<String>,
    /// Workload; none: Azure usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Spanned<String>>,
    /// First month.
    pub from: Spanned<String>,
    /// Last month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Spanned<String>>,
    /// Paid seats (Microsoft 365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_units: Option<u64>,
    /// Active users (Microsoft 365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_users: Option<u64>,
    /// Azure service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Azure offer category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Azure subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Azure consumed revenue per month (a decimal written as text, `"120.50"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr_usd: Option<Spanned<String>>,
    /// Business Applications revenue per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_usd: Option<Spanned<String>>,
    /// Business Applications units per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Spanned<String>>,
}

/// `[[change_usage]]`: every existing row of a tenant's series from `from` to `to`
/// (default: the last month of the data). A workload names a Microsoft 365 or Business
/// Applications series; none means the tenant's Azure rows (optionally one `service`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeUsage {
    /// Tenant id.
    pub tenant: Spanned<String>,
    /// Workload; none: Azure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Spanned<String>>,
    /// Azure: only this service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// First month changed.
    pub from: Spanned<String>,
    /// Last month changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Spanned<String>>,
    /// Active users added (negative: removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_active_users: Option<i64>,
    /// Paid seats added (negative: removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_paid_units: Option<i64>,
    /// Multiplies the amounts (Azure ACR; Business Applications revenue and units),
    /// written as text (`"1.2"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Spanned<String>>,
}

/// `[[add_certification]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddCertification {
    /// Person id (new or existing).
    pub person: String,
    /// Certification title (canonical, alias, prefixed or former).
    pub certification: Spanned<String>,
    /// Day earned.
    pub earned: Spanned<String>,
    /// Last day valid; none: no expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Spanned<String>>,
}

/// `[[remove_certification]]`: a person's certifications (one, or all of them).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveCertification {
    /// Person id.
    pub person: Spanned<String>,
    /// Only this certification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<Spanned<String>>,
}

/// Where a scenario came from, for messages.
struct Src<'a> {
    file: &'a str,
    text: &'a str,
}

impl Src<'_> {
    fn at(&self, span: Range<usize>) -> String {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{} line {line}, column {col}", self.file)
    }

    fn err<T>(&self, span: Range<usize>, msg: impl std::fmt::Display) -> Result<T, WhatIfError> {
        Err(WhatIfError::Scenario(format!("{}: {msg}", self.at(span))))
    }
}

fn closest(list: &[String]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", list.join(", "))
    }
}

/// Parses a scenario; `file` names it in messages.
///
/// # Errors
/// [`WhatIfError::Scenario`] with the file, line and column.
pub fn parse(text: &str, file: &str) -> Result<Scenario, WhatIfError> {
    toml::from_str(text).map_err(|e| {
        let src = Src { file, text };
        let at = e.span().map_or_else(|| file.to_string(), |s| src.at(s));
        WhatIfError::Scenario(format!("{at}: {}", e.message().trim()))
    })
}

/// Writes a scenario as TOML that [`parse`] reads back.
#[must_use]
pub fn to_toml(s: &Scenario) -> String {
    toml::to_string(s).unwrap_or_default()
}

/// A scenario applied: the edited tables and the evaluation month it asks, if any.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The edited tables.
    pub tables: Tables,
    /// The month the scenario moves the evaluation to.
    pub month: Option<Month>,
}

struct Ctx<'a> {
    src: Src<'a>,
    catalog: &'a Catalog,
    partner: &'a str,
    tenants: Vec<(String, String)>,
    latest: Option<Month>,
}

impl Ctx<'_> {
    fn tenant(&self, t: &Spanned<String>) -> Result<String, WhatIfError> {
        let id = t.get_ref().trim();
        if self.tenants.iter().any(|(tid, _)| tid == id) {
            return Ok(id.to_string());
        }
        let key = id.to_lowercase();
        let mut scored: Vec<(f64, String)> = self
            .tenants
            .iter()
            .map(|(tid, name)| {
                let s = strsim::jaro_winkler(&key, &tid.to_lowercase())
                    .max(strsim::jaro_winkler(&key, &name.to_lowercase()));
                let shown = if name.is_empty() {
                    tid.clone()
                } else {
                    format!("{tid} ({name})")
                };
                (s, shown)
            })
            .filter(|(s, _)| *s >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let best: Vec<String> = scored.into_iter().take(3).map(|(_, s)| s).collect();
        self.src.err(
            t.span(),
            format!(
                "unknown tenant \"{id}\": the data has no such tenant (add it with [[add_customer]]){}",
                closest(&best)
            ),
        )
    }

    fn workload(&self, w: &Spanned<String>) -> Result<(String, WorkloadFamily), WhatIfError> {
        match self.catalog.workload(w.get_ref()) {
            Some(id) => {
                let wl = &self.catalog.workloads[id.index()];
                Ok((wl.name.clone(), wl.family))
            }
            None => self.src.err(
                w.span(),
                format!(
                    "unknown workload \"{}\"{}",
                    w.get_ref(),
                    closest(&self.catalog.suggest_workloads(w.get_ref()))
                ),
            ),
        }
    }

    fn assoc_type(&self, t: &Spanned<String>) -> Result<String, WhatIfError> {
        match self.catalog.association_type(t.get_ref()) {
            Some(id) => Ok(self.catalog.association_types[id.index()].id.clone()),
            None => self.src.err(
                t.span(),
                format!(
                    "unknown association type \"{}\"{}",
                    t.get_ref(),
                    closest(&self.catalog.suggest_association_types(t.get_ref()))
                ),
            ),
        }
    }

    fn cert(&self, c: &Spanned<String>) -> Result<capscore_core::CertId, WhatIfError> {
        self.catalog.certification(c.get_ref()).map_or_else(
            || {
                self.src.err(
                    c.span(),
                    format!(
                        "unknown certification \"{}\"{}",
                        c.get_ref(),
                        closest(&self.catalog.suggest_certifications(c.get_ref()))
                    ),
                )
            },
            Ok,
        )
    }

    fn month(&self, m: &Spanned<String>) -> Result<Month, WhatIfError> {
        m.get_ref()
            .trim()
            .parse::<Month>()
            .or_else(|e| self.src.err(m.span(), e))
    }

    fn to_month(&self, to: Option<&Spanned<String>>, from: Month) -> Result<Month, WhatIfError> {
        match to {
            Some(t) => self.month(t),
            None => Ok(self.latest.unwrap_or(from).max(from)),
        }
    }

    fn date(&self, d: &Spanned<String>) -> Result<String, WhatIfError> {
        parse_date(d.get_ref().trim())
            .map(|d| d.to_string())
            .or_else(|e| self.src.err(d.span(), e))
    }

    fn amount(&self, a: &Spanned<String>) -> Result<Num, WhatIfError> {
        parse_decimal(a.get_ref().trim()).or_else(|e| self.src.err(a.span(), e))
    }
}

/// Applies a scenario for `partner` to `tables`. `file` and `text` are the scenario's
/// name and source, for messages.
///
/// # Errors
/// [`WhatIfError::Scenario`] naming the file, line and column of the first problem.
pub fn apply(
    scenario: &Scenario,
    tables: &Tables,
    catalog: &Catalog,
    partner: &str,
    file: &str,
    text: &str,
) -> Result<Applied, WhatIfError> {
    apply_with_latest(
        scenario,
        tables,
        catalog,
        partner,
        file,
        text,
        tables.latest_usage_month(),
    )
}

/// Every tenant id a scenario names (trimmed), those `[[add_customer]]` adds included.
#[must_use]
pub fn tenants_named(s: &Scenario) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    out.extend(s.add_customer.iter().map(|c| c.tenant.get_ref().trim()));
    out.extend(s.add_association.iter().map(|c| c.tenant.get_ref().trim()));
    out.extend(
        s.remove_association
            .iter()
            .map(|c| c.tenant.get_ref().trim()),
    );
    out.extend(s.add_usage.iter().map(|c| c.tenant.get_ref().trim()));
    out.extend(s.change_usage.iter().map(|c| c.tenant.get_ref().trim()));
    out
}

/// As [`apply`], to some of a dataset's tables: `latest` is the latest usage month of
/// the whole dataset (the default last month of a change), which `tables` may not hold.
///
/// # Errors
/// As [`apply`].
pub fn apply_with_latest(
    scenario: &Scenario,
    tables: &Tables,
    catalog: &Catalog,
    partner: &str,
    file: &str,
    text: &str,
    latest: Option<Month>,
) -> Result<Applied, WhatIfError> {
    let mut t = tables.clone();
    let mut tenants: Vec<(String, String)> = Vec::new();
    for name in [
        "tenants",
        "associations",
        "m365_usage",
        "azure_usage",
        "bizapps_usage",
    ] {
        if let Some(tab) = t.table(name) {
            for r in &tab.rows {
                let id = tab.cell(r, "tenant_id").to_string();
                let n = if name == "tenants" {
                    tab.cell(r, "name").to_string()
                } else {
                    String::new()
                };
                tenants.push((id, n));
            }
        }
    }
    tenants.sort();
    tenants.dedup_by(|a, b| a.0 == b.0);
    let mut cx = Ctx {
        src: Src { file, text },
        catalog,
        partner,
        tenants,
        latest,
    };
    let month = scenario.month.as_ref().map(|m| cx.month(m)).transpose()?;

    for c in &scenario.add_customer {
        let id = c.tenant.get_ref().trim().to_string();
        if id.is_empty() || cx.tenants.iter().any(|(x, _)| *x == id) {
            return cx.src.err(c.tenant.span(), format!("tenant \"{id}\" is already in the data: add associations or usage to it instead"));
        }
        t.table_mut("tenants").push(&[
            ("tenant_id", id.clone()),
            ("name", c.name.clone().unwrap_or_default()),
            ("country", c.country.clone().unwrap_or_default()),
        ]);
        cx.tenants.push((id, c.name.clone().unwrap_or_default()));
    }

    for r in &scenario.remove_association {
        let tenant = cx.tenant(&r.tenant)?;
        let kind = r.kind.as_ref().map(|k| cx.assoc_type(k)).transpose()?;
        let wl = r.workload.as_ref().map(|w| cx.workload(w)).transpose()?;
        let tab = t.table_mut("associations");
        let before = tab.rows.len();
        let (cp, ct, ck, cw) = (
            tab.col("partner_id"),
            tab.col("tenant_id"),
            tab.col("type"),
            tab.col("workload"),
        );
        let (Some(cp), Some(ct), Some(ck), Some(cw)) = (cp, ct, ck, cw) else {
            continue;
        };
        tab.rows.retain(|row| {
            let hit = row[cp] == cx.partner
                && row[ct] == tenant
                && kind.as_ref().is_none_or(|k| {
                    catalog
                        .association_type(&row[ck])
                        .map(|i| &catalog.association_types[i.index()].id)
                        == Some(k)
                })
                && wl.as_ref().is_none_or(|(w, _)| {
                    catalog
                        .workload(&row[cw])
                        .map(|i| &catalog.workloads[i.index()].name)
                        == Some(w)
                });
            !hit
        });
        if tab.rows.len() == before {
            return cx.src.err(
                r.tenant.span(),
                format!(
                    "partner {partner} has no such association of tenant \"{tenant}\" to remove"
                ),
            );
        }
    }

    for a in &scenario.add_association {
        let tenant = cx.tenant(&a.tenant)?;
        let kind = cx.assoc_type(&a.kind)?;
        let wl = a.workload.as_ref().map(|w| cx.workload(w)).transpose()?;
        let start = cx.date(&a.start)?;
        let end = a.end.as_ref().map(|e| cx.date(e)).transpose()?;
        t.table_mut("associations").push(&[
            ("partner_id", partner.to_string()),
            ("tenant_id", tenant),
            ("type", kind),
            ("workload", wl.map(|w| w.0).unwrap_or_default()),
            (
                "subscription_id",
                a.subscription.clone().unwrap_or_default(),
            ),
            ("start_date", start),
            ("end_date", end.unwrap_or_default()),
        ]);
    }

    for u in &scenario.add_usage {
        add_usage(&cx, &mut t, u)?;
    }
    for c in &scenario.change_usage {
        change_usage(&cx, &mut t, c)?;
    }

    for r in &scenario.remove_certification {
        let cert = r.certification.as_ref().map(|c| cx.cert(c)).transpose()?;
        let person = r.person.get_ref().trim();
        let tab = t.table_mut("certifications");
        let before = tab.rows.len();
        let (Some(cp), Some(cpe), Some(cc)) = (
            tab.col("partner_id"),
            tab.col("person_id"),
            tab.col("certification"),
        ) else {
            continue;
        };
        tab.rows.retain(|row| {
            !(row[cp] == partner
                && row[cpe] == person
                && cert.is_none_or(|c| catalog.certification(&row[cc]) == Some(c)))
        });
        if tab.rows.len() == before {
            return cx.src.err(
                r.person.span(),
                format!(
                    "partner {partner} has no such certification of person \"{person}\" to remove"
                ),
            );
        }
    }
    for a in &scenario.add_certification {
        let cert = cx.cert(&a.certification)?;
        let earned = cx.date(&a.earned)?;
        let expires = a.expires.as_ref().map(|e| cx.date(e)).transpose()?;
        t.table_mut("certifications").push(&[
            ("partner_id", partner.to_string()),
            ("person_id", a.person.trim().to_string()),
            (
                "certification",
                catalog.certifications[cert.index()].name.clone(),
            ),
            ("earned_date", earned),
            ("expires_date", expires.unwrap_or_default()),
        ]);
    }
    Ok(Applied { tables: t, month })
}

fn add_usage(cx: &Ctx<'_>, t: &mut Tables, u: &AddUsage) -> Result<(), WhatIfError> {
    let tenant = cx.tenant(&u.tenant)?;
    let from = cx.month(&u.from)?;
    let to = cx.to_month(u.to.as_ref(), from)?;
    if to < from {
        return cx.src.err(
            u.from.span(),
            format!("the months run from {from} to {to}: nothing to add"),
        );
    }
    let wl = u.workload.as_ref().map(|w| cx.workload(w)).transpose()?;
    let cells: Vec<(&str, String)> = match &wl {
        Some((w, WorkloadFamily::M365)) => vec![
            ("workload", w.clone()),
            ("paid_units", u.paid_units.unwrap_or(0).to_string()),
            ("active_users", u.active_users.unwrap_or(0).to_string()),
        ],
        Some((w, WorkloadFamily::BizApps)) => vec![
            ("workload", w.clone()),
            (
                "revenue_usd",
                u.revenue_usd
                    .as_ref()
                    .map(|a| cx.amount(a).and_then(|n| decimal(&n)))
                    .transpose()?
                    .unwrap_or_default(),
            ),
            (
                "units",
                u.units
                    .as_ref()
                    .map(|a| cx.amount(a).and_then(|n| decimal(&n)))
                    .transpose()?
                    .unwrap_or_default(),
            ),
        ],
        None => {
            let (Some(service), Some(acr)) = (&u.service, &u.acr_usd) else {
                return cx.src.err(
                    u.tenant.span(),
                    "Azure usage (no workload) needs `service` and `acr_usd`",
                );
            };
            vec![
                ("service", service.clone()),
                (
                    "offer",
                    u.offer.clone().unwrap_or_else(|| "Azure Plan".to_string()),
                ),
                (
                    "subscription_id",
                    u.subscription.clone().unwrap_or_default(),
                ),
                ("acr_usd", decimal(&cx.amount(acr)?)?),
            ]
        }
    };
    let name = match &wl {
        Some((_, WorkloadFamily::M365)) => "m365_usage",
        Some((_, WorkloadFamily::BizApps)) => "bizapps_usage",
        None => "azure_usage",
    };
    let tab = t.table_mut(name);
    for m in Month::range(from, to) {
        let key_cols: Vec<&str> = match name {
            "azure_usage" => vec!["subscription_id", "service", "offer"],
            _ => vec!["workload"],
        };
        let clash = tab.rows.iter().any(|r| {
            tab.cell(r, "tenant_id") == tenant
                && tab.cell(r, "month") == m.to_string()
                && key_cols.iter().all(|c| {
                    cells
                        .iter()
                        .find(|(k, _)| k == c)
                        .map_or("", |(_, v)| v.as_str())
                        .eq_ignore_ascii_case(tab.cell(r, c))
                })
        });
        if clash {
            return cx.src.err(
                u.tenant.span(),
                format!("tenant \"{tenant}\" already has this usage in {m}: use [[change_usage]]"),
            );
        }
        let mut row = cells.clone();
        row.push(("tenant_id", tenant.clone()));
        row.push(("month", m.to_string()));
        tab.push(&row);
    }
    Ok(())
}

fn shifted(v: &str, by: i64) -> Option<String> {
    let n = i128::from(v.parse::<u64>().ok()?) + i128::from(by);
    (n >= 0).then(|| n.to_string())
}

fn change_usage(cx: &Ctx<'_>, t: &mut Tables, c: &ChangeUsage) -> Result<(), WhatIfError> {
    let tenant = cx.tenant(&c.tenant)?;
    let from = cx.month(&c.from)?;
    let to = cx.to_month(c.to.as_ref(), from)?;
    let wl = c.workload.as_ref().map(|w| cx.workload(w)).transpose()?;
    let factor = c.factor.as_ref().map(|f| cx.amount(f)).transpose()?;
    let name = match &wl {
        Some((_, WorkloadFamily::M365)) => "m365_usage",
        Some((_, WorkloadFamily::BizApps)) => "bizapps_usage",
        None => "azure_usage",
    };
    let Some(tab) = t.tables.get_mut(name) else {
        return cx.src.err(
            c.tenant.span(),
            format!("the data has no {name} table to change"),
        );
    };
    let cols = tab.columns.clone();
    let idx = |n: &str| cols.iter().position(|c| *c == n);
    let mut changed = 0;
    for row in &mut tab.rows {
        let cell = |n: &str| idx(n).map_or("", |i| row[i].as_str());
        let Ok(m) = cell("month").parse::<Month>() else {
            continue;
        };
        let series = match (&wl, name) {
            (Some((w, _)), _) => {
                cx.catalog
                    .workload(cell("workload"))
                    .map(|i| &cx.catalog.workloads[i.index()].name)
                    == Some(w)
            }
            (None, _) => c
                .service
                .as_ref()
                .is_none_or(|s| s.eq_ignore_ascii_case(cell("service"))),
        };
        if cell("tenant_id") != tenant || m < from || m > to || !series {
            continue;
        }
        changed += 1;
        if name == "m365_usage" {
            for (col, by) in [
                ("active_users", c.add_active_users),
                ("paid_units", c.add_paid_units),
            ] {
                if let Some(by) = by {
                    let old = idx(col).map(|i| row[i].clone()).unwrap_or_default();
                    match shifted(&old, by) {
                        Some(v) => {
                            if let Some(i) = idx(col) {
                                row[i] = v;
                            }
                        }
                        None => {
                            return cx.src.err(
                                c.tenant.span(),
                                format!(
                                    "{col} of \"{tenant}\" in {m} would fall under 0 ({old} {by:+})"
                                ),
                            );
                        }
                    }
                }
            }
        }
        if let Some(f) = factor {
            let cols: &[&str] = if name == "azure_usage" {
                &["acr_usd"]
            } else {
                &["revenue_usd", "units"]
            };
            for col in cols {
                let old = idx(col).map(|i| row[i].clone()).unwrap_or_default();
                let v = if old.is_empty() {
                    Num::from_integer(0)
                } else {
                    parse_decimal(&old).map_err(|e| WhatIfError::Value(e.to_string()))?
                };
                if let Some(i) = idx(col) {
                    row[i] = decimal(&(v * f))?;
                }
            }
        }
    }
    if changed == 0 {
        return cx.src.err(
            c.tenant.span(),
            format!("tenant \"{tenant}\" has no such usage from {from} to {to} to change"),
        );
    }
    Ok(())
}
