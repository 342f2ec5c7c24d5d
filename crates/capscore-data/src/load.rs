//! The loading pipeline: find the table files, read each table row by row, check
//! every value, then intern, sort and index into a [`Dataset`].
//!
//! Everything that depends on input order is made canonical: partners are numbered
//! in `partner_id` order, tenants, people, subscriptions, services and offers in the
//! order of their names, and every table is sorted on all of its values (the source
//! line breaks ties only between identical rows). Permuting the rows of a file thus
//! gives the same dataset apart from the `line` columns.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use capscore_core::{
    AssocTypeId, CertId, Month, NaiveDate, Num, PartnerIdx, PersonIdx, TenantIdx, Vocabulary,
    WorkloadId,
};

use crate::csv_source::read_csv;
use crate::sort::sort_if_needed;

use crate::diag::{Diagnostic, Diags, LoadError, Loaded, MAX_WARNINGS_PER_TABLE, quoted};
use crate::model::{
    Associations, AzureUsage, BizAppsUsage, Certifications, CustomerReferences, Dataset,
    Enrollments, Exams, Interner, M365Usage, Market, Partners, ReferenceStatus, TenantInfo,
};
use crate::parquet_source::read_parquet;
use crate::source::{Column, Data, Format, Input, RowCtx, opt, req};

/// The tables a dataset may hold, in loading order (`partners` is required).
pub const TABLES: [&str; 10] = [
    "partners",
    "tenants",
    "associations",
    "m365_usage",
    "azure_usage",
    "bizapps_usage",
    "certifications",
    "exams",
    "enrollments",
    "customer_references",
];

const PARTNERS: [Column; 4] = [
    req("partner_id"),
    opt("name").text(),
    opt("parent_id"),
    opt("market"),
];
const TENANTS: [Column; 3] = [req("tenant_id"), opt("name").text(), opt("country").text()];
const ASSOCIATIONS: [Column; 7] = [
    req("partner_id"),
    req("tenant_id"),
    req("type"),
    opt("workload"),
    opt("subscription_id"),
    req("start_date"),
    opt("end_date"),
];
const M365: [Column; 5] = [
    req("tenant_id"),
    req("workload"),
    req("month"),
    req("paid_units"),
    req("active_users"),
];
const AZURE: [Column; 6] = [
    req("tenant_id"),
    opt("subscription_id"),
    req("service"),
    req("offer"),
    req("month"),
    req("acr_usd"),
];
const BIZAPPS: [Column; 5] = [
    req("tenant_id"),
    req("workload"),
    req("month"),
    opt("revenue_usd"),
    opt("units"),
];
const CERTIFICATIONS: [Column; 5] = [
    req("partner_id"),
    req("person_id"),
    req("certification").text(),
    req("earned_date"),
    opt("expires_date"),
];
const EXAMS: [Column; 4] = [
    req("partner_id"),
    req("person_id"),
    req("exam").text(),
    req("passed_date"),
];
const ENROLLMENTS: [Column; 6] = [
    req("partner_id"),
    req("program"),
    opt("level"),
    req("enrolled_date"),
    req("anniversary_date"),
    opt("benefits"),
];
const REFERENCES: [Column; 6] = [
    req("partner_id"),
    req("program"),
    opt("tenant_id"),
    req("submitted_date"),
    req("status"),
    opt("reviewed_date"),
];

/// Position of a table in [`TABLES`] plus one (0 for problems about no table), to
/// order diagnostics.
fn table_order(table: &str) -> usize {
    TABLES.iter().position(|t| *t == table).map_or(0, |i| i + 1)
}

/// Loads the dataset in a directory: `NAME.csv` or `NAME.parquet` for each table
/// of [`TABLES`] that is present (`partners` is required). Other files are ignored
/// with a warning.
///
/// # Errors
/// A [`LoadError`] listing every problem found (up to [`crate::MAX_PROBLEMS`]) when the
/// directory cannot be read, `partners` is missing, or any table has a problem; nothing
/// is loaded then.
pub fn load_dir(dir: &Path, vocab: &dyn Vocabulary) -> Result<Loaded, LoadError> {
    let mut diags = Diags::default();
    let place = dir.display().to_string();
    let dir_problem = |message: String| Diagnostic {
        table: String::new(),
        file: place.clone(),
        line: None,
        column: None,
        message,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => "the dataset directory does not exist".to_string(),
                _ => format!("cannot read the dataset directory: {e}"),
            };
            diags.error(dir_problem(message));
            return diags.finish(&table_order).map(|_| Loaded {
                dataset: Dataset::default(),
                warnings: Vec::new(),
            });
        }
    };
    let mut files: Vec<(String, Data<'static>)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => match entry.file_name().to_str() {
                Some(name) => files.push((name.to_string(), Data::Path(entry.path()))),
                None => diags.warn(Diagnostic {
                    table: String::new(),
                    file: entry.file_name().to_string_lossy().into_owned(),
                    line: None,
                    column: None,
                    message: "ignored: the file name is not valid UTF-8".to_string(),
                }),
            },
            Err(e) => diags.error(dir_problem(format!(
                "cannot read the dataset directory: {e}"
            ))),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    run(&place, files, vocab, diags)
}

/// Loads a dataset from files in memory, given as (file name, bytes) pairs such as
/// `("partners.csv", b"partner_id\nP1\n")`. Same rules and checks as [`load_dir`].
///
/// # Errors
/// A [`LoadError`] listing every problem found, as for [`load_dir`].
pub fn load_files(files: &[(&str, &[u8])], vocab: &dyn Vocabulary) -> Result<Loaded, LoadError> {
    let files = files
        .iter()
        .map(|(name, bytes)| ((*name).to_string(), Data::Bytes(bytes)))
        .collect();
    run("dataset", files, vocab, Diags::default())
}

