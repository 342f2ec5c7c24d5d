//! Scores as the engine returns them; serialises to the JSON contract of
//! docs/output.md (exact numbers are written rounded to 2 decimals, and also as exact
//! fractions where a reader may need them).

use capscore_catalog::{Category, Params};
use capscore_core::{Month, Num, format_num, num_to_f64_2dp};
use serde::{Serialize, Serializer};

pub(crate) fn exact<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    if v.is_integer() {
        let i = v.to_integer();
        if let Ok(small) = i64::try_from(i) {
            return s.serialize_i64(small);
        }
    }
    s.serialize_f64(num_to_f64_2dp(v))
}

pub(crate) fn ser_points<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(num_to_f64_2dp(v))
}

pub(crate) fn fraction<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Scores of every requested partner for one month.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Evaluation month.
    pub month: Month,
    /// Catalog release and the date its rules in force date from.
    pub catalog_version: String,
    /// One entry per scored partner, in partner-table order.
    pub partners: Vec<PartnerScore>,
}

/// One partner's scores.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerScore {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name, if the data gives one.
    pub name: Option<String>,
    /// Badges earned across areas (`microsoft_cloud` when all six qualify).
    pub badges: Vec<String>,
    /// One entry per area.
    pub areas: Vec<AreaScore>,
}

/// A rule the partner does not meet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Unmet {
    /// The total is under the qualifying total.
    TotalUnderMinimum {
        /// Total points.
        #[serde(serialize_with = "ser_points")]
        total: Num,
        /// Points needed.
        #[serde(serialize_with = "ser_points")]
        needed: Num,
    },
    /// A metric has fewer points than every metric needs.
    MetricUnderMinimum {
        /// The metric.
        metric: String,
        /// Its points.
        #[serde(serialize_with = "ser_points")]
        points: Num,
        /// Points needed.
        #[serde(serialize_with = "ser_points")]
        needed: Num,
    },
}

impl std::fmt::Display for Unmet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmet::TotalUnderMinimum { total, needed } => {
                write!(
                    f,
                    "total {} is under {}",
                    format_num(total, false),
                    format_num(needed, true)
                )
            }
            Unmet::MetricUnderMinimum {
                metric,
                points,
                needed,
            } => write!(
                f,
                "{metric} has {} points, under the minimum of {}",
                format_num(points, false),
                format_num(needed, true)
            ),
        }
    }
}

/// One association option of a best-of metric.
#[derive(Debug, Clone, Serialize)]
pub struct OptionScore {
    /// Option name (`CPOR`).
    pub option: Option<String>,
    /// Its value.
    #[serde(serialize_with = "exact")]
    pub value: Num,
    /// Its target.
    #[serde(serialize_with = "exact")]
    pub target: Num,
    /// Its points.
    #[serde(serialize_with = "ser_points")]
    pub points: Num,
}

/// One metric's score.
#[derive(Debug, Clone, Serialize)]
pub struct MetricScore {
    /// Metric id.
    pub metric: String,
    /// Category.
    pub category: Category,
    /// Value of the winning option.
    #[serde(serialize_with = "exact")]
    pub value: Num,
    /// Target of the winning option.
    #[serde(serialize_with = "exact")]
    pub target: Num,
    /// Maximum points.
    #[serde(serialize_with = "exact")]
    pub max_points: Num,
    /// Points, rounded to 2 decimals.
    #[serde(serialize_with = "ser_points")]
    pub points: Num,
    /// The association option that won a best-of metric.
    pub option: Option<String>,
    /// Why the value is what it is, where a rule cut it (a baseline or step not met) or
    /// it adds up sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every option evaluated (best-of metrics only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionScore>,
    /// Set when the data lacks months the metric reads: the value is then computed
    /// without them and cannot be trusted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<crate::coverage::Incomplete>,
}

/// One track's score.
#[derive(Debug, Clone, Serialize)]
pub struct TrackScore {
    /// Track id (`None` for areas without tracks).
    pub track: Option<String>,
    /// Total points.
    #[serde(serialize_with = "ser_points")]
    pub total: Num,
    /// Total as an exact fraction.
    #[serde(serialize_with = "fraction")]
    pub total_exact: Num,
    /// Whether the track qualifies.
    pub qualified: bool,
    /// Rules not met (empty when qualified).
    pub unmet: Vec<Unmet>,
    /// Metrics.
    pub metrics: Vec<MetricScore>,
}

impl TrackScore {
    /// Adds up the metrics and judges qualification: total >= the qualifying total and
    /// every metric >= the minimum.
    pub(crate) fn qualify(
        track: Option<String>,
        metrics: Vec<MetricScore>,
        params: &Params,
    ) -> Self {
        let total = metrics
            .iter()
            .fold(Num::from_integer(0), |acc, m| acc + m.points);
        let mut unmet = Vec::new();
        if total < params.qualifying_total_points {
            unmet.push(Unmet::TotalUnderMinimum {
                total,
                needed: params.qualifying_total_points,
            });
        }
        for m in &metrics {
            if m.points < params.min_metric_points {
                unmet.push(Unmet::MetricUnderMinimum {
                    metric: m.metric.clone(),
                    points: m.points,
                    needed: params.min_metric_points,
                });
            }
        }
        TrackScore {
            track,
            total,
            total_exact: total,
            qualified: unmet.is_empty(),
            unmet,
            metrics,
        }
    }
}

