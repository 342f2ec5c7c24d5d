//! Reading the input folder in two passes.
//!
//! Pass 1 recognises each file's kind from its header and reads the account
//! hierarchy (which accounts are locations of which global account) from every row
//! that names accounts, so that pass 2 knows, for any row, the global account it
//! belongs to. Pass 2 sends every row through its kind's handler into order-free
//! accumulators (sets, maxima and sums keyed by value), which `build` turns into the
//! canonical tables. Nothing depends on the order of rows or files except the line
//! numbers quoted in the report.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use capscore_catalog::Catalog;
use capscore_core::text::check_code;
use capscore_core::{AssocTypeId, Month, NaiveDate, Num, Vocabulary, WorkloadId};
use csv::StringRecord;
use num_traits::CheckedAdd;

use crate::dates;
use crate::error::{ImportError, Problem, Problems};
use crate::parse::{self, DateOrder};
use crate::read::{self, Opened};
use crate::report::{FileReport, MonthSpan, Unrecognised};
use crate::rules::{Handler, Kind, Level, NotAssociation, Rules, fold_header, fold_value};

/// A file of the input folder that has a recognised, importable kind.
pub(crate) struct TableFile {
    pub name: String,
    pub path: PathBuf,
    pub kind: usize,
    pub delimiter: u8,
    pub header: Vec<String>,
    pub fields: HashMap<String, usize>,
}

/// One row of a table file, read through the field names of the rules.
pub(crate) struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    record: &'a StringRecord,
    fields: &'a HashMap<String, usize>,
    header: &'a [String],
}

impl<'a> Row<'a> {
    /// Whether the file has a column for the field.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    /// The field's value, trimmed; `None` when the column is absent or the cell empty.
    pub(crate) fn text(&self, field: &str) -> Option<&'a str> {
        let i = *self.fields.get(field)?;
        let v = self.record.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// The header the field was read from, as written.
    pub(crate) fn column(&self, field: &str) -> Option<&'a str> {
        let i = *self.fields.get(field)?;
        self.header.get(i).map(String::as_str)
    }

    pub(crate) fn problem(&self, field: &str, message: String) -> Problem {
        Problem::at(self.file, self.line, self.column(field), message)
    }

    fn location(&self, field: &str) -> String {
        match self.column(field) {
            Some(c) => format!("{} line {}, column {c:?}", self.file, self.line),
            None => format!("{} line {}", self.file, self.line),
        }
    }
}

/// An id value: trimmed, `None` when empty or a "nothing here" value.
fn id<'a>(rules: &Rules, row: &Row<'a>, field: &str) -> Option<&'a str> {
    row.text(field).filter(|v| !rules.is_missing(v))
}

/// Tenant ids are GUIDs: compared and written in lower case, without braces.
fn tenant_key(v: &str) -> std::borrow::Cow<'_, str> {
    let v = v.trim_matches(|c| c == '{' || c == '}');
    if v.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(v.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

/// A text met on many rows (a tenant, an account, a subscription...), stored once.
pub(crate) type Name = Rc<str>;

// ---------------------------------------------------------------------------------
// Pass 1: kinds and the account hierarchy.
// ---------------------------------------------------------------------------------

/// A name offered for an account or a tenant: the best (rank, then latest month, then
/// smallest text) wins, whatever the order they come in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pick {
    best: Option<(u8, Option<Month>, String)>,
}

impl Pick {
    pub(crate) fn offer(&mut self, rank: u8, month: Option<Month>, value: &str) {
        let better = match &self.best {
            None => true,
            Some((r, m, v)) => {
                (rank, month) > (*r, *m) || ((rank, month) == (*r, *m) && value < v.as_str())
            }
        };
        if better {
            self.best = Some((rank, month, value.to_string()));
        }
    }

    pub(crate) fn value(&self) -> &str {
        self.best.as_ref().map_or("", |(_, _, v)| v.as_str())
    }
}

/// Evidence about accounts, from every row that names one.
#[derive(Debug, Default)]
pub(crate) struct Hierarchy {
    known: BTreeSet<String>,
    parents: BTreeMap<String, BTreeSet<String>>,
    globals: BTreeSet<String>,
    names: BTreeMap<String, Pick>,
}

/// Rank of names given by the partner profile over names given elsewhere.
const PROFILE_RANK: u8 = 2;
const OTHER_RANK: u8 = 1;

impl Hierarchy {
    fn row(&mut self, rules: &Rules, row: &Row<'_>, rank: u8) {
        let p = id(rules, row, "partner_id");
        let g = id(rules, row, "global_partner_id");
        if let Some(p) = p {
            self.known.insert(p.to_string());
            if let Some(n) = row.text("partner_name") {
                self.names
                    .entry(p.to_string())
                    .or_default()
                    .offer(rank, None, n);
            }
            match row.text("hierarchy").and_then(|h| rules.level(h)) {
                Some(Level::Global) => {
                    self.globals.insert(p.to_string());
                }
                Some(Level::Location) | None => {}
            }
        }
        if let Some(g) = g {
            self.known.insert(g.to_string());
            self.globals.insert(g.to_string());
            if let Some(n) = row.text("global_partner_name") {
                self.names
                    .entry(g.to_string())
                    .or_default()
                    .offer(rank, None, n);
            } else if p.is_none()
                && let Some(n) = row.text("partner_name")
            {
                self.names
                    .entry(g.to_string())
                    .or_default()
                    .offer(rank, None, n);
            }
        }
        if let (Some(p), Some(g)) = (p, g)
            && p != g
        {
            self.parents
                .entry(p.to_string())
                .or_default()
                .insert(g.to_string());
        }
    }
}

/// The accounts kept, each with its global account (`None` for a global account),
/// and the accounts of other global accounts (`--partner-global-id`).
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    pub parent: BTreeMap<String, Option<String>>,
    pub names: BTreeMap<String, String>,
    excluded: BTreeMap<String, String>,
    pga: Option<String>,
}

