//! Which months a score reads, and whether the data covers them.
//!
//! [`months_read`] is the one place that says which months of which usage table a
//! metric reads, from its kind and the rules in force (the track's band, the area's
//! classification). A score for month `m` is answerable when the data holds `m` and
//! every usage table a metric reads covers every month it reads
//! ([`capscore_data::Coverage`]); [`score_checked`] refuses it otherwise, or with
//! `allow_partial` scores it and marks every affected metric incomplete. [`crate::score`]
//! always marks them, so a score is never silently computed from months the data lacks.
//!
//! An absent usage table (or one without rows) means no usage of that kind: it covers
//! every month, and a metric reading it counts nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use capscore_catalog::{AreaRules, Catalog, MetricKind, MetricRules, TrackRules, TrackSelection};
use capscore_core::Month;
use capscore_data::coverage::months_in_words;
use capscore_data::{Dataset, UsageTable, UsageWindow};
use serde::Serialize;

use crate::{AreaScore, EngineError, MetricScore, PartnerScore, ScoreRequest, Scores};

/// The months one metric reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads {
    /// The evaluation month, which the data must hold whatever the metric reads.
    pub month: Month,
    /// For each usage table read, the months read (sorted, once each).
    pub tables: Vec<(UsageTable, Vec<Month>)>,
}

/// The months a metric of `track` of `area` reads when scoring month `m`:
///
/// - Microsoft 365 net customer adds: `m365_usage` at `m` and `m-12` (the band; a
///   track without a band reads associations only);
/// - Microsoft 365 usage growth and deployments: `m365_usage` from `m-12` to `m` — `m`,
///   `m-12`, and every month from `m-11` where a claim may start (its baseline is the
///   claim month's usage);
/// - Security: `azure_usage` from the start of the previous TTM (`m-23`) to `m` for net
///   customer adds and deployments, at `m` and `m-12` for usage growth; `m365_usage` at
///   `m` and `m-12`;
/// - Azure: net customer adds `m`, `m-1`, `m-12`, `m-13`; usage growth `m`, `m-12`;
///   deployments the TTM;
/// - Business Applications: `bizapps_usage` at `m` and `m-12`, which the classification
///   into a track also reads;
/// - certifications: no usage table.
#[must_use]
pub fn months_read(area: &AreaRules, track: &TrackRules, metric: &MetricRules, m: Month) -> Reads {
    use UsageTable::{AzureUsage, BizappsUsage, M365Usage};
    let y = m.year_ago();
    let span = |from: Month| Month::range(from, m).collect::<Vec<_>>();
    let mut reads: Vec<(UsageTable, Vec<Month>)> = match metric.kind {
        MetricKind::CertifiedPeople | MetricKind::CertificationSteps => Vec::new(),
        MetricKind::M365NetCustomerAdds => match track.band {
            Some(_) => vec![(M365Usage, vec![y, m])],
            None => Vec::new(),
        },
        MetricKind::M365UsageGrowth | MetricKind::M365Deployments => vec![(M365Usage, span(y))],
        MetricKind::SecurityNetCustomerAdds | MetricKind::SecurityDeployments => {
            vec![(AzureUsage, span(y.ttm_start())), (M365Usage, vec![y, m])]
        }
        MetricKind::SecurityUsageGrowth => vec![(AzureUsage, vec![y, m]), (M365Usage, vec![y, m])],
        MetricKind::AzureNetCustomerAdds => {
            vec![(AzureUsage, vec![y.offset(-1), y, m.offset(-1), m])]
        }
        MetricKind::AzureUsageGrowth => vec![(AzureUsage, vec![y, m])],
        MetricKind::AzureDeployments => vec![(AzureUsage, span(m.ttm_start()))],
        MetricKind::BizappsNetCustomerAdds
        | MetricKind::BizappsUsageGrowth
        | MetricKind::BizappsDeployments => vec![(BizappsUsage, vec![y, m])],
    };
    if area.track_selection == TrackSelection::Classified && area.classification.is_some() {
        reads.push((BizappsUsage, vec![y, m]));
    }
    let mut merged: BTreeMap<UsageTable, BTreeSet<Month>> = BTreeMap::new();
    for (t, months) in reads {
        merged.entry(t).or_default().extend(months);
    }
    Reads {
        month: m,
        tables: merged
            .into_iter()
            .map(|(t, ms)| (t, ms.into_iter().collect()))
            .collect(),
    }
}

/// Months of one usage table a metric reads that the table does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableMissing {
    /// The table.
    pub table: UsageTable,
    /// The months it lacks.
    pub missing_months: Vec<Month>,
}

/// Why a metric's value is incomplete: the months it reads that the data lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incomplete {
    /// Every month missing (the evaluation month itself when the data does not hold it).
    pub missing_months: Vec<Month>,
    /// The months missing per usage table.
    pub tables: Vec<TableMissing>,
}

