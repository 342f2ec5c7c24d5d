//! Simulate on the sample dataset: exports that load back to the same scores, scenario
//! edits scored by the engine, refusals naming line and closest names.

use std::path::PathBuf;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_data::Loaded;
use capscore_engine::{ScoreRequest, score};
use capscore_whatif::scenario;
use capscore_whatif::simulate::Base;
use capscore_whatif::tables::Tables;

fn sample(catalog: &Catalog) -> Loaded {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    capscore_data::load_dir(&dir, catalog).unwrap()
}

fn june() -> Month {
    "2024-06".parse().unwrap()
}

#[test]
fn exported_tables_load_back_to_the_same_scores() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let tables = Tables::from_dataset(&loaded.dataset, &catalog).unwrap();
    let again = tables.load(&catalog).unwrap();
    let req = ScoreRequest {
        month: june(),
        partners: None,
        areas: None,
    };
    let a = serde_json::to_value(score(&loaded.dataset, &catalog, &req).unwrap()).unwrap();
    let b = serde_json::to_value(score(&again.dataset, &catalog, &req).unwrap()).unwrap();
    assert_eq!(a, b);
    // And the export of the reloaded data is the same text.
    assert_eq!(
        Tables::from_dataset(&again.dataset, &catalog).unwrap(),
        tables
    );
}

fn simulate(partner: &str, text: &str) -> Result<capscore_whatif::simulate::Simulation, String> {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let base = Base::new(&loaded, &catalog, partner, june(), None).unwrap();
    let s = scenario::parse(text, "what.toml").map_err(|e| e.to_string())?;
    base.simulate(&s, "what.toml", text)
        .map(|(sim, _)| sim)
        .map_err(|e| e.to_string())
}

#[test]
fn an_empty_scenario_changes_nothing() {
    let sim = simulate("P003", "").unwrap();
    for a in &sim.areas {
        assert_eq!(a.total_before, a.total_after, "{}", a.area);
        assert_eq!(a.qualified_before, a.qualified_after);
    }
    let mw = sim.area("modern_work").unwrap();
    assert_eq!(mw.total_before, Num::from_integer(68));
}

#[test]
fn removing_the_only_advanced_certification_takes_its_points_and_qualification_reason() {
    // P003's one advanced certification (person p-303) gives its SMB track 15 points;
    // without it the metric has 0 points, under the minimum of 1.
    let text = "[[remove_certification]]\nperson = \"p-303\"\ncertification = \"Teams Meetings and Meeting Rooms Technical Assessment\"\n";
    let sim = simulate("P003", text).unwrap();
    let mw = sim.area("modern_work").unwrap();
    let smb = mw
        .tracks
        .iter()
        .find(|t| t.track.as_deref() == Some("smb"))
        .unwrap();
    assert_eq!(smb.total_before - smb.total_after, Num::from_integer(15));
    let adv = smb
        .metrics
        .iter()
        .find(|m| m.metric == "advanced_certifications")
        .unwrap();
    assert_eq!(adv.points_after, Num::from_integer(0));
}

#[test]
fn an_unknown_tenant_is_refused_with_line_column_and_closest_names() {
    let text = "\n[[change_usage]]\ntenant = \"T0173x\"\nworkload = \"Teams\"\nfrom = \"2024-03\"\nadd_active_users = 40\n";
    let err = simulate("P003", text).unwrap_err();
    assert!(
        err.starts_with("what.toml line 3, column 10: unknown tenant \"T0173x\""),
        "{err}"
    );
    assert!(err.contains("closest: T0173"), "{err}");
}

#[test]
fn an_unknown_workload_and_certification_are_refused_with_suggestions() {
    let text = "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Teems\"\nfrom = \"2024-03\"\nadd_active_users = 40\n";
    let err = simulate("P003", text).unwrap_err();
    assert!(
        err.starts_with("what.toml line 3, column 12: unknown workload \"Teems\""),
        "{err}"
    );
    assert!(err.contains("closest: Teams"), "{err}");
    let text = "[[add_certification]]\nperson = \"p-1\"\ncertification = \"Teams Administrator Asociate\"\nearned = \"2024-01-01\"\n";
    let err = simulate("P003", text).unwrap_err();
    assert!(
        err.starts_with("what.toml line 3, column 17: unknown certification"),
        "{err}"
    );
    assert!(err.contains("Teams Administrator Associate"), "{err}");
}

