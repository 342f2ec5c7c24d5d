//! SQL generated from the catalog: the scores of the native engine, computed by Apache
//! Spark over views named after the tables of docs/data.md.
//!
//! Every number, name and list in the query comes from the rules in force for the month
//! ([`Catalog::at`]); nothing about a rule is written in the SQL templates. Values stay
//! exact: amounts are read as `DECIMAL(38,9)` and turned into whole numbers of
//! billionths, a metric's value and points are carried as a numerator and a
//! denominator, and only the final figures are rounded to hundredths, half away from
//! zero, as every output of capscore is.
//!
//! Only the areas whose metric kinds the generator knows are accepted
//! ([`supported`]); the others are refused with the kind that is missing.

mod bizapps;
mod frac;
mod inputs;
mod metrics;
mod modern_work;
mod security;
mod tracks;

use capscore_catalog::{AreaRules, Catalog, MetricKind, TrackRules};
use capscore_core::Month;

/// The SQL dialects capscore writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Spark SQL (verified with Spark 4.3 in ANSI mode).
    Spark,
}

/// Why no SQL can be written.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// The catalog has no such area.
    #[error("unknown area \"{area}\"; the catalog's areas: {known}")]
    UnknownArea {
        /// The area asked for.
        area: String,
        /// The catalog's area ids.
        known: String,
    },
    /// The area has no rules in force in the month.
    #[error("area \"{area}\" has no rules in force in {month}")]
    NotInForce {
        /// The area.
        area: String,
        /// The month.
        month: Month,
    },
    /// The generator cannot compute this area yet.
    #[error(
        "area \"{area}\" cannot be computed in Spark SQL yet: {why}; areas the Spark SQL covers: {covered}"
    )]
    Unsupported {
        /// The area.
        area: String,
        /// What is missing.
        why: String,
        /// Areas that are covered in this month.
        covered: String,
    },
    /// The catalog cannot give the rules of the month.
    #[error(transparent)]
    Catalog(#[from] capscore_catalog::CatalogError),
}

/// Whether the generator can compute an area (its one track, every metric's kind);
/// `Err` says what it lacks.
///
/// # Errors
/// A sentence naming the first thing not covered.
pub fn supported(area: &AreaRules) -> Result<(), String> {
    if has_tracks(area) {
        return tracks::supported(area);
    }
    let [track] = area.tracks.as_slice() else {
        return Err(format!(
            "it has {} tracks (only areas without tracks are covered)",
            area.tracks.len()
        ));
    };
    if track.id.is_some() || track.band.is_some() {
        return Err("it has named tracks (only areas without tracks are covered)".into());
    }
    for m in &track.metrics {
        let ok = matches!(
            m.kind,
            MetricKind::CertifiedPeople
                | MetricKind::CertificationSteps
                | MetricKind::AzureNetCustomerAdds
                | MetricKind::AzureUsageGrowth
                | MetricKind::AzureDeployments
        ) || security::is_security(m.kind);
        if !ok {
            return Err(format!(
                "metric \"{}\" is of kind {:?}, which the generator does not know",
                m.id, m.kind
            ));
        }
        let single = matches!(
            m.kind,
            MetricKind::CertifiedPeople | MetricKind::CertificationSteps
        ) || m.options.len() == 1;
        if !single {
            return Err(format!(
                "metric \"{}\" has {} association options (best-of between options is not covered)",
                m.id,
                m.options.len()
            ));
        }
    }
    Ok(())
}

/// The SQL computing one area for every global account in `month`, under the rules in
/// force on the month's last day. The query reads the views `partners`,
/// `associations`, `azure_usage`, `m365_usage`, `bizapps_usage` and `certifications`
/// (those the area needs; every column may be a string) and returns the columns of
/// `capscore score --format parquet`, one row per partner, track computed and metric.
///
/// # Errors
/// An unknown area, one not in force, one the generator does not cover, or a catalog
/// without rules for the date.
pub fn generate(
    catalog: &Catalog,
    dialect: Dialect,
    month: Month,
    area: &str,
) -> Result<String, SqlError> {
    let Dialect::Spark = dialect;
    if !catalog.areas.iter().any(|a| a.id == area) {
        return Err(SqlError::UnknownArea {
            area: area.to_string(),
            known: catalog
                .areas
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let snap = catalog.at(month.last_day())?;
    let Some(rules) = snap.areas.iter().find(|a| a.id == area) else {
        return Err(SqlError::NotInForce {
            area: area.to_string(),
            month,
        });
    };
    supported(rules).map_err(|why| SqlError::Unsupported {
        area: area.to_string(),
        why,
        covered: snap
            .areas
            .iter()
            .filter(|a| supported(a).is_ok())
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    if has_tracks(rules) {
        return Ok(tracks::query(&snap, rules, month));
    }
    let track: &TrackRules = &rules.tracks[0];
    Ok(metrics::query(&snap, rules, track, month))
}

/// The SQL of several areas in one query: each area's query (as [`generate`] writes
/// it) as a subquery, their rows put together with `UNION ALL`. With no area named,
/// every area of the catalog in force in `month`, in the catalog's order.
///
/// # Errors
/// As [`generate`], for the first area that cannot be written.
pub fn generate_areas(
    catalog: &Catalog,
    dialect: Dialect,
    month: Month,
    areas: &[String],
) -> Result<String, SqlError> {
    let ids: Vec<String> = if areas.is_empty() {
        let snap = catalog.at(month.last_day())?;
        snap.areas.iter().map(|a| a.id.clone()).collect()
    } else {
        areas.to_vec()
    };
    let mut parts = Vec::with_capacity(ids.len());
    for id in &ids {
        if !parts
            .iter()
            .any(|(seen, _): &(&String, String)| *seen == id)
        {
            parts.push((id, generate(catalog, dialect, month, id)?));
        }
    }
    if let [(_, one)] = parts.as_slice() {
        return Ok(one.clone());
    }
    let names: Vec<&str> = parts.iter().map(|(id, _)| id.as_str()).collect();
    let mut out = format!(
        "-- capscore: Spark SQL for the areas {} in {month}, one query per area, their rows together.\n",
        names.join(", ")
    );
    for (i, (_, q)) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str("UNION ALL\n");
        }
        out.push_str("SELECT * FROM (\n");
        out.push_str(q.trim_end());
        out.push_str("\n)\n");
    }
    Ok(out)
}

/// Whether an area has named tracks (scored by [`tracks::query`]).
fn has_tracks(area: &AreaRules) -> bool {
    area.tracks.iter().any(|t| t.id.is_some())
}

/// Quotes a text as a SQL string literal (single quotes doubled, backslashes escaped
/// for Spark's parser).
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A list of literals for `IN (...)`; `None` when empty (`x IN ()` is not SQL).
pub(crate) fn lits<'a>(items: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let v: Vec<String> = items.into_iter().map(lit).collect();
    (!v.is_empty()).then(|| v.join(", "))
}
