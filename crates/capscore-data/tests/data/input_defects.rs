//! Regression tests for input defects found by trying capscore on odd files: line
//! numbers of CRLF files, quotes that merge rows, control characters in ids, parent
//! cycles, compressed Parquet, unknown programs, the limits messages state, an empty
//! partners table and bounded name suggestions.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use capscore_core::{AssocTypeId, CertId, Vocabulary, WorkloadId};
use capscore_data::{MAX_PROBLEMS, load_files};
use parquet::arrow::ArrowWriter;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;

#[test]
fn crlf_files_report_the_right_line() {
    let e = rejected(&[(
        "partners.csv",
        "partner_id,market\r\nP1,mature\r\nP2,old\r\n",
    )]);
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(3),
        Some("market"),
        "old",
    );
    // A quoted line break inside a CRLF file counts as a line too.
    let e = rejected(&[(
        "partners.csv",
        "partner_id,name,market\r\nP1,\"Alpha\r\nInc\",mature\r\nP2,Beta,old\r\n",
    )]);
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(4),
        Some("market"),
        "old",
    );
    // Old Mac line ends (CR only).
    let e = rejected(&[("partners.csv", "partner_id,market\rP1,mature\rP2,old\r")]);
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(3),
        Some("market"),
        "old",
    );
}

#[test]
fn stray_quotes_that_merge_rows_are_refused() {
    // Two stray quotes: read as two rows of two fields each, silently, before.
    let d = single_problem(&[(
        "partners.csv",
        "partner_id,name\n\"P1,Alpha\nP2,Beta\n\"P3,Gamma\nP4,Delta\n",
    )]);
    assert_at(
        &d,
        "partners.csv",
        Some(2),
        Some("partner_id"),
        "a quote opened on this line",
    );
    // In a free-text column, lines inside the quotes that look like rows.
    let d = single_problem(&[(
        "partners.csv",
        "partner_id,name\nP1,\"Alpha\nP2,Beta\nP3,Gamma\"\nP4,Delta\n",
    )]);
    assert_at(&d, "partners.csv", Some(2), Some("name"), "look like rows");
    // A name that honestly spans lines is still a name, a comma in it too.
    let ok = accepted(&[(
        "partners.csv",
        "partner_id,name,market\nP1,\"Alpha\nSeattle, WA\",mature\nP2,Beta,\n",
    )]);
    assert_eq!(ok.dataset.partners.ids, ["P1", "P2"]);
}

#[test]
fn ids_hold_no_control_characters() {
    let e = rejected(&[
        ("partners.csv", "partner_id\nP\u{1}1\nP2\n"),
        (
            "tenants.csv",
            "tenant_id,name\nT\u{1b}[31m,Red\nT2,\"Two\u{1b}[0m\"\n",
        ),
    ]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(2),
        Some("partner_id"),
        "U+0001",
    );
    assert_at(
        &e.problems[1],
        "tenants.csv",
        Some(2),
        Some("tenant_id"),
        "U+001B",
    );
}

#[test]
fn parent_cycles_are_reported_with_their_lines() {
    let e = rejected(&[(
        "partners.csv",
        "partner_id,parent_id\nP001,P002\nP002,P001\nP003,P003\nP004,P001\n",
    )]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(2),
        Some("parent_id"),
        "cycle: \"P001\" → \"P002\" → \"P001\" (lines 2, 3)",
    );
    assert_at(
        &e.problems[1],
        "partners.csv",
        Some(4),
        Some("parent_id"),
        "\"P003\" is its own parent",
    );
}

/// A partners table as Parquet, compressed with `codec`.
fn partners_parquet(codec: Compression) -> Vec<u8> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("partner_id", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, true),
    ]));
    let ids: ArrayRef = Arc::new(StringArray::from(vec!["P1", "P2", "P3"]));
    let names: ArrayRef = Arc::new(StringArray::from(vec![Some("Contoso"), None, Some("N")]));
    let batch = RecordBatch::try_new(Arc::clone(&schema), vec![ids, names]).expect("batch");
    let props = WriterProperties::builder().set_compression(codec).build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    out
}

#[test]
fn parquet_is_read_with_every_codec() {
    let codecs = [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::GZIP(GzipLevel::default()),
        Compression::BROTLI(BrotliLevel::default()),
        Compression::LZ4,
        Compression::LZ4_RAW,
        Compression::ZSTD(ZstdLevel::default()),
    ];
    for codec in codecs {
        let bytes = partners_parquet(codec);
        let files: &[(&str, &[u8])] = &[("partners.parquet", &bytes)];
        let loaded = load_files(files, vocab()).unwrap_or_else(|e| panic!("{codec:?}: {e}"));
        assert_eq!(loaded.dataset.partners.ids, ["P1", "P2", "P3"], "{codec:?}");
    }
}

#[test]
fn parquet_written_by_pyarrow_is_read_with_every_codec() {
    // Made by tests/fixtures/parquet_codecs/make.py (pyarrow 26).
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parquet_codecs");
    for codec in ["none", "snappy", "gzip", "brotli", "lz4", "zstd"] {
        let bytes = std::fs::read(dir.join(format!("partners_{codec}.parquet"))).expect("fixture");
        let files: &[(&str, &[u8])] = &[("partners.parquet", &bytes)];
        let loaded = load_files(files, vocab()).unwrap_or_else(|e| panic!("{codec}: {e}"));
        assert_eq!(loaded.dataset.partners.ids, ["P1", "P2", "P3"], "{codec}");
        assert_eq!(
            loaded.dataset.partners.names[0].as_deref(),
            Some("Contoso"),
            "{codec}"
        );
    }
}

