//! Bad input: every kind of problem is reported with its file, line and column, all
//! problems are listed (up to the limit), and nothing is loaded.

use std::sync::Arc;

use crate::common::*;
use arrow_array::builder::{Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use capscore_data::{MAX_PROBLEMS, load_dir, load_files};
use parquet::arrow::ArrowWriter;

const M365_HEADER: &str = "tenant_id,workload,month,paid_units,active_users\n";

fn m365(rows: &str) -> String {
    format!("{M365_HEADER}{rows}")
}

#[test]
fn missing_required_column() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        (
            "m365_usage.csv",
            "tenant_id,workload,month,active_users\nT1,Teams,2023-01,5\n",
        ),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(1),
        Some("paid_units"),
        "required column \"paid_units\" is missing",
    );
}

#[test]
fn empty_value_in_required_column() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Teams,2023-01,,5\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("paid_units"),
        "empty value in a required column",
    );
}

#[test]
fn unparsable_whole_number() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        (
            "m365_usage.csv",
            &m365("T1,Teams,2023-01,5,1\nT1,Exchange,2023-01,12x,3\n"),
        ),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(3),
        Some("paid_units"),
        "not a whole number: \"12x\"",
    );
    assert_eq!(
        d.to_string(),
        "m365_usage.csv line 3, column \"paid_units\": not a whole number: \"12x\""
    );
}

#[test]
fn fractional_units_are_not_whole() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Teams,2023-01,5,1.5\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("active_users"),
        "not a whole number: \"1.5\"",
    );
}

#[test]
fn unparsable_decimal() {
    let azure = "tenant_id,service,offer,month,acr_usd\nT1,VM,PAYG,2023-01,\"1,234.5\"\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("azure_usage.csv", azure)]);
    assert_at(
        &d,
        "azure_usage.csv",
        Some(2),
        Some("acr_usd"),
        "not a number: \"1,234.5\"",
    );
}

#[test]
fn unparsable_date() {
    let assoc = "partner_id,tenant_id,type,start_date\nP1,T1,CPOR,2023/01/05\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("associations.csv", assoc)]);
    assert_at(
        &d,
        "associations.csv",
        Some(2),
        Some("start_date"),
        "not a date of the form YYYY-MM-DD: \"2023/01/05\"",
    );
}

#[test]
fn impossible_date() {
    let certs = "partner_id,person_id,certification,earned_date,expires_date\nP1,a,Teams Administrator Associate,2023-01-05,2023-02-30\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("certifications.csv", certs)]);
    assert_at(
        &d,
        "certifications.csv",
        Some(2),
        Some("expires_date"),
        "\"2023-02-30\"",
    );
}

#[test]
fn unparsable_month() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Teams,2023-6,5,1\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("month"),
        "not a month of the form YYYY-MM: \"2023-6\"",
    );
}

#[test]
fn negative_units() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Teams,2023-01,-5,0\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("paid_units"),
        "negative paid_units: \"-5\"",
    );
}

#[test]
fn negative_users() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Teams,2023-01,5,-1\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("active_users"),
        "negative active_users",
    );
}

#[test]
fn negative_bizapps_units_but_negative_revenue_is_fine() {
    let biz = "tenant_id,workload,month,revenue_usd,units\nT1,Sales,2023-01,-20,3\nT1,Finance,2023-01,5,-0.5\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("bizapps_usage.csv", biz)]);
    assert_at(
        &d,
        "bizapps_usage.csv",
        Some(3),
        Some("units"),
        "negative units",
    );
}

#[test]
fn unknown_workload_with_suggestions() {
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", &m365("T1,Exchnage,2023-01,5,1\n")),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("workload"),
        "unknown workload \"Exchnage\"; did you mean",
    );
    assert!(d.message.contains("\"Exchange\""), "{d}");
}

#[test]
fn unknown_workload_in_associations_and_bizapps() {
    let assoc =
        "partner_id,tenant_id,type,workload,start_date\nP1,T1,CPOR,Sharepoint Onlin,2023-01-01\n";
    let biz = "tenant_id,workload,month\nT1,Dynamics 365 Slaes,2023-01\n";
    let e = rejected(&[
        ("partners.csv", PARTNERS),
        ("associations.csv", assoc),
        ("bizapps_usage.csv", biz),
    ]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "associations.csv",
        Some(2),
        Some("workload"),
        "did you mean",
    );
    assert!(e.problems[0].message.contains("SharePoint"), "{e}");
    assert_at(
        &e.problems[1],
        "bizapps_usage.csv",
        Some(2),
        Some("workload"),
        "unknown workload",
    );
}

