//! Datasets for capscore: the partner data a score is computed from.
//!
//! A dataset is a directory (or a set of in-memory files) holding one file per table,
//! `NAME.csv` or `NAME.parquet` (see docs/data.md). [`load_dir`] and [`load_files`]
//! read every table, check every value against the data contract and the catalog's
//! vocabulary, and either return a [`Dataset`] (with [`Diagnostic`] warnings) or reject
//! the whole load with a [`LoadError`] that lists every problem found, each with its
//! file, line (Parquet: row) and column. Nothing is ever half-loaded.
//!
//! The [`Dataset`] itself is columnar: one struct of vectors per table, strings
//! interned to integer ids, rows sorted and indexed by partner or tenant so that the
//! engine scores one partner by slicing. Loading is deterministic: the order of the rows
//! in the input does not change the dataset (apart from the recorded source lines).
//!
//! ```
//! # use capscore_core::{AssocTypeId, CertId, Vocabulary, WorkloadId};
//! # struct NoNames;
//! # impl Vocabulary for NoNames {
//! #     fn workload(&self, _: &str) -> Option<WorkloadId> { None }
//! #     fn association_type(&self, _: &str) -> Option<AssocTypeId> { None }
//! #     fn certification(&self, _: &str) -> Option<CertId> { None }
//! #     fn certification_listed(&self, _: CertId) -> bool { false }
//! #     fn suggest_workloads(&self, _: &str) -> Vec<String> { Vec::new() }
//! #     fn suggest_association_types(&self, _: &str) -> Vec<String> { Vec::new() }
//! #     fn suggest_certifications(&self, _: &str) -> Vec<String> { Vec::new() }
//! # }
//! let files: &[(&str, &[u8])] = &[("partners.csv", b"partner_id,name\nP2,Fabrikam\nP1,Contoso\n")];
//! let loaded = capscore_data::load_files(files, &NoNames).unwrap();
//! assert_eq!(loaded.dataset.partners.ids, ["P1", "P2"]);
//!
//! let bad: &[(&str, &[u8])] = &[("partners.csv", b"partner_id,market\nP1,mature\nP2,old\n")];
//! let err = capscore_data::load_files(bad, &NoNames).unwrap_err();
//! assert_eq!(
//!     err.problems[0].to_string(),
//!     r#"partners.csv line 3, column "market": market must be mature or emerging (empty: mature), not "old""#
//! );
//! ```
#![deny(missing_docs)]

pub mod coverage;
mod csv_source;
mod diag;
mod hierarchy;
mod load;
pub mod model;
mod parquet_cells;
mod parquet_source;
mod parquet_text;
mod sort;
mod source;
pub mod window;

pub use coverage::{Coverage, TableCoverage, UsageTable};
pub use diag::{Diagnostic, LoadError, Loaded, MAX_PROBLEMS, MAX_WARNINGS_PER_TABLE};
pub use load::{TABLES, load_dir, load_dir_with, load_files, load_files_with};
pub use model::*;
pub use parquet_source::quiet_parquet_panics;
pub use window::{LoadOptions, UsageWindow};
