//! Tracing of the metric computations: what each counted row contributed and why each
//! other row did not count.
//!
//! Every metric function takes a [`Tracer`]. Scoring passes [`Off`], whose `ON` is
//! `false`: every record site is written `if T::ON { ... }`, so the compiler removes
//! it and the scoring path is the one it was. [`crate::explain`] passes a
//! [`Recorder`], and the same functions, making the same decisions, write down each
//! contribution and each exclusion as they go.

use capscore_core::{CertId, Month, Num, PersonIdx, TenantIdx, WorkloadId};

/// Where a metric function writes what it decides. Implemented by [`Off`] (scoring)
/// and [`Recorder`] (explain).
pub(crate) trait Tracer: Default {
    /// Whether anything is recorded; record sites are guarded by it.
    const ON: bool;
    /// A contribution to the value.
    fn add(&mut self, item: Item);
    /// A row or entity that did not count, and why.
    fn exclude(&mut self, reason: Reason, item: Item);
    /// Whether an exclusion with this reason would be kept: a record site that has to
    /// build an item for it may ask first.
    fn keeps(&self, _reason: Reason) -> bool {
        Self::ON
    }
    /// A new, empty tracer that keeps what this one keeps.
    fn fresh(&self) -> Self {
        Self::default()
    }
    /// A position in the contributions, taken before a tenant's entries.
    fn mark(&self) -> usize {
        0
    }
    /// Attaches a tenant's associations: to the first contribution recorded for the
    /// tenant since `mark`, or, when it contributed nothing, to an exclusion saying
    /// they attribute nothing that counts.
    fn attach(&mut self, _mark: usize, _t: TenantIdx, _assocs: Vec<Src>) {}
    /// Attaches a tenant's associations to the first contribution about the tenant,
    /// wherever it was recorded (or to a "nothing attributed" exclusion).
    fn attach_tenant(&mut self, _t: TenantIdx, _assocs: Vec<Src>) {}
    /// Takes in another tracer's entries, the exclusions only where `keep` says so.
    fn absorb(&mut self, _other: Self, _keep: &mut dyn FnMut(Reason, &Item) -> bool) {}
}

/// Records nothing: the tracer of `score`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Off;

impl Tracer for Off {
    const ON: bool = false;
    #[inline(always)]
    fn add(&mut self, _item: Item) {}
    #[inline(always)]
    fn exclude(&mut self, _reason: Reason, _item: Item) {}
}

/// Records every contribution and the exclusions it is asked to keep: the tracer of
/// `explain`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Recorder {
    pub added: Vec<Item>,
    pub excluded: Vec<(Reason, Item)>,
    /// Reasons whose exclusions are dropped as they come (a bit per reason).
    dropped: u32,
}

impl Recorder {
    /// A recorder keeping only the exclusions `keep` says.
    pub(crate) fn keeping(keep: impl Fn(Reason) -> bool) -> Self {
        let dropped = Reason::ALL
            .iter()
            .filter(|r| !keep(**r))
            .fold(0, |m, r| m | r.bit());
        Self {
            dropped,
            ..Self::default()
        }
    }
}

impl Tracer for Recorder {
    const ON: bool = true;
    fn add(&mut self, item: Item) {
        self.added.push(item);
    }
    fn exclude(&mut self, reason: Reason, item: Item) {
        if self.keeps(reason) {
            self.excluded.push((reason, item));
        }
    }
    fn keeps(&self, reason: Reason) -> bool {
        self.dropped & reason.bit() == 0
    }
    fn fresh(&self) -> Self {
        Self {
            dropped: self.dropped,
            ..Self::default()
        }
    }
    fn mark(&self) -> usize {
        self.added.len()
    }
    fn absorb(&mut self, other: Self, keep: &mut dyn FnMut(Reason, &Item) -> bool) {
        self.added.extend(other.added);
        self.excluded
            .extend(other.excluded.into_iter().filter(|(r, i)| keep(*r, i)));
    }
    fn attach_tenant(&mut self, t: TenantIdx, assocs: Vec<Src>) {
        let at = self
            .added
            .iter()
            .position(|i| i.tenant == Some(t))
            .unwrap_or(self.added.len());
        self.attach(at, t, assocs);
    }
    fn attach(&mut self, mark: usize, t: TenantIdx, assocs: Vec<Src>) {
        if assocs.is_empty() {
            return;
        }
        match self.added.get_mut(mark..).and_then(|s| s.first_mut()) {
            Some(first) => first.src.extend(assocs),
            None => self.exclude(
                Reason::NothingAttributed,
                Item::rule(Rule::Associations).tenant(t).src(assocs),
            ),
        }
    }
}

