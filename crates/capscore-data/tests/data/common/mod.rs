//! Helpers shared by the integration tests: the real catalog, a sample dataset, a
//! CSV-to-Parquet converter and a canonical rendering of a dataset.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use arrow_array::builder::{
    Date32Builder, Decimal128Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use capscore_catalog::Catalog;
use capscore_core::parse_date;
use capscore_data::{Dataset, Diagnostic, Interner, LoadError, Loaded, load_files};
use parquet::arrow::ArrowWriter;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::embedded().expect("the embedded catalog loads"));

/// The real catalog, as the vocabulary.
pub(crate) fn vocab() -> &'static Catalog {
    &CATALOG
}

/// Loads text files in memory with the real catalog.
pub(crate) fn load(files: &[(&str, &str)]) -> Result<Loaded, LoadError> {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    load_files(&bytes, vocab())
}

/// Loads files that must be rejected; returns the error.
pub(crate) fn rejected(files: &[(&str, &str)]) -> LoadError {
    match load(files) {
        Ok(l) => panic!("expected the load to fail; warnings: {:?}", l.warnings),
        Err(e) => e,
    }
}

/// Loads files that must be accepted.
pub(crate) fn accepted(files: &[(&str, &str)]) -> Loaded {
    match load(files) {
        Ok(l) => l,
        Err(e) => panic!("expected the load to succeed:\n{e}"),
    }
}

/// The single problem of a rejected load.
pub(crate) fn single_problem(files: &[(&str, &str)]) -> Diagnostic {
    let e = rejected(files);
    assert_eq!(e.problems.len(), 1, "expected one problem:\n{e}");
    assert_eq!(e.omitted, 0);
    e.problems.into_iter().next().expect("one problem")
}

/// Asserts where a diagnostic points and that its text says so.
pub(crate) fn assert_at(
    d: &Diagnostic,
    file: &str,
    line: Option<u64>,
    column: Option<&str>,
    needle: &str,
) {
    assert_eq!(d.file, file, "{d}");
    assert_eq!(d.table, file.split('.').next().unwrap_or(""), "{d}");
    assert_eq!(d.line, line, "{d}");
    assert_eq!(d.column.as_deref(), column, "{d}");
    assert!(
        d.message.contains(needle),
        "message {:?} lacks {needle:?}",
        d.message
    );
    let shown = d.to_string();
    assert!(shown.starts_with(file), "{shown}");
    if let Some(l) = line {
        let word = if file.ends_with(".parquet") {
            "row"
        } else {
            "line"
        };
        assert!(shown.contains(&format!(" {word} {l}")), "{shown}");
    }
    if let Some(c) = column {
        assert!(shown.contains(&format!("column \"{c}\"")), "{shown}");
    }
}

pub(crate) const PARTNERS: &str = "partner_id,name,parent_id,market\n\
P2,Fabrikam,P1,emerging\n\
P1,Contoso,,\n\
P3,Northwind,,MATURE\n";

pub(crate) const TENANTS: &str = "tenant_id,name,country\n\
T1,Tenant One,US\n\
T2,Tenant Two,\n";

pub(crate) const ASSOCIATIONS: &str = "partner_id,tenant_id,type,workload,subscription_id,start_date,end_date\n\
P1,T1,CPOR,Exchange,,2022-01-15,\n\
P1,T2,PAL,,sub-1,2022-03-01,2023-03-01\n\
P2,T1,DPOR,EXO,,2022-06-01,\n\
P1,T1,CPOR,Teams,,2022-01-15,\n";

pub(crate) const M365: &str = "tenant_id,workload,month,paid_units,active_users\n\
T1,Exchange,2023-06,500,400\n\
T1,Teams,2023-06,500,450\n\
T1,Exchange Online,2022-06,300,200\n\
T3,SPO,2023-05,20,10\n";

