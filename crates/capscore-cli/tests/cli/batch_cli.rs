//! Batch outputs of `capscore score`: Parquet (one row per partner, area, track and
//! metric, decimals with 2 decimals) and JSON Lines (one partner per line), and `--out`
//! written atomically.

use std::collections::BTreeMap;
use std::fs::File;

use arrow_array::{Array, BooleanArray, Decimal128Array, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{capscore, ok};

/// Rows keyed by (partner, area, track, metric) → (option, value, points, `track_total`,
/// qualified), all as text with 2 decimals.
type Rows = BTreeMap<(String, String, String, String), (String, String, String, String, String)>;

fn parquet_rows(path: &std::path::Path) -> Rows {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = reader.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "partner_id",
            "area",
            "track",
            "metric",
            "option",
            "value",
            "points",
            "track_total",
            "qualified"
        ]
    );
    for d in ["value", "points", "track_total"] {
        assert_eq!(
            schema.field_with_name(d).unwrap().data_type(),
            &DataType::Decimal128(38, 2)
        );
    }
    let mut out = Rows::new();
    for b in reader.build().unwrap() {
        let b = b.unwrap();
        let s = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let d = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_any()
                .downcast_ref::<Decimal128Array>()
                .unwrap()
                .clone()
        };
        let q = b
            .column_by_name("qualified")
            .unwrap()
            .as_any()
            .downcast_ref::<BooleanArray>()
            .unwrap()
            .clone();
        let (p, a, t, m, o) = (
            s("partner_id"),
            s("area"),
            s("track"),
            s("metric"),
            s("option"),
        );
        let (v, pts, tot) = (d("value"), d("points"), d("track_total"));
        let text = |x: &StringArray, i| {
            if x.is_null(i) {
                String::new()
            } else {
                x.value(i).to_string()
            }
        };
        for i in 0..b.num_rows() {
            let key = (text(&p, i), text(&a, i), text(&t, i), text(&m, i));
            let row = (
                text(&o, i),
                v.value_as_string(i),
                pts.value_as_string(i),
                tot.value_as_string(i),
                q.value(i).to_string(),
            );
            assert!(out.insert(key.clone(), row).is_none(), "{key:?} twice");
        }
    }
    out
}

/// The same rows from `--format csv` (its value is an integer when whole: made 2-decimal).
fn csv_rows(csv: &str) -> Rows {
    let two = |s: &str| {
        if s.contains('.') {
            s.to_string()
        } else {
            format!("{s}.00")
        }
    };
    let mut out = Rows::new();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    for rec in r.records() {
        let f = rec.unwrap();
        out.insert(
            (f[1].into(), f[2].into(), f[3].into(), f[7].into()),
            (
                f[8].into(),
                two(&f[9]),
                f[11].into(),
                f[5].into(),
                f[6].into(),
            ),
        );
    }
    out
}

#[test]
fn parquet_has_a_row_per_partner_area_track_and_metric_as_csv_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.parquet");
    for month in ["2023-12", "2024-06"] {
        let o = capscore(&[
            "demo",
            "--month",
            month,
            "--format",
            "parquet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
        let rows = parquet_rows(&out);
        let expected = csv_rows(&ok(&capscore(&[
            "demo", "--month", month, "--format", "csv",
        ])));
        assert_eq!(rows, expected, "{month}");
        // Both Modern Work tracks, Business Applications' classified track, and a null
        // track for areas without tracks.
        let tracks: std::collections::BTreeSet<(String, String)> = rows
            .keys()
            .filter(|k| k.0 == "P001")
            .map(|k| (k.1.clone(), k.2.clone()))
            .collect();
        assert!(tracks.contains(&("modern_work".into(), "enterprise".into())));
        assert!(tracks.contains(&("modern_work".into(), "smb".into())));
        assert!(tracks.contains(&("security".into(), String::new())));
        assert_eq!(
            tracks
                .iter()
                .filter(|(a, _)| a == "business_applications")
                .count(),
            1
        );
    }
}

#[test]
fn jsonl_is_one_partner_of_the_json_output_per_line() {
    let json: serde_json::Value =
        serde_json::from_str(&ok(&capscore(&["demo", "--format", "json"]))).unwrap();
    let lines = ok(&capscore(&["demo", "--format", "jsonl"]));
    let parsed: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&serde_json::Value::Array(parsed), &json["partners"]);
    assert!(lines.lines().count() > 1);
}

#[test]
fn out_writes_the_same_bytes_as_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "csv", "jsonl"] {
        let path = dir.path().join(format!("scores.{format}"));
        let o = capscore(&["demo", "--format", format, "--out", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = ok(&capscore(&["demo", "--format", format]));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout, "{format}");
    }
}

#[test]
fn a_failed_run_leaves_the_previous_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scores.parquet");
    std::fs::write(&path, b"previous").unwrap();
    // 2019-01 is not covered by the sample: refused (exit 3) before writing.
    let o = capscore(&[
        "demo",
        "--month",
        "2019-01",
        "--format",
        "parquet",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(std::fs::read(&path).unwrap(), b"previous");
    // A folder as target: refused, nothing left behind.
    let o = capscore(&[
        "demo",
        "--format",
        "parquet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is a folder"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["scores.parquet"]);
}

#[test]
fn parquet_needs_out_and_out_needs_a_machine_format() {
    let o = capscore(&["demo", "--format", "parquet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give --out FILE"));
    let o = capscore(&["demo", "--out", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = capscore(&[
        "demo",
        "--format",
        "parquet",
        "--out",
        "x.parquet",
        "--allow-partial",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!std::path::Path::new("x.parquet").exists());
}
