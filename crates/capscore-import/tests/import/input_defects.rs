//! Regression tests for import defects found by trying odd inputs: line numbers of
//! CRLF files and of the first data row, control characters in ids, the size bound,
//! slashed dates whose day/month order only the file can tell, rows whose value is
//! left out, and an unknown global account.

use std::path::Path;

use capscore_catalog::Catalog;
use capscore_import::{Conversion, DateOrder, ImportError, ImportOptions, convert};

fn catalog() -> Catalog {
    Catalog::embedded().unwrap()
}

/// Writes files into a new temporary folder.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn run(dir: &Path, options: &ImportOptions) -> Result<Conversion, ImportError> {
    convert(dir, &catalog(), options)
}

fn problems(dir: &Path, options: &ImportOptions) -> Vec<String> {
    match run(dir, options) {
        Err(ImportError::Input { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected input problems, got {other:?}"),
    }
}

const USAGE_HEADER: &str = "CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId,PartnerAttributionType";

#[test]
fn crlf_files_report_the_right_line() {
    let text = format!(
        "{USAGE_HEADER}\r\nt1,Exchange,2024-06,10,5,P1,CSP T1\r\nt2,Exchange,2024-06,ten,5,P1,CSP T1\r\n"
    );
    let dir = folder(&[("usage.csv", text.as_bytes())]);
    assert_eq!(
        problems(dir.path(), &ImportOptions::default()),
        [r#"usage.csv line 3, column "PaidAvailableUnits": not a number: "ten""#]
    );
}

#[test]
fn bad_text_in_the_first_data_row_is_line_2() {
    let mut bytes =
        format!("{USAGE_HEADER},CustomerName\nt1,Exchange,2024-06,10,5,P1,CSP T1,").into_bytes();
    bytes.extend([0xFF, b'\n']);
    let dir = folder(&[("usage.csv", &bytes)]);
    let p = problems(dir.path(), &ImportOptions::default());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(r#"usage.csv line 2, column "CustomerName": not valid UTF-8"#),
        "{p:?}"
    );
}

#[test]
fn control_characters_in_ids_are_refused_where_they_are() {
    // A NUL and an escape in ids: the loader would refuse the dataset, so the import
    // refuses the rows, at their line and column.
    let text = format!(
        "{USAGE_HEADER}\nt1,Exchange,2024-06,10,5,P\u{1b}1,CSP T1\nt\u{0}2,Exchange,2024-06,10,5,P1,CSP T1\n"
    );
    let dir = folder(&[("usage.csv", text.as_bytes())]);
    let p = problems(dir.path(), &ImportOptions::default());
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with(
            r#"usage.csv line 2, column "MPNId": contains the control character U+001B"#
        ),
        "{p:?}"
    );
    assert!(
        p[1].starts_with(r#"usage.csv line 3, column "CustomerTenantId": contains a NUL byte"#),
        "{p:?}"
    );
}

#[test]
fn an_import_that_succeeds_always_loads() {
    // Names may hold line breaks and escapes; ids may not. What is written loads.
    let text = format!(
        "{USAGE_HEADER},CustomerName\nt1,Exchange,2024-06,10,5,P1,CSP T1,\"Alpha\nInc \u{1b}[31m\"\n"
    );
    let dir = folder(&[("usage.csv", text.as_bytes())]);
    let c = run(dir.path(), &ImportOptions::default()).unwrap();
    let files = c.files().unwrap();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    capscore_data::load_files(&borrowed, &catalog()).unwrap();
}

#[test]
fn a_runaway_row_is_stopped_with_its_line() {
    let mut bytes =
        format!("{USAGE_HEADER}\nt1,Exchange,2024-06,10,5,P1,CSP T1\n\"t2,").into_bytes();
    bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
    let dir = folder(&[("usage.csv", &bytes)]);
    let p = problems(dir.path(), &ImportOptions::default());
    assert_eq!(
        p,
        [
            "usage.csv line 3: a row is longer than 1048576 bytes: is this a table file? (a quote left open makes the rest of the file one field)"
        ]
    );
}

#[test]
fn the_date_order_is_found_per_file_from_its_values() {
    let trainings = |dates: &[&str]| {
        let mut t = String::from("TrainingTitle,TrainingCompletionDate,MpnId,Email\n");
        for (i, d) in dates.iter().enumerate() {
            t.push_str(&format!(
                "Teams Administrator Associate,{d},P1,p{i}@x.com\n"
            ));
        }
        t
    };
    // Day first: 13/06 can only be the 13th of June, so 01/06 is the 1st of June.
    let dir = folder(&[("t.csv", trainings(&["01/06/2024", "13/06/2024"]).as_bytes())]);
    let c = run(dir.path(), &ImportOptions::default()).unwrap();
    let earned: Vec<&str> = c
        .tables
        .certifications
        .iter()
        .map(|r| r.earned_date.as_str())
        .collect();
    assert_eq!(earned, ["2024-06-01", "2024-06-13"]);
    let report = &c.report.files[0];
    assert_eq!(
        report.date_order.as_deref(),
        Some(
            r#"D/M/YYYY (day first, as line 3, column "TrainingCompletionDate": "13/06/2024" shows)"#
        )
    );
    assert!(
        c.report.to_string().contains("dates: D/M/YYYY (day first"),
        "{}",
        c.report
    );
    // Month first.
    let dir = folder(&[("t.csv", trainings(&["01/06/2024", "06/13/2024"]).as_bytes())]);
    let c = run(dir.path(), &ImportOptions::default()).unwrap();
    let earned: Vec<&str> = c
        .tables
        .certifications
        .iter()
        .map(|r| r.earned_date.as_str())
        .collect();
    assert_eq!(earned, ["2024-01-06", "2024-06-13"]);
    // Ambiguous throughout: refused unless the order is given.
    let dir = folder(&[("t.csv", trainings(&["01/06/2024", "02/06/2024"]).as_bytes())]);
    let p = problems(dir.path(), &ImportOptions::default());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(r#"t.csv line 2, column "TrainingCompletionDate": the slashed dates"#),
        "{p:?}"
    );
    assert!(
        p[0].contains("--date-order dmy or --date-order mdy"),
        "{p:?}"
    );
    let dmy = ImportOptions {
        date_order: Some(DateOrder::Dmy),
        ..ImportOptions::default()
    };
    let c = run(dir.path(), &dmy).unwrap();
    let earned: Vec<&str> = c
        .tables
        .certifications
        .iter()
        .map(|r| r.earned_date.as_str())
        .collect();
    assert_eq!(earned, ["2024-06-01", "2024-06-02"]);
    // Both orders in one file.
    let dir = folder(&[("t.csv", trainings(&["13/06/2024", "06/13/2024"]).as_bytes())]);
    let p = problems(dir.path(), &ImportOptions::default());
    assert!(p[0].contains("slashed dates in both orders"), "{p:?}");
}

#[test]
fn rows_whose_value_is_left_out_are_counted_as_skipped() {
    let text = format!(
        "{USAGE_HEADER},IsDuplicateRowForPGA\n\
         t1,Exchange,2024-06,10,5,P1,CSP T1,0\n\
         t1,Exchange,2024-06,10,5,P1,CSP T1,1\n\
         t2,Exchange,2024-06,10,5,P1,Partner as end-customer,0\n"
    );
    let dir = folder(&[("usage.csv", text.as_bytes())]);
    let c = run(dir.path(), &ImportOptions::default()).unwrap();
    let f = &c.report.files[0];
    assert_eq!((f.rows_read, f.rows_used, f.skipped()), (3, 1, 2));
    assert_eq!(
        f.rows_skipped.get("value left out: counted on another row of the global account (IsDuplicateRowForPGA = 1)"),
        Some(&1)
    );
    assert!(
        f.rows_skipped
            .keys()
            .any(|k| k.starts_with("value left out: attribution \"Partner as end-customer\"")),
        "{:?}",
        f.rows_skipped
    );
}

#[test]
fn an_unknown_global_account_is_refused_listing_those_found() {
    let text = format!(
        "PGAPartnerID,{USAGE_HEADER}\n1,t1,Exchange,2024-06,10,5,P1,CSP T1\n2,t2,Exchange,2024-06,10,5,P2,CSP T1\n"
    );
    let dir = folder(&[("usage.csv", text.as_bytes())]);
    let options = ImportOptions {
        partner_global_id: Some("999".to_string()),
        ..ImportOptions::default()
    };
    let p = problems(dir.path(), &options);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].ends_with("the global accounts the files have: 1, 2"),
        "{p:?}"
    );
}