impl Reads {
    /// What the data lacks of these reads, if anything.
    #[must_use]
    pub fn missing(&self, data: &Dataset) -> Option<Incomplete> {
        let cov = &data.coverage;
        let mut all = BTreeSet::new();
        if !cov.holds(self.month) {
            all.insert(self.month);
        }
        let mut tables = Vec::new();
        for (t, months) in &self.tables {
            let lacking: Vec<Month> = months
                .iter()
                .copied()
                .filter(|x| !cov.covers(*t, *x))
                .collect();
            if !lacking.is_empty() {
                all.extend(lacking.iter().copied());
                tables.push(TableMissing {
                    table: *t,
                    missing_months: lacking,
                });
            }
        }
        (!all.is_empty()).then(|| Incomplete {
            missing_months: all.into_iter().collect(),
            tables,
        })
    }
}

/// A metric the data cannot answer for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricGap {
    /// Area id.
    pub area: String,
    /// Area name.
    pub area_name: String,
    /// Track id.
    pub track: Option<String>,
    /// Metric id.
    pub metric: String,
    /// Metric name.
    pub metric_name: String,
    /// The months missing.
    pub incomplete: Incomplete,
}

/// Every metric of `areas` that the data cannot answer for month `m`.
#[must_use]
pub fn gaps(data: &Dataset, catalog: &Catalog, areas: &[&AreaRules], m: Month) -> Vec<MetricGap> {
    let mut out = Vec::new();
    for area in areas {
        for track in &area.tracks {
            for metric in &track.metrics {
                if let Some(incomplete) = months_read(area, track, metric, m).missing(data) {
                    out.push(MetricGap {
                        area: area.id.clone(),
                        area_name: area.name.clone(),
                        track: track.id.clone(),
                        metric: metric.id.clone(),
                        metric_name: catalog
                            .area_def(&area.id)
                            .and_then(|a| a.metric(&metric.id))
                            .map_or_else(|| metric.id.clone(), |d| d.name.clone()),
                        incomplete,
                    });
                }
            }
        }
    }
    out
}

fn gap_of<'g>(
    gaps: &'g [MetricGap],
    area: &str,
    track: Option<&str>,
    metric: &str,
) -> Option<&'g MetricGap> {
    gaps.iter()
        .find(|g| g.area == area && g.track.as_deref() == track && g.metric == metric)
}

/// Marks every scored metric that a gap names as incomplete.
pub(crate) fn mark(partners: &mut [PartnerScore], gaps: &[MetricGap]) {
    if gaps.is_empty() {
        return;
    }
    let set = |area: &str, track: Option<&str>, metrics: &mut [MetricScore]| {
        for ms in metrics {
            ms.incomplete = gap_of(gaps, area, track, &ms.metric).map(|g| g.incomplete.clone());
        }
    };
    for p in partners {
        for a in &mut p.areas {
            set(&a.area, a.track.as_deref(), &mut a.metrics);
            for t in &mut a.tracks {
                set(&a.area, t.track.as_deref(), &mut t.metrics);
            }
        }
    }
}

impl AreaScore {
    /// The months missing for any metric of any track evaluated (empty: the area's
    /// score is complete).
    #[must_use]
    pub fn missing_months(&self) -> Vec<Month> {
        let all: BTreeSet<Month> = self
            .metrics
            .iter()
            .chain(self.tracks.iter().flat_map(|t| &t.metrics))
            .filter_map(|ms| ms.incomplete.as_ref())
            .flat_map(|i| i.missing_months.iter().copied())
            .collect();
        all.into_iter().collect()
    }
}

/// A score refused because the data does not cover the months it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageGaps {
    /// The month asked for.
    pub month: Month,
    /// The metrics that cannot be answered.
    pub gaps: Vec<MetricGap>,
    /// What the data covers, in words.
    pub covered: String,
    /// The months for which every area asked can be scored.
    pub answerable: Vec<Month>,
}

impl fmt::Display for CoverageGaps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the data cannot answer every metric asked for {}:",
            self.month
        )?;
        // Per area: months missing per table (or from the data as a whole), and the
        // metrics that read them.
        let mut seen: Vec<&str> = Vec::new();
        for g in &self.gaps {
            if seen.contains(&g.area.as_str()) {
                continue;
            }
            seen.push(&g.area);
            let of_area: Vec<&MetricGap> = self.gaps.iter().filter(|x| x.area == g.area).collect();
            let mut by_table: BTreeMap<Option<UsageTable>, BTreeSet<Month>> = BTreeMap::new();
            let mut metrics: Vec<&str> = Vec::new();
            for x in &of_area {
                if !metrics.contains(&x.metric_name.as_str()) {
                    metrics.push(&x.metric_name);
                }
                let mut in_tables = BTreeSet::new();
                for t in &x.incomplete.tables {
                    by_table
                        .entry(Some(t.table))
                        .or_default()
                        .extend(t.missing_months.iter().copied());
                    in_tables.extend(t.missing_months.iter().copied());
                }
                for mm in &x.incomplete.missing_months {
                    if !in_tables.contains(mm) {
                        by_table.entry(None).or_default().insert(*mm);
                    }
                }
            }
            let parts: Vec<String> = by_table
                .iter()
                .map(|(t, ms)| {
                    let ms: Vec<Month> = ms.iter().copied().collect();
                    match t {
                        Some(t) => format!("{} missing from {t}", months_in_words(&ms)),
                        None => format!("{} is in no usage table", months_in_words(&ms)),
                    }
                })
                .collect();
            write!(
                f,
                "\n  {}: {} (read by {})",
                g.area_name,
                parts.join("; "),
                metrics.join(", ")
            )?;
        }
        write!(f, "\nthe data covers: {}", self.covered)?;
        if self.answerable.is_empty() {
            write!(f, "\nno month can be scored for every area asked")
        } else {
            write!(
                f,
                "\nmonths for which every area asked can be scored: {}",
                months_in_words(&self.answerable)
            )
        }
    }
}