/// The table and format a file name stands for.
fn classify_name(name: &str) -> Option<(usize, Format)> {
    let lower = name.to_ascii_lowercase();
    let (stem, format) = if let Some(stem) = lower.strip_suffix(".csv") {
        (stem, Format::Csv)
    } else if let Some(stem) = lower.strip_suffix(".parquet") {
        (stem, Format::Parquet)
    } else {
        return None;
    };
    TABLES.iter().position(|t| *t == stem).map(|i| (i, format))
}

/// Files a dataset folder may hold that are not tables and need no warning: the
/// report `capscore import` writes beside the tables it imported.
const KNOWN_NON_TABLES: [&str; 1] = ["import-report.json"];

/// Whether a file is documentation kept beside the tables (`README`, `README.md`,
/// `notes.txt`, …): read by people, not by capscore, and not worth a warning.
fn is_documentation(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("readme") || lower.ends_with(".md") || lower.ends_with(".txt")
}

fn run(
    place: &str,
    files: Vec<(String, Data<'_>)>,
    vocab: &dyn Vocabulary,
    mut diags: Diags,
) -> Result<Loaded, LoadError> {
    let mut inputs: Vec<Option<Input<'_>>> = vec![None; TABLES.len()];
    for (name, data) in files {
        if KNOWN_NON_TABLES.contains(&name.as_str()) || is_documentation(&name) {
            continue;
        }
        let Some((index, format)) = classify_name(&name) else {
            diags.warn(Diagnostic {
                table: String::new(),
                file: name,
                line: None,
                column: None,
                message: format!(
                    "ignored: not a table file (expected NAME.csv or NAME.parquet, NAME one of {})",
                    TABLES.join(", ")
                ),
            });
            continue;
        };
        let (Some(slot), Some(table)) = (inputs.get_mut(index), TABLES.get(index)) else {
            continue;
        };
        match slot {
            Some(first) => diags.error(Diagnostic {
                table: (*table).to_string(),
                file: name.clone(),
                line: None,
                column: None,
                message: format!(
                    "table {table} is given twice, as {} and {name}: keep one",
                    first.file
                ),
            }),
            None => {
                *slot = Some(Input {
                    table,
                    file: name,
                    format,
                    data,
                });
            }
        }
    }
    if inputs.first().is_none_or(Option::is_none) {
        diags.error(Diagnostic {
            table: "partners".to_string(),
            file: place.to_string(),
            line: None,
            column: None,
            message:
                "the required table partners is missing: expected partners.csv or partners.parquet"
                    .to_string(),
        });
    }
    let mut st = State::new(vocab);
    for input in inputs.iter().flatten() {
        st.present.push(input.table.to_string());
        st.files.insert(input.table, input.file.clone());
        match input.table {
            "partners" => st.load_partners(input, &mut diags),
            "tenants" => st.load_tenants(input, &mut diags),
            "associations" => st.load_associations(input, &mut diags),
            "m365_usage" => st.load_m365(input, &mut diags),
            "azure_usage" => st.load_azure(input, &mut diags),
            "bizapps_usage" => st.load_bizapps(input, &mut diags),
            "certifications" => st.load_certifications(input, &mut diags),
            "exams" => st.load_exams(input, &mut diags),
            "enrollments" => st.load_enrollments(input, &mut diags),
            _ => st.load_references(input, &mut diags),
        }
    }
    let dataset = st.finish(&mut diags);
    dataset
        .coverage
        .warnings()
        .into_iter()
        .for_each(|w| diags.warn(w));
    diags
        .finish(&table_order)
        .map(|warnings| Loaded { dataset, warnings })
}

/// Reads one table in its format.
fn read(
    input: &Input<'_>,
    columns: &[Column],
    diags: &mut Diags,
    on_row: &mut dyn FnMut(&mut RowCtx<'_>),
) -> bool {
    match input.format {
        Format::Csv => read_csv(input, columns, diags, on_row),
        Format::Parquet => read_parquet(input, columns, diags, on_row),
    }
}

/// `; did you mean "A" or "B"?`, or nothing without suggestions.
fn did_you_mean(suggestions: &[String]) -> String {
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
fn unknown(what: &str, name: &str, listing: bool, suggest: impl FnOnce() -> Vec<String>) -> String {
    let hint = if listing {
        did_you_mean(&suggest())
    } else {
        String::new()
    };
    format!("unknown {what} {}{hint}", quoted(name))
}

/// How a certification title resolved.
#[derive(Debug, Clone)]
struct CertLookup {
    id: Option<CertId>,
    /// The warning for rows with this title, if any.
    warning: Option<String>,
}

/// A certification warning, given once per title.
#[derive(Debug)]
struct CertWarning {
    line: u64,
    rows: usize,
    column: String,
    message: String,
}

struct PartnerRow {
    id: String,
    name: Option<String>,
    parent: Option<String>,
    market: Market,
    line: u32,
}

struct TenantRow {
    tenant: u32,
    name: Option<String>,
    country: Option<String>,
}

struct AssocRow {
    partner: PartnerIdx,
    tenant: u32,
    kind: AssocTypeId,
    workload: Option<WorkloadId>,
    subscription: Option<u32>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    line: u32,
}

struct M365Row {
    tenant: u32,
    workload: WorkloadId,
    month: Month,
    paid: u64,
    active: u64,
    line: u32,
}

struct AzureRow {
    tenant: u32,
    subscription: Option<u32>,
    service: u32,
    offer: u32,
    month: Month,
    acr: Num,
    line: u32,
}

struct BizRow {
    tenant: u32,
    workload: WorkloadId,
    month: Month,
    revenue: Num,
    units: Num,
    line: u32,
}

struct CertRow {
    partner: PartnerIdx,
    person: u32,
    cert: Option<CertId>,
    title: String,
    earned: NaiveDate,
    expires: Option<NaiveDate>,
    line: u32,
}

struct ExamRow {
    partner: PartnerIdx,
    person: u32,
    exam: String,
    passed: NaiveDate,
    line: u32,
}

struct EnrollRow {
    partner: PartnerIdx,
    program: String,
    level: Option<String>,
    enrolled: NaiveDate,
    anniversary: NaiveDate,
    benefits: Option<String>,
    line: u32,
}

struct RefRow {
    partner: PartnerIdx,
    program: String,
    tenant: Option<u32>,
    submitted: NaiveDate,
    status: ReferenceStatus,
    reviewed: Option<NaiveDate>,
    line: u32,
}

/// Everything read so far; ids of tenants, people, … are provisional (first come)
/// until [`State::finish`] renumbers them in name order.
struct State<'v> {
    vocab: &'v dyn Vocabulary,
    present: Vec<String>,
    files: HashMap<&'static str, String>,
    tenants: Interner,
    people: Interner,
    subscriptions: Interner,
    services: Interner,
    offers: Interner,
    /// Partner ids of valid partner rows.
    partner_ids: HashMap<String, PartnerIdx>,
    /// Every partner id written in `partners`, valid row or not (to not report a
    /// reference to a partner whose own row has a problem).
    partner_ids_written: HashMap<String, u64>,
    /// Whether `partners` could be read, so that references can be checked.
    partners_known: bool,
    workloads: HashMap<String, Result<WorkloadId, String>>,
    assoc_types: HashMap<String, Result<AssocTypeId, String>>,
    certs: HashMap<String, CertLookup>,
    /// Distinct unknown certification titles met so far.
    unknown_titles: usize,
    partners: Partners,
    tenant_rows: Vec<TenantRow>,
    assoc: Vec<AssocRow>,
    m365: Vec<M365Row>,
    azure: Vec<AzureRow>,
    biz: Vec<BizRow>,
    cert_rows: Vec<CertRow>,
    exams: Vec<ExamRow>,
    enroll: Vec<EnrollRow>,
    refs: Vec<RefRow>,
}

impl<'v> State<'v> {
    fn new(vocab: &'v dyn Vocabulary) -> Self {
        State {
            vocab,
            present: Vec::new(),
            files: HashMap::new(),
            tenants: Interner::default(),
            people: Interner::default(),
            subscriptions: Interner::default(),
            services: Interner::default(),
            offers: Interner::default(),
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
            m365: Vec::new(),
            azure: Vec::new(),
            biz: Vec::new(),
            cert_rows: Vec::new(),
            exams: Vec::new(),
            enroll: Vec::new(),
            refs: Vec::new(),
        }
    }

    /// A reference to a partner: must be a `partner_id` of `partners`.
    fn partner(&self, ctx: &mut RowCtx<'_>, slot: usize) -> PartnerIdx {
        let id = ctx.required(slot);
        if id.is_empty() {
            return PartnerIdx(0);
        }
        if let Some(&p) = self.partner_ids.get(id) {
            return p;
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
        PartnerIdx(0)
    }

    /// A required workload name, resolved through the catalog.
    fn workload(&mut self, ctx: &mut RowCtx<'_>, slot: usize) -> Option<WorkloadId> {
        let name = ctx.get(slot)?;
        let vocab = self.vocab;
        let listing = ctx.diags.listing();
        let found = if let Some(r) = self.workloads.get(name) {
            r.clone()
        } else {
            let r = vocab.workload(name).ok_or_else(|| {
                unknown("workload", name, listing, || vocab.suggest_workloads(name))
            });
            self.workloads.insert(name.to_string(), r.clone());
            r
        };
        match found {
            Ok(w) => Some(w),
            Err(msg) => {
                ctx.error(slot, msg);
                None
            }
        }
    }

    /// A required association type, resolved through the catalog.
    fn assoc_type(&mut self, ctx: &mut RowCtx<'_>, slot: usize) -> AssocTypeId {
        let name = ctx.required(slot);
        if name.is_empty() {
            return AssocTypeId(0);
        }
        let vocab = self.vocab;
        let listing = ctx.diags.listing();
        let found = if let Some(r) = self.assoc_types.get(name) {
            r.clone()
        } else {
            let r = vocab.association_type(name).ok_or_else(|| {
                unknown("association type", name, listing, || {
                    vocab.suggest_association_types(name)
                })
            });
            self.assoc_types.insert(name.to_string(), r.clone());
            r
        };
        found.unwrap_or_else(|msg| {
            ctx.error(slot, msg);
            AssocTypeId(0)
        })
    }

    /// A required program (`designation:modern_work`), lower case, known to the catalog.
    fn program(&self, ctx: &mut RowCtx<'_>, slot: usize) -> String {
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

    fn cert(&mut self, title: &str) -> CertLookup {
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
                warning: Some(format!(
                    "certification {} is in the catalog but no area lists it: not eligible anywhere",
                    quoted(title)
                )),
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
                    warning: Some(format!(
                        "unknown certification {}: not eligible anywhere; {closest}",
                        quoted(title)
                    )),
                }
            }
        };
        self.certs.insert(title.to_string(), lookup.clone());
        lookup
    }

    fn load_partners(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const ID: usize = 0;
        const NAME: usize = 1;
        const PARENT: usize = 2;
        const MARKET: usize = 3;
        let mut rows: Vec<PartnerRow> = Vec::new();
        let mut parent_column = String::from("parent_id");
        let written = &mut self.partner_ids_written;
        let mut seen = 0usize;
        let errors_before = diags.error_count();
        let ok = read(input, &PARTNERS, diags, &mut |ctx| {
            seen += 1;
            let id = ctx.required(ID);
            if !id.is_empty() {
                match written.get(id) {
                    Some(&first) => ctx.error(
                        ID,
                        format!(
                            "duplicate partner_id {}: already on {} {first}",
                            quoted(id),
                            unit(input)
                        ),
                    ),
                    None => {
                        written.insert(id.to_string(), ctx.line);
                    }
                }
            }
            let market = match ctx.get(MARKET) {
                None => Market::Mature,
                Some(s) if s.eq_ignore_ascii_case("mature") => Market::Mature,
                Some(s) if s.eq_ignore_ascii_case("emerging") => Market::Emerging,
                Some(s) => {
                    ctx.error(
                        MARKET,
                        format!(
                            "market must be mature or emerging (empty: mature), not {}",
                            quoted(s)
                        ),
                    );
                    Market::Mature
                }
            };
            if ctx.failed {
                return;
            }
            if let Some(n) = ctx.names.get(PARENT) {
                parent_column.clone_from(n);
            }
            rows.push(PartnerRow {
                id: id.to_string(),
                name: ctx.get(NAME).map(str::to_string),
                parent: ctx.get(PARENT).map(str::to_string),
                market,
                line: ctx.line32(),
            });
        });
        if ok && seen == 0 && diags.error_count() == errors_before {
            // References to partners would all fail for this one cause: say it once.
            diags.error(
                input.diag(
                    None,
                    None,
                    "the table has no partner rows: a dataset needs at least one partner (\
                 references to partners in other tables are not checked)"
                        .to_string(),
                ),
            );
            return;
        }
        self.partners_known = ok;
        rows.sort_by(|a, b| a.id.cmp(&b.id).then(a.line.cmp(&b.line)));
        if rows.len() > u32::MAX as usize {
            diags.error(input.diag(
                None,
                None,
                "too many partners (more than 4294967295)".to_string(),
            ));
            return;
        }
        for (i, row) in rows.iter().enumerate() {
            self.partner_ids
                .insert(row.id.clone(), PartnerIdx(i as u32));
        }
        let mut p = Partners::default();
        for row in rows {
            let parent = row.parent.as_deref().and_then(|id| {
                if let Some(&idx) = self.partner_ids.get(id) {
                    Some(idx)
                } else {
                    if !self.partner_ids_written.contains_key(id) {
                        diags.error(input.diag(
                            Some(u64::from(row.line)),
                            Some(&parent_column),
                            format!("parent_id {} is not a partner_id in partners", quoted(id)),
                        ));
                    }
                    None
                }
            });
            p.ids.push(row.id);
            p.names.push(row.name);
            p.parent.push(parent);
            p.market.push(row.market);
            p.line.push(row.line);
        }
        let links: Vec<Option<usize>> = p.parent.iter().map(|x| x.map(|i| i.0 as usize)).collect();
        for cycle in crate::hierarchy::parent_cycles(&links) {
            let at = |i: usize| {
                (
                    p.ids.get(i).map_or("", String::as_str),
                    p.line.get(i).copied().unwrap_or(0),
                )
            };
            let first = cycle.first().copied().unwrap_or(0);
            let message = if cycle.len() == 1 {
                format!(
                    "partner {} is its own parent: a location account names another partner as parent_id",
                    quoted(at(first).0)
                )
            } else {
                let path: Vec<String> = cycle
                    .iter()
                    .chain(std::iter::once(&first))
                    .map(|i| quoted(at(*i).0))
                    .collect();
                let lines: Vec<String> = cycle.iter().map(|i| at(*i).1.to_string()).collect();
                format!(
                    "parent_id links make a cycle: {} ({} {}); a global account has no parent_id",
                    path.join(" → "),
                    if input.format == Format::Parquet {
                        "rows"
                    } else {
                        "lines"
                    },
                    lines.join(", ")
                )
            };
            diags.error(input.diag(Some(u64::from(at(first).1)), Some(&parent_column), message));
        }
        self.partners = p;
    }

    fn load_tenants(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const ID: usize = 0;
        const NAME: usize = 1;
        const COUNTRY: usize = 2;
        let mut first: HashMap<u32, u64> = HashMap::new();
        let tenants = &mut self.tenants;
        let rows = &mut self.tenant_rows;
        read(input, &TENANTS, diags, &mut |ctx| {
            let id = ctx.required(ID);
            if ctx.failed {
                return;
            }
            let tenant = tenants.intern(id);
            if let Some(&line) = first.get(&tenant) {
                ctx.error(
                    ID,
                    format!(
                        "duplicate tenant_id {}: already on {} {line}",
                        quoted(id),
                        unit(input)
                    ),
                );
                return;
            }
            first.insert(tenant, ctx.line);
            rows.push(TenantRow {
                tenant,
                name: ctx.get(NAME).map(str::to_string),
                country: ctx.get(COUNTRY).map(str::to_string),
            });
        });
    }

    fn load_associations(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const TENANT: usize = 1;
        const TYPE: usize = 2;
        const WORKLOAD: usize = 3;
        const SUBSCRIPTION: usize = 4;
        const START: usize = 5;
        const END: usize = 6;
        let mut rows = std::mem::take(&mut self.assoc);
        read(input, &ASSOCIATIONS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let tenant_id = ctx.required(TENANT);
            let kind = self.assoc_type(ctx, TYPE);
            let workload = match ctx.get(WORKLOAD) {
                Some(_) => self.workload(ctx, WORKLOAD),
                None => None,
            };
            let start = ctx.date(START);
            let end = ctx.opt_date(END);
            if let Some(e) = end
                && !ctx.failed
                && e < start
            {
                ctx.error(END, format!("end_date {e} is before start_date {start}"));
            }
            if ctx.failed {
                return;
            }
            let tenant = self.tenants.intern(tenant_id);
            let subscription = ctx.get(SUBSCRIPTION).map(|s| self.subscriptions.intern(s));
            rows.push(AssocRow {
                partner,
                tenant,
                kind,
                workload,
                subscription,
                start,
                end,
                line: ctx.line32(),
            });
        });
        self.assoc = rows;
    }

    fn load_m365(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const TENANT: usize = 0;
        const WORKLOAD: usize = 1;
        const MONTH: usize = 2;
        const PAID: usize = 3;
        const ACTIVE: usize = 4;
        let mut rows = std::mem::take(&mut self.m365);
        read(input, &M365, diags, &mut |ctx| {
            let tenant_id = ctx.required(TENANT);
            let workload = if ctx.get(WORKLOAD).is_some() {
                self.workload(ctx, WORKLOAD)
            } else {
                ctx.required(WORKLOAD);
                None
            };
            let month = ctx.month(MONTH);
            let paid = ctx.whole(PAID);
            let active = ctx.whole(ACTIVE);
            let (false, Some(workload)) = (ctx.failed, workload) else {
                return;
            };
            if active > paid {
                ctx.warn(
                    ACTIVE,
                    format!("active_users {active} is greater than paid_units {paid}"),
                );
            }
            let tenant = self.tenants.intern(tenant_id);
            rows.push(M365Row {
                tenant,
                workload,
                month,
                paid,
                active,
                line: ctx.line32(),
            });
        });
        self.m365 = rows;
    }

    fn load_azure(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const TENANT: usize = 0;
        const SUBSCRIPTION: usize = 1;
        const SERVICE: usize = 2;
        const OFFER: usize = 3;
        const MONTH: usize = 4;
        const ACR: usize = 5;
        let mut rows = std::mem::take(&mut self.azure);
        read(input, &AZURE, diags, &mut |ctx| {
            let tenant_id = ctx.required(TENANT);
            let service = ctx.required(SERVICE);
            let offer = ctx.required(OFFER);
            let month = ctx.month(MONTH);
            let acr = ctx.decimal(ACR);
            if ctx.failed {
                return;
            }
            rows.push(AzureRow {
                tenant: self.tenants.intern(tenant_id),
                subscription: ctx.get(SUBSCRIPTION).map(|s| self.subscriptions.intern(s)),
                service: self.services.intern(service),
                offer: self.offers.intern(offer),
                month,
                acr,
                line: ctx.line32(),
            });
        });
        self.azure = rows;
    }

    fn load_bizapps(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const TENANT: usize = 0;
        const WORKLOAD: usize = 1;
        const MONTH: usize = 2;
        const REVENUE: usize = 3;
        const UNITS: usize = 4;
        let mut rows = std::mem::take(&mut self.biz);
        read(input, &BIZAPPS, diags, &mut |ctx| {
            let tenant_id = ctx.required(TENANT);
            let workload = if ctx.get(WORKLOAD).is_some() {
                self.workload(ctx, WORKLOAD)
            } else {
                ctx.required(WORKLOAD);
                None
            };
            let month = ctx.month(MONTH);
            let revenue = ctx.opt_decimal(REVENUE, false);
            let units = ctx.opt_decimal(UNITS, true);
            let (false, Some(workload)) = (ctx.failed, workload) else {
                return;
            };
            let tenant = self.tenants.intern(tenant_id);
            rows.push(BizRow {
                tenant,
                workload,
                month,
                revenue,
                units,
                line: ctx.line32(),
            });
        });
        self.biz = rows;
    }

    fn load_certifications(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PERSON: usize = 1;
        const CERT: usize = 2;
        const EARNED: usize = 3;
        const EXPIRES: usize = 4;
        let mut rows = std::mem::take(&mut self.cert_rows);
        let mut warnings: HashMap<String, CertWarning> = HashMap::new();
        read(input, &CERTIFICATIONS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let person = ctx.required(PERSON);
            let title = ctx.required(CERT);
            let earned = ctx.date(EARNED);
            let expires = ctx.opt_date(EXPIRES);
            if ctx.failed {
                return;
            }
            let lookup = self.cert(title);
            if let Some(message) = lookup.warning {
                let w = warnings
                    .entry(title.to_string())
                    .or_insert_with(|| CertWarning {
                        line: ctx.line,
                        rows: 0,
                        column: ctx.names.get(CERT).cloned().unwrap_or_default(),
                        message,
                    });
                w.rows += 1;
                w.line = w.line.min(ctx.line);
            }
            rows.push(CertRow {
                partner,
                person: self.people.intern(person),
                cert: lookup.id,
                title: title.to_string(),
                earned,
                expires,
                line: ctx.line32(),
            });
        });
        self.cert_rows = rows;
        let mut warnings: Vec<CertWarning> = warnings.into_values().collect();
        warnings.sort_by_key(|w| w.line);
        for w in warnings {
            let more = if w.rows > 1 {
                format!(" ({} rows)", w.rows)
            } else {
                String::new()
            };
            diags.warn(input.diag(
                Some(w.line),
                Some(&w.column),
                format!("{}{more}", w.message),
            ));
        }
    }

    fn load_exams(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PERSON: usize = 1;
        const EXAM: usize = 2;
        const PASSED: usize = 3;
        let mut rows = std::mem::take(&mut self.exams);
        read(input, &EXAMS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let person = ctx.required(PERSON);
            let exam = ctx.required(EXAM);
            let passed = ctx.date(PASSED);
            if ctx.failed {
                return;
            }
            rows.push(ExamRow {
                partner,
                person: self.people.intern(person),
                exam: exam.to_string(),
                passed,
                line: ctx.line32(),
            });
        });
        self.exams = rows;
    }

    fn load_enrollments(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PROGRAM: usize = 1;
        const LEVEL: usize = 2;
        const ENROLLED: usize = 3;
        const ANNIVERSARY: usize = 4;
        const BENEFITS: usize = 5;
        let mut rows = std::mem::take(&mut self.enroll);
        read(input, &ENROLLMENTS, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let program = self.program(ctx, PROGRAM);
            let enrolled = ctx.date(ENROLLED);
            let anniversary = ctx.date(ANNIVERSARY);
            if !ctx.failed && anniversary < enrolled {
                ctx.error(
                    ANNIVERSARY,
                    format!("anniversary_date {anniversary} is before enrolled_date {enrolled}"),
                );
            }
            if ctx.failed {
                return;
            }
            let level = ctx.get(LEVEL).map(str::to_lowercase);
            if let Some(l) = &level
                && l != "silver"
                && l != "gold"
            {
                ctx.warn(
                    LEVEL,
                    format!("level {} is neither silver nor gold", quoted(l)),
                );
            }
            let benefits = ctx.get(BENEFITS).map(str::to_lowercase);
            if let Some(b) = &benefits
                && b != "solutions_partner"
                && b != "legacy"
            {
                ctx.warn(
                    BENEFITS,
                    format!(
                        "benefits {} is neither solutions_partner nor legacy",
                        quoted(b)
                    ),
                );
            }
            rows.push(EnrollRow {
                partner,
                program,
                level,
                enrolled,
                anniversary,
                benefits,
                line: ctx.line32(),
            });
        });
        self.enroll = rows;
    }

    fn load_references(&mut self, input: &Input<'_>, diags: &mut Diags) {
        const PARTNER: usize = 0;
        const PROGRAM: usize = 1;
        const TENANT: usize = 2;
        const SUBMITTED: usize = 3;
        const STATUS: usize = 4;
        const REVIEWED: usize = 5;
        let mut rows = std::mem::take(&mut self.refs);
        read(input, &REFERENCES, diags, &mut |ctx| {
            let partner = self.partner(ctx, PARTNER);
            let program = self.program(ctx, PROGRAM);
            let submitted = ctx.date(SUBMITTED);
            let reviewed = ctx.opt_date(REVIEWED);
            let status = match ctx.get(STATUS) {
                Some(s) if s.eq_ignore_ascii_case("approved") => ReferenceStatus::Approved,
                Some(s) if s.eq_ignore_ascii_case("rejected") => ReferenceStatus::Rejected,
                Some(s) if s.eq_ignore_ascii_case("pending") => ReferenceStatus::Pending,
                Some(s) => {
                    ctx.error(
                        STATUS,
                        format!(
                            "status must be approved, rejected or pending, not {}",
                            quoted(s)
                        ),
                    );
                    ReferenceStatus::Pending
                }
                None => {
                    ctx.required(STATUS);
                    ReferenceStatus::Pending
                }
            };
            if ctx.failed {
                return;
            }
            let tenant = ctx.get(TENANT).map(|t| self.tenants.intern(t));
            rows.push(RefRow {
                partner,
                program,
                tenant,
                submitted,
                status,
                reviewed,
                line: ctx.line32(),
            });
        });
        self.refs = rows;
    }

    /// A problem about a whole table's rows (duplicates, size), at a line.
    fn problem(&self, diags: &mut Diags, table: &str, line: u32, message: String) {
        diags.error(Diagnostic {
            table: table.to_string(),
            file: self
                .files
                .get(table)
                .cloned()
                .unwrap_or_else(|| table.to_string()),
            line: Some(u64::from(line)),
            column: None,
            message,
        });
    }

    /// Reports each row whose key equals the previous row's (rows sorted by key, then
    /// line), naming the earlier line.
    fn duplicates<R, K: PartialEq>(
        &self,
        diags: &mut Diags,
        table: &str,
        columns: &str,
        rows: &[R],
        key: impl Fn(&R) -> K,
        line: impl Fn(&R) -> u32,
    ) {
        for w in rows.windows(2) {
            if let [x, y] = w
                && key(x) == key(y)
            {
                self.problem(
                    diags,
                    table,
                    line(y),
                    format!(
                        "duplicate row: same {columns} as {} {}",
                        unit_of(&self.files, table),
                        line(x)
                    ),
                );
            }
        }
    }

    /// Renumbers ids in name order, sorts every table, checks duplicate keys and
    /// builds the indexes.
    fn finish(mut self, diags: &mut Diags) -> Dataset {
        let (tenants, t) = canonical(&self.tenants);
        let (people, pe) = canonical(&self.people);
        let (subscriptions, su) = canonical(&self.subscriptions);
        let (services, se) = canonical(&self.services);
        let (offers, of) = canonical(&self.offers);
        let n_partners = self.partners.len();
        let n_tenants = tenants.len();
        let tix = |id: u32| TenantIdx(remap(&t, id));

        let mut info = TenantInfo::default();
        for row in std::mem::take(&mut self.tenant_rows) {
            let idx = tix(row.tenant);
            if let Some(n) = row.name {
                info.names.insert(idx, n);
            }
            if let Some(c) = row.country {
                info.countries.insert(idx, c);
            }
        }

        // associations
        let mut rows = std::mem::take(&mut self.assoc);
        for r in &mut rows {
            r.tenant = remap(&t, r.tenant);
            r.subscription = r.subscription.map(|s| remap(&su, s));
        }
        sort_if_needed(&mut rows, |r| {
            (
                r.partner,
                r.tenant,
                r.start,
                r.kind,
                r.workload,
                r.subscription,
                r.end,
                r.line,
            )
        });
        self.check_size(diags, "associations", rows.len());
        let mut a = Associations {
            by_partner: ranges(n_partners, rows.iter().map(|r| r.partner.index())),
            ..Default::default()
        };
        for r in rows {
            a.partner.push(r.partner);
            a.tenant.push(TenantIdx(r.tenant));
            a.kind.push(r.kind);
            a.workload.push(r.workload);
            a.subscription.push(r.subscription);
            a.start.push(r.start);
            a.end.push(r.end);
            a.line.push(r.line);
        }

        // m365_usage
        let mut rows = std::mem::take(&mut self.m365);
        for r in &mut rows {
            r.tenant = remap(&t, r.tenant);
        }
        sort_if_needed(&mut rows, |r| (r.tenant, r.month, r.workload, r.line));
        self.duplicates(
            diags,
            "m365_usage",
            "tenant_id, workload and month",
            &rows,
            |r| (r.tenant, r.month, r.workload),
            |r| r.line,
        );
        self.check_size(diags, "m365_usage", rows.len());
        let mut m = M365Usage {
            by_tenant: ranges(n_tenants, rows.iter().map(|r| r.tenant as usize)),
            ..Default::default()
        };
        for r in rows {
            m.tenant.push(TenantIdx(r.tenant));
            m.workload.push(r.workload);
            m.month.push(r.month);
            m.paid_units.push(r.paid);
            m.active_users.push(r.active);
            m.line.push(r.line);
        }

        // azure_usage
        let mut rows = std::mem::take(&mut self.azure);
        for r in &mut rows {
            r.tenant = remap(&t, r.tenant);
            r.subscription = r.subscription.map(|s| remap(&su, s));
            r.service = remap(&se, r.service);
            r.offer = remap(&of, r.offer);
        }
        sort_if_needed(&mut rows, |r| {
            (
                r.tenant,
                r.month,
                r.subscription,
                r.service,
                r.offer,
                r.line,
            )
        });
        self.duplicates(
            diags,
            "azure_usage",
            "tenant_id, subscription_id, service, offer and month",
            &rows,
            |r| (r.tenant, r.month, r.subscription, r.service, r.offer),
            |r| r.line,
        );
        self.check_size(diags, "azure_usage", rows.len());
        let mut az = AzureUsage {
            by_tenant: ranges(n_tenants, rows.iter().map(|r| r.tenant as usize)),
            ..Default::default()
        };
        for r in rows {
            az.tenant.push(TenantIdx(r.tenant));
            az.subscription.push(r.subscription);
            az.service.push(r.service);
            az.offer.push(r.offer);
            az.month.push(r.month);
            az.acr_usd.push(r.acr);
            az.line.push(r.line);
        }

        // bizapps_usage
        let mut rows = std::mem::take(&mut self.biz);
        for r in &mut rows {
            r.tenant = remap(&t, r.tenant);
        }
        sort_if_needed(&mut rows, |r| (r.tenant, r.month, r.workload, r.line));
        self.duplicates(
            diags,
            "bizapps_usage",
            "tenant_id, workload and month",
            &rows,
            |r| (r.tenant, r.month, r.workload),
            |r| r.line,
        );
        self.check_size(diags, "bizapps_usage", rows.len());
        let mut bz = BizAppsUsage {
            by_tenant: ranges(n_tenants, rows.iter().map(|r| r.tenant as usize)),
            ..Default::default()
        };
        for r in rows {
            bz.tenant.push(TenantIdx(r.tenant));
            bz.workload.push(r.workload);
            bz.month.push(r.month);
            bz.revenue_usd.push(r.revenue);
            bz.units.push(r.units);
            bz.line.push(r.line);
        }

        // certifications
        let mut rows = std::mem::take(&mut self.cert_rows);
        for r in &mut rows {
            r.person = remap(&pe, r.person);
        }
        rows.sort_unstable_by(|x, y| {
            (x.partner, x.person, x.earned, x.cert, x.expires)
                .cmp(&(y.partner, y.person, y.earned, y.cert, y.expires))
                .then_with(|| x.title.cmp(&y.title))
                .then(x.line.cmp(&y.line))
        });
        self.check_size(diags, "certifications", rows.len());
        let mut c = Certifications {
            by_partner: ranges(n_partners, rows.iter().map(|r| r.partner.index())),
            ..Default::default()
        };
        for r in rows {
            c.partner.push(r.partner);
            c.person.push(PersonIdx(r.person));
            c.cert.push(r.cert);
            c.title.push(r.title);
            c.earned.push(r.earned);
            c.expires.push(r.expires);
            c.line.push(r.line);
        }

        // exams
        let mut rows = std::mem::take(&mut self.exams);
        for r in &mut rows {
            r.person = remap(&pe, r.person);
        }
        rows.sort_unstable_by(|x, y| {
            (x.partner, x.person, x.passed)
                .cmp(&(y.partner, y.person, y.passed))
                .then_with(|| x.exam.cmp(&y.exam))
                .then(x.line.cmp(&y.line))
        });
        self.check_size(diags, "exams", rows.len());
        let mut ex = Exams {
            by_partner: ranges(n_partners, rows.iter().map(|r| r.partner.index())),
            ..Default::default()
        };
        for r in rows {
            ex.partner.push(r.partner);
            ex.person.push(PersonIdx(r.person));
            ex.exam.push(r.exam);
            ex.passed.push(r.passed);
            ex.line.push(r.line);
        }

        // enrollments
        let mut rows = std::mem::take(&mut self.enroll);
        rows.sort_unstable_by(|x, y| {
            (x.partner, x.enrolled, x.anniversary)
                .cmp(&(y.partner, y.enrolled, y.anniversary))
                .then_with(|| {
                    (&x.program, &x.level, &x.benefits).cmp(&(&y.program, &y.level, &y.benefits))
                })
                .then(x.line.cmp(&y.line))
        });
        self.check_size(diags, "enrollments", rows.len());
        let mut en = Enrollments {
            by_partner: ranges(n_partners, rows.iter().map(|r| r.partner.index())),
            ..Default::default()
        };
        for r in rows {
            en.partner.push(r.partner);
            en.program.push(r.program);
            en.level.push(r.level);
            en.enrolled.push(r.enrolled);
            en.anniversary.push(r.anniversary);
            en.benefits.push(r.benefits);
            en.line.push(r.line);
        }

        // customer_references
        let mut rows = std::mem::take(&mut self.refs);
        for r in &mut rows {
            r.tenant = r.tenant.map(|x| remap(&t, x));
        }
        rows.sort_unstable_by(|x, y| {
            (x.partner, x.submitted)
                .cmp(&(y.partner, y.submitted))
                .then_with(|| x.program.cmp(&y.program))
                .then_with(|| {
                    (x.tenant, status_rank(x.status), x.reviewed).cmp(&(
                        y.tenant,
                        status_rank(y.status),
                        y.reviewed,
                    ))
                })
                .then(x.line.cmp(&y.line))
        });
        self.check_size(diags, "customer_references", rows.len());
        let mut cr = CustomerReferences {
            by_partner: ranges(n_partners, rows.iter().map(|r| r.partner.index())),
            ..Default::default()
        };
        for r in rows {
            cr.partner.push(r.partner);
            cr.program.push(r.program);
            cr.tenant.push(r.tenant.map(TenantIdx));
            cr.submitted.push(r.submitted);
            cr.status.push(r.status);
            cr.reviewed.push(r.reviewed);
            cr.line.push(r.line);
        }

        let latest_month = m
            .month
            .iter()
            .chain(&az.month)
            .chain(&bz.month)
            .max()
            .copied();
        let coverage = crate::coverage::Coverage::of_tables(&self.files, &m, &az, &bz);
        Dataset {
            partners: self.partners,
            tenants,
            tenant_info: info,
            people,
            subscriptions,
            services,
            offers,
            associations: a,
            m365_usage: m,
            azure_usage: az,
            bizapps_usage: bz,
            certifications: c,
            exams: ex,
            enrollments: en,
            customer_references: cr,
            present: self.present,
            latest_month,
            coverage,
        }
    }

    /// Row indexes are 32-bit: a table may hold at most `u32::MAX` rows.
    fn check_size(&self, diags: &mut Diags, table: &str, rows: usize) {
        if rows > u32::MAX as usize {
            self.problem(
                diags,
                table,
                0,
                format!("too many rows ({rows}); at most {} are supported", u32::MAX),
            );
        }
    }
}

