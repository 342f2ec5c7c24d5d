//! Points of a metric, best-of between association options, qualification.

use capscore_catalog::{MetricRules, Rounding};
use capscore_core::Num;

use crate::outcome::Outcome;
use crate::result::{MetricScore, OptionScore};

/// `max_points * min(value, target) / target`, and 0 when the value is 0 or negative;
/// rounded down to a whole number under [`Rounding::FloorWhole`].
#[must_use]
pub fn metric_points(value: Num, target: Num, max_points: Num, rounding: Rounding) -> Num {
    let zero = Num::from_integer(0);
    if value <= zero || target <= zero {
        return zero;
    }
    let p = max_points * value.min(target) / target;
    match rounding {
        Rounding::Exact => p,
        Rounding::FloorWhole => p.floor(),
    }
}

/// Scores each option against its own target and keeps the one with the most points;
/// on a tie, the option listed first in the catalog.
pub(crate) fn best_of(
    metric: &MetricRules,
    outcomes: &[Outcome],
    rounding: Rounding,
) -> MetricScore {
    let options: Vec<OptionScore> = metric
        .options
        .iter()
        .zip(outcomes)
        .map(|(o, v)| OptionScore {
            option: o.name.clone(),
            value: v.value,
            target: o.target,
            points: metric_points(v.value, o.target, metric.max_points, rounding),
        })
        .collect();
    let mut best = 0;
    for (i, o) in options.iter().enumerate() {
        if o.points > options[best].points {
            best = i;
        }
    }
    let chosen = options.get(best).cloned().unwrap_or(OptionScore {
        option: None,
        value: Num::from_integer(0),
        target: Num::from_integer(1),
        points: Num::from_integer(0),
    });
    MetricScore {
        metric: metric.id.clone(),
        category: metric.category,
        value: chosen.value,
        target: chosen.target,
        max_points: metric.max_points,
        points: chosen.points,
        option: chosen.option.clone(),
        notes: outcomes
            .get(best)
            .map(|o| o.notes.clone())
            .unwrap_or_default(),
        options: if options.len() > 1 {
            options
        } else {
            Vec::new()
        },
        incomplete: None,
    }
}