pub(crate) const AZURE: &str = "tenant_id,subscription_id,service,offer,month,acr_usd\n\
T2,sub-1,Virtual Machines,Pay-As-You-Go,2023-06,1234.56\n\
T2,,Azure SQL Database,Enterprise Agreement,2023-07,-10.5\n\
T2,sub-2,Virtual Machines,Pay-As-You-Go,2023-06,0.25\n";

pub(crate) const BIZAPPS: &str = "tenant_id,workload,month,revenue_usd,units\n\
T4,Business Central,2023-04,1500.5,12\n\
T4,Sales,2023-04,,\n";

pub(crate) const CERTIFICATIONS: &str = "partner_id,person_id,certification,earned_date,expires_date\n\
P1,alice,Teams Administrator Associate,2022-05-01,2024-05-01\n\
P1,bob,Microsoft 365 Certified: Teams Administrator Associate,2023-01-01,\n\
P3,carol,teams administrator associate,2021-02-03,\n";

pub(crate) const EXAMS: &str = "partner_id,person_id,exam,passed_date\n\
P3,carol,70-346,2019-04-05\n\
P1,alice,MS-700,2022-04-01\n";

pub(crate) const ENROLLMENTS: &str = "partner_id,program,level,enrolled_date,anniversary_date,benefits\n\
P1,designation:Modern_Work,,2022-10-01,2023-10-01,solutions_partner\n\
P3,competency:cloud_productivity,Gold,2021-01-01,2022-01-01,legacy\n";

pub(crate) const REFERENCES: &str = "partner_id,program,tenant_id,submitted_date,status,reviewed_date\n\
P1,specialization:teamwork_deployment,T1,2023-02-01,Approved,2023-02-10\n\
P1,specialization:teamwork_deployment,,2023-03-01,pending,\n";

/// A dataset with every table.
pub(crate) fn sample() -> Vec<(&'static str, String)> {
    vec![
        ("partners.csv", PARTNERS.to_string()),
        ("tenants.csv", TENANTS.to_string()),
        ("associations.csv", ASSOCIATIONS.to_string()),
        ("m365_usage.csv", M365.to_string()),
        ("azure_usage.csv", AZURE.to_string()),
        ("bizapps_usage.csv", BIZAPPS.to_string()),
        ("certifications.csv", CERTIFICATIONS.to_string()),
        ("exams.csv", EXAMS.to_string()),
        ("enrollments.csv", ENROLLMENTS.to_string()),
        ("customer_references.csv", REFERENCES.to_string()),
    ]
}

/// Borrowed view of owned files.
pub(crate) fn borrow<'a>(files: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    files.iter().map(|(n, t)| (*n, t.as_str())).collect()
}

