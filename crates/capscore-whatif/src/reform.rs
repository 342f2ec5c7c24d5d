//! Reforms: the same dataset scored with the catalog and with the catalog changed by
//! an overlay (`capscore_catalog::apply_overlay`), compared per area and track — how
//! many partners qualify before and after, which gain or lose, and how the totals are
//! distributed. Both sides are the engine's own scores.

use std::collections::BTreeMap;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_data::Dataset;
use capscore_engine::{AreaScore, ScoreRequest, Scores, score_checked};
use serde::Serialize;

use crate::WhatIfError;

/// Bins of the distribution of totals: each a tenth of the area's maximum total.
const BINS: i128 = 10;

/// A partner, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerRef {
    /// `partner_id`.
    pub partner_id: String,
    /// Its name, when the data gives one.
    pub name: Option<String>,
}

/// One bin of totals: `from <= total < to` (the last bin includes `to`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    /// Lower bound, points.
    pub from: f64,
    /// Upper bound, points.
    pub to: f64,
    /// Partners in the bin before the reform.
    pub before: usize,
    /// After.
    pub after: usize,
}

/// A track's count before and after (partners evaluated in it on each side).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackChange {
    /// Track id.
    pub track: String,
    /// Partners whose track qualifies, before.
    pub qualified_before: usize,
    /// After.
    pub qualified_after: usize,
    /// Partners whose track qualifies after and not before.
    pub gained: Vec<PartnerRef>,
    /// Partners whose track qualified before and not after.
    pub lost: Vec<PartnerRef>,
}

/// An area before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaChange {
    /// Area id.
    pub area: String,
    /// Partners qualifying in the area (its counting track), before.
    pub qualified_before: usize,
    /// After.
    pub qualified_after: usize,
    /// Partners qualifying after and not before.
    pub gained: Vec<PartnerRef>,
    /// Partners qualifying before and not after.
    pub lost: Vec<PartnerRef>,
    /// Every track evaluated (areas with tracks).
    pub tracks: Vec<TrackChange>,
    /// Partners whose area total changed.
    pub totals_changed: usize,
    /// Distribution of the area totals (counting track), before and after.
    pub totals: Vec<Bin>,
}

/// The reform's effect on one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reform {
    /// The month scored.
    pub month: Month,
    /// The overlay's name.
    pub overlay: String,
    /// The overlay's description, if it has one (set by the caller: `compare` knows
    /// only the scores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Catalog version of the rules before.
    pub catalog_before: String,
    /// After.
    pub catalog_after: String,
    /// Partners scored.
    pub partners: usize,
    /// One entry per area scored.
    pub areas: Vec<AreaChange>,
}

impl Reform {
    /// Whether any partner's qualification or total changed.
    #[must_use]
    pub fn changes_nothing(&self) -> bool {
        self.areas.iter().all(|a| {
            a.gained.is_empty()
                && a.lost.is_empty()
                && a.totals_changed == 0
                && a.tracks
                    .iter()
                    .all(|t| t.gained.is_empty() && t.lost.is_empty())
        })
    }
}

/// Scores `data` for `month` with `before` and `after` (the catalog and the catalog
/// with an overlay; the data must have been loaded with one of them: an overlay does
/// not change names) and compares.
///
/// # Errors
/// The engine refuses either side (an unknown area, a month the data does not cover
/// under either rules).
pub fn reform(
    data: &Dataset,
    before: &Catalog,
    after: &Catalog,
    overlay: &str,
    month: Month,
    areas: Option<Vec<String>>,
) -> Result<Reform, WhatIfError> {
    let request = ScoreRequest {
        month,
        partners: None,
        areas,
    };
    let b = score_checked(data, before, &request, false)?;
    let a = score_checked(data, after, &request, false)?;
    Ok(compare(&b, &a, overlay))
}

/// A partner with its area score before and after.
type Pair<'a> = (
    &'a capscore_engine::PartnerScore,
    Option<&'a AreaScore>,
    Option<&'a AreaScore>,
);

fn who(p: &capscore_engine::PartnerScore) -> PartnerRef {
    PartnerRef {
        partner_id: p.partner_id.clone(),
        name: p.name.clone(),
    }
}

