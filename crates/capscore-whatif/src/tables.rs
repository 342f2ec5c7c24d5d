//! The canonical tables of a dataset as rows of text, the form the loader reads
//! (docs/data.md): exported from a loaded [`Dataset`], edited by a scenario, and loaded
//! again through [`capscore_data::load_files`] so that the result is validated exactly
//! like user data. One exporter, used by every what-if command and by `--write`.

use std::collections::BTreeMap;
use std::path::Path;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_data::{Dataset, Loaded, Market, ReferenceStatus, TABLES};

use crate::error::WhatIfError;

/// One table: its columns and rows of cells (empty cell = no value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names, as docs/data.md writes them.
    pub columns: Vec<&'static str>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(columns: &[&'static str]) -> Self {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// The position of a column.
    #[must_use]
    pub fn col(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }

    /// The cell of `row` in column `name` (empty when the column is absent).
    #[must_use]
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }

    /// Adds a row given as (column, value) pairs; columns not named stay empty.
    pub fn push(&mut self, cells: &[(&str, String)]) {
        let mut row = vec![String::new(); self.columns.len()];
        for (name, value) in cells {
            if let Some(i) = self.col(name) {
                row[i] = value.clone();
            }
        }
        self.rows.push(row);
    }
}

/// Columns of each table, in the order they are written.
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("partners", &["partner_id", "name", "parent_id", "market"]),
    ("tenants", &["tenant_id", "name", "country"]),
    (
        "associations",
        &[
            "partner_id",
            "tenant_id",
            "type",
            "workload",
            "subscription_id",
            "start_date",
            "end_date",
        ],
    ),
    (
        "m365_usage",
        &[
            "tenant_id",
            "workload",
            "month",
            "paid_units",
            "active_users",
        ],
    ),
    (
        "azure_usage",
        &[
            "tenant_id",
            "subscription_id",
            "service",
            "offer",
            "month",
            "acr_usd",
        ],
    ),
    (
        "bizapps_usage",
        &["tenant_id", "workload", "month", "revenue_usd", "units"],
    ),
    (
        "certifications",
        &[
            "partner_id",
            "person_id",
            "certification",
            "earned_date",
            "expires_date",
        ],
    ),
    ("exams", &["partner_id", "person_id", "exam", "passed_date"]),
    (
        "enrollments",
        &[
            "partner_id",
            "program",
            "level",
            "enrolled_date",
            "anniversary_date",
            "benefits",
        ],
    ),
    (
        "customer_references",
        &[
            "partner_id",
            "program",
            "tenant_id",
            "submitted_date",
            "status",
            "reviewed_date",
        ],
    ),
];

/// Which rows of a table to keep.
type RowFilter<'a> = dyn Fn(&Vec<String>) -> bool + 'a;

/// The tables of a dataset as text. Only tables present in the dataset (or added by a
/// scenario) are held; an absent table stays absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    /// Tables by name (`"m365_usage"`).
    pub tables: BTreeMap<&'static str, Table>,
}

/// Writes an exact amount as a plain decimal (at most 9 decimals, the data contract's
/// limit); refuses a value that has no such form (a third of a dollar).
///
/// # Errors
/// [`WhatIfError::Value`] naming the value.
pub fn decimal(v: &Num) -> Result<String, WhatIfError> {
    let scale: i128 = 1_000_000_000;
    let scaled = v * Num::from_integer(scale);
    if !scaled.is_integer() {
        return Err(WhatIfError::Value(format!(
            "the amount {v} has more than 9 decimals, which a table cannot hold: round the scenario's factor"
        )));
    }
    let n = scaled.to_integer();
    let sign = if n < 0 { "-" } else { "" };
    let (int, frac) = (n.abs() / scale, n.abs() % scale);
    if frac == 0 {
        return Ok(format!("{sign}{int}"));
    }
    let frac = format!("{frac:09}");
    Ok(format!("{sign}{int}.{}", frac.trim_end_matches('0')))
}