#[test]
fn unknown_programs_are_errors_with_suggestions() {
    let en = "partner_id,program,enrolled_date,anniversary_date\n\
P1,designation:modern_work,2023-01-01,2024-01-01\n\
P1,specialization:teamwork_deploymnet,2023-01-01,2024-01-01\n";
    let refs = "partner_id,program,submitted_date,status\n\
P1,Specialization:Teamwork_Deployment,2023-01-01,approved\n\
P1,designation:modern_wrok,2023-01-01,approved\n";
    let e = rejected(&[
        ("partners.csv", PARTNERS),
        ("enrollments.csv", en),
        ("customer_references.csv", refs),
    ]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "enrollments.csv",
        Some(3),
        Some("program"),
        "unknown program \"specialization:teamwork_deploymnet\"; did you mean \"specialization:teamwork_deployment\"",
    );
    assert_at(
        &e.problems[1],
        "customer_references.csv",
        Some(3),
        Some("program"),
        "did you mean \"designation:modern_work\"",
    );
}

#[test]
fn messages_state_the_limits_that_apply() {
    let m365 = "tenant_id,workload,month,paid_units,active_users\n\
T1,Teams,2023-01,1,1\n";
    let azure = "tenant_id,service,offer,month,acr_usd\n\
T1,Virtual Machines,PAYG,2023-01,1.0000000001\n\
T1,Virtual Machines,PAYG,0001-01,1\n\
T1,Virtual Machines,PAYG,2023-13,1\n";
    let en = "partner_id,program,enrolled_date,anniversary_date\n\
P1,designation:modern_work,0001-01-01,2024-01-01\n\
P1,designation:modern_work,2023-02-30,2024-01-01\n\
P1,designation:modern_work,2023/02/01,2024-01-01\n";
    let e = rejected(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", m365),
        ("azure_usage.csv", azure),
        ("enrollments.csv", en),
    ]);
    assert_eq!(e.problems.len(), 6, "{e}");
    let msg = |i: usize| e.problems[i].message.clone();
    assert!(
        msg(0).contains("at most 15 digits before the decimal point and 9 after it"),
        "{}",
        msg(0)
    );
    assert!(!msg(0).contains("18"), "{}", msg(0));
    assert!(
        msg(1).contains("out of range") && msg(1).contains("1900 to 9999"),
        "{}",
        msg(1)
    );
    assert!(msg(2).contains("not a month (01 to 12)"), "{}", msg(2));
    assert!(
        msg(3).contains("date out of range") && msg(3).contains("1900 to 9999"),
        "{}",
        msg(3)
    );
    assert!(msg(4).contains("not a calendar date"), "{}", msg(4));
    assert!(
        msg(5).contains("not a date of the form YYYY-MM-DD"),
        "{}",
        msg(5)
    );
}

#[test]
fn an_empty_partners_table_is_reported_once() {
    let mut certs = String::from("partner_id,person_id,certification,earned_date\n");
    for i in 0..300 {
        certs.push_str(&format!(
            "P1,p{i},Teams Administrator Associate,2023-01-01\n"
        ));
    }
    let d = single_problem(&[
        ("partners.csv", "partner_id,name\n"),
        ("certifications.csv", &certs),
    ]);
    assert_at(
        &d,
        "partners.csv",
        None,
        None,
        "the table has no partner rows",
    );
    // Alone, too: a dataset without partners is not valid.
    let d = single_problem(&[("partners.csv", "partner_id\n")]);
    assert!(d.message.contains("at least one partner"), "{d}");
}

/// The real catalog, counting the suggestions asked of it.
struct Counting {
    asked: AtomicUsize,
}

impl Vocabulary for Counting {
    fn workload(&self, name: &str) -> Option<WorkloadId> {
        vocab().workload(name)
    }
    fn association_type(&self, name: &str) -> Option<AssocTypeId> {
        vocab().association_type(name)
    }
    fn certification(&self, name: &str) -> Option<CertId> {
        vocab().certification(name)
    }
    fn certification_listed(&self, id: CertId) -> bool {
        vocab().certification_listed(id)
    }
    fn suggest_workloads(&self, name: &str) -> Vec<String> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        vocab().suggest_workloads(name)
    }
    fn suggest_association_types(&self, name: &str) -> Vec<String> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        vocab().suggest_association_types(name)
    }
    fn suggest_certifications(&self, name: &str) -> Vec<String> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        vocab().suggest_certifications(name)
    }
}

#[test]
fn suggestions_are_looked_for_only_for_listed_problems() {
    // 5,000 distinct unknown workloads and titles: suggestions only for the problems
    // and warnings shown, not for each distinct value.
    let mut m365 = String::from("tenant_id,workload,month,paid_units,active_users\n");
    let mut certs = String::from("partner_id,person_id,certification,earned_date\n");
    for i in 0..5000 {
        m365.push_str(&format!("T1,Teams{i},2023-01,1,1\n"));
        certs.push_str(&format!("P1,p{i},Teams Admin {i},2023-01-01\n"));
    }
    let counting = Counting {
        asked: AtomicUsize::new(0),
    };
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", PARTNERS.as_bytes()),
        ("m365_usage.csv", m365.as_bytes()),
        ("certifications.csv", certs.as_bytes()),
    ];
    let e = load_files(files, &counting).expect_err("rejected");
    assert_eq!(e.total(), 5000);
    assert!(
        e.problems[0].message.contains("did you mean \"Teams\""),
        "{}",
        e.problems[0]
    );
    assert!(
        counting.asked.load(Ordering::Relaxed)
            <= MAX_PROBLEMS + capscore_data::MAX_WARNINGS_PER_TABLE,
        "{} suggestions looked for",
        counting.asked.load(Ordering::Relaxed)
    );
}