/// Converts a simple CSV text (no quotes) to Parquet with the given column types
/// (default Utf8). Empty cells become nulls.
pub(crate) fn csv_to_parquet(csv: &str, types: &[(&str, DataType)]) -> Vec<u8> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let dt = types
            .iter()
            .find(|(n, _)| n == name)
            .map_or(DataType::Utf8, |(_, t)| t.clone());
        let cells = rows
            .iter()
            .map(|r| r.get(i).copied().filter(|c| !c.is_empty()));
        let array: ArrayRef = match &dt {
            DataType::Utf8 => {
                let mut b = StringBuilder::new();
                cells.for_each(|c| b.append_option(c));
                Arc::new(b.finish())
            }
            DataType::Int64 => {
                let mut b = Int64Builder::new();
                cells.for_each(|c| b.append_option(c.map(|c| c.parse::<i64>().expect("i64"))));
                Arc::new(b.finish())
            }
            DataType::Int32 => {
                let mut b = Int32Builder::new();
                cells.for_each(|c| b.append_option(c.map(|c| c.parse::<i32>().expect("i32"))));
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::new();
                cells.for_each(|c| b.append_option(c.map(|c| c.parse::<f64>().expect("f64"))));
                Arc::new(b.finish())
            }
            DataType::Decimal128(p, s) => {
                let mut b = Decimal128Builder::new();
                for c in cells {
                    b.append_option(c.map(|c| scaled(c, *s)));
                }
                Arc::new(
                    b.finish()
                        .with_precision_and_scale(*p, *s)
                        .expect("decimal type"),
                )
            }
            DataType::Date32 => {
                let mut b = Date32Builder::new();
                cells.for_each(|c| b.append_option(c.map(days)));
                Arc::new(b.finish())
            }
            DataType::Timestamp(TimeUnit::Second, tz) => {
                let mut b = TimestampSecondBuilder::new().with_timezone_opt(tz.clone());
                cells.for_each(|c| b.append_option(c.map(|c| i64::from(days(c)) * 86_400 + 3_600)));
                Arc::new(b.finish())
            }
            other => panic!("type {other} not supported by the test helper"),
        };
        fields.push(Field::new(*name, dt, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).expect("batch");
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, None).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    out
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` (or `YYYY-MM`, first day) text.
fn days(text: &str) -> i32 {
    let full = if text.len() == 7 {
        format!("{text}-01")
    } else {
        text.to_string()
    };
    let d = parse_date(&full).expect("date");
    let epoch = parse_date("1970-01-01").expect("epoch");
    i32::try_from((d - epoch).num_days()).expect("days")
}

/// A decimal text as an integer scaled by 10^scale.
fn scaled(text: &str, scale: i8) -> i128 {
    let neg = text.starts_with('-');
    let t = text.trim_start_matches('-');
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    let s = usize::try_from(scale).expect("scale");
    let frac = format!("{f:0<s$}");
    let v: i128 = format!("{i}{frac}").parse().expect("digits");
    if neg { -v } else { v }
}

fn names(i: &Interner) -> Vec<&str> {
    (0..u32::try_from(i.len()).expect("len"))
        .map(|k| i.name(k))
        .collect()
}

/// A canonical rendering of a dataset; with `lines` false, source lines are left out.
pub(crate) fn render(ds: &Dataset, lines: bool) -> String {
    let mut d = ds.clone();
    if !lines {
        d.partners.line.clear();
        d.associations.line.clear();
        d.m365_usage.line.clear();
        d.azure_usage.line.clear();
        d.bizapps_usage.line.clear();
        d.certifications.line.clear();
        d.exams.line.clear();
        d.enrollments.line.clear();
        d.customer_references.line.clear();
    }
    let mut s = String::new();
    let mut info: Vec<_> = d.tenant_info.names.iter().collect();
    info.sort();
    let mut countries: Vec<_> = d.tenant_info.countries.iter().collect();
    countries.sort();
    let _ = writeln!(s, "partners {:?}", d.partners);
    let _ = writeln!(s, "tenants {:?}", names(&d.tenants));
    let _ = writeln!(s, "tenant_info {info:?} {countries:?}");
    let _ = writeln!(s, "people {:?}", names(&d.people));
    let _ = writeln!(s, "subscriptions {:?}", names(&d.subscriptions));
    let _ = writeln!(s, "services {:?}", names(&d.services));
    let _ = writeln!(s, "offers {:?}", names(&d.offers));
    let _ = writeln!(s, "associations {:?}", d.associations);
    let _ = writeln!(s, "m365 {:?}", d.m365_usage);
    let _ = writeln!(s, "azure {:?}", d.azure_usage);
    let _ = writeln!(s, "bizapps {:?}", d.bizapps_usage);
    let _ = writeln!(s, "certifications {:?}", d.certifications);
    let _ = writeln!(s, "exams {:?}", d.exams);
    let _ = writeln!(s, "enrollments {:?}", d.enrollments);
    let _ = writeln!(s, "references {:?}", d.customer_references);
    let _ = writeln!(s, "present {:?} latest {:?}", d.present, d.latest_month);
    s
}
