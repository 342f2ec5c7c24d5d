//! `capscore simulate` and `capscore outlook` end to end on the sample dataset.

use std::path::{Path, PathBuf};

use crate::util::{capscore, ok};
use serde_json::Value;

fn sample() -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    p.display().to_string()
}

#[test]
fn simulate_prints_before_and_after_and_writes_a_dataset_that_scores_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Exchange\"\nfrom = \"2024-06\"\nadd_active_users = 10\n",
    )
    .unwrap();
    let out = dir.path().join("changed");
    let (data, sc, o) = (
        sample(),
        scenario.display().to_string(),
        out.display().to_string(),
    );
    let base = [
        "simulate",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--scenario",
        &sc,
    ];
    let text = ok(&capscore(&base));
    assert!(text.contains("Modern Work: 68.00 → 68.15 points"), "{text}");
    assert!(
        text.contains("  status: in progress → in progress; window not met"),
        "{text}"
    );
    assert!(
        text.contains("* Usage growth: 1,400 users → 1,410 users; 21.00 → 21.15 points"),
        "{text}"
    );
    let mut with_write = base.to_vec();
    with_write.extend(["--format", "json", "--write", &o]);
    let sim: Value = serde_json::from_str(&ok(&capscore(&with_write))).unwrap();
    assert_eq!(sim["areas"][0]["total_after"], 68.15);
    let status = &sim["status"]["designations"][0];
    assert_eq!(status["area"], "modern_work");
    assert_eq!(status["status_before"], "in_progress");
    assert_eq!(status["status_after"], "in_progress");
    assert_eq!(sim["status"]["date_after"], "2024-07-20");
    // The written dataset scores as the simulation said.
    let scored: Value = serde_json::from_str(&ok(&capscore(&[
        "score",
        "--data",
        &o,
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--month",
        "2024-06",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(scored["partners"][0]["areas"][0]["total"], 68.15);
}

#[test]
fn a_scenario_naming_an_unknown_workload_is_refused_with_line_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    std::fs::write(
        &scenario,
        "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Exchang\"\nfrom = \"2024-06\"\nadd_active_users = 10\n",
    )
    .unwrap();
    let sc = scenario.display().to_string();
    let o = capscore(&[
        "simulate",
        "--data",
        &sample(),
        "--partner",
        "P003",
        "--scenario",
        &sc,
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml line 3, column 12: unknown workload \"Exchang\""),
        "{err}"
    );
    assert!(err.contains("Exchange"), "{err}");
}

#[test]
fn outlook_names_the_expiring_certification() {
    let text = ok(&capscore(&[
        "outlook",
        "--data",
        &sample(),
        "--partner",
        "P004",
        "--area",
        "modern_work",
        "--month",
        "2024-02",
        "--months",
        "1",
    ]));
    assert!(
        text.contains("assumption: every usage series stays"),
        "{text}"
    );
    assert!(
        text.contains("Advanced certifications: 1 person → 0 people, 7.50 → 0.00 points; because Administrator Expert of person p-405 expired"),
        "{text}"
    );
}

#[test]
fn recommend_lists_simulated_actions_with_costs_and_risks() {
    let data = sample();
    let text = ok(&capscore(&[
        "recommend",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_work",
    ]));
    assert!(
        text.contains("Recommendations for P003 in 2024-06 (costs in hours, from costs.toml)"),
        "{text}"
    );
    assert!(
        text.contains("  1. Modern Work: +2.56 points → 70.56 (qualified), cost 2.00 hours"),
        "{text}"
    );
    assert!(
        text.contains("risks: points lost in the next 3 months"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&ok(&capscore(&[
        "recommend",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--format",
        "json",
        "--risk-months",
        "0",
    ])))
    .unwrap();
    let first = &json["actions"][0];
    assert_eq!(first["total_before"], 68);
    assert_eq!(first["total_after"], 70.56);
    assert_eq!(first["qualified_after"], true);
    assert_eq!(first["cost"], 2);
    assert_eq!(json["risks"].as_array().unwrap().len(), 0);
}

#[test]
fn plan_writes_a_scenario_that_simulate_scores_as_qualified() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.toml");
    let (data, o) = (sample(), out.display().to_string());
    let plan: Value = serde_json::from_str(&ok(&capscore(&[
        "plan",
        "--data",
        &data,
        "--partner",
        "P005",
        "--area",
        "modern_work",
        "--format",
        "json",
        "--scenario-out",
        &o,
    ])))
    .unwrap();
    assert_eq!(plan["qualified_after"], true);
    assert_eq!(plan["total_after"], 70.03);
    assert_eq!(plan["cost"], 100.5);
    assert!(plan.get("reason").is_none());
    let actions = plan["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    for a in actions {
        assert!(a["cost"].as_f64().unwrap() > 0.0);
        assert!(a["metric_points"].as_f64().unwrap() > 0.0);
    }
    let sim: Value = serde_json::from_str(&ok(&capscore(&[
        "simulate",
        "--data",
        &data,
        "--partner",
        "P005",
        "--area",
        "modern_work",
        "--scenario",
        &o,
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(sim["areas"][0]["total_after"], 70.03);
    assert_eq!(sim["areas"][0]["qualified_after"], true);
}

#[test]
fn plan_says_why_there_is_none_and_refuses_bad_costs() {
    let data = sample();
    let plan: Value = serde_json::from_str(&ok(&capscore(&[
        "plan",
        "--data",
        &data,
        "--partner",
        "P006",
        "--area",
        "modern_work",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(plan["qualified_after"], false);
    assert!(plan["actions"].as_array().unwrap().is_empty());
    assert!(
        plan["reason"].as_str().unwrap().contains("under 70"),
        "{plan}"
    );
    let dir = tempfile::tempdir().unwrap();
    let costs = dir.path().join("costs.toml");
    std::fs::write(
        &costs,
        "[[action]]\nid = \"active_users\"\nvalues = [{ cost = 1 }]\n",
    )
    .unwrap();
    let c = costs.display().to_string();
    let o = capscore(&[
        "plan",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_work",
        "--costs",
        &c,
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("costs.toml") && err.contains("line 2, column 6"),
        "{err}"
    );
    assert!(err.contains("unknown action"), "{err}");
    let o = capscore(&[
        "plan",
        "--data",
        &data,
        "--partner",
        "P003",
        "--area",
        "modern_wrk",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn what_if_commands_refuse_csv_as_a_usage_error() {
    let data = sample();
    for cmd in [
        &["simulate", "--scenario", "s.toml"][..],
        &["outlook"][..],
        &["recommend"][..],
        &["plan", "--area", "modern_work"][..],
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--data", &data, "--partner", "P003", "--format", "csv"]);
        let o = capscore(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("'csv'") && err.contains("table, json"),
            "{cmd:?}: {err}"
        );
        assert!(o.stdout.is_empty(), "{cmd:?}");
    }
}
