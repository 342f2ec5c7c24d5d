//! How each metric changed between two months, and who changed it.
//!
//! [`diff`] explains the partner at both months with the engine's [`explain`] and
//! compares, metric by metric, the contributions of the counting option of each month.
//! Contributions are matched by what they are about (tenant, workload, subscription,
//! service, offer, person; the rule for one about none of these), and each match that
//! moved becomes a [`Mover`]: a contribution that appeared, vanished, increased or
//! decreased. Since the contributions of an option add up exactly to its value, the
//! movers add up exactly to the change of the value ([`MetricDiff::change_exact`]).
//!
//! Points are not split: a metric's points follow its value up to the target (and are
//! capped there), so the change of points is given per metric only.

use std::collections::BTreeMap;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num, PartnerIdx};
use capscore_data::Dataset;
use capscore_engine::explain::{
    AreaExplanation, Entry, MetricExplanation, OptionExplanation, PartnerExplanation, Reason,
    TrackExplanation,
};
use capscore_engine::{EngineError, ExplainRequest, ensure_covered, explain};
use serde::{Serialize, Serializer};

fn fraction<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn two_dp<S: Serializer>(v: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(capscore_core::num_to_f64_2dp(v))
}

fn zero() -> Num {
    Num::from_integer(0)
}

fn abs(v: Num) -> Num {
    if v < zero() { -v } else { v }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// The partner (a global account).
    pub partner: PartnerIdx,
    /// The earlier month.
    pub from: Month,
    /// The later month.
    pub to: Month,
    /// Area ids; `None` = every area in force at both months.
    pub areas: Option<Vec<String>>,
}

/// One partner's changes between two months.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name, if the data gives one.
    pub name: Option<String>,
    /// The earlier month.
    pub from: Month,
    /// The later month.
    pub to: Month,
    /// Catalog release and rules date in force at `from`.
    pub catalog_from: String,
    /// Catalog release and rules date in force at `to`.
    pub catalog_to: String,
    /// One entry per area scored at both months.
    pub areas: Vec<AreaDiff>,
}

/// One area's changes.
#[derive(Debug, Clone, Serialize)]
pub struct AreaDiff {
    /// Area id.
    pub area: String,
    /// Display name.
    pub name: String,
    /// The counting track at `from`.
    pub track_from: Option<String>,
    /// The counting track at `to`.
    pub track_to: Option<String>,
    /// Every track evaluated at both months.
    pub tracks: Vec<TrackDiff>,
    /// Tracks evaluated at one month only (a classified area whose classification
    /// changed): not compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_compared: Vec<String>,
}

/// One track's changes.
#[derive(Debug, Clone, Serialize)]
pub struct TrackDiff {
    /// Track id (`None` for areas without tracks).
    pub track: Option<String>,
    /// Total points at `from`.
    #[serde(serialize_with = "two_dp")]
    pub total_from: Num,
    /// Total points at `to`.
    #[serde(serialize_with = "two_dp")]
    pub total_to: Num,
    /// `total_to - total_from`, exact.
    #[serde(serialize_with = "fraction")]
    pub total_change_exact: Num,
    /// Metrics, in catalog order.
    pub metrics: Vec<MetricDiff>,
}

/// One metric's change, split into the contributions that moved.
#[derive(Debug, Clone, Serialize)]
pub struct MetricDiff {
    /// Metric id.
    pub metric: String,
    /// Value at `from`, exact.
    #[serde(serialize_with = "fraction")]
    pub value_from_exact: Num,
    /// Value at `to`, exact.
    #[serde(serialize_with = "fraction")]
    pub value_to_exact: Num,
    /// `value_to - value_from`, exact: the sum of every mover's change.
    #[serde(serialize_with = "fraction")]
    pub change_exact: Num,
    /// Points at `from`.
    #[serde(serialize_with = "two_dp")]
    pub points_from: Num,
    /// Points at `to`.
    #[serde(serialize_with = "two_dp")]
    pub points_to: Num,
    /// `points_to - points_from`, exact.
    #[serde(serialize_with = "fraction")]
    pub points_change_exact: Num,
    /// Maximum points (at `to`).
    #[serde(serialize_with = "two_dp")]
    pub max_points: Num,
    /// The counting option at `from` (best-of metrics).
    pub option_from: Option<String>,
    /// The counting option at `to`.
    pub option_to: Option<String>,
    /// Every contribution that moved, the largest change first.
    pub movers: Vec<Mover>,
    /// Contributions present at both months with the same amount.
    pub unchanged: usize,
}

/// How a contribution moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Counted at `to`, not at `from`.
    Appeared,
    /// Counted at `from`, not at `to`.
    Vanished,
    /// Counted at both, with a larger amount at `to`.
    Increased,
    /// Counted at both, with a smaller amount at `to`.
    Decreased,
}

