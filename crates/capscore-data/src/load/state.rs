//! What has been read so far: the rows of each table with provisional ids, the
//! interners, and the catalog lookups (cached per distinct name) that the table
//! readers use to resolve and check references.

use std::collections::HashMap;

use capscore_core::{
    AssocTypeId, CertId, Month, NaiveDate, Num, PartnerIdx, Vocabulary, WorkloadId,
};

use crate::coverage::UsageTable;
use crate::diag::{MAX_WARNINGS_PER_TABLE, quoted};
use crate::model::{Interner, Market, Partners, ReferenceStatus};
use crate::source::{DictKey, RowCtx};
use crate::window::{MonthTally, UsageWindow};

/// Values derived from the text of a dictionary-encoded column once per dictionary
/// entry (an interned id, a resolved workload); rows without an entry derive theirs.
/// Only successes are kept: a failing derivation reports its problem on every row.
pub(super) struct PerEntry<T> {
    dict: u32,
    values: Vec<Option<T>>,
    /// The last text interned without a dictionary entry, and its id: files list a
    /// tenant's rows together, and a column too varied for a dictionary (tenant and
    /// subscription ids) then repeats the row before's value.
    last: Option<(String, u32)>,
}

impl<T> Default for PerEntry<T> {
    fn default() -> Self {
        PerEntry {
            dict: 0,
            values: Vec::new(),
            last: None,
        }
    }
}

impl<T: Copy> PerEntry<T> {
    /// The value for the entry `key`, derived by `derive` the first time.
    pub(super) fn get_or(
        &mut self,
        key: Option<DictKey>,
        derive: impl FnOnce() -> Option<T>,
    ) -> Option<T> {
        let Some(key) = key else {
            return derive();
        };
        if key.dict != self.dict {
            self.dict = key.dict;
            self.values.clear();
        }
        let k = key.key as usize;
        if let Some(Some(v)) = self.values.get(k) {
            return Some(*v);
        }
        let v = derive();
        if self.values.len() <= k {
            self.values.resize(k + 1, None);
        }
        if let Some(slot) = self.values.get_mut(k) {
            *slot = v;
        }
        v
    }
}

impl PerEntry<u32> {
    /// The id of `name` in `interner`, interned once per dictionary entry.
    pub(super) fn intern(
        &mut self,
        key: Option<DictKey>,
        interner: &mut Interner,
        name: &str,
    ) -> u32 {
        if key.is_some() {
            return self
                .get_or(key, || Some(interner.intern(name)))
                .unwrap_or_default();
        }
        match &mut self.last {
            Some((text, id)) if text == name => *id,
            Some((text, id)) => {
                *id = interner.intern(name);
                text.clear();
                text.push_str(name);
                *id
            }
            None => {
                let id = interner.intern(name);
                self.last = Some((name.to_string(), id));
                id
            }
        }
    }
}

/// `; did you mean "A" or "B"?`, or nothing without suggestions.
pub(super) fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return " (no catalog name is close)".to_string();
    }
    let list: Vec<String> = suggestions
        .iter()
        .take(3)
        .map(|s| format!("{s:?}"))
        .collect();
    format!("; did you mean {}?", list.join(" or "))
}

/// The message for a name the catalog does not know: `unknown workload "X"; did you
/// mean "Y"?`. Suggestions are looked for only while problems are listed (`listing`):
/// past [`crate::MAX_PROBLEMS`] a problem is only counted, and looking for suggestions
/// for every distinct unknown name of a large file would take long for nothing.
pub(super) fn unknown(
    what: &str,
    name: &str,
    listing: bool,
    suggest: impl FnOnce() -> Vec<String>,
) -> String {
    let hint = if listing {
        did_you_mean(&suggest())
    } else {
        String::new()
    };
    format!("unknown {what} {}{hint}", quoted(name))
}

/// How a certification title resolved.
#[derive(Debug, Clone)]
pub(super) struct CertLookup {
    pub(super) id: Option<CertId>,
    /// The warning for rows with this title, if any (shared: every row of the title
    /// looks it up).
    pub(super) warning: Option<std::sync::Arc<str>>,
}

/// A certification warning, given once per title.
#[derive(Debug)]
pub(super) struct CertWarning {
    pub(super) line: u64,
    pub(super) rows: usize,
    pub(super) column: String,
    pub(super) message: String,
}