#[test]
fn an_unknown_field_is_refused_with_its_line() {
    let err = simulate(
        "P003",
        "[[add_association]]\ntenant = \"T0173\"\nkind = \"CPOR\"\n",
    )
    .unwrap_err();
    assert!(err.starts_with("what.toml line 3"), "{err}");
    assert!(err.contains("kind"), "{err}");
}

#[test]
fn more_active_users_raise_growth_exactly_as_the_engine_scores_the_edited_data() {
    let text = "[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Exchange\"\nfrom = \"2024-06\"\nadd_active_users = 10\nadd_paid_units = 10\n";
    let sim = simulate("P003", text).unwrap();
    let mw = sim.area("modern_work").unwrap();
    let smb = mw
        .tracks
        .iter()
        .find(|t| t.track.as_deref() == Some("smb"))
        .unwrap();
    let growth = smb
        .metrics
        .iter()
        .find(|m| m.metric == "usage_growth")
        .unwrap();
    assert_eq!(
        growth.value_after - growth.value_before,
        Num::from_integer(10)
    );
}

#[test]
fn moving_the_month_scores_the_new_month() {
    let sim = simulate("P003", "month = \"2024-05\"\n").unwrap();
    assert_eq!(sim.month_after.to_string(), "2024-05");
}

#[test]
fn the_written_dataset_is_a_valid_dataset() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let base = Base::new(&loaded, &catalog, "P005", june(), None).unwrap();
    let text = "[[add_customer]]\ntenant = \"T9001\"\nname = \"New Co\"\n\n[[add_association]]\ntenant = \"T9001\"\ntype = \"CPOR\"\nworkload = \"Teams\"\nstart = \"2024-01-01\"\n\n[[add_usage]]\ntenant = \"T9001\"\nworkload = \"Teams\"\nfrom = \"2023-01\"\npaid_units = 300\nactive_users = 250\n";
    let s = scenario::parse(text, "s.toml").unwrap();
    let (_, tables) = base.simulate(&s, "s.toml", text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("edited");
    tables.write_dir(&out, false).unwrap();
    let back = capscore_data::load_dir(&out, &catalog).unwrap();
    assert!(back.dataset.tenants.get("T9001").is_some());
}

#[test]
fn a_scenario_that_qualifies_changes_the_status_and_meets_the_window() {
    // P003's SMB track is at 68 in 2024-06; one more intermediate certification and 200
    // more Teams active users on T0173 bring it over 70.
    let text = "[[add_certification]]\nperson = \"p-new1\"\ncertification = \"Teams Administrator Associate\"\nearned = \"2024-06-01\"\n[[change_usage]]\ntenant = \"T0173\"\nworkload = \"Teams\"\nfrom = \"2024-06\"\nadd_active_users = 200\n";
    let sim = simulate("P003", text).unwrap();
    let mw = sim.area("modern_work").unwrap();
    assert!(!mw.qualified_before && mw.qualified_after);
    let st = sim.status.as_ref().unwrap();
    assert_eq!(st.refused, None);
    assert_eq!(st.date_after.unwrap().to_string(), "2024-07-20");
    let d = st
        .designations
        .iter()
        .find(|d| d.area == "modern_work")
        .unwrap();
    assert_eq!(
        (d.status_before, d.status_after),
        ("in_progress", "qualified")
    );
    assert!(d.qualifying_months_before.is_empty());
    assert_eq!(d.qualifying_months_after, vec![june()]);
    assert_eq!(
        d.describe(),
        "in progress → qualified; window met in 2024-06"
    );
    // An empty scenario changes no status.
    let same = simulate("P003", "").unwrap();
    for d in &same.status.unwrap().designations {
        assert_eq!(d.status_before, d.status_after, "{}", d.area);
        assert_eq!(d.qualifying_months_before, d.qualifying_months_after);
    }
}
