//! What people read: names and units instead of ids, one number format, the `status`
//! views (`--area`, `--summary`, CSV), and text from the data that cannot break the
//! terminal.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use crate::util::capscore;
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn status(args: &[&str]) -> String {
    let dir = sample_dir();
    let mut all = vec!["status", "--data", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    ok(&capscore(&all))
}

#[test]
fn score_tables_use_names_and_units_not_ids() {
    let t = ok(&capscore(&["demo", "--partner", "P001", "--detail"]));
    for id in [
        "modern_work",
        "smb track",
        "advanced_certifications",
        "net_customer_adds",
        "usage_growth",
    ] {
        assert!(!t.contains(id), "{id} in\n{t}");
    }
    assert!(
        t.contains("Solutions Partner for Modern Work, SMB track: 100.00 points"),
        "{t}"
    );
    assert!(t.contains("Enterprise track: 30.44 points"), "{t}");
    // Values and targets carry the unit the catalog gives the metric.
    for cell in [
        "2,796 users",
        "2,000 users",
        "12 tenants",
        "1 person",
        "19 services",
    ] {
        assert!(t.contains(cell), "{cell} in\n{t}");
    }
    assert!(
        t.contains("Advanced certifications has 0.00 points, under the minimum of 1 point"),
        "{t}"
    );
    // Money in one format.
    assert!(t.contains("under $1,000: no points"), "{t}");
    assert!(!t.contains("$1000"), "{t}");
    let summary = ok(&capscore(&["demo", "--partner", "P001"]));
    assert!(
        summary
            .lines()
            .any(|l| l.contains("Modern Work") && l.contains("SMB") && l.contains("100.00")),
        "{summary}"
    );
}

#[test]
fn status_uses_names_and_one_money_format() {
    let t = status(&["--date", "2024-07-25", "--partner", "P001,P002"]);
    for raw in [
        "enrolled by automatic",
        "modern_work",
        "business_applications",
        "enrolled_renewal_due",
        "$4730",
    ] {
        assert!(!t.contains(raw), "{raw} in\n{t}");
    }
    assert!(
        t.contains("enrolled automatically (shares the anniversary)"),
        "{t}"
    );
    assert!(t.contains("annual fee: $4,730"), "{t}");
    assert!(
        t.contains("badges: Modern Work, Business Applications"),
        "{t}"
    );
    assert!(
        t.contains("needs the Modern Work designation (enrolled); status: enrolled, renewal due"),
        "{t}"
    );
    assert!(
        t.contains("(enrolled in the Modern Work designation)"),
        "{t}"
    );
    assert!(t.contains("MAU growth >= 2,500 users"), "{t}");
}

#[test]
fn a_held_specialization_with_only_uncheckable_requirements_left_says_so() {
    let t = status(&["--date", "2024-07-25", "--partner", "P007"]);
    assert!(
        t.contains(
            "specialization Adoption and Change Management: held; 2 requirements not checkable from data [held:"
        ),
        "{t}"
    );
    assert!(
        t.contains("specialization Teamwork Deployment: 1 requirement not met"),
        "{t}"
    );
    assert!(!t.contains("requirements not met [held"), "{t}");
}

#[test]
fn a_prerequisite_without_enrollment_says_what_the_data_supports() {
    let t = status(&["--date", "2022-09-15"]);
    assert!(!t.contains("holds none"), "{t}");
    // P001 has no Cloud Productivity enrollment; its data supports no level (the
    // status crate's tests cover data supporting gold).
    assert!(
        t.contains(
            "needs a gold Cloud Productivity competency; the data of 2022-07 supports no level, \
             and no Cloud Productivity enrollment is recorded"
        ),
        "{t}"
    );
}

#[test]
fn status_area_shows_only_those_areas_and_their_specializations() {
    let all = status(&["--date", "2024-07-25", "--partner", "P002"]);
    let sec = status(&[
        "--date",
        "2024-07-25",
        "--partner",
        "P002",
        "--area",
        "security",
    ]);
    assert!(all.contains("specialization Teamwork Deployment"), "{all}");
    assert!(!sec.contains("specialization"), "{sec}");
    assert!(sec.contains("    Security "), "{sec}");
    for other in [
        "Modern Work  ",
        "Data & AI (Azure)  ",
        "Business Applications  ",
    ] {
        assert!(!sec.contains(other), "{other} in\n{sec}");
    }
    assert!(sec.lines().count() * 2 < all.lines().count(), "{sec}");
    let mw = status(&[
        "--date",
        "2024-07-25",
        "--partner",
        "P002",
        "--area",
        "modern_work",
    ]);
    assert!(mw.contains("specialization Teamwork Deployment"), "{mw}");
    // An area the catalog does not have is refused, naming the areas it has.
    let dir = sample_dir();
    let o = capscore(&[
        "status",
        "--data",
        dir.to_str().unwrap(),
        "--date",
        "2024-07-25",
        "--area",
        "modern_wrok",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("modern_wrok") && e.contains("modern_work"),
        "{e}"
    );
}

#[test]
fn status_summary_is_one_line_per_partner() {
    let t = status(&["--date", "2024-07-25", "--summary"]);
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 1 + 7, "{t}");
    assert!(lines[0].starts_with("Standing on 2024-07-25"), "{t}");
    let p7 = lines.iter().find(|l| l.starts_with("P007")).unwrap();
    assert!(
        p7.contains("Modern Work enrolled")
            && p7.contains("Solutions Partner for Microsoft Cloud")
            && p7.contains("specializations held: Adoption and Change Management (active)"),
        "{p7}"
    );
    let p1 = lines.iter().find(|l| l.starts_with("P001")).unwrap();
    assert!(
        p1.contains("Modern Work enrolled, renewal due") && p1.contains("4 more areas in progress"),
        "{p1}"
    );
    // Before designations: legacy competencies, and what the data supports.
    let legacy = status(&["--date", "2022-09-15", "--summary"]);
    assert_eq!(legacy.lines().count(), 1 + 7, "{legacy}");
    assert!(
        legacy
            .contains("P002  Fabrikam Enterprise Consulting Inc.: legacy gold Cloud Productivity"),
        "{legacy}"
    );
    assert!(legacy.lines().all(|l| !l.ends_with(": ")), "{legacy}");
    let sec = status(&["--date", "2024-07-25", "--summary", "--area", "security"]);
    let p3 = sec.lines().find(|l| l.starts_with("P003")).unwrap();
    assert!(p3.ends_with(": Security qualified"), "{p3}");
    // A table view: with --format json or csv it is a command-line error.
    let sample = sample_dir().display().to_string();
    for format in ["json", "csv"] {
        let o = capscore(&[
            "status",
            "--data",
            &sample,
            "--date",
            "2024-07-25",
            "--summary",
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--summary is a table view"));
    }
}

#[test]
fn status_csv_has_a_row_per_designation_and_per_specialization_requirement() {
    let t = status(&[
        "--date",
        "2024-07-25",
        "--format",
        "csv",
        "--partner",
        "P007",
    ]);
    let mut r = csv::Reader::from_reader(t.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..6],
        [
            "date",
            "data_month",
            "partner_id",
            "partner_name",
            "row",
            "area"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let designations: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|x| &x[col("row")] == "designation")
        .collect();
    assert_eq!(designations.len(), 6);
    assert!(designations.iter().all(|x| &x[col("status")] == "enrolled"));
    let reqs: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|x| &x[col("row")] == "specialization_requirement")
        .collect();
    // Teamwork Deployment: prerequisite, 3 performance, knowledge, references; five
    // others: prerequisite, references and two not checkable.
    assert_eq!(reqs.len(), 6 + 5 * 4);
    let acm: Vec<&&csv::StringRecord> = reqs
        .iter()
        .filter(|x| &x[col("specialization")] == "adoption_and_change_management")
        .collect();
    assert_eq!(acm[0][col("held_phase")], *"active");
    assert!(acm.iter().any(|x| &x[col("checked")] == "false"));
    // The table stays the table: CSV is not the same text.
    let table = status(&["--date", "2024-07-25", "--partner", "P007"]);
    assert_ne!(t, table);
    // --area limits the CSV too.
    let sec = status(&[
        "--date",
        "2024-07-25",
        "--format",
        "csv",
        "--partner",
        "P007",
        "--area",
        "security",
    ]);
    assert_eq!(sec.lines().count(), 1 + 1, "{sec}");
}

/// The sample dataset with P001's name replaced, partners written as Parquet (whose
/// strings may hold any character).
fn sample_with_name(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(sample_dir()).unwrap() {
        let e = e.unwrap();
        let file = e.file_name().to_string_lossy().into_owned();
        if file.ends_with(".csv") && file != "partners.csv" {
            std::fs::copy(e.path(), dir.path().join(file)).unwrap();
        }
    }
    let text = std::fs::read_to_string(sample_dir().join("partners.csv")).unwrap();
    let mut cols: [Vec<Option<String>>; 4] = Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let name_here = if f[0] == "P001" { name } else { f[1] };
        for (i, v) in [f[0], name_here, f[2], f[3]].into_iter().enumerate() {
            cols[i].push((!v.is_empty()).then(|| v.to_string()));
        }
    }
    let names = ["partner_id", "name", "parent_id", "market"];
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .map(|n| Field::new(*n, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let arrays: Vec<ArrayRef> = cols
        .into_iter()
        .map(|c| Arc::new(StringArray::from(c)) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).unwrap();
    let file = std::fs::File::create(dir.path().join("partners.parquet")).unwrap();
    let mut w = ArrowWriter::try_new(file, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    dir
}

#[test]
fn control_characters_in_partner_names_are_escaped_in_tables() {
    let dir = sample_with_name("Evil\nCorp\u{1b}[31m red");
    let d = dir.path().to_str().unwrap();
    let outputs = [
        ok(&capscore(&["score", "--data", d, "--partner", "P001"])),
        ok(&capscore(&[
            "score",
            "--data",
            d,
            "--partner",
            "P001",
            "--detail",
        ])),
        ok(&capscore(&[
            "status",
            "--data",
            d,
            "--date",
            "2024-07-25",
            "--partner",
            "P001",
        ])),
        ok(&capscore(&[
            "status",
            "--data",
            d,
            "--date",
            "2024-07-25",
            "--partner",
            "P001",
            "--summary",
        ])),
    ];
    for t in outputs {
        assert!(!t.contains('\u{1b}'), "raw escape in\n{t}");
        assert!(!t.contains("Evil\nCorp"), "raw newline in\n{t}");
        assert!(t.contains(r"P001  Evil\nCorp\u{1b}[31m red"), "{t}");
    }
}

#[test]
fn control_characters_in_catalog_names_are_escaped_in_the_catalog_listing() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "areas", "membership"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap() {
            let e = e.unwrap();
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    let mw = dir.path().join("areas/modern_work.toml");
    let text = std::fs::read_to_string(&mw).unwrap().replace(
        "name = \"Solutions Partner for Modern Work\"",
        "name = \"Solutions Partner for Modern\\u001b[31m\\nWork\"",
    );
    std::fs::write(&mw, text).unwrap();
    let t = ok(&capscore(&[
        "--catalog",
        dir.path().to_str().unwrap(),
        "catalog",
        "--month",
        "2024-06",
    ]));
    assert!(!t.contains('\u{1b}'), "{t}");
    assert!(
        t.contains(r"Solutions Partner for Modern\u{1b}[31m\nWork (modern_work)"),
        "{t}"
    );
}

#[test]
fn validate_counts_rows_in_words_and_one_number_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("partners.csv"),
        "partner_id,name\nP1,Alpha\n",
    )
    .unwrap();
    let t = ok(&capscore(&[
        "validate",
        "--data",
        dir.path().to_str().unwrap(),
    ]));
    assert!(t.contains("partners                      1 row\n"), "{t}");
    assert!(!t.contains("1 rows"), "{t}");
    let sample = ok(&capscore(&[
        "validate",
        "--data",
        sample_dir().to_str().unwrap(),
    ]));
    assert!(
        sample
            .lines()
            .any(|l| l.starts_with("  m365_usage") && l.contains(',') && l.ends_with(" rows")),
        "{sample}"
    );
}
