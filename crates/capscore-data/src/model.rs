//! The in-memory dataset: one columnar struct per table, strings interned to integer
//! ids, rows sorted and indexed so that the engine scores one partner by slicing.
//!
//! Every row keeps the line (CSV, header = line 1) or row (Parquet, first data row = 1)
//! it came from, so that an explanation can point back at the input.

use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexSet;
use rayon::slice::ParallelSliceMut as _;

use capscore_core::{
    AssocTypeId, CertId, Month, NaiveDate, Num, PartnerIdx, PersonIdx, TenantIdx, WorkloadId,
};

/// Maps strings to dense integer ids, first come first numbered.
///
/// One allocation per name: the set holds each name once with its hash, and the id is
/// its position.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// aHash, not the standard `SipHash`: interning is a large part of loading, and ids
    /// come from files the user gives, not from an adversary across a network.
    names: IndexSet<String, ahash::RandomState>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(i) = self.names.get_index_of(name) {
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        self.intern_owned(name.to_string())
    }

    /// The id of `name`, adding it (without a copy) when new.
    pub fn intern_owned(&mut self, name: String) -> u32 {
        u32::try_from(self.names.insert_full(name).0).unwrap_or(u32::MAX)
    }

    /// The id of `name`, if known.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<u32> {
        self.names
            .get_index_of(name)
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
    }

    /// The name of an id.
    #[must_use]
    pub fn name(&self, id: u32) -> &str {
        self.names.get_index(id as usize).map_or("", String::as_str)
    }

    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name was interned.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names, in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The names of several interners numbered together in name order: the new
    /// interner and, for each part, the new id of each of its ids. The names are moved,
    /// not copied; the first part is kept as it is when the names are already in
    /// order (a file written in key order), else they are sorted once.
    #[must_use]
    pub fn merge_sorted<const N: usize>(parts: [Interner; N]) -> (Interner, [Vec<u32>; N]) {
        let id = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut all: Option<Interner> = None;
        let mut maps = parts.map(|part| match &mut all {
            None => {
                let map: Vec<u32> = (0..part.len()).map(id).collect();
                all = Some(part);
                map
            }
            Some(all) => part
                .names
                .into_iter()
                .map(|name| id(all.names.insert_full(name).0))
                .collect(),
        });
        let mut all = all.unwrap_or_default();
        if !all.names.iter().is_sorted() {
            let mut pairs: Vec<(String, u32)> = all
                .names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n, id(i)))
                .collect();
            pairs.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let mut rank = vec![0u32; pairs.len()];
            for (new, (_, old)) in pairs.iter().enumerate() {
                if let Some(r) = rank.get_mut(*old as usize) {
                    *r = id(new);
                }
            }
            all.names = pairs.into_iter().map(|(n, _)| n).collect();
            for map in &mut maps {
                for m in map.iter_mut() {
                    *m = rank.get(*m as usize).copied().unwrap_or(*m);
                }
            }
        }
        (all, maps)
    }
}

/// A partner's market, which sets legacy competency thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Market {
    /// Mature market (the default).
    #[default]
    Mature,
    /// Emerging market.
    Emerging,
}

/// Table `partners`, sorted by `partner_id` (byte order). Index = [`PartnerIdx`].
#[derive(Debug, Clone, Default)]
pub struct Partners {
    /// `partner_id` as written.
    pub ids: Vec<String>,
    /// `name`.
    pub names: Vec<Option<String>>,
    /// `parent_id` resolved: the global account of a location account.
    pub parent: Vec<Option<PartnerIdx>>,
    /// `market`.
    pub market: Vec<Market>,
    /// Source line of each partner.
    pub line: Vec<u32>,
}

impl Partners {
    /// Number of partners.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no partners.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Finds a partner by its `partner_id` (binary search, as the loader sorts the
    /// ids; a linear scan when the ids were filled in another order).
    #[must_use]
    pub fn find(&self, id: &str) -> Option<PartnerIdx> {
        let at = match self.ids.binary_search_by(|p| p.as_str().cmp(id)) {
            Ok(i) => Some(i),
            Err(_) => self.ids.iter().position(|p| p == id),
        };
        at.and_then(|i| u32::try_from(i).ok()).map(PartnerIdx)
    }
}

/// Table `tenants` (optional). Tenant ids seen in any table are interned in
/// [`Dataset::tenants`] whether or not this table lists them.
#[derive(Debug, Clone, Default)]
pub struct TenantInfo {
    /// Name by tenant index, where the table gave one.
    pub names: HashMap<TenantIdx, String>,
    /// Country by tenant index, where the table gave one.
    pub countries: HashMap<TenantIdx, String>,
}

