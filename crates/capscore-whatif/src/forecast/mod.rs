//! Where each metric is heading: a statistical projection of its monthly history.
//!
//! Unlike `score` and `explain`, which are exact, a forecast is a statistical
//! projection. The method (docs/forecast.md):
//!
//! 1. The history of an area is every month the data can answer for it
//!    ([`answerable_months`]): each is scored by the engine, and each metric's value series is read per association
//!    option (a best-of metric keeps one series per option).
//! 2. Each series gets a straight line fitted by ordinary least squares on the month
//!    index; the range of a projected month is the line's two-sided prediction interval
//!    at [`ForecastRequest::level`] (Student's t with `n - 2` degrees of freedom, from
//!    the residuals), cut at zero since no metric value is negative.
//! 3. The low, central and high values become points through the engine's
//!    [`metric_points`] with the targets, maximum points and rounding of the catalog
//!    rules in force in the projected month; a best-of metric keeps its best option,
//!    as the engine does.
//! 4. A track qualifies in a scenario when its total reaches the catalog's qualifying
//!    total and every metric its minimum; an area when one of its tracks does. The
//!    expected month is the first the central projection qualifies; the high and low
//!    ends give the earliest and latest (the low end puts every metric at the low end
//!    of its own range at once, so it is more cautious than the level says).

mod stats;

use capscore_catalog::{Catalog, CatalogError, MetricRules};
use capscore_core::{Month, Num, PartnerIdx};
use capscore_data::Dataset;
use capscore_engine::coverage::answerable_months;
use capscore_engine::{
    AreaScore, EngineError, MetricScore, PartnerScore, ScoreRequest, metric_points, score,
};
use serde::{Serialize, Serializer};

pub use stats::{Line, t_cdf, t_quantile};

/// Months of history a forecast needs at least: with fewer, the line's residuals
/// have under four degrees of freedom and the range says little.
pub const MIN_HISTORY: usize = 6;

/// The default confidence level of the range (80%).
pub const DEFAULT_LEVEL: f64 = 0.8;

/// The method, in one sentence (printed with every forecast).
pub const METHOD: &str = "least-squares linear trend of each metric's monthly value over every month the data can answer, with the trend's prediction interval as the range; points from the catalog's targets and caps";

fn fraction<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn two_dp<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(capscore_core::num_to_f64_2dp(v))
}

/// What to forecast.
#[derive(Debug, Clone)]
pub struct ForecastRequest {
    /// The partner (a global account).
    pub partner: PartnerIdx,
    /// Area ids; `None` = every area in force.
    pub areas: Option<Vec<String>>,
    /// Months to project after the last month of history.
    pub months: u32,
    /// Confidence level of each metric's range (0.8 = 80%).
    pub level: f64,
}

/// Errors of [`forecast`].
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// The engine refused (unknown area, location account...).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// No rules in force for a projected month.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Too few months of history for every area asked.
    #[error(
        "a forecast needs at least {need} months the data can answer (every metric of an area scored from complete data); the data answers {}{}",
        answerable.len(),
        if answerable.is_empty() { String::new() } else { format!(": {}", months_list(answerable)) }
    )]
    HistoryTooShort {
        /// Months needed.
        need: usize,
        /// The months the data answers.
        answerable: Vec<Month>,
    },
    /// A level outside (0, 1) or no month to project.
    #[error("{0}")]
    Request(String),
}