/// Most months [`answerable_months`] looks at.
const MAX_MONTHS_SCANNED: i32 = 1200;

/// The months, inside what the usage tables cover, for which every area asked (all in
/// force when `None`) can be scored completely.
#[must_use]
pub fn answerable_months(
    data: &Dataset,
    catalog: &Catalog,
    areas: Option<&[String]>,
) -> Vec<Month> {
    let spans: Vec<(Month, Month)> = data.coverage.tables.iter().filter_map(|c| c.span).collect();
    let (Some(lo), Some(hi)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Vec::new();
    };
    let lo = lo.max(hi.offset(-MAX_MONTHS_SCANNED));
    Month::range(lo, hi)
        .filter(|&x| {
            let Ok(rules) = catalog.at_month(x) else {
                return false;
            };
            let Ok(chosen) = crate::requested_areas(&rules, areas) else {
                return false;
            };
            gaps(data, catalog, &chosen, x).is_empty()
        })
        .collect()
}

/// Refuses a month for which the data does not cover every month the metrics of
/// `areas` (all in force when `None`) read, with [`EngineError::NotCovered`].
///
/// # Errors
/// [`EngineError::NotCovered`], an unknown area, or no rules in force for the month.
pub fn ensure_covered(
    data: &Dataset,
    catalog: &Catalog,
    month: Month,
    areas: Option<&[String]>,
) -> Result<(), EngineError> {
    let rules = catalog.at_month(month)?;
    let chosen = crate::requested_areas(&rules, areas)?;
    let found = gaps(data, catalog, &chosen, month);
    if found.is_empty() {
        return Ok(());
    }
    Err(EngineError::NotCovered(Box::new(CoverageGaps {
        month,
        gaps: found,
        covered: data.coverage.describe(),
        answerable: answerable_months(data, catalog, areas),
    })))
}

/// The usage months that scoring `month` for `areas` (all when `None`) reads, per
/// usage table: the window a load for that request may keep
/// ([`capscore_data::LoadOptions`]) and still give every score, refusal and
/// explanation of a full load.
///
/// # Errors
/// What scoring refuses for the month and areas: no rules in force, an unknown area.
pub fn usage_window(
    catalog: &Catalog,
    month: Month,
    areas: Option<&[String]>,
) -> Result<UsageWindow, EngineError> {
    let rules = catalog.at_month(month)?;
    let mut window = UsageWindow::new();
    for area in crate::requested_areas(&rules, areas)? {
        for track in &area.tracks {
            for metric in &track.metrics {
                for (table, months) in months_read(area, track, metric, month).tables {
                    for m in months {
                        window.keep(table, m);
                    }
                }
            }
        }
    }
    Ok(window)
}

/// Refuses a request reading usage months that a windowed load did not keep.
pub(crate) fn ensure_loaded(
    data: &Dataset,
    areas: &[&AreaRules],
    month: Month,
) -> Result<(), EngineError> {
    let Some(window) = &data.usage_window else {
        return Ok(());
    };
    for area in areas {
        for track in &area.tracks {
            for metric in &track.metrics {
                for (table, months) in months_read(area, track, metric, month).tables {
                    if let Some(m) = months.iter().find(|m| !window.keeps(table, **m)) {
                        return Err(EngineError::NotLoaded {
                            table: table.name().to_string(),
                            month: *m,
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// Scores `req` when the data covers every month its metrics read. Otherwise refuses
/// with [`EngineError::NotCovered`], or with `allow_partial` returns the scores with
/// every affected metric marked incomplete.
///
/// # Errors
/// [`EngineError::NotCovered`], and whatever [`crate::score`] refuses.
pub fn score_checked(
    data: &Dataset,
    catalog: &Catalog,
    req: &ScoreRequest,
    allow_partial: bool,
) -> Result<Scores, EngineError> {
    if !allow_partial {
        ensure_covered(data, catalog, req.month, req.areas.as_deref())?;
    }
    crate::score(data, catalog, req)
}
