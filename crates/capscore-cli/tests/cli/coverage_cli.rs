//! Months the data cannot answer: `score` and `status` refuse them (exit 3) naming
//! the months missing and what the data covers, or with `--allow-partial` mark the
//! affected metrics incomplete; malformed months and dates are command-line errors.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::capscore;
use serde_json::Value;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample")
}

fn score(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["score", "--data", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    capscore(&all)
}

fn status(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["status", "--data", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    capscore(&all)
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const SAMPLE_COVERS: &str =
    "m365_usage 2022-01..2024-06; azure_usage 2022-01..2024-06; bizapps_usage 2022-01..2024-06";

/// A copy of the sample with `edit` applied to its files.
fn sample_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(sample()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    edit(dir.path());
    dir
}

#[test]
fn months_outside_the_data_are_refused_with_the_range() {
    for month in ["2030-01", "2019-01"] {
        let o = score(&sample(), &["--month", month]);
        assert_eq!(o.status.code(), Some(3), "{month}: {}", out(&o));
        assert!(o.stdout.is_empty());
        let e = err(&o);
        assert!(
            e.contains(&format!("cannot answer every metric asked for {month}")),
            "{e}"
        );
        assert!(e.contains(&format!("{month} is in no usage table")), "{e}");
        assert!(e.contains(SAMPLE_COVERS), "{e}");
        assert!(
            e.contains("months for which every area asked can be scored: 2023-12..2024-06"),
            "{e}"
        );
        assert!(e.contains("--allow-partial"), "{e}");
    }
}

#[test]
fn a_month_whose_year_ago_is_missing_is_refused() {
    let o = score(
        &sample(),
        &["--month", "2022-03", "--partner", "P002", "--detail"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    let e = err(&o);
    // Modern Work reads m-12 = 2021-03 and every month a claim may start.
    assert!(
        e.contains("Modern Work: 2021-03..2021-12 missing from m365_usage"),
        "{e}"
    );
    // Security's Azure source reads the previous TTM, from 2020-04.
    assert!(
        e.contains("2020-04..2021-12 missing from azure_usage"),
        "{e}"
    );
    // Metrics by name, not id.
    assert!(e.contains("(read by Net customer adds, "), "{e}");
    assert!(!e.contains("net_customer_adds"), "{e}");
    // Only the areas asked for count.
    let o = score(&sample(), &["--month", "2023-06", "--area", "modern_work"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = score(&sample(), &["--month", "2023-06", "--area", "security"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(err(&o).contains("2021-07..2021-12 missing from azure_usage"));
}

#[test]
fn allow_partial_marks_every_affected_metric() {
    let o = score(
        &sample(),
        &[
            "--month",
            "2022-03",
            "--partner",
            "P002",
            "--allow-partial",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mw = &v["partners"][0]["areas"][0];
    assert_eq!(mw["area"], "modern_work");
    let metric = |id: &str| {
        mw["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == id)
            .unwrap()
            .clone()
    };
    let growth = metric("usage_growth");
    let missing = growth["incomplete"]["missing_months"].as_array().unwrap();
    assert_eq!(missing.first().unwrap(), "2021-03");
    assert_eq!(missing.last().unwrap(), "2021-12");
    assert_eq!(growth["incomplete"]["tables"][0]["table"], "m365_usage");
    assert_eq!(
        metric("net_customer_adds")["incomplete"]["missing_months"],
        serde_json::json!(["2021-03"])
    );
    // Certifications read no usage month: complete.
    assert!(
        metric("intermediate_certifications")
            .get("incomplete")
            .is_none()
    );
    // The table says so, in the summary and the detail.
    let o = score(
        &sample(),
        &[
            "--month",
            "2022-03",
            "--partner",
            "P002",
            "--area",
            "modern_work",
            "--allow-partial",
        ],
    );
    assert!(
        out(&o).contains("INCOMPLETE (data lacks 2021-03..2021-12)"),
        "{}",
        out(&o)
    );
    let o = score(
        &sample(),
        &[
            "--month",
            "2022-03",
            "--area",
            "modern_work",
            "--allow-partial",
            "--detail",
        ],
    );
    assert!(
        out(&o).contains("(INCOMPLETE: the data lacks 2021-03..2021-12)"),
        "{}",
        out(&o)
    );
    let o = score(
        &sample(),
        &[
            "--month",
            "2022-03",
            "--area",
            "modern_work",
            "--allow-partial",
            "--format",
            "csv",
        ],
    );
    let csv = out(&o);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",max_points,missing_months")
    );
    assert!(csv.contains(",2021-03..2021-12\n"), "{csv}");
    // A covered month has no marker anywhere.
    let o = score(&sample(), &["--month", "2024-06", "--format", "json"]);
    assert!(!out(&o).contains("incomplete"));
}

#[test]
fn demo_takes_allow_partial_too() {
    let o = capscore(&["demo", "--month", "2022-03"]);
    assert_eq!(o.status.code(), Some(3));
    let o = capscore(&["demo", "--month", "2022-03", "--allow-partial"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("INCOMPLETE"));
}

#[test]
fn a_stray_far_month_is_reported_and_not_the_default() {
    let dir = sample_copy(|d| {
        let p = d.join("m365_usage.csv");
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str("T0001,EXO,9999-12,10,5\n");
        std::fs::write(p, s).unwrap();
    });
    let lines = std::fs::read_to_string(dir.path().join("m365_usage.csv"))
        .unwrap()
        .lines()
        .count();
    let o = score(dir.path(), &["--partner", "P007"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = out(&o);
    assert!(t.starts_with("Scores for 2024-06"), "{t}");
    assert!(
        t.contains(&format!(
            "m365_usage.csv line {lines}, column \"month\": month 9999-12 (1 row) lies apart from the rest of the table (2022-01..2024-06)"
        )),
        "{t}"
    );
    // P007 qualifies in every area, as without the stray row.
    assert_eq!(t.matches("QUALIFIED").count(), 6, "{t}");
    // Scoring the stray month itself is refused.
    let o = score(dir.path(), &["--month", "9999-12"]);
    assert_eq!(o.status.code(), Some(3));
    // validate lists what each table covers and the default month.
    let o = capscore(&["validate", "--data", dir.path().to_str().unwrap()]);
    let v = out(&o);
    assert!(
        v.contains("m365_usage           months 2022-01..2024-06\n"),
        "{v}"
    );
    assert!(v.contains("default score month  2024-06"), "{v}");
    assert!(v.contains("month 9999-12 (1 row) lies apart"), "{v}");
    // JSON output gives the warning on stderr.
    let o = score(dir.path(), &["--format", "json"]);
    assert!(err(&o).contains("9999-12"), "{}", err(&o));
}

#[test]
fn an_absent_table_is_no_usage_a_short_one_is_refused() {
    // Without bizapps_usage the partner has no Business Applications usage: a valid
    // answer, scored.
    let dir = sample_copy(|d| std::fs::remove_file(d.join("bizapps_usage.csv")).unwrap());
    let o = score(dir.path(), &["--partner", "P007", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["month"], "2024-06");
    // An azure_usage that starts in 2023-01 cannot answer Security's previous TTM.
    let dir = sample_copy(|d| {
        let p = d.join("azure_usage.csv");
        let s = std::fs::read_to_string(&p).unwrap();
        let kept: Vec<&str> = s
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.split(',').nth(4).is_some_and(|m| m >= "2023-01"))
            .map(|(_, l)| l)
            .collect();
        std::fs::write(p, kept.join("\n") + "\n").unwrap();
    });
    let o = score(dir.path(), &["--month", "2024-06"]);
    assert_eq!(o.status.code(), Some(3));
    let e = err(&o);
    assert!(
        e.contains("Security: 2022-07..2022-12 missing from azure_usage"),
        "{e}"
    );
    assert!(e.contains("azure_usage 2023-01..2024-06"), "{e}");
    let o = score(dir.path(), &["--month", "2024-06", "--area", "data_ai"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn status_refuses_dates_outside_the_data() {
    for date in ["2031-01-01", "1999-01-01", "9999-12-31"] {
        let o = status(&sample(), &["--date", date]);
        assert_eq!(o.status.code(), Some(3), "{date}: {}", out(&o));
        let e = err(&o);
        assert!(e.contains(&format!("data month in force on {date}")), "{e}");
        assert!(e.contains(SAMPLE_COVERS), "{e}");
    }
    let o = status(&sample(), &["--date", "2024-07-25", "--month", "2030-01"]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn status_marks_history_months_that_cannot_be_computed() {
    let o = status(&sample(), &["--date", "2022-09-15", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for p in v["partners"].as_array().unwrap() {
        for h in p["history"].as_array().unwrap() {
            for a in h["areas"].as_array().unwrap() {
                assert_eq!(a["qualified"], false);
                let missing = a["missing_months"].as_array().unwrap();
                assert!(!missing.is_empty());
            }
        }
    }
    let o = status(&sample(), &["--date", "2022-09-15", "--partner", "P001"]);
    let t = out(&o);
    assert!(t.contains("n/a"), "{t}");
    assert!(t.contains("(n/a: not computable"), "{t}");
    // 2023-09-15: data month 2023-07; Modern Work is computable back to 2023-01,
    // Security only from 2023-12.
    let o = status(&sample(), &["--date", "2023-09-15", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["partners"][0];
    let h = p["history"].as_array().unwrap().last().unwrap();
    let area = |id: &str| {
        h["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["area"] == id)
            .unwrap()
            .clone()
    };
    assert!(area("modern_work").get("missing_months").is_none());
    assert!(area("security").get("missing_months").is_some());
    let sec = p["designations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["area"] == "security")
        .unwrap();
    assert!(
        !sec["not_computable_months"].as_array().unwrap().is_empty(),
        "{sec}"
    );
    // A date the data fully answers has no marker.
    let o = status(&sample(), &["--date", "2024-07-25", "--format", "json"]);
    assert!(!out(&o).contains("missing_months"));
    assert!(!out(&o).contains("not_computable_months"));
}

#[test]
fn malformed_months_and_dates_are_command_line_errors() {
    let cases: [&[&str]; 7] = [
        &["demo", "--month", "2024-13"],
        &["demo", "--month", "June"],
        &["catalog", "--month", "June"],
        &["status", "--data", "data/sample", "--date", "2024-02-30"],
        &["status", "--data", "data/sample", "--date", "24-07-25"],
        &[
            "status",
            "--data",
            "data/sample",
            "--date",
            "2024-07-25",
            "--month",
            "2024-7",
        ],
        &["demo", "--month", "0999-01"],
    ];
    for args in cases {
        let o = capscore(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        let e = err(&o);
        assert!(e.contains("invalid value"), "{args:?}: {e}");
        assert!(e.contains("not a month") || e.contains("not a date"), "{e}");
    }
}

#[test]
fn help_says_what_happens() {
    let o = capscore(&["score", "--help"]);
    let h = out(&o);
    assert!(h.contains("--allow-partial"), "{h}");
    assert!(h.contains("incomplete"), "{h}");
    assert!(h.contains("latest month covered by every usage"), "{h}");
    let h = out(&capscore(&["status", "--help"]));
    assert!(h.contains("do not cover is refused"), "{h}");
}

/// The sample with a row of `m365_usage` whose workload is unknown.
fn sample_with_bad_m365_row() -> tempfile::TempDir {
    sample_copy(|d| {
        let path = d.join("m365_usage.csv");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("T0001,Temas,2023-06,5,4\n");
        std::fs::write(&path, text).unwrap();
    })
}

#[test]
fn a_bad_row_in_a_table_the_area_does_not_read_blocks_only_the_loads_that_read_it() {
    let dir = sample_with_bad_m365_row();
    // Infrastructure at an explicit month reads no row of m365_usage.
    let args = ["--area", "infrastructure", "--month", "2024-06"];
    let o = score(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), out(&score(&sample(), &args)));
    // Modern Work reads it; so do a score without a month and `validate`.
    for args in [
        &["--area", "modern_work", "--month", "2024-06"][..],
        &["--area", "infrastructure"][..],
    ] {
        let o = score(dir.path(), args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", out(&o));
        assert!(err(&o).contains("Temas"), "{args:?}: {}", err(&o));
    }
    let o = capscore(&["validate", "--data", dir.path().to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0), "{}", out(&o));
    assert!(err(&o).contains("Temas") || out(&o).contains("Temas"));
}

#[test]
fn a_table_the_area_does_not_read_still_counts_in_the_months_the_data_covers() {
    // Infrastructure reads only azure_usage, yet the refusal names what every usage
    // table covers, as a full load does.
    let o = score(
        &sample(),
        &["--area", "infrastructure", "--month", "2030-01"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    let e = err(&o);
    assert!(e.contains(SAMPLE_COVERS), "{e}");
    // A month azure_usage lacks is refused for Infrastructure, the other tables named.
    let cut = sample_copy(|d| {
        let path = d.join("azure_usage.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.contains(",2024-06,"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&path, kept).unwrap();
    });
    let o = score(
        cut.path(),
        &["--area", "infrastructure", "--month", "2024-06"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(
        err(&o).contains("m365_usage 2022-01..2024-06; azure_usage 2022-01..2024-05"),
        "{}",
        err(&o)
    );
}
