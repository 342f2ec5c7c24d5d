//! `capscore explain` and `capscore eligibility` end to end on the sample dataset.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::fractions::{add, frac};
use crate::util::{capscore, ok};

fn sample() -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    p.display().to_string()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(&capscore(args))).unwrap()
}

fn area<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["partners"][0]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == id)
        .unwrap()
}

fn track<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["track"] == id)
        .unwrap()
}

fn metric<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == id)
        .unwrap()
}

#[test]
fn p005_modern_work_growth_is_300_because_of_the_claim_baseline() {
    let data = sample();
    let v = json(&[
        "explain",
        "--data",
        &data,
        "--partner",
        "P005",
        "--area",
        "modern_work",
        "--metric",
        "usage_growth",
        "--format",
        "json",
    ]);
    let a = area(&v, "modern_work");
    let m = metric(track(a, "enterprise"), "usage_growth");
    assert_eq!(m["value"], 300);
    assert_eq!(m["value_exact"], "300");
    assert_eq!(m["option"], "CPOR");
    let o = &m["options"][0];
    assert_eq!(o["option"], "CPOR");
    let sum = o["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .fold((0, 1), |acc, c| add(acc, frac(&c["amount_exact"])));
    assert_eq!(sum, (300, 1));
    // Coverage that started inside the year is measured from its claim month.
    let baselines: i64 = o["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["months"].get("claim").is_some())
        .map(|c| {
            c["amounts"]["claim_baseline_mau"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert!(baselines > 0);
    let text = ok(&capscore(&[
        "explain",
        "--data",
        &data,
        "--partner",
        "P005",
        "--area",
        "modern_work",
        "--metric",
        "usage_growth",
        "--track",
        "enterprise",
    ]));
    assert!(text.contains("add up to 300; reported value 300"), "{text}");
    assert!(text.contains("claim_baseline_mau"), "{text}");
}

#[test]
fn p004_has_no_advanced_certification_points_and_explain_says_why() {
    let v = json(&[
        "explain",
        "--data",
        &sample(),
        "--partner",
        "P004",
        "--area",
        "modern_work",
        "--metric",
        "advanced_certifications",
        "--format",
        "json",
    ]);
    let m = metric(
        track(area(&v, "modern_work"), "enterprise"),
        "advanced_certifications",
    );
    assert_eq!(m["value"], 0);
    let o = &m["options"][0];
    assert!(o["option"].is_null());
    assert!(o["contributions"].as_array().unwrap().is_empty());
    let reasons: Vec<&str> = o["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"certification_expired"), "{reasons:?}");
    assert!(
        reasons.contains(&"certification_not_yet_earned"),
        "{reasons:?}"
    );
    let expired = o["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "certification_expired")
        .unwrap();
    assert_eq!(expired["certification"]["id"], "administrator_expert");
    assert_eq!(expired["sources"][0]["table"], "certifications");
}

#[test]
fn explain_reports_the_values_score_reports() {
    let data = sample();
    for p in ["P001", "P003", "P005"] {
        let s = json(&["score", "--data", &data, "--partner", p, "--format", "json"]);
        let e = json(&[
            "explain",
            "--data",
            &data,
            "--partner",
            p,
            "--format",
            "json",
        ]);
        for (sa, ea) in s["partners"][0]["areas"]
            .as_array()
            .unwrap()
            .iter()
            .zip(e["partners"][0]["areas"].as_array().unwrap())
        {
            assert_eq!(sa["area"], ea["area"]);
            let s_tracks: Vec<&Value> = match sa["tracks"].as_array() {
                Some(t) => t.iter().collect(),
                None => vec![sa],
            };
            for (st, et) in s_tracks.iter().zip(ea["tracks"].as_array().unwrap()) {
                for (sm, em) in st["metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(et["metrics"].as_array().unwrap())
                {
                    assert_eq!(sm["metric"], em["metric"]);
                    assert_eq!(
                        sm["value"], em["value"],
                        "{p} {} {}",
                        sa["area"], sm["metric"]
                    );
                    assert_eq!(sm["points"], em["points"]);
                    for o in em["options"].as_array().unwrap() {
                        let sum = o["contributions"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .fold((0, 1), |acc, c| add(acc, frac(&c["amount_exact"])));
                        assert_eq!(
                            sum,
                            frac(&o["value_exact"]),
                            "{p} {} {} {}",
                            sa["area"],
                            sm["metric"],
                            o["option"]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn p003_stops_at_68_in_the_smb_track() {
    let data = sample();
    let v = json(&[
        "explain",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--format",
        "json",
    ]);
    let a = area(&v, "modern_work");
    assert_eq!(a["track"], "smb");
    let t = track(a, "smb");
    assert_eq!(t["total"], 68.0);
    assert_eq!(metric(t, "deployments")["value"], 4);
    let reasons: Vec<&str> = metric(t, "deployments")["options"][0]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"deployed_before_claim"));
}

#[test]
fn the_table_shows_the_top_20_and_all_with_all() {
    let data = sample();
    let args = [
        "explain",
        "--data",
        data.as_str(),
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--track",
        "smb",
        "--metric",
        "usage_growth",
    ];
    let top = ok(&capscore(&args));
    assert!(top.contains("... 144 more"), "{top}");
    let mut all_args = args.to_vec();
    all_args.push("--all");
    let all = ok(&capscore(&all_args));
    assert!(!all.contains("... 144 more"));
    assert!(all.lines().count() > top.lines().count() + 144);
}

#[test]
fn csv_has_a_row_per_entry() {
    let data = sample();
    let base = [
        "explain",
        "--data",
        data.as_str(),
        "--partner",
        "P002",
        "--area",
        "security",
    ];
    let v = json(&[&base[..], &["--format", "json"]].concat());
    let mut entries = 0;
    for t in area(&v, "security")["tracks"].as_array().unwrap() {
        for m in t["metrics"].as_array().unwrap() {
            for o in m["options"].as_array().unwrap() {
                entries += o["contributions"].as_array().unwrap().len()
                    + o["excluded"].as_array().unwrap().len();
            }
        }
    }
    let csv = ok(&capscore(&[&base[..], &["--format", "csv"]].concat()));
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(r.headers().unwrap().get(9), Some("amount_exact"));
    assert_eq!(r.records().count(), entries);
}

#[test]
fn unknown_metric_and_unknown_tenant_are_refused() {
    let data = sample();
    let o = capscore(&[
        "explain",
        "--data",
        &data,
        "--partner",
        "P005",
        "--metric",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown metric \"nope\""));
    let o = capscore(&[
        "eligibility",
        "customers",
        "--data",
        &data,
        "--partner",
        "P005",
        "--tenant",
        "NOPE",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tenant \"NOPE\""));
    let o = capscore(&["explain", "--data", &data]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn customer_and_skilling_eligibility() {
    let data = sample();
    let v = json(&[
        "eligibility",
        "customers",
        "--data",
        &data,
        "--partner",
        "P005",
        "--tenant",
        "T0219",
        "--area",
        "modern_work",
        "--format",
        "json",
    ]);
    let t = &v[0]["tenants"][0];
    assert_eq!(t["tenant"], "T0219");
    assert!(
        t["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["metric"] == "usage_growth" && l["counts"] == true)
    );
    let text = ok(&capscore(&[
        "eligibility",
        "skilling",
        "--data",
        &data,
        "--partner",
        "P004",
        "--area",
        "modern_work",
    ]));
    assert!(text.contains("person p-405"), "{text}");
    assert!(text.contains("certification expired"), "{text}");
    let v = json(&[
        "eligibility",
        "skilling",
        "--data",
        &data,
        "--partner",
        "P004",
        "--format",
        "json",
    ]);
    assert_eq!(v[0]["expiry_warning_days"], "90");
    let csv = ok(&capscore(&[
        "eligibility",
        "skilling",
        "--data",
        &data,
        "--partner",
        "P004",
        "--format",
        "csv",
    ]));
    assert!(csv.starts_with("month,partner_id,person,certification"));
}

#[test]
fn months_the_data_cannot_answer_are_refused_and_the_default_is_covered() {
    let s = sample();
    for month in ["2030-01", "2022-03"] {
        for cmd in [
            &[
                "explain",
                "--data",
                &s,
                "--partner",
                "P002",
                "--month",
                month,
            ][..],
            &[
                "eligibility",
                "customers",
                "--data",
                &s,
                "--partner",
                "P002",
                "--month",
                month,
            ][..],
        ] {
            let o = capscore(cmd);
            assert_eq!(o.status.code(), Some(3), "{cmd:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("2023-12"), "names what can be scored: {err}");
        }
    }
    // `--month 2024-13` is a command-line error.
    let o = capscore(&[
        "explain",
        "--data",
        &s,
        "--partner",
        "P002",
        "--month",
        "2024-13",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Without --month: the latest month every usage table covers.
    let v = json(&[
        "explain",
        "--data",
        &s,
        "--partner",
        "P002",
        "--format",
        "json",
    ]);
    assert_eq!(v["month"], "2024-06");
}