impl Accounts {
    /// The accounts, their global accounts and which are kept.
    ///
    /// # Errors
    /// The message when `pga` is an account no file has (listing the global accounts
    /// the files have).
    fn resolve(
        h: Hierarchy,
        pga: Option<&str>,
        notes: &mut Vec<String>,
    ) -> Result<Accounts, String> {
        let mut known = h.known;
        let mut parent: BTreeMap<String, Option<String>> = BTreeMap::new();
        for p in &known {
            let cands: Vec<&String> = h
                .parents
                .get(p)
                .map(|s| s.iter().filter(|c| *c != p).collect())
                .unwrap_or_default();
            if let Some(first) = cands.first() {
                if cands.len() > 1 {
                    let list: Vec<&str> = cands.iter().map(|c| c.as_str()).collect();
                    notes.push(format!(
                        "account {p} has several global accounts in the files ({}): {first} is used",
                        list.join(", ")
                    ));
                }
                if h.globals.contains(p) {
                    notes.push(format!(
                        "account {p} is a global account in some rows and a location of {first} in others: it is counted as a location of {first}"
                    ));
                }
                parent.insert(p.clone(), Some((*first).clone()));
            } else {
                parent.insert(p.clone(), None);
            }
        }
        // Break cycles: the smallest account of a cycle becomes a global account.
        let ids: Vec<String> = parent.keys().cloned().collect();
        for start in &ids {
            let mut path: Vec<String> = vec![start.clone()];
            let mut cur = start.clone();
            while let Some(Some(next)) = parent.get(&cur).cloned() {
                if let Some(pos) = path.iter().position(|x| *x == next) {
                    let cycle = &path[pos..];
                    if let Some(min) = cycle.iter().min().cloned() {
                        notes.push(format!(
                            "accounts {} name each other as global account: {min} is taken as the global account",
                            cycle.join(", ")
                        ));
                        parent.insert(min, None);
                    }
                    break;
                }
                path.push(next.clone());
                cur = next;
            }
        }
        let root_of = |parent: &BTreeMap<String, Option<String>>, p: &str| -> String {
            let mut cur = p.to_string();
            let mut steps = 0;
            while let Some(Some(next)) = parent.get(&cur) {
                cur = next.clone();
                steps += 1;
                if steps > parent.len() {
                    break;
                }
            }
            cur
        };
        let mut excluded = BTreeMap::new();
        if let Some(g) = pga {
            if !known.contains(g) {
                let globals: Vec<String> = parent
                    .iter()
                    .filter(|(_, up)| up.is_none())
                    .map(|(p, _)| match h.names.get(p) {
                        Some(n) => format!("{p} ({})", n.value()),
                        None => p.clone(),
                    })
                    .collect();
                return Err(format!(
                    "global account {g:?} (--partner-global-id) is in no file; the global accounts the files have: {}",
                    if globals.is_empty() {
                        "none".to_string()
                    } else {
                        globals.join(", ")
                    }
                ));
            }
            known.insert(g.to_string());
            parent.entry(g.to_string()).or_insert(None);
            let mut adopted = Vec::new();
            for p in &known {
                if p != g && root_of(&parent, p) == *p && !h.globals.contains(p) {
                    adopted.push(p.clone());
                }
            }
            if !adopted.is_empty() {
                notes.push(format!(
                    "{} account(s) with no global account in the files counted as locations of {g}: {}",
                    adopted.len(),
                    adopted.join(", ")
                ));
            }
            for p in adopted {
                parent.insert(p, Some(g.to_string()));
            }
            for p in &known {
                let r = root_of(&parent, p);
                if r != g {
                    excluded.insert(p.clone(), r);
                }
            }
            let others: BTreeSet<&String> = excluded.values().collect();
            if !others.is_empty() {
                let list: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
                notes.push(format!(
                    "rows of other global accounts ({}) are skipped",
                    list.join(", ")
                ));
            }
        }
        let mut flat = BTreeMap::new();
        for p in &known {
            if excluded.contains_key(p) {
                continue;
            }
            let r = root_of(&parent, p);
            flat.insert(p.clone(), (r != *p).then_some(r));
        }
        let names = h
            .names
            .iter()
            .map(|(k, v)| (k.clone(), v.value().to_string()))
            .collect();
        Ok(Accounts {
            parent: flat,
            names,
            excluded,
            pga: pga.map(str::to_string),
        })
    }

    /// Why rows of this account are skipped, if they are.
    fn skip_reason(&self, p: &str) -> Option<String> {
        let root = self.excluded.get(p)?;
        Some(format!(
            "an account of global account {root}, not of --partner-global-id {}",
            self.pga.as_deref().unwrap_or("")
        ))
    }
}

// ---------------------------------------------------------------------------------
// Pass 2: accumulators.
// ---------------------------------------------------------------------------------

/// Paid units and active users of one usage line, merged over rows that should agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reduced {
    pub paid: u64,
    pub active: u64,
    pub conflict: bool,
}

impl Reduced {
    fn merge(&mut self, paid: u64, active: u64) {
        if (paid, active) != (self.paid, self.active) {
            self.conflict = true;
        }
        self.paid = self.paid.max(paid);
        self.active = self.active.max(active);
    }
}

/// Association evidence from monthly presence: (kind, partner, tenant, type,
/// workload, subscription).
pub(crate) type PresenceKey = (Name, Name, Name, AssocTypeId, Option<WorkloadId>, Name);
/// A CPOR claim: (kind, partner, tenant, type, workload, `DateAssociated`).
pub(crate) type ClaimKey = (Name, Name, Name, AssocTypeId, Option<WorkloadId>, NaiveDate);
/// A usage line: (tenant, workload, month, kind of file, line). The line is the EMS
/// subscription and SKU; empty for tenant-level datasets.
pub(crate) type M365Key = (Name, WorkloadId, Month, Name, Name);
/// An Azure consumption line: (tenant, subscription, service, offer, month, detail).
pub(crate) type AzureKey = (Name, Name, Name, Name, Month, Name);

/// ACR of an Azure consumption line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AzureFact {
    pub value: Num,
    pub conflict: bool,
}

