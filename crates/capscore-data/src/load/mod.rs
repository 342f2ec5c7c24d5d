//! The loading pipeline: find the table files, read each table row by row, check
//! every value, then intern, sort and index into a [`Dataset`].
//!
//! Everything that depends on input order is made canonical: partners are numbered
//! in `partner_id` order, tenants, people, subscriptions, services and offers in the
//! order of their names, and every table is sorted on all of its values (the source
//! line breaks ties only between identical rows). Permuting the rows of a file thus
//! gives the same dataset apart from the `line` columns.
//!
//! The pipeline is split by concept: [`columns`] (the columns of each table),
//! [`state`] (what has been read so far and the catalog lookups), [`tables`] (one
//! reader per table, checking each row) and [`finish`] (renumbering, sorting,
//! duplicate checks and indexes).

mod columns;
mod finish;
mod state;
mod tables;
mod unread;
mod usage;

use std::path::Path;

use capscore_core::Vocabulary;

use crate::coverage::UsageTable;
use crate::csv_source::read_csv;
use crate::diag::{Diagnostic, Diags, LoadError, Loaded};
use crate::model::Dataset;
use crate::parquet_source::read_parquet;
use crate::source::{Column, Data, Format, Input, RowCtx};
use crate::window::LoadOptions;
use state::{State, Usage};

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
    load_dir_with(dir, vocab, &LoadOptions::default())
}

/// Loads the dataset in a directory as [`load_dir`] does, with options: with a
/// [`crate::UsageWindow`], only the usage rows of its months are kept (every row of a
/// usage table the window reads is still checked, and counted in the coverage); a
/// usage table the window keeps no month of is not checked, only its months are
/// counted in the coverage.
///
/// # Errors
/// A [`LoadError`] listing every problem found, as for [`load_dir`].
pub fn load_dir_with(
    dir: &Path,
    vocab: &dyn Vocabulary,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
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
    run(&place, files, vocab, options, diags)
}

/// Loads a dataset from files in memory, given as (file name, bytes) pairs such as
/// `("partners.csv", b"partner_id\nP1\n")`. Same rules and checks as [`load_dir`].
///
/// # Errors
/// A [`LoadError`] listing every problem found, as for [`load_dir`].
pub fn load_files(files: &[(&str, &[u8])], vocab: &dyn Vocabulary) -> Result<Loaded, LoadError> {
    load_files_with(files, vocab, &LoadOptions::default())
}

/// Loads a dataset from files in memory as [`load_files`] does, with options (see
/// [`load_dir_with`]).
///
/// # Errors
/// A [`LoadError`] listing every problem found, as for [`load_dir`].
pub fn load_files_with(
    files: &[(&str, &[u8])],
    vocab: &dyn Vocabulary,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    let files = files
        .iter()
        .map(|(name, bytes)| ((*name).to_string(), Data::Bytes(bytes)))
        .collect();
    run("dataset", files, vocab, options, Diags::default())
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
    options: &LoadOptions,
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
    let mut st = State::new(vocab, options.usage_window.clone());
    let usage = Usage::new(vocab, options.usage_window.clone());
    for input in inputs.iter().flatten() {
        st.present.push(input.table.to_string());
        st.files.insert(input.table, input.file.clone());
    }
    let (read, unread): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
        inputs.iter().flatten().partition(|i| st.reads(i.table));
    let is_usage = |i: &&Input<'_>| UsageTable::ALL.iter().any(|t| t.name() == i.table);
    let (usage_read, other): (Vec<&Input<'_>>, Vec<&Input<'_>>) =
        read.into_iter().partition(is_usage);
    // Problems are gathered per group of tables and added in table order, so that the
    // problems listed (and those only counted) are those of reading one table after
    // another: the tables before the usage tables, the usage tables, those after.
    let (mut before, mut after) = (Diags::default(), Diags::default());
    let (usage, usage_diags) = std::thread::scope(|s| {
        // Usage tables the request does not read only have their months counted, and
        // those it reads need nothing the other tables hold: both on threads of their
        // own, beside the other tables.
        let counting = (!unread.is_empty()).then(|| {
            s.spawn(|| {
                unread
                    .iter()
                    .filter_map(|i| unread::count_months_only(i))
                    .collect::<Vec<_>>()
            })
        });
        let usage_reader = s.spawn(|| {
            let (mut usage, mut d) = (usage, Diags::default());
            for input in &usage_read {
                match input.table {
                    "m365_usage" => usage.load_m365(input, &mut d),
                    "azure_usage" => usage.load_azure(input, &mut d),
                    _ => usage.load_bizapps(input, &mut d),
                }
            }
            (usage, d)
        });
        for input in other {
            let d = if table_order(input.table) < table_order("m365_usage") {
                &mut before
            } else {
                &mut after
            };
            match input.table {
                "partners" => st.load_partners(input, &mut diags),
                "tenants" => st.load_tenants(input, d),
                "associations" => st.load_associations(input, d),
                "certifications" => st.load_certifications(input, d),
                "exams" => st.load_exams(input, d),
                "enrollments" => st.load_enrollments(input, d),
                _ => st.load_references(input, d),
            }
        }
        let tallies: Vec<_> = counting.map(joined).unwrap_or_default();
        let (mut usage, d) = joined(usage_reader);
        for (table, tally) in tallies {
            usage.set_tally(table, tally);
        }
        (usage, d)
    });
    diags.append(before);
    diags.append(usage_diags);
    diags.append(after);
    let dataset = st.finish(usage, &mut diags);
    dataset
        .coverage
        .warnings()
        .into_iter()
        .for_each(|w| diags.warn(w));
    diags
        .finish(&table_order)
        .map(|warnings| Loaded { dataset, warnings })
}

/// The result of a reader thread. The readers catch the Parquet reader's panics; any
/// other is a bug, raised again here.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

#[cfg(test)]
mod tests {
    use super::*;

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