fn months_list(ms: &[Month]) -> String {
    ms.iter()
        .map(Month::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One partner's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name, if the data gives one.
    pub name: Option<String>,
    /// Always `"statistical projection"`: unlike `score`, not an exact computation.
    pub kind: &'static str,
    /// The method in one sentence.
    pub method: &'static str,
    /// Confidence level of each metric's range.
    pub level: f64,
    /// The months projected (after the last month of history of any area).
    pub months: Vec<Month>,
    /// One entry per area forecast.
    pub areas: Vec<AreaForecast>,
    /// Areas asked whose history is too short to forecast.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_forecast: Vec<ShortHistory>,
}

/// An area not forecast: the data answers fewer than [`MIN_HISTORY`] months of it.
#[derive(Debug, Clone, Serialize)]
pub struct ShortHistory {
    /// Area id.
    pub area: String,
    /// The months the data answers for it.
    pub answerable: Vec<Month>,
}

/// The first month an area is expected to qualify, per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// First month the central projection qualifies.
    pub central: Option<Month>,
    /// First month the high end qualifies (the earliest).
    pub earliest: Option<Month>,
    /// First month the low end qualifies (the latest; `None`: not within the horizon).
    pub latest: Option<Month>,
}

/// One area's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct AreaForecast {
    /// Area id.
    pub area: String,
    /// Display name.
    pub name: String,
    /// The months its projection is fitted on: every month the data can answer for
    /// the area.
    pub history: Vec<Month>,
    /// Whether the area qualifies in the last month of history (exact score).
    pub qualified_last: bool,
    /// The first month it is expected to qualify.
    pub expected: Expected,
    /// Every track of the last month of history.
    pub tracks: Vec<TrackForecast>,
}

/// One track's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct TrackForecast {
    /// Track id.
    pub track: Option<String>,
    /// Total in the last month of history (exact score).
    #[serde(serialize_with = "two_dp")]
    pub total_last: Num,
    /// Per projected month.
    pub months: Vec<TrackMonth>,
    /// Per metric.
    pub metrics: Vec<MetricForecast>,
}

/// Low, central and high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range<T> {
    /// Low end.
    pub low: T,
    /// Central projection.
    pub central: T,
    /// High end.
    pub high: T,
}

/// A range of exact numbers, serialised rounded to 2 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NumRange {
    /// Low end.
    #[serde(serialize_with = "two_dp")]
    pub low: Num,
    /// Central projection.
    #[serde(serialize_with = "two_dp")]
    pub central: Num,
    /// High end.
    #[serde(serialize_with = "two_dp")]
    pub high: Num,
}

/// A track in one projected month.
#[derive(Debug, Clone, Serialize)]
pub struct TrackMonth {
    /// The month.
    pub month: Month,
    /// Total points.
    pub total: NumRange,
    /// Whether it qualifies.
    pub qualified: Range<bool>,
}

/// One metric's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct MetricForecast {
    /// Metric id.
    pub metric: String,
    /// The value the engine reported each month of history.
    pub history: Vec<HistoryPoint>,
    /// The line fitted per option.
    pub trends: Vec<Trend>,
    /// Per projected month.
    pub months: Vec<MetricMonth>,
}

/// A month of history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryPoint {
    /// The month.
    pub month: Month,
    /// The value (of the counting option), exact.
    #[serde(serialize_with = "fraction")]
    pub value_exact: Num,
    /// Points.
    #[serde(serialize_with = "two_dp")]
    pub points: Num,
}

/// The line fitted on one option's series.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// Option (`None` for a metric without options).
    pub option: Option<String>,
    /// Change of the value per month.
    pub slope_per_month: f64,
    /// Residual standard deviation.
    pub residual_sd: f64,
    /// Months fitted.
    pub points: usize,
}

/// A metric in one projected month.
#[derive(Debug, Clone, Serialize)]
pub struct MetricMonth {
    /// The month.
    pub month: Month,
    /// The option giving the most points at each end.
    pub option: Range<Option<String>>,
    /// The projected value (rounded to hundredths, never negative).
    pub value: NumRange,
    /// Points from the catalog's target and cap.
    pub points: NumRange,
    /// Whether the points reach the catalog's minimum per metric.
    pub minimum_met: Range<bool>,
}