/// Business applications revenue and units of a (tenant, workload, month,
/// subscription), merged over rows that should agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BizFact {
    pub revenue: Option<Num>,
    pub units: Option<Num>,
    pub conflict: bool,
}

fn merge_max(slot: &mut Option<Num>, v: Option<Num>, conflict: &mut bool) {
    if let Some(v) = v {
        match slot {
            Some(cur) if *cur != v => {
                *conflict = true;
                if v > *cur {
                    *cur = v;
                }
            }
            Some(_) => {}
            None => *slot = Some(v),
        }
    }
}

/// Name and country of a tenant.
#[derive(Debug, Clone, Default)]
pub(crate) struct TenantPicks {
    pub name: Pick,
    pub country: Pick,
}

/// Everything pass 2 gathers.
#[derive(Debug, Default)]
pub(crate) struct Acc {
    pub tenants: BTreeMap<Name, TenantPicks>,
    pub coverage: BTreeMap<Name, BTreeSet<Month>>,
    pub presence: BTreeMap<PresenceKey, BTreeSet<Month>>,
    pub claims: BTreeMap<ClaimKey, BTreeSet<Month>>,
    pub m365: BTreeMap<M365Key, Reduced>,
    pub azure: BTreeMap<AzureKey, AzureFact>,
    pub biz: BTreeMap<(Name, WorkloadId, Month, Name), BizFact>,
    /// (partner, person, certification, earned) → expiry.
    pub certs: BTreeMap<(Name, String, String, NaiveDate), Option<NaiveDate>>,
}

/// How an attribution value resolved.
#[derive(Debug, Clone)]
enum Attr {
    Type(AssocTypeId),
    Not(NotAssociation, String),
    Unknown(String),
    Absent,
}

/// What happened to a row.
enum Outcome {
    Used,
    Skip(String),
}

/// Skip reasons and notes used by several handlers.
const INVALID: &str = "invalid value (listed as a problem)";
const NO_PARTNER: &str = "no partner id";
const NO_TENANT: &str = "no customer tenant id";
const NO_MONTH: &str = "no month";

/// Everything the handlers share.
pub(crate) struct Ctx<'a> {
    pub rules: &'a Rules,
    pub catalog: &'a Catalog,
    pub accounts: Accounts,
    pub acc: Acc,
    pub problems: Problems,
    unrecognised: BTreeMap<(String, String), Unrecognised>,
    unrecognised_first: BTreeMap<(String, String), (String, u64)>,
    pub titles: BTreeMap<(String, String, String), u64>,
    workloads: HashMap<String, Option<WorkloadId>>,
    attributions: HashMap<String, Attr>,
    names: HashSet<Name>,
    /// (kind index, month) → the file the month is taken from.
    month_owner: BTreeMap<(usize, Month), String>,
    /// The file being read.
    file: FileReport,
    /// The order of day and month in the slashed dates of the file being read.
    order: DateOrder,
    file_months: BTreeSet<Month>,
}

