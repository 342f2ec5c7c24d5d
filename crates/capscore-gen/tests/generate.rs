//! Generated datasets: deterministic per seed, valid, scorable in every area for the
//! months they cover, and of the intended shape. Built through the real loader,
//! catalog and engine.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_engine::ScoreRequest;
use capscore_engine::coverage::score_checked;
use capscore_gen::{Format, GenOptions, Profile, Summary, Table, generate};

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

fn opts(partners: usize, tenants: u64, months: usize, seed: u64, format: Format) -> GenOptions {
    GenOptions {
        partners,
        tenants,
        months,
        end_month: "2024-06".parse().unwrap(),
        seed,
        format,
    }
}

fn gen_into(dir: &Path, o: &GenOptions) -> Summary {
    let profile = Profile::embedded().unwrap();
    generate(catalog(), &profile, o, dir, false, &|_, _| {}).unwrap()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    for format in [Format::Parquet, Format::Csv] {
        let o = opts(15, 400, 26, 7, format);
        let a = tmp.path().join(format!("a-{}", format.extension()));
        let b = tmp.path().join(format!("b-{}", format.extension()));
        let c = tmp.path().join(format!("c-{}", format.extension()));
        gen_into(&a, &o);
        gen_into(&b, &o);
        gen_into(
            &c,
            &GenOptions {
                seed: 8,
                ..o.clone()
            },
        );
        let (fa, fb, fc) = (files(&a), files(&b), files(&c));
        assert_eq!(fa.len(), 7, "{:?}", fa.keys());
        assert_eq!(fa, fb, "same seed, same bytes ({format:?})");
        assert_ne!(
            fa.get("m365_usage.csv").or(fa.get("m365_usage.parquet")),
            fc.get("m365_usage.csv").or(fc.get("m365_usage.parquet"))
        );
        // No temporary folder is left next to the output.
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn the_number_of_threads_does_not_change_the_bytes() {
    // Several chunks (5,000 tenants), made by one thread and by four.
    let tmp = tempfile::tempdir().unwrap();
    let o = opts(40, 5000, 25, 5, Format::Parquet);
    let one = tmp.path().join("one");
    let four = tmp.path().join("four");
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| gen_into(&one, &o));
    rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| gen_into(&four, &o));
    assert_eq!(files(&one), files(&four));
}

