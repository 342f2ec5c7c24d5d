//! The `capscore` binary end to end: the demo's outcomes, the JSON contract, output
//! formats and documented exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::capscore;
use serde_json::Value;

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

fn partner<'a>(v: &'a Value, partner: &str) -> &'a Value {
    v["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["partner_id"] == partner)
        .unwrap()
}

fn area_of<'a>(v: &'a Value, partner_id: &str, area: &str) -> &'a Value {
    partner(v, partner_id)["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == area)
        .unwrap()
}

/// Modern Work of a partner.
fn area<'a>(v: &'a Value, partner_id: &str) -> &'a Value {
    area_of(v, partner_id, "modern_work")
}

fn metric<'a>(area: &'a Value, id: &str) -> &'a Value {
    area["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == id)
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

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

/// The sample's scenarios for the other five areas (data/sample/README.md).
#[test]
fn demo_shows_every_area() {
    let v = demo_json();
    let areas: Vec<&str> = partner(&v, "P001")["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["area"].as_str().unwrap())
        .collect();
    assert_eq!(
        areas,
        [
            "modern_work",
            "security",
            "data_ai",
            "infrastructure",
            "digital_app_innovation",
            "business_applications"
        ]
    );
    let expect = [
        ("P002", "infrastructure", 80.0, true),
        ("P001", "business_applications", 88.5, true),
        ("P003", "security", 80.0, true),
        ("P004", "data_ai", 60.0, false),
        ("P005", "security", 56.0, false),
        ("P007", "business_applications", 87.57, true),
    ];
    for (p, a, total, qualified) in expect {
        let s = area_of(&v, p, a);
        assert_eq!(s["total"].as_f64().unwrap(), total, "{p} {a}");
        assert_eq!(s["qualified"], qualified, "{p} {a}");
    }
    // P004 is blocked by a certification prerequisite step.
    let int = metric(
        area_of(&v, "P004", "data_ai"),
        "intermediate_certifications",
    );
    assert_eq!(int["points"].as_f64().unwrap(), 0.0);
    assert!(
        int["notes"][0]
            .as_str()
            .unwrap()
            .contains("step 1 not met: 1 of 2"),
        "{int}"
    );
    // P003's Security adds both sources.
    let nca = metric(area_of(&v, "P003", "security"), "net_customer_adds");
    assert_eq!(nca["notes"][0], "Azure 5 + Microsoft 365 5");
    // Business Applications is classified, not best-of.
    assert_eq!(area_of(&v, "P001", "business_applications")["track"], "smb");
    assert_eq!(
        area_of(&v, "P007", "business_applications")["track"],
        "enterprise"
    );
    assert!(
        area_of(&v, "P007", "business_applications")["track_reason"]
            .as_str()
            .unwrap()
            .contains("pairs with revenue over $5,000")
    );
    // Only P007 qualifies in all six.
    for p in v["partners"].as_array().unwrap() {
        let expected: Vec<Value> = if p["partner_id"] == "P007" {
            vec!["microsoft_cloud".into()]
        } else {
            vec![]
        };
        assert_eq!(
            p["badges"].as_array().unwrap(),
            &expected,
            "{}",
            p["partner_id"]
        );
    }
}

#[test]
fn table_and_csv_outputs() {
    let o = capscore(&["demo", "--partner", "P003"]);
    assert!(o.status.success());
    let t = stdout(&o);
    let mw = t
        .lines()
        .find(|l| l.trim_start().starts_with("Modern Work"))
        .unwrap();
    assert!(
        mw.contains("SMB") && mw.contains("68.00") && mw.contains("not qualified: total under 70"),
        "{t}"
    );
    assert!(
        t.lines().any(|l| l.trim_start().starts_with("Security")
            && l.contains("80.00")
            && l.contains("QUALIFIED")),
        "{t}"
    );
    let o = capscore(&[
        "demo",
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--detail",
    ]);
    let t = stdout(&o);
    assert!(
        t.contains("68.00 points, not qualified") && t.contains("total 68.00 is under 70"),
        "{t}"
    );
    assert!(t.contains("CSP (CPOR: 24 users, 1.44 points)"), "{t}");
    let o = capscore(&["demo", "--partner", "P007"]);
    assert!(stdout(&o).contains("badge: Solutions Partner for Microsoft Cloud"));
    let o = capscore(&[
        "demo",
        "--format",
        "csv",
        "--partner",
        "P001",
        "--area",
        "modern_work",
    ]);
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
fn invalid_catalog_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"),
        dir.path(),
    );
    let o = capscore(&["--catalog", dir.path().to_str().unwrap(), "demo"]);
    assert!(
        o.status.success(),
        "a copy of the bundled catalog works: {}",
        stderr(&o)
    );
    let area = dir.path().join("areas/modern_work.toml");
    let original = std::fs::read_to_string(&area).unwrap();
    std::fs::write(&area, original.replace("target = 5 }", "target = -5 }")).unwrap();
    let o = capscore(&["--catalog", dir.path().to_str().unwrap(), "demo"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("modern_work.toml"), "{}", stderr(&o));
    std::fs::write(&area, original).unwrap();
    std::fs::remove_file(dir.path().join("areas/security.toml")).unwrap();
    let o = capscore(&["--catalog", dir.path().to_str().unwrap(), "demo"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("\"security\""), "{}", stderr(&o));
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
}

#[test]
fn bad_command_line_exits_2() {
    assert_eq!(capscore(&["score"]).status.code(), Some(2));
    assert_eq!(
        capscore(&["demo", "--format", "xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn catalog_command_shows_the_security_steps_in_force() {
    let before = stdout(&capscore(&["catalog", "--month", "2023-11"]));
    let after = stdout(&capscore(&["catalog", "--month", "2023-12"]));
    assert!(
        before.contains("step 1 (>= 1 people): Azure Security Engineer Associate"),
        "{before}"
    );
    assert!(
        after.contains("step 1 (>= 2 people): Azure Security Engineer Associate"),
        "{after}"
    );
    assert!(
        after.contains("MCV per unit: Business Central 1,000"),
        "{after}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    for format in ["json", "csv", "table"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_capscore"))
            .args(["demo", "--format", format, "--detail"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {err}");
        assert!(!err.contains("error"), "{format}: {err}");
    }
}