impl Ctx<'_> {
    /// The stored copy of a text.
    fn name(&mut self, s: &str) -> Name {
        if let Some(n) = self.names.get(s) {
            return n.clone();
        }
        let n: Name = Rc::from(s);
        self.names.insert(n.clone());
        n
    }

    fn note(&mut self, what: &str) {
        match self.file.notes.get_mut(what) {
            Some(n) => *n += 1,
            None => {
                self.file.notes.insert(what.to_string(), 1);
            }
        }
    }

    fn unrecognised(&mut self, row: &Row<'_>, field: &str, what: &str, value: &str, effect: &str) {
        let key = (what.to_string(), value.to_string());
        let here = (row.file.to_string(), row.line);
        let first = self
            .unrecognised_first
            .entry(key.clone())
            .or_insert_with(|| here.clone());
        let earlier = here < *first;
        if earlier {
            *first = here;
        }
        let u = self
            .unrecognised
            .entry(key)
            .or_insert_with(|| Unrecognised {
                what: what.to_string(),
                value: value.to_string(),
                rows: 0,
                first_seen: row.location(field),
                effect: effect.to_string(),
            });
        u.rows += 1;
        if earlier {
            u.first_seen = row.location(field);
        }
    }

    fn problem(&mut self, p: Problem) -> Outcome {
        self.problems.push(p);
        Outcome::Skip(INVALID.to_string())
    }

    /// An id value checked by the dataset's rules for ids
    /// ([`capscore_core::text::check_code`]), as the loader will check it.
    fn checked_id<'r>(&mut self, row: &Row<'r>, field: &str) -> Result<Option<&'r str>, Outcome> {
        match id(self.rules, row, field) {
            Some(v) => match check_code(v) {
                Ok(()) => Ok(Some(v)),
                Err(m) => Err(self.problem(row.problem(field, m))),
            },
            None => Ok(None),
        }
    }

    /// The row's account: its own id, else its global account's id.
    fn partner(&mut self, row: &Row<'_>) -> Result<Name, Outcome> {
        let own = self.checked_id(row, "partner_id")?;
        let global = self.checked_id(row, "global_partner_id")?;
        let p = own
            .or(global)
            .ok_or_else(|| Outcome::Skip(NO_PARTNER.to_string()))?;
        match self.accounts.skip_reason(p) {
            Some(why) => Err(Outcome::Skip(why)),
            None => Ok(self.name(p)),
        }
    }

    fn tenant(&mut self, row: &Row<'_>) -> Result<Name, Outcome> {
        let t = self
            .checked_id(row, "tenant_id")?
            .map(tenant_key)
            .ok_or_else(|| Outcome::Skip(NO_TENANT.to_string()))?;
        Ok(self.name(&t))
    }

    /// An optional id (subscription): its stored copy, empty when missing.
    fn opt_id(&mut self, row: &Row<'_>, field: &str) -> Result<Name, Outcome> {
        let v = self.checked_id(row, field)?.unwrap_or("");
        Ok(self.name(v))
    }

    fn month(&mut self, row: &Row<'_>) -> Result<Month, Outcome> {
        let Some(v) = row.text("month") else {
            return Err(Outcome::Skip(NO_MONTH.to_string()));
        };
        parse::month(v, self.order).map_err(|e| self.problem(row.problem("month", e)))
    }

    fn date(&mut self, row: &Row<'_>, field: &str) -> Result<Option<NaiveDate>, Outcome> {
        match row.text(field) {
            None => Ok(None),
            Some(v) => parse::date(v, self.order)
                .map(Some)
                .map_err(|e| self.problem(row.problem(field, e))),
        }
    }

    /// A count; an empty cell is 0 (noted).
    fn count(&mut self, row: &Row<'_>, field: &str) -> Result<u64, Outcome> {
        match row.text(field) {
            None => {
                if row.has(field) {
                    let note = format!("empty {} read as 0", row.column(field).unwrap_or(field));
                    self.note(&note);
                }
                Ok(0)
            }
            Some(v) => parse::whole(v).map_err(|e| self.problem(row.problem(field, e))),
        }
    }

    fn number(&mut self, row: &Row<'_>, field: &str) -> Result<Option<Num>, Outcome> {
        match row.text(field) {
            None => Ok(None),
            Some(v) => parse::decimal(v)
                .map(Some)
                .map_err(|e| self.problem(row.problem(field, e))),
        }
    }

    /// A dedup flag: whether the row is a duplicate at the global-account level.
    fn duplicate(&mut self, row: &Row<'_>, field: &str) -> Result<bool, Outcome> {
        if !row.has(field) {
            return Ok(false);
        }
        let v = row.text(field).unwrap_or("");
        self.rules.flag(v).ok_or_else(|| {
            self.problem(row.problem(field, format!("a dedup flag must be 0 or 1, not {v:?}")))
        })
    }

    fn workload(&mut self, name: &str) -> Option<WorkloadId> {
        if let Some(w) = self.workloads.get(name) {
            return *w;
        }
        let w = self.catalog.workload(name);
        self.workloads.insert(name.to_string(), w);
        w
    }

    fn resolve_attribution(&mut self, value: &str) -> Attr {
        if let Some(a) = self.attributions.get(value) {
            return a.clone();
        }
        let key = fold_value(value);
        let a = if let Some(target) = self.rules.attribution_types.get(&key) {
            self.catalog
                .association_type(target)
                .map_or_else(|| Attr::Unknown(value.to_string()), Attr::Type)
        } else if let Some(n) = self.rules.not_associations.get(&key) {
            Attr::Not(n.clone(), value.to_string())
        } else if let Some(t) = self.catalog.association_type(value) {
            Attr::Type(t)
        } else {
            Attr::Unknown(value.to_string())
        };
        self.attributions.insert(value.to_string(), a.clone());
        a
    }

    /// The row's attribution, with its notes and unrecognised values recorded.
    /// `effect` says what an unknown value leads to.
    fn attribution(&mut self, row: &Row<'_>, kind: &Kind, effect: &str) -> Attr {
        let a = match row.text("attribution") {
            Some(v) => self.resolve_attribution(v),
            None => match &kind.default_attribution {
                Some(d) => self.resolve_attribution(d),
                None if row.has("attribution") => Attr::Unknown(String::new()),
                None => Attr::Absent,
            },
        };
        match &a {
            Attr::Type(_) => {}
            Attr::Not(n, v) => {
                let note = format!("attribution {v:?} makes no association: {}", n.reason);
                self.note(&note);
            }
            Attr::Unknown(v) => {
                self.unrecognised(row, "attribution", "attribution", v, effect);
                self.note("attribution not recognised: no association");
            }
            Attr::Absent => self.note("no attribution column: no association"),
        }
        a
    }

    fn tenant_seen(&mut self, row: &Row<'_>, tenant: &Name, rank: u8, month: Option<Month>) {
        let t = self.acc.tenants.entry(tenant.clone()).or_default();
        if let Some(n) = row.text("tenant_name") {
            t.name.offer(rank, month, n);
        }
        if let Some(c) = row.text("tenant_country") {
            t.country.offer(rank, month, c);
        }
    }

    fn cover(&mut self, kind: &Kind, month: Month) {
        let k = self.name(&kind.id);
        self.acc.coverage.entry(k).or_default().insert(month);
    }

    fn presence(
        &mut self,
        kind: &Kind,
        key: (Name, Name, AssocTypeId, Option<WorkloadId>, Name),
        month: Month,
    ) {
        let (partner, tenant, t, w, sub) = key;
        let k = self.name(&kind.id);
        self.acc
            .presence
            .entry((k, partner, tenant, t, w, sub))
            .or_default()
            .insert(month);
    }

    fn m365_fact(
        &mut self,
        kind: &Kind,
        key: (Name, WorkloadId, Month),
        detail: &str,
        paid: u64,
        active: u64,
    ) {
        let (tenant, w, month) = key;
        let k = self.name(&kind.id);
        let d = self.name(detail);
        self.acc
            .m365
            .entry((tenant, w, month, k, d))
            .and_modify(|r| r.merge(paid, active))
            .or_insert(Reduced {
                paid,
                active,
                conflict: false,
            });
    }
}

// ---------------------------------------------------------------------------------
// Handlers, one per kind of file.
// ---------------------------------------------------------------------------------

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(o) => return o,
        }
    };
}

fn handle(ctx: &mut Ctx<'_>, kind: &Kind, row: &Row<'_>) -> (Outcome, Option<Month>) {
    match kind.handler {
        Handler::Profile => (profile(ctx, row), None),
        Handler::M365Usage | Handler::Cpor => usage(ctx, kind, row, m365_rest),
        Handler::Ems => usage(ctx, kind, row, ems_rest),
        Handler::Azure => usage(ctx, kind, row, azure_rest),
        Handler::Customers => customers(ctx, kind, row),
        Handler::Trainings => (trainings(ctx, row), None),
        Handler::Bizapps => usage(ctx, kind, row, bizapps_rest),
        Handler::Ignore => (Outcome::Skip("not imported".to_string()), None),
    }
}

