//! `capscore import partner-center`.

use std::fmt::Write;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_import::{DateOrder, ImportError, ImportOptions, REPORT_FILE, import_partner_center};

use super::{emit, with_spinner};
use crate::args::{DateOrderArg, ImportArgs, ImportSource};
use crate::exit::Failure;

pub(super) fn run(catalog: &Catalog, source: &ImportSource) -> Result<(), Failure> {
    match source {
        ImportSource::PartnerCenter(args) => partner_center(catalog, args),
    }
}

fn partner_center(catalog: &Catalog, args: &ImportArgs) -> Result<(), Failure> {
    let options = ImportOptions {
        partner_global_id: args.partner_global_id.clone(),
        date_order: args.date_order.map(|o| match o {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        }),
    };
    // A run killed while replacing the dataset: put it back in order first, and say so
    // even when the import then fails.
    for done in capscore_import::recover(&args.out).map_err(failure)? {
        eprintln!("note: {done}");
    }
    let conversion = with_spinner(format!("importing {}", args.from.display()), || {
        import_partner_center(&args.from, &args.out, catalog, &options, args.force)
    })
    .map_err(failure)?;
    let mut text = conversion.report.to_string();
    let out = args.out.display();
    let _ = writeln!(
        text,
        "\ndataset written to {out} (report: {out}/{REPORT_FILE}); score it with: capscore score --data {out}"
    );
    emit(&text)
}

/// Exit 3 for input the import rejects (or an output folder it may not use), 4 when
/// the import rules name association types the catalog lacks, 1 otherwise.
fn failure(e: ImportError) -> Failure {
    match e {
        ImportError::Input { .. } | ImportError::Output(_) => Failure::Input(anyhow!(e)),
        ImportError::Rules(_) => Failure::Catalog(anyhow!(e)),
        ImportError::Io { .. } => Failure::Internal(anyhow!(e)),
    }
}
