//! Imports what partners actually have, Partner Center downloads and API datasets,
//! into a capscore dataset (the tables of docs/data.md).
//!
//! [`import_partner_center`] reads every file of a folder, recognises each file's kind
//! by its **columns** (never its name), maps the rows to capscore's `partners`,
//! `tenants`, `associations`, `m365_usage`, `azure_usage`, `bizapps_usage` and
//! `certifications` tables, and writes them with an `import-report.json` into the
//! output folder atomically. [`convert`] does the same in memory.
//!
//! The rules of the mapping are data (`partner_center.toml`, see [`Rules`]): the
//! header variants of each field (matched case-insensitively, ignoring spaces and
//! punctuation), the columns that identify each file kind, the attribution values and
//! the association type each maps to, the hierarchy, training-type and metric-type
//! values. Workload, association type and certification names go through the catalog.
//!
//! How rows become tables:
//!
//! - **Accounts.** Every account id met (`MPNId`/`PartnerID`/`PartnerLocationID`, and
//!   the global `PGAMpnID`/`PGAPartnerID`/`GlobalPartnerID`) is a partner; an account
//!   named with a different global account is a location of it (`parent_id`). With
//!   `partner_global_id`, rows of other global accounts are skipped and accounts
//!   whose global account no file gives are taken as locations of that account.
//! - **Associations.** CPOR claims start exactly on `DateAssociated`. Every other
//!   association is inferred from monthly presence (see [`build::spells`]): a run of
//!   the months covered by a dataset in which a (partner, tenant, type, workload,
//!   subscription) appears starts on the first day of its first month and ends on the
//!   last day of its last month when the dataset covers a later month without it.
//!   Months a dataset has no rows for at all do not break a run. M365 datasets give
//!   workload associations; Azure gives subscription associations (no workload);
//!   Customers and Tenants gives names and countries only (its attributions are per
//!   product, which no capscore association can express).
//! - **Usage** belongs to the tenant: rows flagged as duplicates for the global
//!   account (`IsDuplicateRowForPGA`, `IsACRDuplicateAtPGALevel` = 1) add nothing;
//!   rows of one usage line seen through several attributions count once; EMS
//!   subscriptions and Azure consumption lines are summed; where datasets disagree
//!   on a tenant's workload in a month the largest value is kept (reported).
//! - **People** are the learner id (`MCPID`, `AADUserId`) or else the e-mail;
//!   certification titles are matched to the catalog, including former and retired
//!   titles, and written under the catalog's name; unknown titles are kept as written.
//!
//! Bad input (a value that does not parse, a ragged row, text that is not UTF-8) stops
//! the import with every problem listed by file, line and column; nothing is written.
#![deny(missing_docs)]

pub mod build;
mod convert;
mod dates;
mod error;
mod parse;
mod read;
mod report;
mod rules;
mod tables;
mod write;

use std::path::Path;

use capscore_catalog::Catalog;

pub use error::{ImportError, MAX_PROBLEMS, Problem};
pub use parse::DateOrder;
pub use report::{FileReport, ImportReport, MonthSpan, TableReport, TitleMatch, Unrecognised};
pub use rules::{EMBEDDED_RULES, EmsWorkload, Handler, Kind, Rules, fold_header, fold_value};
pub use tables::{
    AssociationRow, AzureRow, BizAppsRow, CertificationRow, M365Row, PartnerRow, Tables, TenantRow,
};
pub use write::{TEMP_PREFIX, check_apart, check_target, recover, write_folder};

/// The name of the report written next to the tables.
pub const REPORT_FILE: &str = "import-report.json";

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The global account (PGA) whose data this is: rows of other global accounts are
    /// skipped, and accounts without a known global account become its locations.
    pub partner_global_id: Option<String>,
    /// The order of day and month in slashed dates (`01/06/2024`) of every file;
    /// `None`: found per file from its values (a file whose slashed dates are all
    /// ambiguous is then refused).
    pub date_order: Option<DateOrder>,
}

/// An import done in memory: the tables and the report.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The canonical tables.
    pub tables: Tables,
    /// What was done.
    pub report: ImportReport,
}

impl Conversion {
    /// The files of the output folder: the tables' CSV files and the JSON report.
    ///
    /// # Errors
    /// Only if serialising fails, which writing to memory does not.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>, ImportError> {
        let mut files = self.tables.csv_files()?;
        let mut json = serde_json::to_vec_pretty(&self.report).map_err(|e| ImportError::Io {
            context: "writing the import report".to_string(),
            source: std::io::Error::other(e),
        })?;
        json.push(b'\n');
        files.push((REPORT_FILE.to_string(), json));
        Ok(files)
    }
}