fn profile(ctx: &mut Ctx<'_>, row: &Row<'_>) -> Outcome {
    tri!(ctx.partner(row));
    Outcome::Used
}

/// The parts every usage row starts with: account, tenant, month (the month counts
/// towards the kind's coverage).
fn usage_prelude(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
) -> Result<(Name, Name, Month), Outcome> {
    let partner = ctx.partner(row)?;
    let tenant = ctx.tenant(row)?;
    let month = ctx.month(row)?;
    if kind.one_file_per_month
        && let Some(owner) = ctx.month_owner.get(&(kind_index(ctx, kind), month))
        && owner != row.file
    {
        return Err(Outcome::Skip(format!(
            "month {month} is taken from {owner} (one file per month for this kind)"
        )));
    }
    ctx.cover(kind, month);
    Ok((partner, tenant, month))
}

/// What a usage row's kind does once its account, tenant and month are known.
type UsageRest = fn(&mut Ctx<'_>, &Kind, &Row<'_>, Name, Name, Month) -> Outcome;

/// A usage row: the common prelude, then the kind's own part.
fn usage(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
    rest: UsageRest,
) -> (Outcome, Option<Month>) {
    match usage_prelude(ctx, kind, row) {
        Ok((partner, tenant, month)) => (rest(ctx, kind, row, partner, tenant, month), Some(month)),
        Err(o) => (o, None),
    }
}

fn kind_index(ctx: &Ctx<'_>, kind: &Kind) -> usize {
    ctx.rules
        .kinds
        .iter()
        .position(|k| k.id == kind.id)
        .unwrap_or(usize::MAX)
}

/// `OfficeUsage` and CPOR - Microsoft 365 usage.
fn m365_rest(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
    partner: Name,
    tenant: Name,
    month: Month,
) -> Outcome {
    let Some(name) = row.text("workload") else {
        return Outcome::Skip("no workload name".to_string());
    };
    let paid = tri!(ctx.count(row, "paid_units"));
    let active = tri!(ctx.count(row, "active_users"));
    let duplicate = tri!(ctx.duplicate(row, "row_duplicate_for_global"));
    let claim_date = if kind.handler == Handler::Cpor {
        tri!(ctx.date(row, "date_associated"))
    } else {
        None
    };
    let Some(w) = ctx.workload(name) else {
        ctx.unrecognised(
            row,
            "workload",
            "workload",
            name,
            "rows skipped (the catalog does not know the workload)",
        );
        return Outcome::Skip("workload not in the catalog".to_string());
    };
    ctx.tenant_seen(row, &tenant, OTHER_RANK, Some(month));
    let attr = ctx.attribution(row, kind, "no association; the rows' usage is imported");
    let left = left_out(row, duplicate.then_some("row_duplicate_for_global"), &attr);
    if left.is_none() {
        ctx.m365_fact(kind, (tenant.clone(), w, month), "", paid, active);
    }
    if let Attr::Type(t) = attr {
        if let Some(start) = claim_date {
            let k = ctx.name(&kind.id);
            ctx.acc
                .claims
                .entry((k, partner, tenant, t, Some(w), start))
                .or_default()
                .insert(month);
        } else {
            if kind.handler == Handler::Cpor {
                ctx.note("no DateAssociated: association inferred from the months present");
            }
            let none = ctx.name("");
            ctx.presence(kind, (partner, tenant, t, Some(w), none), month);
        }
    }
    left.map_or(Outcome::Used, Outcome::Skip)
}

/// EMS usage: one workload per pair of seat / user columns.
fn ems_rest(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
    partner: Name,
    tenant: Name,
    month: Month,
) -> Outcome {
    if row
        .text("free_vs_paid")
        .is_some_and(|v| ctx.rules.is_free_sku(v))
    {
        return Outcome::Skip("free SKU (only paid seats count)".to_string());
    }
    let sub = tri!(ctx.opt_id(row, "subscription_id"));
    let sku = row.text("sku").unwrap_or("");
    let mut values = Vec::new();
    let rules = ctx.rules;
    for g in &rules.ems_workloads {
        if !row.has(&g.paid) && !row.has(&g.active) {
            continue;
        }
        let paid = tri!(ctx.count(row, &g.paid));
        let active = tri!(ctx.count(row, &g.active));
        if paid > 0 || active > 0 {
            values.push((g, paid, active));
        }
    }
    if values.is_empty() {
        return Outcome::Skip("no EMS workload with seats or users on the row".to_string());
    }
    let attr = ctx.attribution(row, kind, "no association; the rows' usage is imported");
    let left = left_out(row, None, &attr);
    let mut any = false;
    for (g, paid, active) in values {
        let Some(w) = ctx.workload(&g.workload) else {
            ctx.unrecognised(
                row,
                &g.paid,
                "workload",
                &g.workload,
                "its EMS columns are not imported (the catalog does not know the workload)",
            );
            continue;
        };
        any = true;
        if left.is_none() {
            ctx.m365_fact(
                kind,
                (tenant.clone(), w, month),
                &format!("{sub}\u{1f}{sku}"),
                paid,
                active,
            );
        }
        if let Attr::Type(t) = attr {
            ctx.presence(
                kind,
                (partner.clone(), tenant.clone(), t, Some(w), sub.clone()),
                month,
            );
        }
    }
    if !any {
        return Outcome::Skip("only workloads the catalog does not know".to_string());
    }
    ctx.tenant_seen(row, &tenant, OTHER_RANK, Some(month));
    left.map_or(Outcome::Used, Outcome::Skip)
}

/// Why a usage row's value is left out although the row is read (it still tells the
/// tenant and the association): the global account's dedup flag (`flag`, the field
/// whose value is 1) or an attribution whose usage is not imported. The report counts
/// such rows as skipped, with this reason.
fn left_out(row: &Row<'_>, flag: Option<&str>, attr: &Attr) -> Option<String> {
    if let Some(f) = flag {
        return Some(format!(
            "value left out: counted on another row of the global account ({} = 1)",
            row.column(f).unwrap_or(f)
        ));
    }
    match attr {
        Attr::Not(n, v) if !n.usage => {
            Some(format!("value left out: attribution {v:?} ({})", n.reason))
        }
        _ => None,
    }
}