impl ChangeKind {
    /// The kind in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            ChangeKind::Appeared => "appeared",
            ChangeKind::Vanished => "vanished",
            ChangeKind::Increased => "increased",
            ChangeKind::Decreased => "decreased",
        }
    }
}

/// What a contribution is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Subject {
    /// Tenant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Tenant name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// Workload id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Subscription id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Azure service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Azure offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Person id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The certification title (as it was on the later month the person counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification: Option<String>,
    /// The rule, for a contribution about none of the above (a baseline cut, a step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A contribution that moved between the two months.
#[derive(Debug, Clone, Serialize)]
pub struct Mover {
    /// How it moved.
    pub kind: ChangeKind,
    /// What it is about.
    #[serde(flatten)]
    pub subject: Subject,
    /// Its amount at `from` (0 when absent), exact.
    #[serde(serialize_with = "fraction")]
    pub amount_from_exact: Num,
    /// Its amount at `to` (0 when absent), exact.
    #[serde(serialize_with = "fraction")]
    pub amount_to_exact: Num,
    /// `amount_to - amount_from`, exact.
    #[serde(serialize_with = "fraction")]
    pub change_exact: Num,
    /// Why it does not count at the month it is absent from, where that month's
    /// explanation says (`certification_expired`, `association_not_in_force`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// Errors of [`diff`].
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The engine refused a month (not covered by the data, unknown area...).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// `from` is not before `to`.
    #[error("--from {from} must be before --to {to}")]
    Order {
        /// The earlier month asked.
        from: Month,
        /// The later month asked.
        to: Month,
    },
}

/// Compares one partner's scores at two months, attributing each metric's change to
/// the contributions that moved.
///
/// # Errors
/// [`DiffError::Order`] when `from >= to`; [`EngineError::NotCovered`] when the data
/// cannot answer either month (checked with [`ensure_covered`]); whatever
/// [`explain`] refuses.
pub fn diff(data: &Dataset, catalog: &Catalog, req: &DiffRequest) -> Result<Diff, DiffError> {
    if req.from >= req.to {
        return Err(DiffError::Order {
            from: req.from,
            to: req.to,
        });
    }
    let areas = req.areas.as_deref();
    ensure_covered(data, catalog, req.from, areas)?;
    ensure_covered(data, catalog, req.to, areas)?;
    let at = |month| {
        explain(
            data,
            catalog,
            &ExplainRequest {
                month,
                partners: Some(vec![req.partner]),
                areas: req.areas.clone(),
                tracks: None,
                metrics: None,
                exclusions: capscore_engine::explain::Exclusions::All,
            },
        )
    };
    let before = at(req.from)?;
    let after = at(req.to)?;
    let (Some(p0), Some(p1)) = (before.partners.first(), after.partners.first()) else {
        return Err(DiffError::Engine(EngineError::UnknownName {
            what: "partner",
            name: data.partners.ids[req.partner.index()].clone(),
            known: Vec::new(),
        }));
    };
    Ok(Diff {
        partner_id: p1.partner_id.clone(),
        name: p1.name.clone(),
        from: req.from,
        to: req.to,
        catalog_from: before.catalog_version,
        catalog_to: after.catalog_version.clone(),
        areas: compare_partner(p0, p1),
    })
}

fn compare_partner(p0: &PartnerExplanation, p1: &PartnerExplanation) -> Vec<AreaDiff> {
    p1.areas
        .iter()
        .filter_map(|a1| {
            let a0 = p0.areas.iter().find(|a| a.area == a1.area)?;
            Some(compare_area(a0, a1))
        })
        .collect()
}

fn compare_area(a0: &AreaExplanation, a1: &AreaExplanation) -> AreaDiff {
    let mut tracks = Vec::new();
    let mut not_compared = Vec::new();
    let name = |t: &TrackExplanation| t.track.clone().unwrap_or_else(|| "(none)".into());
    for t1 in &a1.tracks {
        match a0.tracks.iter().find(|t| t.track == t1.track) {
            Some(t0) => tracks.push(compare_track(t0, t1)),
            None => not_compared.push(name(t1)),
        }
    }
    for t0 in &a0.tracks {
        if !a1.tracks.iter().any(|t| t.track == t0.track) {
            not_compared.push(name(t0));
        }
    }
    AreaDiff {
        area: a1.area.clone(),
        name: a1.name.clone(),
        track_from: a0.track.clone(),
        track_to: a1.track.clone(),
        tracks,
        not_compared,
    }
}

fn compare_track(t0: &TrackExplanation, t1: &TrackExplanation) -> TrackDiff {
    let metrics = t1
        .metrics
        .iter()
        .filter_map(|m1| {
            let m0 = t0.metrics.iter().find(|m| m.metric == m1.metric)?;
            Some(compare_metric(m0, m1))
        })
        .collect();
    TrackDiff {
        track: t1.track.clone(),
        total_from: t0.total_exact,
        total_to: t1.total_exact,
        total_change_exact: t1.total_exact - t0.total_exact,
        metrics,
    }
}

