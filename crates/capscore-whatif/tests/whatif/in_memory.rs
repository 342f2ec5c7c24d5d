//! Scenarios applied to the loaded dataset in memory give the dataset that editing the
//! tables as text and loading them again gives: the same rows (compared as the tables
//! they export), the same scores, the same refusals.

use std::path::PathBuf;

use capscore_catalog::Catalog;
use capscore_data::{Dataset, Loaded};
use capscore_whatif::recommend::Planner;
use capscore_whatif::scenario;
use capscore_whatif::simulate::{Base, score_partner};
use capscore_whatif::tables::Tables;
use proptest::prelude::*;

use crate::common::m;
use crate::recommend::arb_data;

fn text_path(base: &Base<'_>, text: &str) -> Result<Dataset, String> {
    let s = scenario::parse(text, "s.toml").map_err(|e| e.to_string())?;
    let applied = scenario::apply(
        &s,
        base.tables().map_err(|e| e.to_string())?,
        base.catalog,
        &base.partner,
        "s.toml",
        text,
    )
    .map_err(|e| e.to_string())?;
    applied
        .tables
        .load(base.catalog)
        .map(|l| l.dataset)
        .map_err(|e| e.to_string())
}

/// Every candidate of every area of `partner`, applied in memory and as text: the same
/// tables and scores. Returns how many were applied in memory.
fn same_both_ways(loaded: &Loaded, catalog: &Catalog, partner: &str) -> usize {
    let base = Base::new(loaded, catalog, partner, m("2024-06"), None).unwrap();
    let planner = Planner::new(&base, catalog.costs.clone()).unwrap();
    let mut in_memory = 0;
    for c in planner.candidates(3).unwrap() {
        let s = scenario::parse(&c.scenario, "s.toml").unwrap();
        let want = text_path(&base, &c.scenario);
        let Some((got, month)) = base.apply_in_memory(&s, "s.toml", &c.scenario) else {
            // Only a scenario the text path refuses is left to it.
            assert!(want.is_err(), "{}: not applied in memory", c.what);
            continue;
        };
        in_memory += 1;
        let want = want.unwrap();
        assert_eq!(
            Tables::from_dataset(&got, catalog).unwrap(),
            Tables::from_dataset(&want, catalog).unwrap(),
            "{}",
            c.what
        );
        let month = month.unwrap_or(base.month);
        let score = |d: &Dataset| {
            serde_json::to_value(score_partner(d, catalog, partner, month, None, false).unwrap())
                .unwrap()
        };
        assert_eq!(score(&got), score(&want), "{}", c.what);
        assert_eq!(got.coverage, want.coverage, "{}", c.what);
        assert_eq!(got.latest_month, want.latest_month, "{}", c.what);
    }
    in_memory
}

#[test]
fn the_sample_candidates_apply_in_memory_as_through_the_loader() {
    let catalog = Catalog::embedded().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    let loaded = capscore_data::load_dir(&dir, &catalog).unwrap();
    let mut n = 0;
    for p in ["P003", "P005"] {
        n += same_both_ways(&loaded, &catalog, p);
    }
    assert!(n > 10, "only {n} candidates applied in memory");
}

#[test]
fn refusals_are_those_of_the_tables() {
    let catalog = Catalog::embedded().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    let loaded = capscore_data::load_dir(&dir, &catalog).unwrap();
    let base = Base::new(&loaded, &catalog, "P005", m("2024-06"), None).unwrap();
    for text in [
        // An unknown tenant: the closest names come from the whole data.
        "[[change_usage]]\ntenant = \"T02199\"\nworkload = \"Teams\"\nfrom = \"2024-06\"\nadd_active_users = 1\n",
        // A customer already in the data.
        "[[add_customer]]\ntenant = \"T0219\"\n",
        // Usage falling under 0.
        "[[change_usage]]\ntenant = \"T0219\"\nworkload = \"SharePoint\"\nfrom = \"2024-06\"\nadd_active_users = -100000\n",
    ] {
        let s = scenario::parse(text, "s.toml").unwrap();
        let want = text_path(&base, text).unwrap_err();
        assert!(base.apply_in_memory(&s, "s.toml", text).is_none(), "{text}");
        let got = base.apply(&s, "s.toml", text).unwrap_err().to_string();
        assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Over random datasets: every candidate applies in memory as through the loader.
    #[test]
    fn candidates_apply_in_memory_as_through_the_loader(d in arb_data()) {
        let catalog = Catalog::embedded().unwrap();
        let files = d.files();
        let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
        let loaded = capscore_data::load_files(&refs, &catalog).unwrap();
        same_both_ways(&loaded, &catalog, "P1");
    }
}