/// Offer written when a file has no offer column or an empty cell.
const UNKNOWN_OFFER: &str = "Unknown";

/// Azure usage, download and API variants.
fn azure_rest(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
    partner: Name,
    tenant: Name,
    month: Month,
) -> Outcome {
    let Some(service) = row.text("service") else {
        return Outcome::Skip("no service name".to_string());
    };
    let Some(acr) = tri!(ctx.number(row, "acr")) else {
        return Outcome::Skip("no ACR value".to_string());
    };
    let duplicate = tri!(ctx.duplicate(row, "acr_duplicate_for_global"));
    let offer = if let Some(o) = row.text("offer") {
        o
    } else {
        ctx.note("no offer category: written as Unknown");
        UNKNOWN_OFFER
    };
    let sub = tri!(ctx.opt_id(row, "subscription_id"));
    let attr = ctx.attribution(row, kind, "no association; the rows' ACR is imported");
    let left = left_out(row, duplicate.then_some("acr_duplicate_for_global"), &attr);
    if left.is_none() {
        let detail: Vec<&str> = ctx
            .rules
            .azure_detail_fields()
            .map(|f| row.text(f).unwrap_or(""))
            .collect();
        let key = (
            tenant.clone(),
            sub.clone(),
            ctx.name(service),
            ctx.name(offer),
            month,
            ctx.name(&detail.join("\u{1f}")),
        );
        // With the dedup flag every counted row is its own consumption line (sum);
        // without it, rows that differ only in their partner columns are one line
        // seen through several attributions (kept once).
        let summing = row.has("acr_duplicate_for_global");
        let mut overflow = false;
        ctx.acc
            .azure
            .entry(key)
            .and_modify(|f| {
                if summing {
                    match f.value.checked_add(&acr) {
                        Some(v) => f.value = v,
                        None => overflow = true,
                    }
                } else if f.value != acr {
                    f.conflict = true;
                    f.value = f.value.max(acr);
                }
            })
            .or_insert(AzureFact {
                value: acr,
                conflict: false,
            });
        if overflow {
            return ctx.problem(row.problem("acr", "the ACR total is too large".to_string()));
        }
    }
    if let Attr::Type(t) = attr {
        ctx.presence(kind, (partner, tenant.clone(), t, None, sub), month);
    }
    ctx.tenant_seen(row, &tenant, OTHER_RANK, Some(month));
    left.map_or(Outcome::Used, Outcome::Skip)
}

/// Customers and Tenants: names and countries of tenants.
fn customers(ctx: &mut Ctx<'_>, kind: &Kind, row: &Row<'_>) -> (Outcome, Option<Month>) {
    let _partner = match ctx.partner(row) {
        Ok(p) => p,
        Err(o) => return (o, None),
    };
    let tenant = match ctx.tenant(row) {
        Ok(t) => t,
        Err(o) => return (o, None),
    };
    let month = match ctx.month(row) {
        Ok(m) => m,
        Err(o) => return (o, None),
    };
    ctx.tenant_seen(row, &tenant, PROFILE_RANK, Some(month));
    // Attributions here are per product (no workload, no subscription): they are
    // checked and reported, and make no association (see the crate documentation).
    let attr = ctx.attribution(
        row,
        kind,
        "none: Customers and Tenants rows give tenant names and countries only",
    );
    if let Attr::Type(_) = attr {
        ctx.note("product-level attribution: no association (the usage datasets give them per workload or subscription)");
    }
    (Outcome::Used, Some(month))
}

/// Trainings: one certification of one person per row.
fn trainings(ctx: &mut Ctx<'_>, row: &Row<'_>) -> Outcome {
    let partner = tri!(ctx.partner(row));
    if let Some(t) = row.text("training_type") {
        match ctx.rules.training_type(t) {
            Err(reason) => return Outcome::Skip(reason.to_string()),
            Ok(true) => {}
            Ok(false) => ctx.unrecognised(
                row,
                "training_type",
                "training type",
                t,
                "rows read as certifications (the title decides)",
            ),
        }
    }
    let Some(title) = row.text("training_title") else {
        return Outcome::Skip("no training title".to_string());
    };
    let earned = tri!(ctx.date(row, "completion_date"));
    let expires = tri!(ctx.date(row, "expiration_date"));
    let Some(earned) = earned else {
        return Outcome::Skip("no completion date".to_string());
    };
    let rules = ctx.rules;
    let Some(field) = rules
        .person_fields
        .iter()
        .find(|f| id(rules, row, f).is_some())
    else {
        return Outcome::Skip("no learner id or e-mail".to_string());
    };
    let Some(person) = tri!(ctx.checked_id(row, field)).map(str::to_lowercase) else {
        return Outcome::Skip("no learner id or e-mail".to_string());
    };
    let cert = if let Some(c) = ctx.catalog.certification(title) {
        let Some(def) = ctx.catalog.certifications.get(c.index()) else {
            return Outcome::Skip("certification not in the catalog".to_string());
        };
        let name = def.name.clone();
        let bare = bare_title(ctx.catalog, title);
        let how = if def.former_names.iter().any(|f| fold_value(&f.name) == bare) {
            Some("renamed")
        } else if def.retired.is_some() {
            Some("retired")
        } else {
            None
        };
        if let Some(how) = how {
            *ctx.titles
                .entry((title.to_string(), name.clone(), how.to_string()))
                .or_default() += 1;
        }
        name
    } else {
        ctx.unrecognised(
            row,
            "training_title",
            "certification title",
            title,
            "kept as written: eligible nowhere (the loader warns)",
        );
        title.to_string()
    };
    ctx.acc
        .certs
        .entry((partner, person, cert, earned))
        .and_modify(|e| {
            if let Some(x) = expires {
                *e = Some(e.map_or(x, |cur| cur.max(x)));
            }
        })
        .or_insert(expires);
    Outcome::Used
}