/// Reads the Partner Center files of `from` with the built-in rules.
///
/// # Errors
/// [`ImportError::Input`] listing every problem of the input (or saying that no file
/// was recognised); [`ImportError::Io`] when the folder cannot be read;
/// [`ImportError::Rules`] when the rules name an association type the catalog lacks.
pub fn convert(
    from: &Path,
    catalog: &Catalog,
    options: &ImportOptions,
) -> Result<Conversion, ImportError> {
    let rules = Rules::embedded().map_err(ImportError::Rules)?;
    convert_with(from, catalog, &rules, options)
}

/// Reads the Partner Center files of `from` with the given rules.
///
/// # Errors
/// As [`convert`].
pub fn convert_with(
    from: &Path,
    catalog: &Catalog,
    rules: &Rules,
    options: &ImportOptions,
) -> Result<Conversion, ImportError> {
    use capscore_core::Vocabulary;
    for target in rules.attribution_targets() {
        if catalog.association_type(target).is_none() {
            return Err(ImportError::Rules(format!(
                "attribution values map to association type {target:?}, which the catalog does not know"
            )));
        }
    }
    let pga = options
        .partner_global_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut read = convert::read_folder(from, rules, catalog, pga, options.date_order)?;
    let mut notes = std::mem::take(&mut read.notes);
    let tables = build::tables(&mut read.ctx, &mut notes);
    if !read.ctx.problems.is_empty() {
        let problems = std::mem::take(&mut read.ctx.problems);
        return Err(problems.into_error());
    }
    let unrecognised = read.unrecognised();
    let certification_titles = read
        .ctx
        .titles
        .iter()
        .map(|((title, cert, how), rows)| TitleMatch {
            title: title.clone(),
            certification: cert.clone(),
            how: how.clone(),
            rows: *rows,
        })
        .collect();
    let months = |list: &mut dyn Iterator<Item = &str>| {
        let ms: Vec<capscore_core::Month> = list.filter_map(|m| m.parse().ok()).collect();
        MonthSpan::of(&ms)
    };
    let mut table_reports = std::collections::BTreeMap::new();
    for (name, rows) in tables.counts() {
        let span = match name {
            "m365_usage" => months(&mut tables.m365_usage.iter().map(|r| r.month.as_str())),
            "azure_usage" => months(&mut tables.azure_usage.iter().map(|r| r.month.as_str())),
            "bizapps_usage" => months(&mut tables.bizapps_usage.iter().map(|r| r.month.as_str())),
            _ => None,
        };
        table_reports.insert(name.to_string(), TableReport { rows, months: span });
    }
    let conversion_files = tables.csv_files()?;
    validate_output(&conversion_files, catalog)?;
    let report = ImportReport {
        from: from.display().to_string(),
        partner_global_id: pga.map(str::to_string),
        catalog_version: catalog.version.clone(),
        files: read.files,
        tables: table_reports,
        unrecognised,
        certification_titles,
        notes,
        recovered: Vec::new(),
    };
    Ok(Conversion { tables, report })
}

/// Checks the tables an import would write with the dataset loader itself, so that
/// an import that succeeds always gives a dataset `capscore validate` accepts.
fn validate_output(files: &[(String, Vec<u8>)], catalog: &Catalog) -> Result<(), ImportError> {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    match capscore_data::load_files(&borrowed, catalog) {
        Ok(_) => Ok(()),
        Err(e) => Err(ImportError::Input {
            problems: e
                .problems
                .into_iter()
                .map(|d| Problem {
                    file: format!("output {}", d.file),
                    line: d.line,
                    column: d.column,
                    message: format!(
                        "the dataset the import would write is not valid: {}",
                        d.message
                    ),
                })
                .collect(),
            omitted: e.omitted,
        }),
    }
}

/// Imports the Partner Center files of `from` into the dataset folder `out`: checks
/// that `out` may be written (absent, empty, or `force`), converts, then writes the
/// tables and `import-report.json` atomically.
///
/// # Errors
/// [`ImportError::Output`] when `out` is, holds or is inside the input folder, is a
/// file, or a folder with files and no `force`; otherwise as [`convert`],
/// [`recover`] and [`write_folder`].
pub fn import_partner_center(
    from: &Path,
    out: &Path,
    catalog: &Catalog,
    options: &ImportOptions,
    force: bool,
) -> Result<Conversion, ImportError> {
    check_apart(from, out)?;
    let recovered = recover(out)?;
    check_target(out, force)?;
    let mut conversion = convert(from, catalog, options)?;
    conversion.report.recovered = recovered;
    write_folder(out, &conversion.files()?, force)?;
    Ok(conversion)
}
