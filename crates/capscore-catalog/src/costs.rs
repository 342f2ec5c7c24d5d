//! The cost model of `capscore recommend` and `capscore plan` (`costs.toml`): what one
//! unit of each kind of action costs (hours of work by default), dated like the rest of
//! the catalog, and the cost of each certification by its level. A user's file of the
//! same schema (`--costs FILE`) is merged over the defaults with [`Costs::merged`].

use std::ops::Range;

use capscore_core::{CertId, NaiveDate, Num, Vocabulary, parse_date, parse_decimal};
use serde::Deserialize;
use toml::Spanned;

use crate::error::CatalogError;
use crate::model::{Catalog, Dated};

/// The kinds of action the cost model prices, one unit each. `recommend` and `plan`
/// propose only these; every one must have a cost in the default file.
pub const ACTION_KINDS: [&str; 6] = [
    "new_customer",
    "association",
    "active_user",
    "paid_seat",
    "acr_usd",
    "revenue_usd",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCosts {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    action: Vec<RawAction>,
    #[serde(default)]
    certification_level: Vec<RawLevel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    values: Vec<RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    certifications: Option<Vec<Spanned<String>>>,
    values: Vec<RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    #[serde(default)]
    since: Option<Spanned<toml::Value>>,
    #[serde(default)]
    until: Option<Spanned<toml::Value>>,
    cost: Spanned<toml::Value>,
}

/// The cost of one kind of action.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionCost {
    /// Kind (one of [`ACTION_KINDS`]).
    pub id: String,
    /// What one unit is, in words (`an active user gained`).
    pub name: String,
    /// Cost of one unit, dated.
    pub values: Vec<Dated<Num>>,
}

/// A certification level and what earning one certification of it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct CertLevel {
    /// Level id (`associate`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The certifications of this level.
    pub certifications: Vec<CertId>,
    /// Cost of one certification earned, dated.
    pub values: Vec<Dated<Num>>,
}

/// The cost model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Costs {
    /// Unit of every cost (`hours`).
    pub unit: String,
    /// Where the model comes from (`costs.toml`, then each override file).
    pub sources: Vec<String>,
    /// Costs per kind of action.
    pub actions: Vec<ActionCost>,
    /// Certification levels.
    pub levels: Vec<CertLevel>,
}

fn at_value(values: &[Dated<Num>], date: NaiveDate) -> Option<Num> {
    values.iter().find(|v| v.in_force(date)).map(|v| v.value)
}

impl Costs {
    /// The cost of one unit of an action kind on a date.
    #[must_use]
    pub fn action(&self, kind: &str, date: NaiveDate) -> Option<Num> {
        self.actions
            .iter()
            .find(|a| a.id == kind)
            .and_then(|a| at_value(&a.values, date))
    }

    /// What one unit of an action kind is, in words.
    #[must_use]
    pub fn action_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.actions
            .iter()
            .find(|a| a.id == kind)
            .map_or(kind, |a| a.name.as_str())
    }

    /// The level of a certification and the cost of earning it on a date.
    #[must_use]
    pub fn certification(&self, cert: CertId, date: NaiveDate) -> Option<(&CertLevel, Num)> {
        self.levels
            .iter()
            .find(|l| l.certifications.contains(&cert))
            .and_then(|l| at_value(&l.values, date).map(|v| (l, v)))
    }

    /// This model with the entries of `text` (a file of the same schema, named `file`
    /// in messages) put over it: an action or level of the same id takes the file's
    /// values (a level keeps its certifications unless the file lists them); a new
    /// level must list its certifications; a certification moved to another level
    /// leaves its former one.
    ///
    /// # Errors
    /// [`CatalogError`] naming the file, line and column.
    pub fn merged(&self, catalog: &Catalog, file: &str, text: &str) -> Result<Costs, CatalogError> {
        let over = parse_costs(catalog, file, text, false)?;
        let mut out = self.clone();
        out.sources.push(file.to_string());
        if !over.unit.is_empty() {
            out.unit = over.unit;
        }
        for a in over.actions {
            match out.actions.iter_mut().find(|x| x.id == a.id) {
                Some(x) => {
                    x.values = a.values;
                    if a.name != a.id {
                        x.name = a.name;
                    }
                }
                None => out.actions.push(a),
            }
        }
        for l in over.levels {
            if !l.certifications.is_empty() {
                for x in &mut out.levels {
                    x.certifications.retain(|c| !l.certifications.contains(c));
                }
            }
            match out.levels.iter_mut().find(|x| x.id == l.id) {
                Some(x) => {
                    x.values = l.values;
                    x.certifications.extend(l.certifications);
                    if l.name != l.id {
                        x.name = l.name;
                    }
                }
                None => out.levels.push(l),
            }
        }
        Ok(out)
    }
}