/// A title without a catalog prefix (`Microsoft 365 Certified:`), folded.
fn bare_title(catalog: &Catalog, title: &str) -> String {
    let t = fold_value(title);
    for p in &catalog.title_prefixes {
        if let Some(rest) = t.strip_prefix(&fold_value(p)) {
            return rest.trim().to_string();
        }
    }
    t
}

/// Business applications usage and revenue.
fn bizapps_rest(
    ctx: &mut Ctx<'_>,
    kind: &Kind,
    row: &Row<'_>,
    partner: Name,
    tenant: Name,
    month: Month,
) -> Outcome {
    if let Some(t) = row.text("metric_type") {
        match ctx.rules.metric_type(t) {
            Err(reason) => return Outcome::Skip(reason.to_string()),
            Ok(true) => {}
            Ok(false) => ctx.unrecognised(
                row,
                "metric_type",
                "metric type",
                t,
                "rows read as paid usage",
            ),
        }
    }
    let Some(name) = row.text("bizapps_workload") else {
        return Outcome::Skip("no workload name".to_string());
    };
    let revenue = tri!(ctx.number(row, "revenue"));
    let mut units = None;
    for f in ["units_mau", "units_pamau", "units_mac"] {
        if let Some(v) = tri!(ctx.number(row, f)) {
            if v < Num::from_integer(0) {
                return ctx.problem(
                    row.problem(f, format!("negative units: {}", row.text(f).unwrap_or(""))),
                );
            }
            units = Some(v);
            break;
        }
    }
    let Some(w) = ctx.workload(name) else {
        ctx.unrecognised(
            row,
            "bizapps_workload",
            "workload",
            name,
            "rows skipped (the catalog does not know the workload)",
        );
        return Outcome::Skip("workload not in the catalog".to_string());
    };
    let sub = tri!(ctx.opt_id(row, "subscription_id"));
    let attr = ctx.attribution(
        row,
        kind,
        "no association; the rows' revenue and usage are imported",
    );
    let left = left_out(row, None, &attr);
    if left.is_none() {
        let f = ctx
            .acc
            .biz
            .entry((tenant.clone(), w, month, sub.clone()))
            .or_default();
        let mut conflict = f.conflict;
        merge_max(&mut f.revenue, revenue, &mut conflict);
        merge_max(&mut f.units, units, &mut conflict);
        f.conflict = conflict;
    }
    if let Attr::Type(t) = attr {
        ctx.presence(kind, (partner, tenant.clone(), t, Some(w), sub), month);
    }
    ctx.tenant_seen(row, &tenant, OTHER_RANK, Some(month));
    left.map_or(Outcome::Used, Outcome::Skip)
}

// ---------------------------------------------------------------------------------
// The two passes.
// ---------------------------------------------------------------------------------

/// The result of reading the folder: accumulators and the report parts.
pub(crate) struct Read<'a> {
    pub ctx: Ctx<'a>,
    pub files: Vec<FileReport>,
    pub notes: Vec<String>,
}

impl Read<'_> {
    pub(crate) fn unrecognised(&self) -> Vec<Unrecognised> {
        self.ctx.unrecognised.values().cloned().collect()
    }
}