#[test]
fn refuses_an_output_folder_holding_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let profile = Profile::embedded().unwrap();
    let o = opts(3, 20, 26, 1, Format::Csv);
    let err = generate(catalog(), &profile, &o, tmp.path(), false, &|_, _| {}).unwrap_err();
    assert!(err.to_string().contains("already holds files"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
    // With force the folder is replaced whole.
    generate(catalog(), &profile, &o, tmp.path(), true, &|_, _| {}).unwrap();
    assert!(!tmp.path().join("keep.txt").exists());
    assert!(tmp.path().join("partners.csv").exists());
}

fn load(dir: &Path) -> Loaded {
    capscore_data::load_dir(dir, catalog()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generated_datasets_validate_and_score_every_area_for_their_last_month() {
    for (seed, format) in [(1, Format::Parquet), (2, Format::Csv), (3, Format::Parquet)] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("d");
        let s = gen_into(&dir, &opts(12, 300, 26, seed, format));
        let loaded = load(&dir);
        let d = &loaded.dataset;
        let end: Month = "2024-06".parse().unwrap();
        assert_eq!(d.coverage.default_month(), Some(end), "seed {seed}");
        assert_eq!(d.partners.len() as u64, s.rows[0].1);
        let scores = score_checked(
            d,
            catalog(),
            &ScoreRequest {
                month: end,
                partners: None,
                areas: None,
            },
            false,
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(!scores.partners.is_empty());
        for p in &scores.partners {
            assert_eq!(p.areas.len(), 6, "{}", p.partner_id);
        }
    }
}

/// Reads a generated CSV table as rows of fields (no field holds a comma here).
fn csv_rows(dir: &Path, table: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(format!("{table}.csv"))).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn shape_partners_per_tenant_life_of_associations_names_and_qualification() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    gen_into(&dir, &opts(60, 2500, 26, 11, Format::Csv));

    // Most tenants have one or two partners.
    let assoc = csv_rows(&dir, "associations");
    let mut partners_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &assoc {
        partners_of.entry(&r[1]).or_default().insert(&r[0]);
    }
    let one_or_two = partners_of.values().filter(|p| p.len() <= 2).count() as f64;
    let share = one_or_two / partners_of.len() as f64;
    assert!(
        share > 0.75 && share < 1.0,
        "share of tenants with 1-2 partners {share}"
    );
    // Associations end, and claims (a workload) and PAL (a subscription) exist.
    assert!(assoc.iter().any(|r| !r[6].is_empty()));
    assert!(assoc.iter().any(|r| !r[3].is_empty()));
    assert!(assoc.iter().any(|r| !r[4].is_empty()));
    // Location accounts.
    assert!(csv_rows(&dir, "partners").iter().any(|r| !r[2].is_empty()));
    // Azure rows under an offer the catalog excludes and of a service it excludes.
    let cat = catalog();
    let azure = csv_rows(&dir, "azure_usage");
    let excluded_offers: Vec<&String> = cat.areas.iter().flat_map(|a| &a.excluded_offers).collect();
    assert!(azure.iter().any(|r| excluded_offers.contains(&&r[3])));
    let excluded_services: Vec<&String> = cat
        .areas
        .iter()
        .flat_map(|a| &a.metrics)
        .flat_map(|m| &m.excluded_services)
        .collect();
    assert!(azure.iter().any(|r| excluded_services.contains(&&r[2])));
    // Certifications under a former name, and some expired.
    let certs = std::fs::read_to_string(dir.join("certifications.csv")).unwrap();
    let former: Vec<&str> = cat
        .certifications
        .iter()
        .flat_map(|c| &c.former_names)
        .map(|f| f.name.as_str())
        .collect();
    assert!(
        former.iter().any(|f| certs.contains(f)),
        "no former certification name"
    );
    // Tenants arrive and leave: some tenant's first month is not the first month.
    let m365 = csv_rows(&dir, "m365_usage");
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    let mut last: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &m365 {
        let f = first.entry(&r[0]).or_insert(&r[2]);
        if r[2].as_str() < *f {
            *f = &r[2];
        }
        let l = last.entry(&r[0]).or_insert(&r[2]);
        if r[2].as_str() > *l {
            *l = &r[2];
        }
    }
    assert!(first.values().any(|m| *m != "2022-05"));
    assert!(last.values().any(|m| *m != "2024-06"));

    // Every area has partners that qualify and partners that do not.
    let loaded = load(&dir);
    let end: Month = "2024-06".parse().unwrap();
    let scores = score_checked(
        &loaded.dataset,
        cat,
        &ScoreRequest {
            month: end,
            partners: None,
            areas: None,
        },
        false,
    )
    .unwrap();
    for area in [
        "modern_work",
        "security",
        "data_ai",
        "infrastructure",
        "digital_app_innovation",
        "business_applications",
    ] {
        let (yes, no): (Vec<bool>, Vec<bool>) = scores
            .partners
            .iter()
            .flat_map(|p| &p.areas)
            .filter(|a| a.area == area)
            .map(|a| a.qualified)
            .partition(|q| *q);
        assert!(
            !yes.is_empty() && !no.is_empty(),
            "{area}: {} qualify, {} do not",
            yes.len(),
            no.len()
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        /// Whatever the counts, months and seed, the loader accepts the dataset whole
        /// (every name resolves, no duplicate key, every partner referenced exists)
        /// and holds the rows the summary reports.
        #[test]
        fn any_generated_dataset_loads(
            partners in 1usize..8,
            tenants in 0u64..120,
            months in 2usize..30,
            seed in any::<u64>(),
            csv in any::<bool>(),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("d");
            let format = if csv { Format::Csv } else { Format::Parquet };
            let s = gen_into(&dir, &opts(partners, tenants, months, seed, format));
            let loaded = capscore_data::load_dir(&dir, catalog());
            prop_assert!(loaded.is_ok(), "{}", loaded.err().map(|e| e.to_string()).unwrap_or_default());
            let d = loaded.unwrap().dataset;
            let count = |t: Table| s.rows.iter().find(|(x, _)| *x == t).map_or(0, |r| r.1);
            prop_assert_eq!(d.partners.len() as u64, count(Table::Partners));
            prop_assert_eq!(d.m365_usage.tenant.len() as u64, count(Table::M365Usage));
            prop_assert_eq!(d.azure_usage.tenant.len() as u64, count(Table::AzureUsage));
            prop_assert_eq!(d.associations.partner.len() as u64, count(Table::Associations));
        }
    }
}