pub(super) struct PartnerRow {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) parent: Option<String>,
    pub(super) market: Market,
    pub(super) line: u32,
}

pub(super) struct TenantRow {
    pub(super) tenant: u32,
    pub(super) name: Option<String>,
    pub(super) country: Option<String>,
}

pub(super) struct AssocRow {
    pub(super) partner: PartnerIdx,
    pub(super) tenant: u32,
    pub(super) kind: AssocTypeId,
    pub(super) workload: Option<WorkloadId>,
    pub(super) subscription: Option<u32>,
    pub(super) start: NaiveDate,
    pub(super) end: Option<NaiveDate>,
    pub(super) line: u32,
}

/// A row of `m365_usage` (amounts: paid units, active users) or `bizapps_usage`
/// (revenue, units): a tenant's use of a workload in a month.
pub(super) struct WorkloadRow<V> {
    pub(super) tenant: u32,
    pub(super) workload: WorkloadId,
    pub(super) month: Month,
    pub(super) amounts: (V, V),
    pub(super) line: u32,
}

pub(super) type M365Row = WorkloadRow<u64>;
pub(super) type BizRow = WorkloadRow<Num>;

pub(super) struct AzureRow {
    pub(super) tenant: u32,
    pub(super) subscription: Option<u32>,
    pub(super) service: u32,
    pub(super) offer: u32,
    pub(super) month: Month,
    pub(super) acr: Num,
    pub(super) line: u32,
}

pub(super) struct CertRow {
    pub(super) partner: PartnerIdx,
    pub(super) person: u32,
    pub(super) cert: Option<CertId>,
    pub(super) title: String,
    pub(super) earned: NaiveDate,
    pub(super) expires: Option<NaiveDate>,
    pub(super) line: u32,
}

pub(super) struct ExamRow {
    pub(super) partner: PartnerIdx,
    pub(super) person: u32,
    pub(super) exam: String,
    pub(super) passed: NaiveDate,
    pub(super) line: u32,
}

pub(super) struct EnrollRow {
    pub(super) partner: PartnerIdx,
    pub(super) program: String,
    pub(super) level: Option<String>,
    pub(super) enrolled: NaiveDate,
    pub(super) anniversary: NaiveDate,
    pub(super) benefits: Option<String>,
    pub(super) line: u32,
}

pub(super) struct RefRow {
    pub(super) partner: PartnerIdx,
    pub(super) program: String,
    pub(super) tenant: Option<u32>,
    pub(super) submitted: NaiveDate,
    pub(super) status: ReferenceStatus,
    pub(super) reviewed: Option<NaiveDate>,
    pub(super) line: u32,
}

/// Everything read so far; ids of tenants, people, … are provisional (first come)
/// until [`State::finish`] renumbers them in name order.
pub(super) struct State<'v> {
    pub(super) vocab: &'v dyn Vocabulary,
    pub(super) present: Vec<String>,
    pub(super) files: HashMap<&'static str, String>,
    pub(super) tenants: Interner,
    pub(super) people: Interner,
    pub(super) subscriptions: Interner,
    /// Partner ids of valid partner rows.
    pub(super) partner_ids: HashMap<String, PartnerIdx>,
    /// Every partner id written in `partners`, valid row or not (to not report a
    /// reference to a partner whose own row has a problem).
    pub(super) partner_ids_written: HashMap<String, u64>,
    /// Whether `partners` could be read, so that references can be checked.
    pub(super) partners_known: bool,
    pub(super) workloads: HashMap<String, Result<WorkloadId, String>>,
    pub(super) assoc_types: HashMap<String, Result<AssocTypeId, String>>,
    pub(super) certs: HashMap<String, CertLookup>,
    /// Distinct unknown certification titles met so far.
    pub(super) unknown_titles: usize,
    pub(super) partners: Partners,
    pub(super) tenant_rows: Vec<TenantRow>,
    pub(super) assoc: Vec<AssocRow>,
    pub(super) cert_rows: Vec<CertRow>,
    pub(super) exams: Vec<ExamRow>,
    pub(super) enroll: Vec<EnrollRow>,
    pub(super) refs: Vec<RefRow>,
    /// The usage months kept (`None`: all).
    pub(super) window: Option<UsageWindow>,
}