/// One area's score: the counting track's figures, and every track evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct AreaScore {
    /// Area id.
    pub area: String,
    /// The counting track (`None` for areas without tracks).
    pub track: Option<String>,
    /// Why the partner is in that track (classified areas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_reason: Option<String>,
    /// Total points of the counting track.
    #[serde(serialize_with = "ser_points")]
    pub total: Num,
    /// Whether the partner qualifies in the area.
    pub qualified: bool,
    /// Rules not met by the counting track.
    pub unmet: Vec<Unmet>,
    /// Metrics of the counting track.
    pub metrics: Vec<MetricScore>,
    /// Every track evaluated (areas with tracks only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackScore>,
}

impl AreaScore {
    /// Picks the counting track: the higher total; on a tie the qualified one, then the
    /// one listed first in the catalog.
    pub(crate) fn from_tracks(area: &str, tracks: Vec<TrackScore>) -> Self {
        let mut best = 0;
        for (i, t) in tracks.iter().enumerate() {
            let b = &tracks[best];
            if t.total > b.total || (t.total == b.total && t.qualified && !b.qualified) {
                best = i;
            }
        }
        let chosen = tracks.get(best).cloned();
        let with_tracks = tracks.len() > 1 || tracks.first().is_some_and(|t| t.track.is_some());
        match chosen {
            Some(c) => AreaScore {
                area: area.to_string(),
                track: c.track,
                track_reason: None,
                total: c.total,
                qualified: c.qualified,
                unmet: c.unmet,
                metrics: c.metrics,
                tracks: if with_tracks { tracks } else { Vec::new() },
            },
            None => AreaScore {
                area: area.to_string(),
                track: None,
                track_reason: None,
                total: Num::from_integer(0),
                qualified: false,
                unmet: Vec::new(),
                metrics: Vec::new(),
                tracks: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capscore_catalog::{DeploymentUnit, Rounding};

    fn params() -> Params {
        Params {
            qualifying_total_points: Num::from_integer(70),
            min_metric_points: Num::from_integer(1),
            points_rounding: Rounding::Exact,
            deployment_unit: DeploymentUnit::Service,
        }
    }

    fn metric(id: &str, points: Num) -> MetricScore {
        MetricScore {
            metric: id.into(),
            category: Category::Performance,
            value: points,
            target: Num::from_integer(1),
            max_points: Num::from_integer(100),
            points,
            option: None,
            notes: Vec::new(),
            options: Vec::new(),
            incomplete: None,
        }
    }

    fn track(id: &str, points: &[Num]) -> TrackScore {
        let ms = points
            .iter()
            .enumerate()
            .map(|(i, p)| metric(&format!("m{i}"), *p))
            .collect();
        TrackScore::qualify(Some(id.into()), ms, &params())
    }

    #[test]
    fn exactly_70_qualifies_and_a_hair_under_does_not() {
        assert!(track("t", &[Num::from_integer(35), Num::from_integer(35)]).qualified);
        let under = track("t", &[Num::from_integer(35), Num::new(3499, 100)]);
        assert!(!under.qualified);
        assert_eq!(under.unmet.len(), 1);
    }

    #[test]
    fn a_metric_just_under_the_minimum_fails_even_at_full_total() {
        let t = track("t", &[Num::from_integer(99), Num::new(99, 100)]);
        assert!(!t.qualified);
        assert!(matches!(&t.unmet[0], Unmet::MetricUnderMinimum { metric, .. } if metric == "m1"));
    }

    #[test]
    fn track_tie_goes_to_the_qualified_then_the_first() {
        let n = Num::from_integer;
        // Same total 80: the second qualifies, the first has a metric at 0.
        let a = track("enterprise", &[n(80), n(0)]);
        let b = track("smb", &[n(40), n(40)]);
        assert_eq!(
            AreaScore::from_tracks("x", vec![a.clone(), b.clone()])
                .track
                .as_deref(),
            Some("smb")
        );
        // Both qualified and tied: the first listed.
        let c = track("smb", &[n(40), n(40)]);
        let d = track("enterprise", &[n(40), n(40)]);
        assert_eq!(
            AreaScore::from_tracks("x", vec![d, c]).track.as_deref(),
            Some("enterprise")
        );
        // Higher total wins whatever the order.
        let e = track("smb", &[n(50), n(40)]);
        assert_eq!(AreaScore::from_tracks("x", vec![b, e]).total, n(90));
    }
}