/// "line" for CSV, "row" for Parquet.
fn unit(input: &Input<'_>) -> &'static str {
    match input.format {
        Format::Csv => "line",
        Format::Parquet => "row",
    }
}

/// "line" or "row" for the file of a table.
fn unit_of(files: &HashMap<&'static str, String>, table: &str) -> &'static str {
    match files.get(table) {
        Some(f) if f.to_ascii_lowercase().ends_with(".parquet") => "row",
        _ => "line",
    }
}

fn status_rank(s: ReferenceStatus) -> u8 {
    match s {
        ReferenceStatus::Approved => 0,
        ReferenceStatus::Rejected => 1,
        ReferenceStatus::Pending => 2,
    }
}

/// The interner with the same names numbered in name order, and the map from old to
/// new ids.
fn canonical(temp: &Interner) -> (Interner, Vec<u32>) {
    let n = u32::try_from(temp.len()).unwrap_or(u32::MAX);
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_unstable_by(|a, b| temp.name(*a).cmp(temp.name(*b)));
    let mut out = Interner::default();
    let mut map = vec![0u32; order.len()];
    for old in order {
        let new = out.intern(temp.name(old));
        if let Some(m) = map.get_mut(old as usize) {
            *m = new;
        }
    }
    (out, map)
}

fn remap(map: &[u32], id: u32) -> u32 {
    map.get(id as usize).copied().unwrap_or(id)
}

/// Row ranges of each key `0..n`, given the keys of rows sorted by key (empty range
/// `0..0` for keys without rows).
fn ranges(n: usize, keys: impl Iterator<Item = usize>) -> Vec<Range<u32>> {
    let mut out = vec![0..0; n];
    for (row, key) in keys.enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        if let Some(r) = out.get_mut(key) {
            if r.end == 0 {
                *r = row..row.saturating_add(1);
            } else {
                r.end = row.saturating_add(1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_sorted_keys() {
        let r = ranges(4, [0usize, 0, 2, 2, 2].into_iter());
        assert_eq!(r, vec![0..2, 0..0, 2..5, 0..0]);
    }

    #[test]
    fn canonical_numbers_in_name_order() {
        let mut i = Interner::default();
        for n in ["b", "c", "a"] {
            i.intern(n);
        }
        let (c, map) = canonical(&i);
        assert_eq!(c.name(0), "a");
        assert_eq!(c.name(2), "c");
        assert_eq!(map, vec![1, 2, 0]);
    }

    #[test]
    fn names_classify() {
        assert!(matches!(
            classify_name("Partners.CSV"),
            Some((0, Format::Csv))
        ));
        assert!(matches!(
            classify_name("m365_usage.parquet"),
            Some((3, Format::Parquet))
        ));
        assert!(classify_name("m365_usage.xlsx").is_none());
        assert!(classify_name("readme.csv").is_none());
    }
}