/// Projects a partner's metrics, tracks and areas `req.months` months past the last
/// month the data can answer.
///
/// # Errors
/// [`ForecastError::HistoryTooShort`] when no area asked has [`MIN_HISTORY`]
/// answerable months (an area with fewer is listed in [`Forecast::not_forecast`]);
/// whatever the engine or the catalog refuses.
pub fn forecast(
    data: &Dataset,
    catalog: &Catalog,
    req: &ForecastRequest,
) -> Result<Forecast, ForecastError> {
    if !(req.level > 0.0 && req.level < 1.0) {
        return Err(ForecastError::Request(format!(
            "the confidence level must be between 0 and 1, not {}",
            req.level
        )));
    }
    if req.months == 0 {
        return Err(ForecastError::Request(
            "give at least one month to project".into(),
        ));
    }
    let ids: Vec<String> = match &req.areas {
        Some(ids) => ids.clone(),
        None => catalog.areas.iter().map(|a| a.id.clone()).collect(),
    };
    if let Some(id) = ids.iter().find(|id| catalog.area_def(id).is_none()) {
        return Err(EngineError::UnknownArea {
            area: id.clone(),
            known: catalog.areas.iter().map(|a| a.id.clone()).collect(),
        }
        .into());
    }
    // Each area is fitted on every month the data can answer for it.
    let mut fitted: Vec<(Vec<Month>, Vec<PartnerScore>)> = Vec::new();
    let mut not_forecast = Vec::new();
    for id in &ids {
        let history = answerable_months(data, catalog, Some(std::slice::from_ref(id)));
        if history.len() < MIN_HISTORY {
            not_forecast.push(ShortHistory {
                area: id.clone(),
                answerable: history,
            });
            continue;
        }
        let scored = history
            .iter()
            .map(|&month| {
                let mut s = score(
                    data,
                    catalog,
                    &ScoreRequest {
                        month,
                        partners: Some(vec![req.partner]),
                        areas: Some(vec![id.clone()]),
                    },
                )?;
                Ok(s.partners.remove(0))
            })
            .collect::<Result<_, EngineError>>()?;
        fitted.push((history, scored));
    }
    let Some(last) = fitted.iter().filter_map(|(h, _)| h.last().copied()).max() else {
        let longest = not_forecast
            .into_iter()
            .map(|s| s.answerable)
            .max_by_key(Vec::len)
            .unwrap_or_default();
        return Err(ForecastError::HistoryTooShort {
            need: MIN_HISTORY,
            answerable: longest,
        });
    };
    let months: Vec<Month> = (1..=req.months)
        .map(|h| last.offset(i32::try_from(h).unwrap_or(i32::MAX)))
        .collect();
    let mut snapshots = Vec::new();
    for &f in &months {
        snapshots.push(catalog.at_month(f)?);
    }
    let mut areas = Vec::new();
    let mut who = None;
    for (history, scored) in &fitted {
        let latest = &scored[scored.len() - 1];
        who = Some((latest.partner_id.clone(), latest.name.clone()));
        for a in &latest.areas {
            areas.push(area_forecast(
                catalog, a, history, scored, &months, &snapshots, req.level,
            ));
        }
    }
    let (partner_id, name) = who.unwrap_or_default();
    Ok(Forecast {
        partner_id,
        name,
        kind: "statistical projection",
        method: METHOD,
        level: req.level,
        months,
        areas,
        not_forecast,
    })
}