/// Lists the folder and recognises each file's kind.
fn scan(dir: &Path, rules: &Rules) -> Result<(Vec<FileReport>, Vec<TableFile>), ImportError> {
    let io = |e: std::io::Error| ImportError::Io {
        context: format!("cannot read the input folder {}", dir.display()),
        source: e,
    };
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    let listing = match std::fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ImportError::Input {
                problems: vec![Problem::file(
                    &dir.display().to_string(),
                    "the input folder does not exist".to_string(),
                )],
                omitted: 0,
            });
        }
        Err(e) => return Err(io(e)),
    };
    for entry in listing {
        let entry = entry.map_err(io)?;
        entries.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    entries.sort();
    let mut reports = Vec::new();
    let mut tables = Vec::new();
    let mut problems = Problems::default();
    for (name, path) in entries {
        let mut r = FileReport::new(&name);
        if path.is_dir() {
            r.status = "not recognised".to_string();
            r.reason = Some("a folder (not read)".to_string());
            reports.push(r);
            continue;
        }
        let opened = match read::open(&path, &name) {
            Ok(o) => o,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let (delimiter, header) = match opened {
            Opened::NotTable(why) => {
                r.status = "not recognised".to_string();
                r.reason = Some(why);
                reports.push(r);
                continue;
            }
            Opened::Table { delimiter, header } => (delimiter, header),
        };
        let folded: Vec<String> = header.iter().map(|h| fold_header(h)).collect();
        let fields = rules.resolve_header(&folded);
        r.columns = fields
            .iter()
            .filter_map(|(f, i)| header.get(*i).map(|h| (f.clone(), h.clone())))
            .collect();
        match rules.detect(&fields) {
            Ok(Some(k)) => {
                let Some(kind) = rules.kinds.get(k) else {
                    continue;
                };
                r.kind = Some(kind.id.clone());
                r.kind_name = Some(kind.name.clone());
                if kind.handler == Handler::Ignore {
                    r.status = "recognised, not imported".to_string();
                    r.reason.clone_from(&kind.reason);
                } else {
                    r.status = "imported".to_string();
                    tables.push(TableFile {
                        name: name.clone(),
                        path,
                        kind: k,
                        delimiter,
                        header,
                        fields,
                    });
                }
            }
            Ok(None) => {
                r.status = "not recognised".to_string();
                let shown: Vec<&str> = header.iter().take(8).map(String::as_str).collect();
                let more = if header.len() > 8 { ", …" } else { "" };
                r.reason = Some(format!(
                    "its columns match no Partner Center dataset capscore knows ({}{more})",
                    shown.join(", ")
                ));
            }
            Err(tied) => {
                r.status = "not recognised".to_string();
                r.reason = Some(format!(
                    "its columns fit several datasets equally ({}): add or remove a column",
                    tied.join("; ")
                ));
            }
        }
        reports.push(r);
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    Ok((reports, tables))
}

/// Reads the folder: both passes.
pub(crate) fn read_folder<'a>(
    dir: &Path,
    rules: &'a Rules,
    catalog: &'a Catalog,
    pga: Option<&str>,
    date_order: Option<DateOrder>,
) -> Result<Read<'a>, ImportError> {
    let (mut reports, tables) = scan(dir, rules)?;
    if tables.is_empty() {
        let mut listed: Vec<String> = reports
            .iter()
            .map(|r| {
                format!(
                    "{}: {}",
                    r.file,
                    r.reason.as_deref().unwrap_or(r.status.as_str())
                )
            })
            .collect();
        if listed.is_empty() {
            listed.push("the folder is empty".to_string());
        }
        return Err(ImportError::Input {
            problems: vec![Problem::file(
                &dir.display().to_string(),
                format!(
                    "no Partner Center file that capscore imports was found ({})",
                    listed.join("; ")
                ),
            )],
            omitted: 0,
        });
    }
    // Pass 1.
    let mut hierarchy = Hierarchy::default();
    // Month values of the files of kinds taken one file per month, as written (read
    // once the file's date order is known).
    let mut month_texts: BTreeMap<(usize, String), BTreeSet<String>> = BTreeMap::new();
    let mut orders: BTreeMap<String, DateOrder> = BTreeMap::new();
    let mut order_problems = Problems::default();
    for t in &tables {
        let Some(kind) = rules.kinds.get(t.kind) else {
            continue;
        };
        let rank = if kind.handler == Handler::Profile {
            PROFILE_RANK
        } else {
            OTHER_RANK
        };
        let mut structural = Vec::new();
        let mut evidence = dates::Evidence::default();
        read::rows(
            &t.path,
            &t.name,
            t.delimiter,
            &t.header,
            &mut structural,
            &mut |raw| {
                let row = Row {
                    file: &t.name,
                    line: raw.line,
                    record: raw.record,
                    fields: &t.fields,
                    header: &t.header,
                };
                hierarchy.row(rules, &row, rank);
                evidence.row(raw.line, raw.record, &t.header);
                if kind.one_file_per_month
                    && let Some(v) = row.text("month")
                {
                    month_texts
                        .entry((t.kind, t.name.clone()))
                        .or_default()
                        .insert(v.to_string());
                }
            },
        );
        // Structural problems are reported by pass 2, which reads the same rows.
        match evidence.decide(&t.name, date_order) {
            Ok((order, said)) => {
                orders.insert(t.name.clone(), order);
                if let Some(said) = said
                    && let Some(r) = reports.iter_mut().find(|r| r.file == t.name)
                {
                    r.date_order = Some(said);
                }
            }
            Err(p) => order_problems.push(p),
        }
    }
    if !order_problems.is_empty() {
        return Err(order_problems.into_error());
    }
    let mut file_months: BTreeMap<(usize, Month), BTreeSet<String>> = BTreeMap::new();
    for ((k, file), texts) in month_texts {
        let order = orders.get(&file).copied().unwrap_or(DateOrder::Mdy);
        for v in texts {
            if let Ok(m) = parse::month(&v, order) {
                file_months.entry((k, m)).or_default().insert(file.clone());
            }
        }
    }
    let mut notes = Vec::new();
    let accounts =
        Accounts::resolve(hierarchy, pga, &mut notes).map_err(|message| ImportError::Input {
            problems: vec![Problem::file(&dir.display().to_string(), message)],
            omitted: 0,
        })?;
    let mut month_owner = BTreeMap::new();
    for ((k, m), files) in file_months {
        if let Some(first) = files.iter().next() {
            if files.len() > 1 {
                let kind = rules.kinds.get(k).map_or("", |x| x.name.as_str());
                let others: Vec<&str> = files.iter().skip(1).map(String::as_str).collect();
                notes.push(format!(
                    "{kind}: {m} is in several files; taken from {first}, not from {}",
                    others.join(", ")
                ));
            }
            month_owner.insert((k, m), first.clone());
        }
    }
    let mut ctx = Ctx {
        rules,
        catalog,
        accounts,
        acc: Acc::default(),
        problems: Problems::default(),
        unrecognised: BTreeMap::new(),
        unrecognised_first: BTreeMap::new(),
        titles: BTreeMap::new(),
        workloads: HashMap::new(),
        attributions: HashMap::new(),
        names: HashSet::new(),
        month_owner,
        file: FileReport::new(""),
        order: DateOrder::Mdy,
        file_months: BTreeSet::new(),
    };
    // Pass 2.
    for t in &tables {
        let Some(kind) = rules.kinds.get(t.kind) else {
            continue;
        };
        let Some(slot) = reports.iter().position(|r| r.file == t.name) else {
            continue;
        };
        ctx.file = std::mem::replace(&mut reports[slot], FileReport::new(&t.name));
        ctx.order = orders.get(&t.name).copied().unwrap_or(DateOrder::Mdy);
        ctx.file_months.clear();
        let mut structural = Vec::new();
        let read_rows = read::rows(
            &t.path,
            &t.name,
            t.delimiter,
            &t.header,
            &mut structural,
            &mut |raw| {
                let row = Row {
                    file: &t.name,
                    line: raw.line,
                    record: raw.record,
                    fields: &t.fields,
                    header: &t.header,
                };
                let (outcome, month) = handle(&mut ctx, kind, &row);
                match outcome {
                    Outcome::Used => {
                        ctx.file.rows_used += 1;
                        if let Some(m) = month {
                            ctx.file_months.insert(m);
                        }
                    }
                    Outcome::Skip(why) => *ctx.file.rows_skipped.entry(why).or_default() += 1,
                }
            },
        );
        for p in structural {
            ctx.problems.push(p);
        }
        ctx.file.rows_read = read_rows;
        ctx.file.months = MonthSpan::of(&ctx.file_months);
        reports[slot] = std::mem::replace(&mut ctx.file, FileReport::new(""));
    }
    Ok(Read {
        ctx,
        files: reports,
        notes,
    })
}