/// Table `associations`, sorted by (partner, tenant, start). Rows of partner `p` are
/// `by_partner[p]`.
#[derive(Debug, Clone, Default)]
pub struct Associations {
    /// `partner_id`.
    pub partner: Vec<PartnerIdx>,
    /// `tenant_id`.
    pub tenant: Vec<TenantIdx>,
    /// `type`.
    pub kind: Vec<AssocTypeId>,
    /// `workload` (`None` = the whole tenant).
    pub workload: Vec<Option<WorkloadId>>,
    /// `subscription_id` interned in [`Dataset::subscriptions`] (`None` = all).
    pub subscription: Vec<Option<u32>>,
    /// `start_date`.
    pub start: Vec<NaiveDate>,
    /// `end_date` (`None` = open).
    pub end: Vec<Option<NaiveDate>>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each partner, indexed by [`PartnerIdx`].
    pub by_partner: Vec<Range<u32>>,
}

/// Table `m365_usage`, sorted by (tenant, month, workload). Rows of tenant `t` are
/// `by_tenant[t]`.
#[derive(Debug, Clone, Default)]
pub struct M365Usage {
    /// `tenant_id`.
    pub tenant: Vec<TenantIdx>,
    /// `workload`.
    pub workload: Vec<WorkloadId>,
    /// `month`.
    pub month: Vec<Month>,
    /// `paid_units` (PAU).
    pub paid_units: Vec<u64>,
    /// `active_users` (MAU).
    pub active_users: Vec<u64>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each tenant, indexed by [`TenantIdx`] (empty range: no usage).
    pub by_tenant: Vec<Range<u32>>,
}

impl M365Usage {
    /// Row indices of one tenant in one month (sorted by workload).
    #[must_use]
    pub fn rows(&self, tenant: TenantIdx, month: Month) -> Range<usize> {
        let Some(r) = self.by_tenant.get(tenant.index()) else {
            return 0..0;
        };
        let (lo, hi) = (r.start as usize, r.end as usize);
        let months = &self.month[lo..hi];
        let a = months.partition_point(|m| *m < month);
        let b = months.partition_point(|m| *m <= month);
        lo + a..lo + b
    }
}

/// Table `azure_usage`, sorted by (tenant, month). Service and offer names are open
/// sets, interned in [`Dataset::services`] and [`Dataset::offers`].
#[derive(Debug, Clone, Default)]
pub struct AzureUsage {
    /// `tenant_id`.
    pub tenant: Vec<TenantIdx>,
    /// `subscription_id` (interned in [`Dataset::subscriptions`]).
    pub subscription: Vec<Option<u32>>,
    /// `service` (Service Level 2).
    pub service: Vec<u32>,
    /// `offer` (offer category).
    pub offer: Vec<u32>,
    /// `month`.
    pub month: Vec<Month>,
    /// `acr_usd`, exact.
    pub acr_usd: Vec<Num>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each tenant, indexed by [`TenantIdx`].
    pub by_tenant: Vec<Range<u32>>,
}

/// Table `bizapps_usage`, sorted by (tenant, month, workload).
#[derive(Debug, Clone, Default)]
pub struct BizAppsUsage {
    /// `tenant_id`.
    pub tenant: Vec<TenantIdx>,
    /// `workload`.
    pub workload: Vec<WorkloadId>,
    /// `month`.
    pub month: Vec<Month>,
    /// `revenue_usd` (0 when empty), exact.
    pub revenue_usd: Vec<Num>,
    /// `units` (0 when empty), exact.
    pub units: Vec<Num>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each tenant, indexed by [`TenantIdx`].
    pub by_tenant: Vec<Range<u32>>,
}

/// Table `certifications`, sorted by (partner, person, earned). Rows of partner `p`
/// are `by_partner[p]`.
#[derive(Debug, Clone, Default)]
pub struct Certifications {
    /// `partner_id`.
    pub partner: Vec<PartnerIdx>,
    /// `person_id` (interned in [`Dataset::people`]).
    pub person: Vec<PersonIdx>,
    /// `certification` resolved against the catalog (`None`: a title the catalog
    /// does not know; reported as a warning, never eligible).
    pub cert: Vec<Option<CertId>>,
    /// `certification` as written.
    pub title: Vec<String>,
    /// `earned_date`.
    pub earned: Vec<NaiveDate>,
    /// `expires_date` (`None` = no expiry).
    pub expires: Vec<Option<NaiveDate>>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each partner, indexed by [`PartnerIdx`].
    pub by_partner: Vec<Range<u32>>,
}

/// Table `exams`, sorted by (partner, person).
#[derive(Debug, Clone, Default)]
pub struct Exams {
    /// `partner_id`.
    pub partner: Vec<PartnerIdx>,
    /// `person_id` (interned in [`Dataset::people`]).
    pub person: Vec<PersonIdx>,
    /// `exam` as written, trimmed (e.g. `70-346`).
    pub exam: Vec<String>,
    /// `passed_date`.
    pub passed: Vec<NaiveDate>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each partner, indexed by [`PartnerIdx`].
    pub by_partner: Vec<Range<u32>>,
}