/// The usage tables read so far, with ids of their own (provisional, first come) that
/// [`State::finish`] numbers together with the other tables': the usage tables need
/// nothing the other tables hold but the catalog, so they are read on a thread of
/// their own, beside the other tables.
pub(super) struct Usage<'v> {
    pub(super) vocab: &'v dyn Vocabulary,
    pub(super) tenants: Interner,
    pub(super) subscriptions: Interner,
    pub(super) services: Interner,
    pub(super) offers: Interner,
    pub(super) workloads: HashMap<String, Result<WorkloadId, String>>,
    pub(super) m365: Vec<M365Row>,
    pub(super) azure: Vec<AzureRow>,
    pub(super) biz: Vec<BizRow>,
    /// The usage months kept (`None`: all).
    pub(super) window: Option<UsageWindow>,
    /// Valid rows per month of each usage table, in [`UsageTable::ALL`] order.
    pub(super) tallies: [MonthTally; 3],
}

impl<'v> Usage<'v> {
    pub(super) fn new(vocab: &'v dyn Vocabulary, window: Option<UsageWindow>) -> Self {
        Usage {
            vocab,
            tenants: Interner::default(),
            subscriptions: Interner::default(),
            services: Interner::default(),
            offers: Interner::default(),
            workloads: HashMap::new(),
            m365: Vec::new(),
            azure: Vec::new(),
            biz: Vec::new(),
            window,
            tallies: Default::default(),
        }
    }

    /// Counts a valid usage row of month `m` in its table's coverage; whether the load
    /// keeps it.
    pub(super) fn tally(&mut self, table: UsageTable, m: Month, line: u32) -> bool {
        let i = UsageTable::ALL
            .iter()
            .position(|t| *t == table)
            .unwrap_or(0);
        if let Some(t) = self.tallies.get_mut(i) {
            t.count(m, line);
        }
        self.window.as_ref().is_none_or(|w| w.keeps(table, m))
    }

    /// A required workload name, resolved through the catalog once per dictionary
    /// entry of `cache`.
    pub(super) fn workload(
        &mut self,
        cache: &mut PerEntry<WorkloadId>,
        ctx: &mut RowCtx<'_>,
        slot: usize,
    ) -> Option<WorkloadId> {
        if ctx.get(slot).is_none() {
            ctx.required(slot);
            return None;
        }
        resolve_workload(self.vocab, (&mut self.workloads, cache), ctx, slot)
    }
}

/// A workload name (`None` for an empty cell), resolved through the catalog once per
/// dictionary entry of `per_entry`, else once per name of `names` (the names met so
/// far). An unknown name is reported on every row that has it.
pub(super) fn resolve_workload(
    vocab: &dyn Vocabulary,
    (names, per_entry): (
        &mut HashMap<String, Result<WorkloadId, String>>,
        &mut PerEntry<WorkloadId>,
    ),
    ctx: &mut RowCtx<'_>,
    slot: usize,
) -> Option<WorkloadId> {
    per_entry.get_or(ctx.key(slot), || {
        let name = ctx.get(slot)?;
        resolve(
            names,
            ctx,
            slot,
            name,
            ("workload", |n| vocab.workload(n)),
            || vocab.suggest_workloads(name),
        )
    })
}

/// A name of a catalog thing (`what`, found by `find`) written in a cell, through
/// `cache` (the names met so far): `None` after reporting an unknown name, with
/// suggestions while problems are listed.
fn resolve<T: Clone>(
    cache: &mut HashMap<String, Result<T, String>>,
    ctx: &mut RowCtx<'_>,
    slot: usize,
    name: &str,
    (what, find): (&str, impl Fn(&str) -> Option<T>),
    suggest: impl FnOnce() -> Vec<String>,
) -> Option<T> {
    let found = if let Some(r) = cache.get(name) {
        r.clone()
    } else {
        let listing = ctx.diags.listing();
        let r = find(name).ok_or_else(|| unknown(what, name, listing, suggest));
        cache.insert(name.to_string(), r.clone());
        r
    };
    found.map_err(|msg| ctx.error(slot, msg)).ok()
}