#[test]
fn unknown_association_type_with_suggestions() {
    let assoc = "partner_id,tenant_id,type,start_date\nP1,T1,CPR,2023-01-01\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("associations.csv", assoc)]);
    assert_at(
        &d,
        "associations.csv",
        Some(2),
        Some("type"),
        "unknown association type \"CPR\"; did you mean",
    );
    assert!(d.message.contains("CPOR"), "{d}");
}

#[test]
fn duplicate_m365_key_names_the_earlier_line() {
    let rows = "T1,Teams,2023-01,5,1\nT2,Teams,2023-01,5,1\nT1,Microsoft Teams,2023-01,7,1\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("m365_usage.csv", &m365(rows))]);
    assert_at(&d, "m365_usage.csv", Some(4), None, "duplicate row");
    assert!(d.message.contains("line 2"), "{d}");
}

#[test]
fn duplicate_azure_key() {
    let azure = "tenant_id,subscription_id,service,offer,month,acr_usd\n\
T1,s1,VM,PAYG,2023-01,5\nT1,s2,VM,PAYG,2023-01,5\nT1,s1,VM,PAYG,2023-01,6\nT1,,VM,PAYG,2023-01,1\nT1,,VM,PAYG,2023-01,2\n";
    let e = rejected(&[("partners.csv", PARTNERS), ("azure_usage.csv", azure)]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "azure_usage.csv",
        Some(4),
        None,
        "same tenant_id, subscription_id, service, offer and month as line 2",
    );
    assert_at(
        &e.problems[1],
        "azure_usage.csv",
        Some(6),
        None,
        "as line 5",
    );
}

#[test]
fn duplicate_bizapps_key() {
    let biz = "tenant_id,workload,month\nT1,Sales,2023-01\nT1,Dynamics 365 Sales,2023-01\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("bizapps_usage.csv", biz)]);
    assert_at(&d, "bizapps_usage.csv", Some(3), None, "as line 2");
}

#[test]
fn duplicate_partner_and_tenant() {
    let e = rejected(&[
        ("partners.csv", "partner_id\nP1\nP2\nP1\n"),
        ("tenants.csv", "tenant_id,name\nT1,a\nT1,b\n"),
    ]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(4),
        Some("partner_id"),
        "duplicate partner_id \"P1\": already on line 2",
    );
    assert_at(
        &e.problems[1],
        "tenants.csv",
        Some(3),
        Some("tenant_id"),
        "already on line 2",
    );
}

#[test]
fn association_ending_before_it_starts() {
    let assoc = "partner_id,tenant_id,type,start_date,end_date\nP1,T1,CPOR,2023-05-01,2023-04-30\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("associations.csv", assoc)]);
    assert_at(
        &d,
        "associations.csv",
        Some(2),
        Some("end_date"),
        "end_date 2023-04-30 is before start_date 2023-05-01",
    );
}

#[test]
fn references_to_unknown_partners() {
    let e = rejected(&[
        ("partners.csv", "partner_id,parent_id\nP1,\nP2,P7\n"),
        (
            "associations.csv",
            "partner_id,tenant_id,type,start_date\nP9,T1,CPOR,2023-01-01\n",
        ),
        (
            "certifications.csv",
            "partner_id,person_id,certification,earned_date\nP1,a,x,2023-01-01\nP8,b,x,2023-01-01\n",
        ),
        (
            "exams.csv",
            "partner_id,person_id,exam,passed_date\nP6,a,70-346,2019-01-01\n",
        ),
        (
            "enrollments.csv",
            "partner_id,program,enrolled_date,anniversary_date\nP5,designation:modern_work,2023-01-01,2024-01-01\n",
        ),
        (
            "customer_references.csv",
            "partner_id,program,submitted_date,status\nP4,designation:security,2023-01-01,pending\n",
        ),
    ]);
    let got: Vec<(String, Option<u64>, Option<String>)> = e
        .problems
        .iter()
        .map(|d| (d.file.clone(), d.line, d.column.clone()))
        .collect();
    let col = |c: &str| Some(c.to_string());
    assert_eq!(
        got,
        [
            ("partners.csv".to_string(), Some(3), col("parent_id")),
            ("associations.csv".to_string(), Some(2), col("partner_id")),
            ("certifications.csv".to_string(), Some(3), col("partner_id")),
            ("exams.csv".to_string(), Some(2), col("partner_id")),
            ("enrollments.csv".to_string(), Some(2), col("partner_id")),
            (
                "customer_references.csv".to_string(),
                Some(2),
                col("partner_id")
            ),
        ],
        "{e}"
    );
    assert!(
        e.problems[0]
            .message
            .contains("parent_id \"P7\" is not a partner_id in partners"),
        "{e}"
    );
    assert!(
        e.problems[1]
            .message
            .contains("partner_id \"P9\" is not in partners"),
        "{e}"
    );
}