/// `line L, column C` of a byte offset.
fn at(text: &str, span: &Range<usize>) -> String {
    let before = text.get(..span.start.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

/// Parses and checks a cost file. `defaults`: the catalog's own file, which must price
/// every action kind and give every certification a level.
pub(crate) fn parse_costs(
    catalog: &Catalog,
    file: &str,
    text: &str,
    defaults: bool,
) -> Result<Costs, CatalogError> {
    let raw: RawCosts = toml::from_str(text).map_err(|e| {
        let where_ = e
            .span()
            .map_or_else(String::new, |s| format!("{}: ", at(text, &s)));
        CatalogError::Syntax {
            file: file.to_string(),
            message: format!("{where_}{}", e.message().trim()),
        }
    })?;
    let bad = |span: Range<usize>, item: String, msg: String| CatalogError::Invalid {
        file: file.to_string(),
        item: format!("{} ({item})", at(text, &span)),
        message: msg,
    };
    let values = |vs: &[RawValue], item: &str| -> Result<Vec<Dated<Num>>, CatalogError> {
        let mut out: Vec<Dated<Num>> = Vec::new();
        for v in vs {
            let day =
                |d: &Option<Spanned<toml::Value>>| -> Result<Option<NaiveDate>, CatalogError> {
                    let Some(d) = d else { return Ok(None) };
                    let s = match d.get_ref() {
                        toml::Value::String(s) => s.clone(),
                        toml::Value::Datetime(x) => x.to_string(),
                        other => other.to_string(),
                    };
                    parse_date(&s).map(Some).map_err(|e| {
                        bad(
                            d.span(),
                            item.to_string(),
                            format!("{e} (a date is \"YYYY-MM-DD\")"),
                        )
                    })
                };
            let cost = match v.cost.get_ref() {
                toml::Value::Integer(i) => Ok(Num::from_integer(i128::from(*i))),
                toml::Value::String(s) => parse_decimal(s).map_err(|e| e.to_string()),
                toml::Value::Float(f) => parse_decimal(&f.to_string()).map_err(|e| e.to_string()),
                other => Err(format!("a cost is a number, found {other}")),
            }
            .map_err(|m| bad(v.cost.span(), item.to_string(), m))?;
            if cost < Num::from_integer(0) {
                return Err(bad(
                    v.cost.span(),
                    item.to_string(),
                    "a cost cannot be negative".to_string(),
                ));
            }
            let d = Dated {
                since: day(&v.since)?,
                until: day(&v.until)?,
                value: cost,
            };
            if let (Some(s), Some(u)) = (d.since, d.until)
                && u < s
            {
                return Err(bad(
                    v.cost.span(),
                    item.to_string(),
                    format!("`until` {u} is before `since` {s}"),
                ));
            }
            if out.iter().any(|o| o.overlaps(&d)) {
                return Err(bad(
                    v.cost.span(),
                    item.to_string(),
                    "two values in force on the same day: give them `since`/`until` that do not overlap"
                        .to_string(),
                ));
            }
            out.push(d);
        }
        if out.is_empty() {
            return Err(CatalogError::Invalid {
                file: file.to_string(),
                item: item.to_string(),
                message: "`values` is empty: give at least one `{ cost = … }`".to_string(),
            });
        }
        Ok(out)
    };
    let mut actions: Vec<ActionCost> = Vec::new();
    for a in &raw.action {
        let id = a.id.get_ref().trim().to_string();
        let item = format!("action \"{id}\"");
        if !ACTION_KINDS.contains(&id.as_str()) {
            return Err(bad(
                a.id.span(),
                item,
                format!(
                    "unknown action; the actions priced are {}",
                    ACTION_KINDS.join(", ")
                ),
            ));
        }
        if actions.iter().any(|x| x.id == id) {
            return Err(bad(a.id.span(), item, "given twice".to_string()));
        }
        actions.push(ActionCost {
            values: values(&a.values, &item)?,
            name: a.name.clone().unwrap_or_else(|| id.clone()),
            id,
        });
    }
    let mut levels: Vec<CertLevel> = Vec::new();
    for l in &raw.certification_level {
        let id = l.id.get_ref().trim().to_string();
        let item = format!("certification_level \"{id}\"");
        if levels.iter().any(|x| x.id == id) {
            return Err(bad(l.id.span(), item, "given twice".to_string()));
        }
        let mut certs: Vec<CertId> = Vec::new();
        for c in l.certifications.iter().flatten() {
            let Some(cid) = catalog.certification(c.get_ref()) else {
                let close = catalog.suggest_certifications(c.get_ref());
                return Err(bad(
                    c.span(),
                    item,
                    format!(
                        "unknown certification \"{}\"{}",
                        c.get_ref(),
                        if close.is_empty() {
                            String::new()
                        } else {
                            format!(" (closest: {})", close.join(", "))
                        }
                    ),
                ));
            };
            if let Some(other) = levels.iter().find(|x| x.certifications.contains(&cid)) {
                return Err(bad(
                    c.span(),
                    item,
                    format!(
                        "certification \"{}\" is already in level \"{}\"",
                        c.get_ref(),
                        other.id
                    ),
                ));
            }
            certs.push(cid);
        }
        if defaults && l.certifications.is_none() {
            return Err(bad(
                l.id.span(),
                item,
                "`certifications` is missing".to_string(),
            ));
        }
        levels.push(CertLevel {
            values: values(&l.values, &item)?,
            name: l.name.clone().unwrap_or_else(|| id.clone()),
            certifications: certs,
            id,
        });
    }
    if defaults {
        if let Some(k) = ACTION_KINDS
            .iter()
            .find(|k| !actions.iter().any(|a| a.id == **k))
        {
            return Err(CatalogError::Invalid {
                file: file.to_string(),
                item: format!("action \"{k}\""),
                message: "missing: every action capscore proposes needs a cost".to_string(),
            });
        }
        if let Some(c) = catalog.certifications.iter().enumerate().find(|(i, _)| {
            !levels
                .iter()
                .any(|l| l.certifications.iter().any(|c| c.index() == *i))
        }) {
            return Err(CatalogError::Invalid {
                file: file.to_string(),
                item: format!("certification \"{}\"", c.1.id),
                message: "in no certification_level: list it under the level whose cost it has"
                    .to_string(),
            });
        }
    }
    Ok(Costs {
        unit: raw.unit.unwrap_or_default(),
        sources: vec![file.to_string()],
        actions,
        levels,
    })
}
