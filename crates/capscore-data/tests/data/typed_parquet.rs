//! Parquet values read typed (integers, decimals, dates) and dictionary-encoded
//! strings checked once per entry give the same dataset, the same problems and the
//! same warnings as the same values written as CSV text.

use std::sync::Arc;

use arrow_array::builder::{Date32Builder, Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{Array as _, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{Field, Schema};
use capscore_data::{Diagnostic, LoadError, Loaded, load_files};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;

use crate::common::{render, vocab};

const PARTNERS: &str = "partner_id\nP1\n";

/// A column of a test table: its name and its values (`None`: null / empty).
enum Col {
    Text(&'static str, Vec<Option<String>>),
    Int(&'static str, Vec<Option<i64>>),
    Dec(&'static str, i8, Vec<Option<i128>>),
    Date(&'static str, Vec<Option<i32>>),
}

impl Col {
    fn name(&self) -> &'static str {
        match self {
            Col::Text(n, _) | Col::Int(n, _) | Col::Dec(n, _, _) | Col::Date(n, _) => n,
        }
    }

    fn array(&self) -> ArrayRef {
        match self {
            Col::Text(_, v) => {
                let mut b = StringBuilder::new();
                for c in v {
                    b.append_option(c.as_deref());
                }
                Arc::new(b.finish())
            }
            Col::Int(_, v) => {
                let mut b = Int64Builder::new();
                for c in v {
                    b.append_option(*c);
                }
                Arc::new(b.finish())
            }
            Col::Dec(_, s, v) => {
                let mut b = Decimal128Builder::new();
                for c in v {
                    b.append_option(*c);
                }
                Arc::new(b.finish().with_precision_and_scale(38, *s).expect("type"))
            }
            Col::Date(_, v) => {
                let mut b = Date32Builder::new();
                for c in v {
                    b.append_option(*c);
                }
                Arc::new(b.finish())
            }
        }
    }

    /// The CSV text of each value: what the Parquet reader's text path gives.
    fn texts(&self) -> Vec<String> {
        let array = self.array();
        let formatter =
            ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default()).expect("format");
        (0..array.len())
            .map(|i| {
                if array.is_null(i) {
                    String::new()
                } else {
                    formatter.value(i).to_string()
                }
            })
            .collect()
    }
}

/// The table as Parquet (small pages and row groups, so that dictionaries change
/// between batches) and as CSV.
fn files(cols: &[Col], rows: usize) -> (Vec<u8>, String) {
    let fields: Vec<Field> = cols
        .iter()
        .map(|c| Field::new(c.name(), c.array().data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), cols.iter().map(Col::array).collect())
        .expect("batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(7))
        .set_data_page_row_count_limit(3)
        .set_write_batch_size(3)
        .build();
    let mut pq = Vec::new();
    let mut w = ArrowWriter::try_new(&mut pq, schema, Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    let texts: Vec<Vec<String>> = cols.iter().map(Col::texts).collect();
    let mut csv = cols.iter().map(Col::name).collect::<Vec<_>>().join(",");
    csv.push('\n');
    for r in 0..rows {
        let cells: Vec<String> = texts
            .iter()
            .map(|t| {
                let c = &t[r];
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    (pq, csv)
}

/// A diagnostic with the CSV line (one more than the Parquet row) and file name.
fn as_csv(d: &Diagnostic) -> Diag {
    (
        d.file.replace(".parquet", ".csv"),
        d.line.map(|l| {
            if d.file.ends_with(".parquet") {
                l + 1
            } else {
                l
            }
        }),
        d.column.clone(),
        if d.file.ends_with(".parquet") {
            rows_as_lines(&d.message)
        } else {
            d.message.clone()
        },
    )
}

/// A Parquet message with each `row N` as the CSV's `line N+1`.
fn rows_as_lines(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("row ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push_str("row ");
        } else {
            let n: u64 = after[..digits].parse().unwrap_or(0);
            out.push_str(&format!("line {}", n + 1));
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A diagnostic as compared: file, line, column, message.
type Diag = (String, Option<u64>, Option<String>, String);
/// A load as compared: the dataset rendered and its warnings, or its problems.
type Outcome = Result<(String, Vec<Diag>), Vec<Diag>>;

fn outcome(r: Result<Loaded, LoadError>) -> Outcome {
    match r {
        Ok(l) => Ok((
            render(&l.dataset, false),
            l.warnings.iter().map(as_csv).collect(),
        )),
        Err(e) => Err(e.problems.iter().map(as_csv).collect()),
    }
}

/// Loads the table as Parquet and as CSV and checks both outcomes are the same.
fn same_as_csv(table: &str, cols: &[Col], rows: usize) -> Result<(), TestCaseError> {
    let (pq, csv) = files(cols, rows);
    let pq_name = format!("{table}.parquet");
    let csv_name = format!("{table}.csv");
    let from_pq = load_files(
        &[("partners.csv", PARTNERS.as_bytes()), (&pq_name, &pq)],
        vocab(),
    );
    let from_csv = load_files(
        &[
            ("partners.csv", PARTNERS.as_bytes()),
            (&csv_name, csv.as_bytes()),
        ],
        vocab(),
    );
    prop_assert_eq!(outcome(from_pq), outcome(from_csv), "CSV:\n{}", csv);
    Ok(())
}

fn text(choices: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        8 => proptest::sample::select(choices).prop_map(|s| Some(s.to_string())),
    ]
}

const TENANTS: &[&str] = &["T1", "T2", " T3 ", "T4", "", "T\u{7}5"];
const WORKLOADS: &[&str] = &["Teams", "Exchange", " SharePoint ", "Temas", ""];
const MONTHS: &[&str] = &[
    "2024-01", "2024-02", " 2024-03", "2024-13", "1800-01", "2024-1", "",
];

fn int() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        1 => Just(None),
        6 => (0i64..50).prop_map(Some),
        1 => (-50i64..0).prop_map(Some),
        1 => Just(Some(i64::MAX)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn m365_typed_and_dictionary_values_read_as_their_text(
        rows in proptest::collection::vec(
            (text(TENANTS), text(WORKLOADS), text(MONTHS), int(), int()),
            1..30,
        )
    ) {
        let n = rows.len();
        let cols = [
            Col::Text("tenant_id", rows.iter().map(|r| r.0.clone()).collect()),
            Col::Text("workload", rows.iter().map(|r| r.1.clone()).collect()),
            Col::Text("month", rows.iter().map(|r| r.2.clone()).collect()),
            Col::Int("paid_units", rows.iter().map(|r| r.3).collect()),
            Col::Int("active_users", rows.iter().map(|r| r.4).collect()),
        ];
        same_as_csv("m365_usage", &cols, n)?;
    }

    #[test]
    fn azure_decimals_read_as_their_text(
        scale in prop_oneof![Just(0i8), Just(2), Just(9), Just(10)],
        rows in proptest::collection::vec(
            (
                text(TENANTS),
                text(&["Compute", "Storage", ""]),
                text(MONTHS),
                prop_oneof![
                    1 => Just(None),
                    6 => (0i128..100_000).prop_map(Some),
                    1 => (-100_000i128..0).prop_map(Some),
                    1 => Just(Some(10i128.pow(30))),
                ],
            ),
            1..30,
        )
    ) {
        let n = rows.len();
        let cols = [
            Col::Text("tenant_id", rows.iter().map(|r| r.0.clone()).collect()),
            Col::Text("service", rows.iter().map(|r| r.1.clone()).collect()),
            Col::Text("offer", rows.iter().map(|_| Some("MS-AZR-0003P".to_string())).collect()),
            Col::Text("month", rows.iter().map(|r| r.2.clone()).collect()),
            Col::Dec("acr_usd", scale, rows.iter().map(|r| r.3).collect()),
        ];
        same_as_csv("azure_usage", &cols, n)?;
    }

    #[test]
    fn dates_and_whole_decimals_read_as_their_text(
        rows in proptest::collection::vec(
            (
                text(TENANTS),
                prop_oneof![
                    1 => Just(None),
                    6 => (18_000i32..20_000).prop_map(Some),
                    1 => Just(Some(-30_000i32)),
                    1 => Just(Some(3_000_000i32)),
                ],
                prop_oneof![1 => Just(None), 3 => (-5i64..5).prop_map(Some), 1 => Just(Some(10i64.pow(16)))],
            ),
            1..30,
        )
    ) {
        let n = rows.len();
        let cols = [
            Col::Text("tenant_id", rows.iter().map(|r| r.0.clone()).collect()),
            Col::Text("workload", rows.iter().map(|_| Some("Sales".to_string())).collect()),
            Col::Text("month", rows.iter().map(|_| Some("2024-01".to_string())).collect()),
            Col::Int("units", rows.iter().map(|r| r.2).collect()),
        ];
        same_as_csv("bizapps_usage", &cols, n)?;
        let assoc = [
            Col::Text("partner_id", rows.iter().map(|_| Some("P1".to_string())).collect()),
            Col::Text("tenant_id", rows.iter().map(|r| r.0.clone()).collect()),
            Col::Text("type", rows.iter().map(|_| Some("CPOR".to_string())).collect()),
            Col::Date("start_date", rows.iter().map(|r| r.1).collect()),
            Col::Date("end_date", rows.iter().map(|r| r.1.map(|d| d + 40)).collect()),
        ];
        same_as_csv("associations", &assoc, n)?;
    }
}