fn opt(v: Option<impl ToString>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl Tables {
    /// The table `name`, created empty when the dataset did not have it.
    ///
    /// # Panics
    /// Never for a name of [`COLUMNS`]; other names are a programming error.
    pub fn table_mut(&mut self, name: &str) -> &mut Table {
        let (key, cols) = COLUMNS
            .iter()
            .find(|(t, _)| *t == name)
            .copied()
            .unwrap_or(COLUMNS[0]);
        self.tables.entry(key).or_insert_with(|| Table::new(cols))
    }

    /// A table, if present.
    #[must_use]
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The rows of `data`, with the catalog's canonical names for workloads,
    /// association types and (resolved) certifications as they were written.
    ///
    /// # Errors
    /// [`WhatIfError::Value`] never for a loaded dataset (its amounts came from text).
    pub fn from_dataset(data: &Dataset, catalog: &Catalog) -> Result<Tables, WhatIfError> {
        let mut t = Tables::default();
        let present = |name: &str| data.present.iter().any(|p| p == name);
        let pid = |p: capscore_core::PartnerIdx| data.partners.ids[p.index()].clone();
        let tid = |x: capscore_core::TenantIdx| data.tenants.name(x.0).to_string();
        let wl = |w: capscore_core::WorkloadId| catalog.workloads[w.index()].name.clone();
        let d = |x: capscore_core::NaiveDate| x.to_string();

        let p = &data.partners;
        let tab = t.table_mut("partners");
        for i in 0..p.len() {
            tab.push(&[
                ("partner_id", p.ids[i].clone()),
                ("name", opt(p.names[i].as_ref())),
                ("parent_id", opt(p.parent[i].map(pid))),
                (
                    "market",
                    match p.market[i] {
                        Market::Mature => "mature",
                        Market::Emerging => "emerging",
                    }
                    .to_string(),
                ),
            ]);
        }
        if present("tenants") {
            let tab = t.table_mut("tenants");
            let info = &data.tenant_info;
            let mut ids: Vec<_> = info
                .names
                .keys()
                .chain(info.countries.keys())
                .copied()
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for x in ids {
                tab.push(&[
                    ("tenant_id", tid(x)),
                    ("name", opt(info.names.get(&x))),
                    ("country", opt(info.countries.get(&x))),
                ]);
            }
        }
        if present("associations") {
            let a = &data.associations;
            let tab = t.table_mut("associations");
            for i in 0..a.partner.len() {
                tab.push(&[
                    ("partner_id", pid(a.partner[i])),
                    ("tenant_id", tid(a.tenant[i])),
                    (
                        "type",
                        catalog.association_types[a.kind[i].index()].id.clone(),
                    ),
                    ("workload", opt(a.workload[i].map(wl))),
                    (
                        "subscription_id",
                        opt(a.subscription[i].map(|s| data.subscriptions.name(s))),
                    ),
                    ("start_date", d(a.start[i])),
                    ("end_date", opt(a.end[i])),
                ]);
            }
        }
        if present("m365_usage") {
            let u = &data.m365_usage;
            let tab = t.table_mut("m365_usage");
            for i in 0..u.tenant.len() {
                tab.push(&[
                    ("tenant_id", tid(u.tenant[i])),
                    ("workload", wl(u.workload[i])),
                    ("month", u.month[i].to_string()),
                    ("paid_units", u.paid_units[i].to_string()),
                    ("active_users", u.active_users[i].to_string()),
                ]);
            }
        }
        if present("azure_usage") {
            let u = &data.azure_usage;
            let tab = t.table_mut("azure_usage");
            for i in 0..u.tenant.len() {
                tab.push(&[
                    ("tenant_id", tid(u.tenant[i])),
                    (
                        "subscription_id",
                        opt(u.subscription[i].map(|s| data.subscriptions.name(s))),
                    ),
                    ("service", data.services.name(u.service[i]).to_string()),
                    ("offer", data.offers.name(u.offer[i]).to_string()),
                    ("month", u.month[i].to_string()),
                    ("acr_usd", decimal(&u.acr_usd[i])?),
                ]);
            }
        }
        if present("bizapps_usage") {
            let u = &data.bizapps_usage;
            let tab = t.table_mut("bizapps_usage");
            for i in 0..u.tenant.len() {
                tab.push(&[
                    ("tenant_id", tid(u.tenant[i])),
                    ("workload", wl(u.workload[i])),
                    ("month", u.month[i].to_string()),
                    ("revenue_usd", decimal(&u.revenue_usd[i])?),
                    ("units", decimal(&u.units[i])?),
                ]);
            }
        }
        if present("certifications") {
            let c = &data.certifications;
            let tab = t.table_mut("certifications");
            for i in 0..c.partner.len() {
                tab.push(&[
                    ("partner_id", pid(c.partner[i])),
                    ("person_id", data.people.name(c.person[i].0).to_string()),
                    ("certification", c.title[i].clone()),
                    ("earned_date", d(c.earned[i])),
                    ("expires_date", opt(c.expires[i])),
                ]);
            }
        }
        if present("exams") {
            let e = &data.exams;
            let tab = t.table_mut("exams");
            for i in 0..e.partner.len() {
                tab.push(&[
                    ("partner_id", pid(e.partner[i])),
                    ("person_id", data.people.name(e.person[i].0).to_string()),
                    ("exam", e.exam[i].clone()),
                    ("passed_date", d(e.passed[i])),
                ]);
            }
        }
        if present("enrollments") {
            let e = &data.enrollments;
            let tab = t.table_mut("enrollments");
            for i in 0..e.partner.len() {
                tab.push(&[
                    ("partner_id", pid(e.partner[i])),
                    ("program", e.program[i].clone()),
                    ("level", opt(e.level[i].as_ref())),
                    ("enrolled_date", d(e.enrolled[i])),
                    ("anniversary_date", d(e.anniversary[i])),
                    ("benefits", opt(e.benefits[i].as_ref())),
                ]);
            }
        }
        if present("customer_references") {
            let r = &data.customer_references;
            let tab = t.table_mut("customer_references");
            for i in 0..r.partner.len() {
                tab.push(&[
                    ("partner_id", pid(r.partner[i])),
                    ("program", r.program[i].clone()),
                    ("tenant_id", opt(r.tenant[i].map(tid))),
                    ("submitted_date", d(r.submitted[i])),
                    (
                        "status",
                        match r.status[i] {
                            ReferenceStatus::Approved => "approved",
                            ReferenceStatus::Rejected => "rejected",
                            ReferenceStatus::Pending => "pending",
                        }
                        .to_string(),
                    ),
                    ("reviewed_date", opt(r.reviewed[i])),
                ]);
            }
        }
        Ok(t)
    }

    /// The CSV files of the tables (`NAME.csv`, header then rows), in [`TABLES`] order.
    #[must_use]
    pub fn csv_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for name in TABLES {
            let Some(t) = self.tables.get(name) else {
                continue;
            };
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            // Writing to memory cannot fail.
            let _ = w.write_record(&t.columns);
            for row in &t.rows {
                let _ = w.write_record(row);
            }
            let bytes = w.into_inner().unwrap_or_default();
            out.push((format!("{name}.csv"), bytes));
        }
        out
    }

    /// Loads the tables through the dataset loader: the same checks as user data.
    ///
    /// # Errors
    /// [`WhatIfError::Data`] listing every problem.
    pub fn load(&self, catalog: &Catalog) -> Result<Loaded, WhatIfError> {
        let files = self.csv_files();
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        capscore_data::load_files(&refs, catalog).map_err(|e| WhatIfError::Data(Box::new(e)))
    }

    /// Writes the tables as the dataset folder `out`, atomically (a temporary folder
    /// next to it, flushed, then renamed); an existing folder with files is replaced
    /// only when `force`.
    ///
    /// # Errors
    /// [`WhatIfError::Write`] saying what could not be done.
    pub fn write_dir(&self, out: &Path, force: bool) -> Result<(), WhatIfError> {
        capscore_import::write_folder(out, &self.csv_files(), force)
            .map_err(|e| WhatIfError::Write(e.to_string()))
    }

    /// The latest month of any usage row.
    #[must_use]
    pub fn latest_usage_month(&self) -> Option<Month> {
        ["m365_usage", "azure_usage", "bizapps_usage"]
            .iter()
            .filter_map(|n| self.tables.get(n))
            .flat_map(|t| {
                let c = t.col("month");
                t.rows
                    .iter()
                    .filter_map(move |r| c.and_then(|c| r[c].parse::<Month>().ok()))
            })
            .max()
    }

    /// Only the rows of one partner: the partner and its location accounts, their rows
    /// of every table with a `partner_id`, and the tenants they are associated with (and
    /// those tenants' usage). A partner's score reads nothing else; callers compare the
    /// subset's score with the full dataset's before relying on it.
    #[must_use]
    pub fn for_partner(&self, partner: &str) -> Tables {
        self.for_partner_tenants(partner, None)
    }

    /// As [`Tables::for_partner`], keeping only the tenants of `only` (when given) of
    /// those the partner is associated with: its associations, tenants and usage rows.
    #[must_use]
    pub fn for_partner_tenants(
        &self,
        partner: &str,
        only: Option<&std::collections::BTreeSet<String>>,
    ) -> Tables {
        let mut ids: Vec<String> = vec![partner.to_string()];
        if let Some(p) = self.tables.get("partners")
            && let (Some(ic), Some(pc)) = (p.col("partner_id"), p.col("parent_id"))
        {
            // Location accounts, at any depth.
            loop {
                let more: Vec<String> = p
                    .rows
                    .iter()
                    .filter(|r| ids.contains(&r[pc]) && !ids.contains(&r[ic]))
                    .map(|r| r[ic].clone())
                    .collect();
                if more.is_empty() {
                    break;
                }
                ids.extend(more);
            }
        }
        let mut tenants: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        if let Some(a) = self.tables.get("associations")
            && let (Some(pc), Some(tc)) = (a.col("partner_id"), a.col("tenant_id"))
        {
            tenants.extend(
                a.rows
                    .iter()
                    .filter(|r| ids.contains(&r[pc]))
                    .map(|r| r[tc].clone()),
            );
        }
        if let Some(only) = only {
            tenants.retain(|t| only.contains(t));
        }
        let mut out = Tables::default();
        let (ids, tenants) = (&ids, &tenants);
        for (name, t) in &self.tables {
            let keep: Box<RowFilter<'_>> = if let Some(pc) = t.col("partner_id") {
                match (only.is_some(), t.col("tenant_id")) {
                    (true, Some(tc)) => Box::new(move |r: &Vec<String>| {
                        ids.contains(&r[pc]) && tenants.contains(&r[tc])
                    }),
                    _ => Box::new(move |r: &Vec<String>| ids.contains(&r[pc])),
                }
            } else if let Some(tc) = t.col("tenant_id") {
                Box::new(move |r: &Vec<String>| tenants.contains(&r[tc]))
            } else {
                Box::new(|_: &Vec<String>| true)
            };
            out.tables.insert(
                name,
                Table {
                    columns: t.columns.clone(),
                    rows: t.rows.iter().filter(|r| keep(r)).cloned().collect(),
                },
            );
        }
        out
    }

    /// The usage rows of the months from `from` on: `from` gives, per usage table name,
    /// the first month kept (a table it does not name keeps no rows). Other tables are
    /// kept whole. Callers compare the subset's score with the whole tables' before
    /// relying on it.
    #[must_use]
    pub fn usage_from(&self, from: &BTreeMap<&str, Month>) -> Tables {
        let mut out = self.clone();
        for name in ["m365_usage", "azure_usage", "bizapps_usage"] {
            let Some(t) = out.tables.get_mut(name) else {
                continue;
            };
            match (from.get(name), t.col("month")) {
                (Some(first), Some(mc)) => t
                    .rows
                    .retain(|r| r[mc].parse::<Month>().is_ok_and(|m| m >= *first)),
                _ => t.rows.clear(),
            }
        }
        out
    }
}