/// One area's forecast from its history.
fn area_forecast(
    catalog: &Catalog,
    a: &AreaScore,
    history: &[Month],
    scored: &[PartnerScore],
    months: &[Month],
    snapshots: &[capscore_catalog::Snapshot<'_>],
    level: f64,
) -> AreaForecast {
    let tracks: Vec<TrackForecast> = tracks_of(a)
        .into_iter()
        .map(|(track, total, metrics)| {
            let ctx = Ctx {
                history,
                scored,
                first: history[0],
                area: &a.area,
                track: track.as_deref(),
                level,
            };
            let metrics: Vec<MetricForecast> = metrics
                .iter()
                .map(|ms| ctx.metric(ms, months, snapshots))
                .collect();
            let months = months
                .iter()
                .zip(snapshots)
                .map(|(&month, rules)| track_month(month, &metrics, &rules.params))
                .collect();
            TrackForecast {
                track,
                total_last: total,
                months,
                metrics,
            }
        })
        .collect();
    let first_where = |pick: fn(&Range<bool>) -> bool| {
        months.iter().enumerate().find_map(|(i, &m)| {
            tracks
                .iter()
                .any(|t| t.months.get(i).is_some_and(|tm| pick(&tm.qualified)))
                .then_some(m)
        })
    };
    AreaForecast {
        area: a.area.clone(),
        name: catalog
            .area_def(&a.area)
            .map_or_else(|| a.area.clone(), |d| d.name.clone()),
        history: history.to_vec(),
        qualified_last: a.qualified,
        expected: Expected {
            central: first_where(|q| q.central),
            earliest: first_where(|q| q.high),
            latest: first_where(|q| q.low),
        },
        tracks,
    }
}

/// The tracks of an area score: `(id, total, metrics)`.
fn tracks_of(a: &AreaScore) -> Vec<(Option<String>, Num, Vec<MetricScore>)> {
    if a.tracks.is_empty() {
        vec![(a.track.clone(), a.total, a.metrics.clone())]
    } else {
        a.tracks
            .iter()
            .map(|t| (t.track.clone(), t.total, t.metrics.clone()))
            .collect()
    }
}

/// The metric `id` of `track` of `area` in a partner's score.
fn find_metric<'s>(
    p: &'s PartnerScore,
    area: &str,
    track: Option<&str>,
    id: &str,
) -> Option<&'s MetricScore> {
    let a = p.areas.iter().find(|a| a.area == area)?;
    let metrics = if a.tracks.is_empty() {
        (a.track.as_deref() == track).then_some(&a.metrics)?
    } else {
        &a.tracks
            .iter()
            .find(|t| t.track.as_deref() == track)?
            .metrics
    };
    metrics.iter().find(|m| m.metric == id)
}

/// The value of one option of a metric score (the only value of a metric without
/// several options).
fn option_value(ms: &MetricScore, option: Option<&str>) -> Option<Num> {
    if ms.options.is_empty() {
        (ms.option.as_deref() == option).then_some(ms.value)
    } else {
        ms.options
            .iter()
            .find(|o| o.option.as_deref() == option)
            .map(|o| o.value)
    }
}

/// An `f64` as an exact number, rounded to hundredths and never negative.
fn to_num(v: f64) -> Num {
    if !v.is_finite() || v <= 0.0 {
        return Num::from_integer(0);
    }
    #[allow(clippy::cast_possible_truncation)]
    let hundredths = (v * 100.0).round().min(1e30) as i128;
    Num::new(hundredths, 100)
}

fn to_f64(v: Num) -> f64 {
    let (n, d) = (v.numer(), v.denom());
    #[allow(clippy::cast_precision_loss)]
    let r = *n as f64 / *d as f64;
    r
}

struct Ctx<'a> {
    history: &'a [Month],
    scored: &'a [PartnerScore],
    first: Month,
    area: &'a str,
    track: Option<&'a str>,
    level: f64,
}