impl<'v> State<'v> {
    pub(super) fn new(vocab: &'v dyn Vocabulary, window: Option<UsageWindow>) -> Self {
        State {
            vocab,
            present: Vec::new(),
            files: HashMap::new(),
            tenants: Interner::default(),
            people: Interner::default(),
            subscriptions: Interner::default(),
            partner_ids: HashMap::new(),
            partner_ids_written: HashMap::new(),
            partners_known: false,
            workloads: HashMap::new(),
            assoc_types: HashMap::new(),
            certs: HashMap::new(),
            unknown_titles: 0,
            partners: Partners::default(),
            tenant_rows: Vec::new(),
            assoc: Vec::new(),
            cert_rows: Vec::new(),
            exams: Vec::new(),
            enroll: Vec::new(),
            refs: Vec::new(),
            window,
        }
    }

    /// A reference to a partner: must be a `partner_id` of `partners`.
    pub(super) fn partner(&self, ctx: &mut RowCtx<'_>, slot: usize) -> PartnerIdx {
        self.partner_of(ctx, slot).unwrap_or(PartnerIdx(0))
    }

    /// A reference to a partner, as [`State::partner`], through a cache per dictionary
    /// entry.
    pub(super) fn partner_cached(
        &self,
        cache: &mut PerEntry<PartnerIdx>,
        ctx: &mut RowCtx<'_>,
        slot: usize,
    ) -> PartnerIdx {
        cache
            .get_or(ctx.key(slot), || self.partner_of(ctx, slot))
            .unwrap_or(PartnerIdx(0))
    }

    /// The partner a reference names, or `None` after reporting why not.
    fn partner_of(&self, ctx: &mut RowCtx<'_>, slot: usize) -> Option<PartnerIdx> {
        let id = ctx.required(slot);
        if id.is_empty() {
            return None;
        }
        if let Some(&p) = self.partner_ids.get(id) {
            return Some(p);
        }
        if !self.partners_known || self.partner_ids_written.contains_key(id) {
            // `partners` itself has a problem, already reported.
            ctx.failed = true;
        } else {
            ctx.error(
                slot,
                format!("partner_id {} is not in partners", quoted(id)),
            );
        }
        None
    }

    /// A required association type, resolved through the catalog, or `None` after
    /// reporting why not.
    pub(super) fn assoc_type_of(
        &mut self,
        ctx: &mut RowCtx<'_>,
        slot: usize,
    ) -> Option<AssocTypeId> {
        let name = ctx.required(slot);
        if name.is_empty() {
            return None;
        }
        let vocab = self.vocab;
        let find = |n: &str| vocab.association_type(n);
        resolve(
            &mut self.assoc_types,
            ctx,
            slot,
            name,
            ("association type", find),
            || vocab.suggest_association_types(name),
        )
    }

    /// A required program (`designation:modern_work`), lower case, known to the catalog.
    pub(super) fn program(&self, ctx: &mut RowCtx<'_>, slot: usize) -> String {
        let program = ctx.required(slot).to_lowercase();
        if !program.is_empty() && !self.vocab.program(&program) {
            let listing = ctx.diags.listing();
            let vocab = self.vocab;
            let msg = unknown("program", &program, listing, || {
                vocab.suggest_programs(&program)
            });
            ctx.error(
                slot,
                format!(
                    "{msg} (a program is designation:AREA, competency:ID or specialization:ID \
                     of the catalog)"
                ),
            );
        }
        program
    }

    pub(super) fn cert(&mut self, title: &str) -> CertLookup {
        if let Some(c) = self.certs.get(title) {
            return c.clone();
        }
        let vocab = self.vocab;
        let lookup = match vocab.certification(title) {
            Some(id) if vocab.certification_listed(id) => CertLookup {
                id: Some(id),
                warning: None,
            },
            Some(id) => CertLookup {
                id: Some(id),
                warning: Some(
                    format!(
                        "certification {} is in the catalog but no area lists it: not eligible anywhere",
                        quoted(title)
                    )
                    .into(),
                ),
            },
            None => {
                // Suggestions for the titles whose warning is listed only.
                self.unknown_titles += 1;
                let suggestions = if self.unknown_titles <= MAX_WARNINGS_PER_TABLE {
                    vocab.suggest_certifications(title)
                } else {
                    Vec::new()
                };
                let closest = suggestions.first().map_or_else(
                    || "no catalog title is close".to_string(),
                    |s| format!("closest catalog title: {s:?}"),
                );
                CertLookup {
                    id: None,
                    warning: Some(
                        format!(
                            "unknown certification {}: not eligible anywhere; {closest}",
                            quoted(title)
                        )
                        .into(),
                    ),
                }
            }
        };
        self.certs.insert(title.to_string(), lookup.clone());
        lookup
    }
}
