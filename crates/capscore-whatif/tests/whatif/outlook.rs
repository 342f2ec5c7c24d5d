//! Outlook: the projected months are scored as the real months would be when the data
//! repeats the last month's values.

use std::path::PathBuf;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_whatif::outlook::{Cause, outlook};
use capscore_whatif::simulate::{Base, score_partner};
use capscore_whatif::tables::Tables;

fn sample(catalog: &Catalog) -> Loaded {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    capscore_data::load_dir(&dir, catalog).unwrap()
}

/// The sample's tables without usage after `last`.
fn until(tables: &Tables, last: Month) -> Tables {
    let mut t = tables.clone();
    for name in ["m365_usage", "azure_usage", "bizapps_usage"] {
        if let Some(tab) = t.tables.get_mut(name) {
            let c = tab.col("month").unwrap();
            tab.rows.retain(|r| r[c].parse::<Month>().unwrap() <= last);
        }
    }
    t
}

#[test]
fn outlook_of_next_month_equals_its_score_when_its_data_repeats_the_month_before() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let may: Month = "2024-05".parse().unwrap();
    let june: Month = "2024-06".parse().unwrap();
    let full = Tables::from_dataset(&loaded.dataset, &catalog).unwrap();
    let to_may = until(&full, may);
    // June made by hand: every May row again, dated June.
    let mut repeated = to_may.clone();
    for name in ["m365_usage", "azure_usage", "bizapps_usage"] {
        if let Some(tab) = repeated.tables.get_mut(name) {
            let c = tab.col("month").unwrap();
            let extra: Vec<Vec<String>> = tab
                .rows
                .iter()
                .filter(|r| r[c] == "2024-05")
                .map(|r| {
                    let mut r = r.clone();
                    r[c] = "2024-06".into();
                    r
                })
                .collect();
            tab.rows.extend(extra);
        }
    }
    let real = repeated.load(&catalog).unwrap();
    for partner in ["P001", "P003", "P004", "P005"] {
        let base_loaded = to_may.load(&catalog).unwrap();
        let base = Base::new(&base_loaded, &catalog, partner, may, None).unwrap();
        let o = outlook(&base, 1).unwrap();
        assert_eq!(o.months.len(), 2);
        assert!(o.months[1].projected);
        let want = score_partner(&real.dataset, &catalog, partner, june, None, false).unwrap();
        for (a, w) in o.months[1].areas.iter().zip(&want.areas) {
            assert_eq!(a.area, w.area);
            assert_eq!(a.total, w.total, "{partner} {}", a.area);
            assert_eq!(a.qualified, w.qualified);
        }
    }
}

#[test]
fn a_certification_that_expires_is_named_as_the_cause() {
    // P004's Administrator Expert expires on 2024-03-01: from February to March its
    // advanced certifications fall, and the outlook says why.
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let feb: Month = "2024-02".parse().unwrap();
    let base = Base::new(
        &loaded,
        &catalog,
        "P004",
        feb,
        Some(vec!["modern_work".into()]),
    )
    .unwrap();
    let o = outlook(&base, 1).unwrap();
    let march = &o.months[1];
    let adv = march
        .changes
        .iter()
        .find(|c| c.metric == "advanced_certifications")
        .expect("advanced certifications change in March");
    assert!(adv.points_after < adv.points_before);
    assert!(
        adv.causes
            .iter()
            .any(|c| matches!(c, Cause::CertificationExpired { person, .. } if person == "p-405")),
        "{:?}",
        adv.causes
    );
}