impl Ctx<'_> {
    fn metric(
        &self,
        latest: &MetricScore,
        months: &[Month],
        snapshots: &[capscore_catalog::Snapshot<'_>],
    ) -> MetricForecast {
        let options: Vec<Option<String>> = if latest.options.is_empty() {
            vec![latest.option.clone()]
        } else {
            latest.options.iter().map(|o| o.option.clone()).collect()
        };
        let mut history = Vec::new();
        let mut series: Vec<Vec<(f64, f64)>> = vec![Vec::new(); options.len()];
        for (&month, p) in self.history.iter().zip(self.scored) {
            let Some(ms) = find_metric(p, self.area, self.track, &latest.metric) else {
                continue;
            };
            history.push(HistoryPoint {
                month,
                value_exact: ms.value,
                points: ms.points,
            });
            let x = f64::from(month.since(self.first));
            for (o, s) in options.iter().zip(&mut series) {
                if let Some(v) = option_value(ms, o.as_deref()) {
                    s.push((x, to_f64(v)));
                }
            }
        }
        let fits: Vec<(Option<String>, Line)> = options
            .iter()
            .zip(&series)
            .filter_map(|(o, s)| Line::fit(s).map(|l| (o.clone(), l)))
            .collect();
        let trends = fits
            .iter()
            .map(|(o, l)| Trend {
                option: o.clone(),
                slope_per_month: l.slope,
                residual_sd: l.residual_sd,
                points: l.n,
            })
            .collect();
        let months = months
            .iter()
            .zip(snapshots)
            .filter_map(|(&month, rules)| {
                let area = rules.area(self.area)?;
                let track = area.tracks.iter().find(|t| t.id.as_deref() == self.track)?;
                let rule = track.metrics.iter().find(|m| m.id == latest.metric)?;
                let x = f64::from(month.since(self.first));
                Some(project(month, x, &fits, rule, &rules.params, self.level))
            })
            .collect();
        MetricForecast {
            metric: latest.metric.clone(),
            history,
            trends,
            months,
        }
    }
}

/// The low, central and high value and points of a metric at `x`.
fn project(
    month: Month,
    x: f64,
    fits: &[(Option<String>, Line)],
    rule: &MetricRules,
    params: &capscore_catalog::Params,
    level: f64,
) -> MetricMonth {
    // Per end: (points, value, option) of the option giving the most points; ties
    // keep the option listed first, as the engine does.
    let mut best: [(Num, Num, Option<String>); 3] = Default::default();
    let mut seen = [false; 3];
    for o in &rule.options {
        let Some((_, line)) = fits.iter().find(|(name, _)| *name == o.name) else {
            continue;
        };
        let centre = line.at(x);
        let half = line.half_width(x, level);
        for (i, v) in [centre - half, centre, centre + half]
            .into_iter()
            .enumerate()
        {
            let value = to_num(v);
            let points = metric_points(value, o.target, rule.max_points, params.points_rounding);
            if !seen[i] || points > best[i].0 {
                best[i] = (points, value, o.name.clone());
                seen[i] = true;
            }
        }
    }
    let [low, central, high] = best;
    let min = params.min_metric_points;
    MetricMonth {
        month,
        minimum_met: Range {
            low: seen[0] && low.0 >= min,
            central: seen[1] && central.0 >= min,
            high: seen[2] && high.0 >= min,
        },
        option: Range {
            low: low.2,
            central: central.2,
            high: high.2,
        },
        value: NumRange {
            low: low.1,
            central: central.1,
            high: high.1,
        },
        points: NumRange {
            low: low.0,
            central: central.0,
            high: high.0,
        },
    }
}

/// A track in a projected month: totals and qualification per end. A month
/// for which a metric has no projection (its rules changed) does not qualify.
fn track_month(
    month: Month,
    metrics: &[MetricForecast],
    params: &capscore_catalog::Params,
) -> TrackMonth {
    let zero = Num::from_integer(0);
    let mut total = NumRange {
        low: zero,
        central: zero,
        high: zero,
    };
    let mut minimum = Range {
        low: true,
        central: true,
        high: true,
    };
    for m in metrics {
        match m.months.iter().find(|mm| mm.month == month) {
            Some(mm) => {
                total.low += mm.points.low;
                total.central += mm.points.central;
                total.high += mm.points.high;
                minimum.low &= mm.minimum_met.low;
                minimum.central &= mm.minimum_met.central;
                minimum.high &= mm.minimum_met.high;
            }
            None => {
                minimum = Range {
                    low: false,
                    central: false,
                    high: false,
                };
            }
        }
    }
    let need = params.qualifying_total_points;
    TrackMonth {
        month,
        qualified: Range {
            low: minimum.low && total.low >= need,
            central: minimum.central && total.central >= need,
            high: minimum.high && total.high >= need,
        },
        total,
    }
}