/// The maximum total of an area's score: its counting track's metrics' maximum points.
fn max_total(a: &AreaScore) -> Num {
    a.metrics
        .iter()
        .fold(Num::from_integer(0), |s, m| s + m.max_points)
}

/// Compares two scorings of the same partners and month.
#[must_use]
pub fn compare(before: &Scores, after: &Scores, overlay: &str) -> Reform {
    let mut areas: Vec<AreaChange> = Vec::new();
    let area_ids: Vec<String> = before
        .partners
        .first()
        .or(after.partners.first())
        .map(|p| p.areas.iter().map(|a| a.area.clone()).collect())
        .unwrap_or_default();
    for id in area_ids {
        let pairs: Vec<Pair<'_>> = before
            .partners
            .iter()
            .zip(&after.partners)
            .map(|(pb, pa)| {
                (
                    pb,
                    pb.areas.iter().find(|a| a.area == id),
                    pa.areas.iter().find(|a| a.area == id),
                )
            })
            .collect();
        let mut change = AreaChange {
            area: id.clone(),
            qualified_before: 0,
            qualified_after: 0,
            gained: Vec::new(),
            lost: Vec::new(),
            tracks: Vec::new(),
            totals_changed: 0,
            totals: Vec::new(),
        };
        let mut tracks: BTreeMap<String, TrackChange> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut max = Num::from_integer(0);
        for (p, b, a) in &pairs {
            let qb = b.is_some_and(|x| x.qualified);
            let qa = a.is_some_and(|x| x.qualified);
            change.qualified_before += usize::from(qb);
            change.qualified_after += usize::from(qa);
            if qa && !qb {
                change.gained.push(who(p));
            }
            if qb && !qa {
                change.lost.push(who(p));
            }
            if b.map(|x| x.total) != a.map(|x| x.total) {
                change.totals_changed += 1;
            }
            for x in b.iter().chain(a.iter()) {
                max = max.max(max_total(x));
            }
            let track_q = |s: Option<&AreaScore>| -> BTreeMap<String, bool> {
                s.map(|s| {
                    s.tracks
                        .iter()
                        .filter_map(|t| Some((t.track.clone()?, t.qualified)))
                        .collect()
                })
                .unwrap_or_default()
            };
            let (tb, ta) = (track_q(*b), track_q(*a));
            let keys: std::collections::BTreeSet<&String> = tb.keys().chain(ta.keys()).collect();
            for t in keys {
                if !order.contains(t) {
                    order.push(t.clone());
                }
                let e = tracks.entry(t.clone()).or_insert_with(|| TrackChange {
                    track: t.clone(),
                    qualified_before: 0,
                    qualified_after: 0,
                    gained: Vec::new(),
                    lost: Vec::new(),
                });
                let (x, y) = (
                    tb.get(t).copied().unwrap_or(false),
                    ta.get(t).copied().unwrap_or(false),
                );
                e.qualified_before += usize::from(x);
                e.qualified_after += usize::from(y);
                if y && !x {
                    e.gained.push(who(p));
                }
                if x && !y {
                    e.lost.push(who(p));
                }
            }
        }
        change.tracks = order.iter().filter_map(|t| tracks.remove(t)).collect();
        change.totals = bins(&pairs, max);
        areas.push(change);
    }
    Reform {
        month: before.month,
        overlay: overlay.to_string(),
        description: None,
        catalog_before: before.catalog_version.clone(),
        catalog_after: after.catalog_version.clone(),
        partners: before.partners.len(),
        areas,
    }
}

fn bins(pairs: &[Pair<'_>], max: Num) -> Vec<Bin> {
    if max <= Num::from_integer(0) {
        return Vec::new();
    }
    let width = max / Num::from_integer(BINS);
    let index = |total: Num| -> usize {
        let i = (total / width).floor().to_integer().clamp(0, BINS - 1);
        i as usize
    };
    let f = |v: Num| capscore_core::num_to_f64_2dp(&v);
    let mut out: Vec<Bin> = (0..BINS)
        .map(|i| Bin {
            from: f(width * Num::from_integer(i)),
            to: f(width * Num::from_integer(i + 1)),
            before: 0,
            after: 0,
        })
        .collect();
    for (_, b, a) in pairs {
        if let Some(b) = b {
            out[index(b.total)].before += 1;
        }
        if let Some(a) = a {
            out[index(a.total)].after += 1;
        }
    }
    out
}
