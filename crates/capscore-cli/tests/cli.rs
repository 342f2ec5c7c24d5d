//! The `capscore` binary end to end: the demo's outcomes, the JSON contract, output
//! formats and documented exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn capscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(args)
        .output()
        .unwrap()
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn demo_json() -> Value {
    let o = capscore(&["demo", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn area<'a>(v: &'a Value, partner: &str) -> &'a Value {
    let p = v["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["partner_id"] == partner)
        .unwrap();
    &p["areas"][0]
}

/// The sample's scenarios (data/sample/README.md), as the demo must show them.
#[test]
fn demo_shows_each_sample_scenario() {
    let v = demo_json();
    assert_eq!(v["month"], "2024-06");
    let expect = [
        // partner, reported track, total, qualified, first unmet rule
        ("P001", "smb", 100.0, true, None),
        ("P002", "enterprise", 100.0, true, None),
        ("P003", "smb", 68.0, false, Some("total_under_minimum")),
        (
            "P004",
            "enterprise",
            85.0,
            false,
            Some("metric_under_minimum"),
        ),
        (
            "P005",
            "enterprise",
            64.0,
            false,
            Some("total_under_minimum"),
        ),
        ("P006", "smb", 42.2, false, Some("total_under_minimum")),
    ];
    for (p, track, total, qualified, unmet) in expect {
        let a = area(&v, p);
        assert_eq!(a["area"], "modern_work", "{p}");
        assert_eq!(a["track"], track, "{p}");
        assert_eq!(a["total"].as_f64().unwrap(), total, "{p}");
        assert_eq!(a["qualified"], qualified, "{p}");
        assert_eq!(a["unmet"][0]["rule"].as_str(), unmet, "{p}");
    }
    // P001 qualifies on SMB only, P002 on Enterprise only.
    let tracks = |p: &str| -> Vec<(String, bool)> {
        area(&v, p)["tracks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["track"].as_str().unwrap().to_string(),
                    t["qualified"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        tracks("P001"),
        vec![("enterprise".into(), false), ("smb".into(), true)]
    );
    assert_eq!(
        tracks("P002"),
        vec![("enterprise".into(), true), ("smb".into(), false)]
    );
    // P004: the metric at 0 is the advanced certifications.
    assert_eq!(
        area(&v, "P004")["unmet"][0]["metric"],
        "advanced_certifications"
    );
    // P005: growth is small once the claim baseline is subtracted.
    let ug = area(&v, "P005")["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "usage_growth")
        .unwrap()
        .clone();
    assert_eq!(ug["value"], 300);
    assert_eq!(ug["option"], "CPOR");
    // P006 loses customers: negative net adds, 0 points.
    let nca = area(&v, "P006")["metrics"][0].clone();
    assert_eq!(nca["metric"], "net_customer_adds");
    assert_eq!(nca["value"], -4);
    assert_eq!(nca["points"].as_f64().unwrap(), 0.0);
}

#[test]
fn json_follows_the_contract() {
    let v = demo_json();
    assert!(
        v["catalog_version"]
            .as_str()
            .unwrap()
            .starts_with("2026.11.0")
    );
    let a = area(&v, "P001");
    for key in ["area", "track", "total", "qualified", "metrics", "tracks"] {
        assert!(a.get(key).is_some(), "missing {key}");
    }
    let ids: Vec<&str> = a["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "net_customer_adds",
            "intermediate_certifications",
            "advanced_certifications",
            "usage_growth",
            "deployments"
        ]
    );
    for m in a["metrics"].as_array().unwrap() {
        for key in [
            "metric",
            "value",
            "target",
            "max_points",
            "points",
            "option",
        ] {
            assert!(m.get(key).is_some(), "metric missing {key}");
        }
    }
    for t in a["tracks"].as_array().unwrap() {
        for key in ["track", "total", "qualified", "metrics"] {
            assert!(t.get(key).is_some(), "track missing {key}");
        }
    }
}

#[test]
fn score_on_the_sample_folder_equals_the_demo() {
    let dir = sample_dir();
    let o = capscore(&["score", "--data", dir.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v, demo_json());
}

#[test]
fn partner_area_and_month_filters() {
    let dir = sample_dir();
    let o = capscore(&[
        "score",
        "--data",
        dir.to_str().unwrap(),
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--month",
        "2024-05",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["month"], "2024-05");
    assert_eq!(v["partners"].as_array().unwrap().len(), 1);
    assert_eq!(v["partners"][0]["partner_id"], "P003");
}

#[test]
fn table_and_csv_outputs() {
    let o = capscore(&["demo", "--partner", "P003"]);
    assert!(o.status.success());
    let t = stdout(&o);
    assert!(t.contains("68.00 points, not qualified"), "{t}");
    assert!(t.contains("total 68.00 is under 70"), "{t}");
    let o = capscore(&["demo", "--format", "csv", "--partner", "P001"]);
    let c = stdout(&o);
    let mut lines = c.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("month,partner_id,area,track")
    );
    assert_eq!(lines.count(), 10, "2 tracks x 5 metrics");
    assert!(
        c.contains(
            "2024-06,P001,modern_work,smb,true,100.00,true,usage_growth,CSP,2796,2000,30.00,30"
        ),
        "{c}"
    );
}

#[test]
fn validate_reports_the_sample_as_valid_with_its_warnings() {
    let dir = sample_dir();
    let o = capscore(&["validate", "--data", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("is valid"));
    assert!(s.contains("Teams Administrator Asociate"), "{s}");
}

#[test]
fn catalog_command_shows_names_in_force_on_the_date() {
    let before = stdout(&capscore(&["catalog", "--month", "2023-06"]));
    let after = stdout(&capscore(&["catalog", "--month", "2023-07"]));
    assert!(
        before.contains("Modern Desktop Administrator Associate"),
        "{before}"
    );
    assert!(
        after.contains("Endpoint Administrator Associate"),
        "{after}"
    );
    assert!(after.contains("CPOR+DPOR target 5"), "{after}");
}

#[test]
fn bad_data_exits_3_and_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("partners.csv"), "partner_id,name\nP1,One\n").unwrap();
    std::fs::write(
        dir.path().join("m365_usage.csv"),
        "tenant_id,workload,month,paid_units,active_users\nT1,Exchange,2024-06,12x,3\n",
    )
    .unwrap();
    let o = capscore(&["score", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(
        e.contains("m365_usage.csv") && e.contains("line 2") && e.contains("paid_units"),
        "{e}"
    );
    assert!(o.stdout.is_empty(), "nothing half-written");
}

#[test]
fn unknown_partner_or_area_exits_3() {
    let o = capscore(&["demo", "--partner", "NOPE"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("NOPE"));
    let o = capscore(&["demo", "--area", "modern_wrk"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("modern_work"));
    let o = capscore(&["demo", "--month", "2024-13"]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn invalid_catalog_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    std::fs::create_dir(dir.path().join("areas")).unwrap();
    for f in [
        "catalog.toml",
        "workloads.toml",
        "certifications.toml",
        "areas/modern_work.toml",
    ] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let o = capscore(&["--catalog", dir.path().to_str().unwrap(), "demo"]);
    assert!(
        o.status.success(),
        "a copy of the bundled catalog works: {}",
        stderr(&o)
    );
    let area = dir.path().join("areas/modern_work.toml");
    let text = std::fs::read_to_string(&area)
        .unwrap()
        .replace("target = 5 }", "target = -5 }");
    std::fs::write(&area, text).unwrap();
    let o = capscore(&["--catalog", dir.path().to_str().unwrap(), "demo"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("modern_work.toml"), "{}", stderr(&o));
}

#[test]
fn bad_command_line_exits_2() {
    assert_eq!(capscore(&["score"]).status.code(), Some(2));
    assert_eq!(
        capscore(&["demo", "--format", "xml"]).status.code(),
        Some(2)
    );
}
