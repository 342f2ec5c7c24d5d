//! Scores flattened to one row per partner, area, track evaluated and metric.

use capscore_core::Num;
use capscore_engine::{MetricScore, Scores};

/// One row of the batch output: a metric of a track evaluated for a partner.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// The (global) account scored.
    pub partner_id: String,
    /// Area id.
    pub area: String,
    /// Track id; `None` for an area without tracks.
    pub track: Option<String>,
    /// Metric id.
    pub metric: String,
    /// The association option that won a best-of metric.
    pub option: Option<String>,
    /// The metric's value (exact).
    pub value: Num,
    /// Its points (exact).
    pub points: Num,
    /// The track's total points (exact).
    pub track_total: Num,
    /// Whether the track qualifies.
    pub qualified: bool,
}

/// Every row of `scores`, in the order of the JSON output: partners, areas, the tracks
/// evaluated (both Modern Work tracks; the classified Business Applications track; one
/// row set with `track` `None` for an area without tracks), metrics.
#[must_use]
pub fn rows(scores: &Scores) -> Vec<ScoreRow> {
    let mut out = Vec::new();
    for p in &scores.partners {
        for a in &p.areas {
            let tracks: Vec<(Option<&String>, Num, bool, &[MetricScore])> = if a.tracks.is_empty() {
                vec![(a.track.as_ref(), a.total, a.qualified, &a.metrics)]
            } else {
                a.tracks
                    .iter()
                    .map(|t| (t.track.as_ref(), t.total, t.qualified, t.metrics.as_slice()))
                    .collect()
            };
            for (track, total, qualified, metrics) in tracks {
                for m in metrics {
                    out.push(ScoreRow {
                        partner_id: p.partner_id.clone(),
                        area: a.area.clone(),
                        track: track.cloned(),
                        metric: m.metric.clone(),
                        option: m.option.clone(),
                        value: m.value,
                        points: m.points,
                        track_total: total,
                        qualified,
                    });
                }
            }
        }
    }
    out
}

/// A value in hundredths, rounded half away from zero: the 2 decimals every output
/// of capscore shows (`format_num`), and what Spark's `ROUND(x, 2)` gives for an exact
/// decimal.
#[must_use]
pub fn cents(v: &Num) -> i128 {
    (v * Num::from_integer(100)).round().to_integer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_round_half_away_from_zero() {
        assert_eq!(cents(&Num::new(1, 8)), 13); // 0.125 -> 0.13
        assert_eq!(cents(&Num::new(-1, 8)), -13);
        assert_eq!(cents(&Num::new(2, 3)), 67);
        assert_eq!(cents(&Num::new(1, 3)), 33);
        assert_eq!(cents(&Num::from_integer(2796)), 279_600);
        assert_eq!(
            capscore_core::format_num(&Num::new(1, 8), false),
            "0.13",
            "the 2-decimal display rounds the same way"
        );
    }
}