#[test]
fn latin1_bytes_are_not_utf8() {
    let mut bytes = b"partner_id,name\nP1,Contoso\nP2,Soci".to_vec();
    bytes.extend_from_slice(&[0xE9, b't', b'\xE9', b'\n']);
    let files: &[(&str, &[u8])] = &[("partners.csv", &bytes)];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(3),
        Some("name"),
        "not valid UTF-8: byte 0xE9 at byte 5",
    );
}

#[test]
fn utf16_file_is_rejected() {
    let text = "partner_id\nP1\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let files: &[(&str, &[u8])] = &[("partners.csv", &bytes)];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_at(&e.problems[0], "partners.csv", Some(1), None, "UTF-16");
}

#[test]
fn nul_bytes_are_rejected() {
    let files: &[(&str, &[u8])] = &[("partners.csv", b"partner_id,name\nP1,a\0b\n")];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(2),
        Some("name"),
        "NUL byte",
    );
}

#[test]
fn ragged_rows() {
    let e = rejected(&[
        ("partners.csv", PARTNERS),
        (
            "m365_usage.csv",
            &m365("T1,Teams,2023-01,5\nT1,Exchange,2023-01,5,1,9\n"),
        ),
    ]);
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_at(
        &e.problems[0],
        "m365_usage.csv",
        Some(2),
        None,
        "wrong number of fields: 4 (the header has 5)",
    );
    assert_at(
        &e.problems[1],
        "m365_usage.csv",
        Some(3),
        None,
        "wrong number of fields: 6",
    );
}

#[test]
fn quote_that_never_closes() {
    // In the last column: the rest of the file would silently become one name.
    let e = rejected(&[(
        "partners.csv",
        "partner_id,name\nP1,\"Contoso\nP2,Fabrikam\nP3,Northwind\n",
    )]);
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(2),
        None,
        "never closes",
    );
    // In the middle: the record is short as well; reported once, as the open quote.
    let e = rejected(&[(
        "partners.csv",
        "partner_id,name,market\nP1,\"Contoso,mature\nP2,Fabrikam,mature\n",
    )]);
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "partners.csv",
        Some(2),
        None,
        "never closes",
    );
    // A closed quote spanning lines is fine.
    let ok = accepted(&[("partners.csv", "partner_id,name\nP1,\"Contoso\nLtd\"\n")]);
    assert_eq!(
        ok.dataset.partners.names[0].as_deref(),
        Some("Contoso\nLtd")
    );
}

#[test]
fn empty_file_is_rejected() {
    let d = single_problem(&[("partners.csv", PARTNERS), ("exams.csv", "")]);
    assert_at(&d, "exams.csv", None, None, "the file is empty");
}

#[test]
fn duplicate_header_column() {
    let d = single_problem(&[("partners.csv", "partner_id,Partner_ID\nP1,P1\n")]);
    assert_at(
        &d,
        "partners.csv",
        Some(1),
        Some("Partner_ID"),
        "appears twice",
    );
}