/// An input row an entry was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Src {
    /// Row index in `m365_usage`.
    M365(usize),
    /// Row index in `azure_usage`.
    Azure(usize),
    /// Row index in `bizapps_usage`.
    BizApps(usize),
    /// Row index in `associations`.
    Assoc(usize),
    /// Row index in `certifications`.
    Cert(usize),
}

/// The catalog rule an entry applied, resolved to an id and a source reference when
/// the explanation is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// The metric's own definition.
    Metric,
    /// One of the option's settings (`min_baseline_acr_usd`).
    Setting(&'static str),
    /// The option's association types.
    Associations,
    /// The track's tenant band.
    Band,
    /// The area's eligible workloads.
    EligibleWorkloads,
    /// The area's excluded offers.
    ExcludedOffers,
    /// The area's eligible services.
    EligibleServices,
    /// The metric's excluded services.
    ExcludedServices,
    /// The metric's active-usage percentage.
    ActivePercent,
    /// The metric's listed certifications.
    Certifications,
    /// A certification step (index).
    Step(usize),
    /// A catalog parameter (`deployment_unit`).
    Parameter(&'static str),
}

/// Why something did not count. The serialised ids are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The tenant is not in the track's band of paid seats.
    OutsideBand,
    /// The association is not in force at the month's end.
    AssociationNotInForce,
    /// The association's type is not one this option counts.
    AssociationTypeNotEligible,
    /// A claim (or usage) on a workload outside the area.
    WorkloadOutsideArea,
    /// An association limited to a workload does not attribute Azure consumption.
    AssociationScopeNotAzure,
    /// Usage no association of the option attributes in that month.
    NotAttributed,
    /// The Azure offer is excluded from the area.
    OfferExcluded,
    /// The Azure service is not counted by the area or the metric.
    ServiceExcluded,
    /// An amount below the threshold of a rule.
    BelowThreshold,
    /// A service already deployed at the month the coverage started (not new).
    DeployedBeforeClaim,
    /// The certification expired before the date.
    CertificationExpired,
    /// The certification was earned after the date.
    CertificationNotYetEarned,
    /// The certification is not listed by this metric on the date (or retired).
    CertificationNotEligible,
    /// A certification title the catalog does not know.
    CertificationUnknown,
    /// The person already counts through another certification.
    PersonAlreadyCounted,
    /// A prerequisite step of a certification metric is not met.
    PrerequisiteStepUnmet,
    /// An association that attributes no counted usage.
    NothingAttributed,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Self; 17] = [
        Self::OutsideBand,
        Self::AssociationNotInForce,
        Self::AssociationTypeNotEligible,
        Self::WorkloadOutsideArea,
        Self::AssociationScopeNotAzure,
        Self::NotAttributed,
        Self::OfferExcluded,
        Self::ServiceExcluded,
        Self::BelowThreshold,
        Self::DeployedBeforeClaim,
        Self::CertificationExpired,
        Self::CertificationNotYetEarned,
        Self::CertificationNotEligible,
        Self::CertificationUnknown,
        Self::PersonAlreadyCounted,
        Self::PrerequisiteStepUnmet,
        Self::NothingAttributed,
    ];

    /// This reason's bit in a set of reasons.
    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// One contribution or exclusion, with what it is about. Fields not set are `None` /
