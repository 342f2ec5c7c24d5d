//! `capscore status` on the bundled sample (data/sample/README.md, "Membership standing").

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn status(args: &[&str]) -> Output {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    Command::new(env!("CARGO_BIN_EXE_capscore"))
        .args(["status", "--data", dir.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

fn json(date: &str) -> Value {
    let o = status(&["--date", date, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn partner<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["partner_id"] == id)
        .unwrap()
}

fn designation<'a>(v: &'a Value, id: &str, area: &str) -> &'a Value {
    partner(v, id)["designations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["area"] == area)
        .unwrap()
}

#[test]
fn every_status_shows_on_the_documented_dates() {
    let v = json("2024-07-25");
    assert_eq!(v["month"], "2024-06");
    let mut seen: Vec<String> = Vec::new();
    for p in v["partners"].as_array().unwrap() {
        for d in p["designations"].as_array().unwrap() {
            seen.push(d["status"].as_str().unwrap().to_string());
        }
    }
    for s in [
        "in_progress",
        "qualified",
        "enrolled",
        "enrolled_renewal_due",
    ] {
        assert!(seen.iter().any(|x| x == s), "{s} not shown");
    }
    assert_eq!(
        designation(&v, "P001", "business_applications")["status"],
        "enrolled_renewal_due"
    );
    assert_eq!(
        designation(&v, "P001", "modern_work")["enrolled_via"],
        "automatic"
    );
    assert_eq!(
        designation(&v, "P002", "infrastructure")["enrolled_via"],
        "automatic"
    );
    assert_eq!(designation(&v, "P003", "security")["status"], "qualified");
    assert_eq!(
        designation(&v, "P006", "modern_work")["status"],
        "in_progress"
    );
    // P007 holds all six: the Microsoft Cloud badge and the specialization cap.
    let p7 = partner(&v, "P007");
    assert!(
        p7["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "microsoft_cloud")
    );
    let spec = p7["benefits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["package"] == "modern_work_specialization")
        .unwrap();
    assert_eq!(spec["count"], 3);
    assert_eq!(p7["history"].as_array().unwrap().len(), 6);
}

#[test]
fn legacy_era_and_the_transition() {
    let v = json("2022-09-15");
    assert_eq!(v["month"], "2022-07");
    let level = |p: &str| partner(&v, p)["competency_requirements"][0]["level_met"].clone();
    assert_eq!(level("P002"), "gold");
    assert_eq!(level("P005"), "silver");
    assert!(
        partner(&v, "P002")["designations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let td = |p: &str| {
        partner(&v, p)["specializations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["specialization"] == "teamwork_deployment")
            .unwrap()
            .clone()
    };
    // m-12 = 2021-07 and most of the TTM precede the usage data: MAU growth and active
    // usage cannot be checked (they used to be computed as if usage before 2022 were
    // zero, and P002 was reported as meeting every requirement).
    assert_eq!(td("P002")["met"], false);
    assert_eq!(td("P004")["met"], false);
    for r in td("P002")["requirements"].as_array().unwrap() {
        let unchecked =
            ["mau_growth", "active_usage"].contains(&r["requirement"].as_str().unwrap());
        assert_eq!(r["checked"], !unchecked, "{r}");
        assert_eq!(r["met"], !unchecked, "{r}");
        if unchecked {
            let d = r["detail"].as_str().unwrap();
            assert!(d.contains("2021-") && d.contains("2022-01..2024-06"), "{d}");
        }
    }
    let after = json("2022-10-03");
    assert!(
        partner(&after, "P002")["competencies"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        partner(&after, "P002")["legacy_benefits"]["kept_until"],
        "2022-12-01"
    );
    assert_eq!(
        designation(&after, "P002", "modern_work")["status"],
        "enrolled"
    );
}

#[test]
fn table_explains_each_partner() {
    let o = status(&["--date", "2024-07-25", "--partner", "P007"]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.contains("Standing on 2024-07-25 (data month in force 2024-06"),
        "{t}"
    );
    assert!(
        t.contains("badges:") && t.contains("Solutions Partner for Microsoft Cloud"),
        "{t}"
    );
    assert!(
        t.contains("specialization Teamwork Deployment: 1 requirement not met"),
        "{t}"
    );
    assert!(t.contains("[no] new customers"), "{t}");
}

#[test]
fn bad_dates_exit_2_and_unknown_partners_3() {
    // A malformed date is a command-line error (exit 2), not rejected data.
    assert_eq!(status(&["--date", "2024-02-30"]).status.code(), Some(2));
    assert_eq!(
        status(&["--date", "2024-07-25", "--partner", "NOPE"])
            .status
            .code(),
        Some(3)
    );
}