#[test]
fn huge_field_is_handled() {
    // A field over the field bound: refused with its column, the value cut short.
    let big = "9".repeat(capscore_core::text::MAX_FIELD_BYTES + 1);
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        (
            "m365_usage.csv",
            &m365(&format!("T1,Teams,2023-01,{big},1\n")),
        ),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(2),
        Some("paid_units"),
        "at most 65536 bytes are accepted in a field",
    );
    assert!(
        d.message.len() < 300,
        "the value is cut short: {} bytes",
        d.message.len()
    );
    // A long name within the bound is just a name.
    let names = format!("partner_id,name\nP1,{}\n", "x".repeat(60 * 1024));
    let ok = accepted(&[("partners.csv", &names)]);
    assert_eq!(
        ok.dataset.partners.names[0].as_ref().map(String::len),
        Some(60 * 1024)
    );
}

#[test]
fn rows_are_bounded_in_size() {
    // 10 MiB on one line (a binary file, a link to /dev/zero): stopped at the bound
    // with the line, not read into memory whole.
    let big = "9".repeat(10 * 1024 * 1024);
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        (
            "m365_usage.csv",
            &m365(&format!("T1,Teams,2023-01,1,1\nT2,{big}\n")),
        ),
    ]);
    assert_at(
        &d,
        "m365_usage.csv",
        Some(3),
        None,
        "the row is longer than 1048576 bytes",
    );
    // NUL bytes without a line break, as /dev/zero gives.
    let zeros = vec![0u8; 3 * 1024 * 1024];
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", b"partner_id\nP1\n"),
        ("m365_usage.csv", &zeros),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_at(
        &e.problems[0],
        "m365_usage.csv",
        Some(1),
        None,
        "longer than",
    );
}

#[test]
fn anniversary_before_enrollment() {
    let en = "partner_id,program,enrolled_date,anniversary_date\nP1,designation:modern_work,2023-05-01,2022-05-01\n";
    let d = single_problem(&[("partners.csv", PARTNERS), ("enrollments.csv", en)]);
    assert_at(
        &d,
        "enrollments.csv",
        Some(2),
        Some("anniversary_date"),
        "is before enrolled_date",
    );
}

#[test]
fn bad_reference_status() {
    let refs =
        "partner_id,program,submitted_date,status\nP1,designation:security,2023-01-01,accepted\n";
    let d = single_problem(&[
        ("partners.csv", PARTNERS),
        ("customer_references.csv", refs),
    ]);
    assert_at(
        &d,
        "customer_references.csv",
        Some(2),
        Some("status"),
        "approved, rejected or pending, not \"accepted\"",
    );
}

#[test]
fn bad_market() {
    let d = single_problem(&[("partners.csv", "partner_id,market\nP1,developing\n")]);
    assert_at(
        &d,
        "partners.csv",
        Some(2),
        Some("market"),
        "mature or emerging",
    );
}

#[test]
fn csv_and_parquet_of_one_table() {
    let pq = csv_to_parquet("partner_id\nP1\n", &[]);
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", b"partner_id\nP1\n"),
        ("partners.parquet", &pq),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert!(
        e.problems[0]
            .message
            .contains("given twice, as partners.csv and partners.parquet"),
        "{e}"
    );
}

#[test]
fn missing_partners_and_missing_directory() {
    let d = single_problem(&[("tenants.csv", TENANTS)]);
    assert_eq!(d.table, "partners");
    assert!(
        d.message.contains("partners.csv or partners.parquet"),
        "{d}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let e = load_dir(&missing, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1);
    assert!(e.problems[0].file.ends_with("nope"));
    assert!(e.to_string().contains("does not exist"), "{e}");

    let e = load_dir(dir.path(), vocab()).expect_err("empty dir");
    assert!(
        e.problems[0]
            .message
            .contains("required table partners is missing"),
        "{e}"
    );
}

#[test]
fn garbage_parquet_is_rejected() {
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", b"partner_id\nP1\n"),
        ("exams.parquet", b"PAR1 this is not parquet PAR1"),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "exams.parquet",
        None,
        None,
        "not a valid Parquet file",
    );
    // A valid file cut short.
    let pq = csv_to_parquet(EXAMS, &[]);
    let cut = &pq[..pq.len() / 2];
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", PARTNERS.as_bytes()),
        ("exams.parquet", cut),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert!(
        e.problems[0].message.contains("not a valid Parquet file"),
        "{e}"
    );
}