/// The option whose value the metric reports.
fn counting(m: &MetricExplanation) -> Option<&OptionExplanation> {
    m.options.iter().find(|o| o.chosen)
}

/// What contributions are matched by.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    tenant: Option<String>,
    workload: Option<String>,
    subscription: Option<String>,
    service: Option<String>,
    offer: Option<String>,
    person: Option<String>,
    rule: Option<String>,
}

fn key(e: &Entry) -> Key {
    let mut k = Key {
        tenant: e.tenant.clone(),
        workload: e.workload.clone(),
        subscription: e.subscription.clone(),
        service: e.service.clone(),
        offer: e.offer.clone(),
        person: e.person.clone(),
        rule: None,
    };
    if k == Key::default() {
        k.rule = Some(e.rule.id.clone());
    }
    k
}

/// Per key: its total amount and the subject (names) of its last entry.
fn by_key(o: Option<&OptionExplanation>) -> BTreeMap<Key, (Num, Subject)> {
    let mut out: BTreeMap<Key, (Num, Subject)> = BTreeMap::new();
    for e in o.iter().flat_map(|o| &o.contributions) {
        let k = key(e);
        let subject = Subject {
            tenant: e.tenant.clone(),
            tenant_name: e.tenant_name.clone(),
            workload: e.workload.clone(),
            subscription: e.subscription.clone(),
            service: e.service.clone(),
            offer: e.offer.clone(),
            person: e.person.clone(),
            certification: e.certification.as_ref().map(|c| c.name_on_date.clone()),
            rule: k.rule.clone(),
        };
        let slot = out.entry(k).or_insert_with(|| (zero(), Subject::default()));
        slot.0 += e.amount_exact.unwrap_or_else(zero);
        slot.1 = subject;
    }
    out
}

/// Why the entries of `k` do not count in `o`: an exclusion about the same thing, or
/// else about the same tenant or person.
fn why_not(o: Option<&OptionExplanation>, k: &Key) -> Option<Reason> {
    let excluded = || o.into_iter().flat_map(|o| &o.excluded);
    excluded()
        .find(|e| &key(e) == k)
        .or_else(|| {
            excluded().find(|e| {
                (k.tenant.is_some() && e.tenant == k.tenant)
                    || (k.person.is_some() && e.person == k.person)
            })
        })
        .and_then(|e| e.reason)
}

fn compare_metric(m0: &MetricExplanation, m1: &MetricExplanation) -> MetricDiff {
    let (o0, o1) = (counting(m0), counting(m1));
    let before = by_key(o0);
    let after = by_key(o1);
    let mut keys: Vec<&Key> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut movers = Vec::new();
    let mut unchanged = 0;
    for k in keys {
        let (a0, s0) = before.get(k).cloned().unwrap_or_default();
        let (a1, s1) = after.get(k).cloned().unwrap_or_default();
        if a0 == a1 {
            if before.contains_key(k) && after.contains_key(k) {
                unchanged += 1;
            }
            continue;
        }
        let (kind, reason) = if a0 == zero() {
            (ChangeKind::Appeared, why_not(o0, k))
        } else if a1 == zero() {
            (ChangeKind::Vanished, why_not(o1, k))
        } else if a1 > a0 {
            (ChangeKind::Increased, None)
        } else {
            (ChangeKind::Decreased, None)
        };
        let subject = if after.contains_key(k) { s1 } else { s0 };
        movers.push(Mover {
            kind,
            subject,
            amount_from_exact: a0,
            amount_to_exact: a1,
            change_exact: a1 - a0,
            reason,
        });
    }
    movers.sort_by(|x, y| {
        abs(y.change_exact)
            .cmp(&abs(x.change_exact))
            .then(x.kind.cmp(&y.kind))
            .then_with(|| x.subject.cmp(&y.subject))
    });
    MetricDiff {
        metric: m1.metric.clone(),
        value_from_exact: m0.value_exact,
        value_to_exact: m1.value_exact,
        change_exact: m1.value_exact - m0.value_exact,
        points_from: m0.points,
        points_to: m1.points,
        points_change_exact: m1.points - m0.points,
        max_points: m1.max_points,
        option_from: m0.option.clone(),
        option_to: m1.option.clone(),
        movers,
        unchanged,
    }
}

impl MetricDiff {
    /// The sum of the movers' changes (always equal to [`MetricDiff::change_exact`]).
    #[must_use]
    pub fn movers_total(&self) -> Num {
        self.movers
            .iter()
            .fold(zero(), |acc, m| acc + m.change_exact)
    }
}