/// empty.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Amount added to the value (0 for exclusions).
    pub amount: Num,
    /// The rule applied.
    pub rule: Rule,
    pub tenant: Option<TenantIdx>,
    pub workload: Option<WorkloadId>,
    pub subscription: Option<u32>,
    pub service: Option<u32>,
    pub offer: Option<u32>,
    pub person: Option<PersonIdx>,
    pub cert: Option<CertId>,
    /// Months, each with its role (`m`, `m-12`, `claim`).
    pub months: Vec<(&'static str, Month)>,
    /// Named amounts (`mau_at_m`, `acr_usd`, `threshold`).
    pub amounts: Vec<(&'static str, Num)>,
    /// Named facts (`counts_at_m`, `deployed_at_claim`).
    pub flags: Vec<(&'static str, bool)>,
    /// Free details (a date range, a name).
    pub notes: Vec<(&'static str, String)>,
    /// The input rows.
    pub src: Vec<Src>,
}

impl Item {
    /// An entry applying `rule` with `amount`, about nothing yet.
    pub(crate) fn new(rule: Rule, amount: Num) -> Self {
        Item {
            amount,
            rule,
            tenant: None,
            workload: None,
            subscription: None,
            service: None,
            offer: None,
            person: None,
            cert: None,
            months: Vec::new(),
            amounts: Vec::new(),
            flags: Vec::new(),
            notes: Vec::new(),
            src: Vec::new(),
        }
    }

    /// An exclusion entry (amount 0) applying `rule`.
    pub(crate) fn rule(rule: Rule) -> Self {
        Item::new(rule, Num::from_integer(0))
    }

    pub(crate) fn tenant(mut self, t: TenantIdx) -> Self {
        self.tenant = Some(t);
        self
    }

    pub(crate) fn workload(mut self, w: WorkloadId) -> Self {
        self.workload = Some(w);
        self
    }

    pub(crate) fn month(mut self, role: &'static str, m: Month) -> Self {
        self.months.push((role, m));
        self
    }

    pub(crate) fn amount(mut self, name: &'static str, v: Num) -> Self {
        self.amounts.push((name, v));
        self
    }

    pub(crate) fn int(self, name: &'static str, v: u64) -> Self {
        self.amount(name, Num::from_integer(i128::from(v)))
    }

    pub(crate) fn flag(mut self, name: &'static str, v: bool) -> Self {
        self.flags.push((name, v));
        self
    }

    pub(crate) fn note(mut self, name: &'static str, v: String) -> Self {
        self.notes.push((name, v));
        self
    }

    pub(crate) fn src(mut self, rows: impl IntoIterator<Item = Src>) -> Self {
        self.src.extend(rows);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;

    /// Position of a reason in `Reason::ALL`: a new reason fails to compile here until
    /// it is listed.
    fn position(r: Reason) -> usize {
        match r {
            Reason::OutsideBand => 0,
            Reason::AssociationNotInForce => 1,
            Reason::AssociationTypeNotEligible => 2,
            Reason::WorkloadOutsideArea => 3,
            Reason::AssociationScopeNotAzure => 4,
            Reason::NotAttributed => 5,
            Reason::OfferExcluded => 6,
            Reason::ServiceExcluded => 7,
            Reason::BelowThreshold => 8,
            Reason::DeployedBeforeClaim => 9,
            Reason::CertificationExpired => 10,
            Reason::CertificationNotYetEarned => 11,
            Reason::CertificationNotEligible => 12,
            Reason::CertificationUnknown => 13,
            Reason::PersonAlreadyCounted => 14,
            Reason::PrerequisiteStepUnmet => 15,
            Reason::NothingAttributed => 16,
        }
    }

    #[test]
    fn every_reason_is_listed_once_with_its_own_bit() {
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(position(*r), i);
            assert_eq!(r.bit().count_ones(), 1);
        }
        let all = Reason::ALL.iter().fold(0u32, |m, r| m | r.bit());
        assert_eq!(all.count_ones() as usize, Reason::ALL.len());
    }
}