#[test]
fn parquet_problems_name_the_row_and_column() {
    let pq = csv_to_parquet(
        &m365("T1,Teams,2023-01,5,1\nT1,Exchange,2023-01,-3,1\nT1,Intune,2023-01,2,1\n"),
        &[
            ("paid_units", DataType::Int64),
            ("active_users", DataType::Int64),
        ],
    );
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", PARTNERS.as_bytes()),
        ("m365_usage.parquet", &pq),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "m365_usage.parquet",
        Some(2),
        Some("paid_units"),
        "negative paid_units",
    );
    assert_eq!(
        e.problems[0].to_string(),
        "m365_usage.parquet row 2, column \"paid_units\": negative paid_units: \"-3\" (units, seats and users cannot be negative)"
    );
}

#[test]
fn parquet_float_units_must_be_whole_and_missing_columns_are_named() {
    let pq = csv_to_parquet(
        &m365("T1,Teams,2023-01,5.5,1\n"),
        &[("paid_units", DataType::Float64)],
    );
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", PARTNERS.as_bytes()),
        ("m365_usage.parquet", &pq),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_at(
        &e.problems[0],
        "m365_usage.parquet",
        Some(1),
        Some("paid_units"),
        "not a whole number: \"5.5\"",
    );

    let pq = csv_to_parquet("tenant_id,workload\nT1,Teams\n", &[]);
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", PARTNERS.as_bytes()),
        ("m365_usage.parquet", &pq),
    ];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 3, "{e}");
    assert_at(
        &e.problems[0],
        "m365_usage.parquet",
        None,
        Some("month"),
        "required column",
    );
}

#[test]
fn parquet_unsupported_column_type() {
    let mut ids = StringBuilder::new();
    ids.append_value("P1");
    let mut names = ListBuilder::new(Int64Builder::new());
    names.values().append_value(1);
    names.append(true);
    let ids: ArrayRef = Arc::new(ids.finish());
    let names: ArrayRef = Arc::new(names.finish());
    let schema = Arc::new(Schema::new(vec![
        Field::new("partner_id", DataType::Utf8, true),
        Field::new("name", names.data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(Arc::clone(&schema), vec![ids, names]).expect("batch");
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, None).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    let files: &[(&str, &[u8])] = &[("partners.parquet", &out)];
    let e = load_files(files, vocab()).expect_err("rejected");
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_at(
        &e.problems[0],
        "partners.parquet",
        None,
        Some("name"),
        "unsupported Parquet column type",
    );
}

#[test]
fn all_problems_are_listed() {
    let rows =
        "T1,Teams,2023-01,x,1\nT1,Intune,2023-13,5,1\nT1,Foo,2023-01,5,-2\nT2,Teams,2023-01,5,1\n";
    let e = rejected(&[
        ("partners.csv", "partner_id,market\nP1,big\n"),
        ("m365_usage.csv", &m365(rows)),
    ]);
    let got: Vec<(String, Option<u64>, Option<String>)> = e
        .problems
        .iter()
        .map(|d| (d.file.clone(), d.line, d.column.clone()))
        .collect();
    let p = |f: &str, l: u64, c: &str| (f.to_string(), Some(l), Some(c.to_string()));
    assert_eq!(
        got,
        [
            p("partners.csv", 2, "market"),
            p("m365_usage.csv", 2, "paid_units"),
            p("m365_usage.csv", 3, "month"),
            p("m365_usage.csv", 4, "workload"),
            p("m365_usage.csv", 4, "active_users"),
        ],
        "{e}"
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with("the dataset was not loaded: 5 problems found"),
        "{shown}"
    );
    assert_eq!(shown.lines().count(), 6, "{shown}");
}

#[test]
fn problems_beyond_the_limit_are_counted() {
    let mut rows = String::new();
    for i in 0..(MAX_PROBLEMS + 50) {
        rows.push_str(&format!("T{i},Teams,2023-01,bad,1\n"));
    }
    let e = rejected(&[("partners.csv", PARTNERS), ("m365_usage.csv", &m365(&rows))]);
    assert_eq!(e.problems.len(), MAX_PROBLEMS);
    assert_eq!(e.omitted, 50);
    assert_eq!(e.total(), MAX_PROBLEMS + 50);
    assert_eq!(e.problems[0].line, Some(2));
    let shown = e.to_string();
    assert!(shown.ends_with("… and 50 more problems"), "{shown}");
    assert_eq!(shown.lines().count(), MAX_PROBLEMS + 2);
}