/// Table `enrollments`, sorted by (partner, enrolled date).
#[derive(Debug, Clone, Default)]
pub struct Enrollments {
    /// `partner_id`.
    pub partner: Vec<PartnerIdx>,
    /// `program` as written, lower-cased (`designation:modern_work`, ...).
    pub program: Vec<String>,
    /// `level`, lower-cased, if given.
    pub level: Vec<Option<String>>,
    /// `enrolled_date`.
    pub enrolled: Vec<NaiveDate>,
    /// `anniversary_date`.
    pub anniversary: Vec<NaiveDate>,
    /// `benefits`, lower-cased, if given.
    pub benefits: Vec<Option<String>>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each partner, indexed by [`PartnerIdx`].
    pub by_partner: Vec<Range<u32>>,
}

/// Review status of a customer reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceStatus {
    /// Approved by the reviewer.
    Approved,
    /// Rejected by the reviewer.
    Rejected,
    /// Awaiting review.
    Pending,
}

/// Table `customer_references`, sorted by (partner, submitted date).
#[derive(Debug, Clone, Default)]
pub struct CustomerReferences {
    /// `partner_id`.
    pub partner: Vec<PartnerIdx>,
    /// `program`, lower-cased.
    pub program: Vec<String>,
    /// `tenant_id`, if given.
    pub tenant: Vec<Option<TenantIdx>>,
    /// `submitted_date`.
    pub submitted: Vec<NaiveDate>,
    /// `status`.
    pub status: Vec<ReferenceStatus>,
    /// `reviewed_date`, if given.
    pub reviewed: Vec<Option<NaiveDate>>,
    /// Source line.
    pub line: Vec<u32>,
    /// Row range of each partner, indexed by [`PartnerIdx`].
    pub by_partner: Vec<Range<u32>>,
}

/// A whole dataset, validated. Tables that were absent are empty.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// `partners` (required).
    pub partners: Partners,
    /// Every tenant id seen in any table.
    pub tenants: Interner,
    /// `tenants` details.
    pub tenant_info: TenantInfo,
    /// Every person id seen.
    pub people: Interner,
    /// Every subscription id seen.
    pub subscriptions: Interner,
    /// Every Azure service name seen (as written, trimmed).
    pub services: Interner,
    /// Every Azure offer name seen (as written, trimmed).
    pub offers: Interner,
    /// `associations`.
    pub associations: Associations,
    /// `m365_usage`.
    pub m365_usage: M365Usage,
    /// `azure_usage`.
    pub azure_usage: AzureUsage,
    /// `bizapps_usage`.
    pub bizapps_usage: BizAppsUsage,
    /// `certifications`.
    pub certifications: Certifications,
    /// `exams`.
    pub exams: Exams,
    /// `enrollments`.
    pub enrollments: Enrollments,
    /// `customer_references`.
    pub customer_references: CustomerReferences,
    /// Names of the tables that were present (`"m365_usage"`, ...).
    pub present: Vec<String>,
    /// The latest month of any usage table, if any.
    pub latest_month: Option<Month>,
    /// The months each present usage table covers (counted on every valid row, kept
    /// or not).
    pub coverage: crate::coverage::Coverage,
    /// The usage months kept, when the load kept only some (`None`: every row).
    pub usage_window: Option<crate::window::UsageWindow>,
}

/// Half-open row range of `key` in `by` (empty when out of range).
#[must_use]
pub fn rows_of(by: &[Range<u32>], key: usize) -> Range<usize> {
    by.get(key)
        .map_or(0..0, |r| r.start as usize..r.end as usize)
}

#[cfg(test)]
mod tests {
    use super::Interner;

    fn interner(names: &[&str]) -> Interner {
        let mut i = Interner::default();
        for n in names {
            i.intern(n);
        }
        i
    }

    #[test]
    fn one_interner_is_numbered_in_name_order() {
        let (c, [map]) = Interner::merge_sorted([interner(&["b", "c", "a"])]);
        assert_eq!(c.name(0), "a");
        assert_eq!(c.name(2), "c");
        assert_eq!(map, vec![1, 2, 0]);
    }

    #[test]
    fn interners_are_numbered_together() {
        let (c, [x, y]) =
            Interner::merge_sorted([interner(&["t2", "t1"]), interner(&["t3", "t1"])]);
        assert_eq!(c.names().collect::<Vec<_>>(), vec!["t1", "t2", "t3"]);
        assert_eq!(x, vec![1, 0]);
        assert_eq!(y, vec![2, 0]);
        assert_eq!(c.get("t3"), Some(2));
        // Names already in order keep their ids.
        let (c, [x, y]) = Interner::merge_sorted([interner(&["a", "b"]), interner(&["c"])]);
        assert_eq!((x, y), (vec![0, 1], vec![2]));
        assert_eq!(c.len(), 3);
    }
}
