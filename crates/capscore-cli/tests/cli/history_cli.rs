//! `capscore diff` and `capscore forecast` end to end on the sample dataset.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::fractions::{add, frac, sub};
use crate::util::{capscore, ok};

fn sample() -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    p.display().to_string()
}

#[test]
fn diff_of_p005_attributes_every_change() {
    let s = sample();
    let args = [
        "diff",
        "--data",
        &s,
        "--partner",
        "P005",
        "--from",
        "2023-12",
        "--to",
        "2024-06",
    ];
    let text = ok(&capscore(&args));
    assert!(text.contains("Changes from 2023-12 to 2024-06"), "{text}");
    assert!(
        text.contains(
            "Solutions Partner for Modern Work, Enterprise track: 40.47 → 64.00 points (+23.53)"
        ),
        "{text}"
    );
    assert!(
        text.contains("Net customer adds: 3 tenants → 5 tenants (+2)"),
        "{text}"
    );
    assert!(
        text.contains("appeared   Eagle Motors (T0221) (in 2023-12:"),
        "{text}"
    );
    assert!(
        text.contains("person p-502 · Endpoint Administrator Associate"),
        "{text}"
    );

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let v: Value = serde_json::from_str(&ok(&capscore(&json_args))).unwrap();
    let mut metrics = 0;
    for a in v["areas"].as_array().unwrap() {
        for t in a["tracks"].as_array().unwrap() {
            for m in t["metrics"].as_array().unwrap() {
                let sum = m["movers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .fold((0, 1), |acc, mv| add(acc, frac(&mv["change_exact"])));
                let change = frac(&m["change_exact"]);
                assert_eq!(sum, change, "{}", m["metric"]);
                assert_eq!(
                    change,
                    sub(frac(&m["value_to_exact"]), frac(&m["value_from_exact"]))
                );
                metrics += 1;
            }
        }
    }
    assert!(metrics >= 20, "{metrics}");

    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = ok(&capscore(&csv_args));
    assert!(csv.starts_with("partner_id,from,to,area,track,metric,"));
    assert!(csv.contains(",appeared,1,0,1,T0221,Eagle Motors,"), "{csv}");
}

#[test]
fn diff_refuses_a_month_the_data_cannot_answer() {
    let s = sample();
    let o = capscore(&[
        "diff",
        "--data",
        &s,
        "--partner",
        "P005",
        "--from",
        "2022-01",
        "--to",
        "2024-06",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot answer every metric asked for 2022-01"),
        "{err}"
    );
    assert!(err.contains("2023-12..2024-06"), "{err}");
    assert!(err.contains("--from and --to"), "{err}");
    let o = capscore(&[
        "diff",
        "--data",
        &s,
        "--partner",
        "P005",
        "--from",
        "2024-06",
        "--to",
        "2024-01",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let o = capscore(&[
        "diff",
        "--data",
        &s,
        "--partner",
        "P005",
        "--from",
        "2024-13",
        "--to",
        "2024-06",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn forecast_of_p005_is_a_projection_with_a_range() {
    let s = sample();
    let text = ok(&capscore(&["forecast", "--data", &s, "--partner", "P005"]));
    assert!(
        text.contains("a statistical projection, not a score"),
        "{text}"
    );
    // Each area is fitted on its own history: Security reads the previous TTM.
    assert!(
        text.contains("history: 18 months the data can answer, 2023-01..2024-06"),
        "{text}"
    );
    assert!(
        text.contains("history: 7 months the data can answer, 2023-12..2024-06"),
        "{text}"
    );
    assert!(
        text.contains("Solutions Partner for Modern Work: does not qualify in 2024-06"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&ok(&capscore(&[
        "forecast",
        "--data",
        &s,
        "--partner",
        "P005",
        "--area",
        "modern_work",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(v["kind"], "statistical projection");
    assert_eq!(v["months"].as_array().unwrap().len(), 6);
    assert_eq!(v["months"][0], "2024-07");
    let area = &v["areas"][0];
    assert_eq!(area["area"], "modern_work");
    for t in area["tracks"].as_array().unwrap() {
        for tm in t["months"].as_array().unwrap() {
            let (lo, c, hi) = (
                tm["total"]["low"].as_f64().unwrap(),
                tm["total"]["central"].as_f64().unwrap(),
                tm["total"]["high"].as_f64().unwrap(),
            );
            assert!(lo <= c && c <= hi, "{tm}");
        }
    }
    let csv = ok(&capscore(&[
        "forecast",
        "--data",
        &s,
        "--partner",
        "P005",
        "--months",
        "3",
        "--format",
        "csv",
    ]));
    assert!(csv.starts_with("partner_id,area,track,metric,month,value_low,"));
    assert!(csv.contains(",2024-09,"));
    assert!(!csv.contains(",2024-10,"));
}

#[test]
fn forecast_refuses_a_short_history() {
    // Microsoft 365 usage from 2023-04: Modern Work can be scored 2024-04..2024-06 only.
    let dir = tempfile::tempdir().unwrap();
    let mut usage = String::from("tenant_id,workload,month,paid_units,active_users\n");
    for month in 4..=18 {
        let (y, mo) = (2023 + (month - 1) / 12, (month - 1) % 12 + 1);
        usage.push_str(&format!("T1,Teams,{y}-{mo:02},10,5\n"));
    }
    for (name, text) in [
        (
            "partners.csv",
            "partner_id,name,parent_id\nP1,Partner One,\n".to_string(),
        ),
        (
            "associations.csv",
            "partner_id,tenant_id,type,workload,subscription_id,start_date,end_date\n".into(),
        ),
        ("m365_usage.csv", usage),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let d = dir.path().display().to_string();
    let o = capscore(&[
        "forecast",
        "--data",
        &d,
        "--partner",
        "P1",
        "--area",
        "modern_work",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a forecast needs at least 6 months"), "{err}");
    assert!(
        err.contains("the data answers 3: 2024-04, 2024-05, 2024-06"),
        "{err}"
    );
    let s = sample();
    let o = capscore(&["forecast", "--data", &s, "--partner", "P999"]);
    assert_eq!(o.status.code(), Some(3));
    let o = capscore(&[
        "forecast",
        "--data",
        &s,
        "--partner",
        "P005",
        "--area",
        "modern_work,nope",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
    let o = capscore(&[
        "forecast",
        "--data",
        &s,
        "--partner",
        "P005",
        "--months",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
