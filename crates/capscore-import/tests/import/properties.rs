//! Properties of the import: the order of the rows in the input files does not change
//! the tables or the report's counts; no input makes it panic.

use std::path::{Path, PathBuf};

use capscore_catalog::Catalog;
use capscore_import::{Conversion, ImportOptions, convert};
use proptest::prelude::*;

fn contoso() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contoso")
}

/// The data lines of each fixture file (none has a line break inside a quoted field),
/// with the header and byte order mark kept apart.
fn files() -> Vec<(String, String, Vec<String>, &'static str)> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(contoso())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut lines: Vec<String> = text.split(eol).map(str::to_string).collect();
        if lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        let header = lines.remove(0);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, header, lines, eol));
    }
    out
}

/// Per file: name, rows read, rows used, skip reasons and notes with their counts.
type FileCounts = (String, u64, u64, Vec<(String, u64)>, Vec<(String, u64)>);

/// Counts of the report that do not depend on row order (line numbers do).
fn counts(c: &Conversion) -> Vec<FileCounts> {
    c.report
        .files
        .iter()
        .map(|f| {
            (
                f.file.clone(),
                f.rows_read,
                f.rows_used,
                f.rows_skipped
                    .iter()
                    .map(|(k, v)| (k.clone(), *v))
                    .collect(),
                f.notes.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            )
        })
        .collect()
}

fn import(dir: &Path) -> Conversion {
    convert(
        dir,
        &Catalog::embedded().unwrap(),
        &ImportOptions {
            date_order: Some(capscore_import::DateOrder::Mdy),
            ..ImportOptions::default()
        },
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn row_order_does_not_change_the_output(seed in any::<u64>()) {
        let baseline = import(&contoso());
        let dir = tempfile::tempdir().unwrap();
        let mut rng = seed;
        for (name, header, mut lines, eol) in files() {
            // Fisher–Yates with a small linear congruential generator from the seed.
            for i in (1..lines.len()).rev() {
                rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let j = usize::try_from(rng >> 33).unwrap() % (i + 1);
                lines.swap(i, j);
            }
            let mut text = header;
            for l in lines {
                text.push_str(eol);
                text.push_str(&l);
            }
            text.push_str(eol);
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let shuffled = import(dir.path());
        prop_assert_eq!(&shuffled.tables, &baseline.tables);
        prop_assert_eq!(counts(&shuffled), counts(&baseline));
        let values = |c: &Conversion| -> Vec<(String, String, u64)> {
            c.report.unrecognised.iter().map(|u| (u.what.clone(), u.value.clone(), u.rows)).collect()
        };
        prop_assert_eq!(values(&shuffled), values(&baseline));
        prop_assert_eq!(&shuffled.report.notes, &baseline.report.notes);
    }

    #[test]
    fn no_row_makes_the_import_panic(rows in proptest::collection::vec(
        proptest::collection::vec("[ -~]{0,12}|2024-0[1-9]|[0-9]{1,4}|CSP T1|1|0|,|\"", 0..10), 0..8)
    ) {
        let header = "CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId,PartnerAttributionType,IsDuplicateRowForPGA,DateAssociated,ClaimId";
        let mut text = format!("{header}\n");
        for r in rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.csv"), text).unwrap();
        let _ = convert(dir.path(), &Catalog::embedded().unwrap(), &ImportOptions::default());
    }
}
