//! The months a score reads (`coverage::months_read`) and the refusal of months the
//! data does not cover, on the sample dataset (usage 2022-01 ..= 2024-06).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use capscore_catalog::{AreaRules, Catalog};
use capscore_core::Month;
use capscore_data::{Dataset, UsageTable};
use capscore_engine::coverage::{months_read, score_checked};
use capscore_engine::{AreaScore, EngineError, ScoreRequest, score};
use proptest::prelude::*;

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// The sample's files, as (name, text).
fn sample_files() -> &'static Vec<(String, String)> {
    static F: OnceLock<Vec<(String, String)>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    })
}

fn load(files: &[(String, String)]) -> Dataset {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    capscore_data::load_files(&borrowed, catalog())
        .unwrap()
        .dataset
}

fn sample() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| load(sample_files()))
}

fn request(month: Month, areas: Option<Vec<String>>) -> ScoreRequest {
    ScoreRequest {
        month,
        partners: None,
        areas,
    }
}

/// Every (table, month) the metrics of `areas` read at `month`, and `month` itself.
fn reads_of(areas: &[&AreaRules], month: Month) -> BTreeMap<UsageTable, BTreeSet<Month>> {
    let mut out: BTreeMap<UsageTable, BTreeSet<Month>> = BTreeMap::new();
    for a in areas {
        for t in &a.tracks {
            for metric in &t.metrics {
                let r = months_read(a, t, metric, month);
                assert_eq!(r.month, month);
                for (table, months) in r.tables {
                    out.entry(table).or_default().extend(months);
                }
            }
        }
    }
    out
}

fn metric_reads(area: &str, metric: &str, month: &str) -> Vec<(UsageTable, Vec<Month>)> {
    let rules = catalog().at_month(m(month)).unwrap();
    let a = rules.area(area).unwrap();
    let t = &a.tracks[0];
    let x = t.metrics.iter().find(|x| x.id == metric).unwrap();
    months_read(a, t, x, m(month)).tables
}

fn span(from: &str, to: &str) -> Vec<Month> {
    Month::range(m(from), m(to)).collect()
}

#[test]
fn months_read_by_each_kind() {
    use UsageTable::{AzureUsage, BizappsUsage, M365Usage};
    let months = |v: &[&str]| v.iter().map(|s| m(s)).collect::<Vec<_>>();
    // Modern Work: the band at m and m-12; growth and deployments every month a claim
    // may start in, m-11 ..= m, and m-12.
    assert_eq!(
        metric_reads("modern_work", "net_customer_adds", "2024-06"),
        vec![(M365Usage, months(&["2023-06", "2024-06"]))]
    );
    for id in ["usage_growth", "deployments"] {
        assert_eq!(
            metric_reads("modern_work", id, "2024-06"),
            vec![(M365Usage, span("2023-06", "2024-06"))]
        );
    }
    assert_eq!(
        metric_reads("modern_work", "intermediate_certifications", "2024-06"),
        vec![]
    );
    // Security: the Azure source's TTM at m and at m-12 (from m-23).
    assert_eq!(
        metric_reads("security", "net_customer_adds", "2024-06"),
        vec![
            (M365Usage, months(&["2023-06", "2024-06"])),
            (AzureUsage, span("2022-07", "2024-06")),
        ]
    );
    assert_eq!(
        metric_reads("security", "usage_growth", "2024-06"),
        vec![
            (M365Usage, months(&["2023-06", "2024-06"])),
            (AzureUsage, months(&["2023-06", "2024-06"])),
        ]
    );
    // Azure: a month or the month before, at m and m-12; deployments the TTM.
    assert_eq!(
        metric_reads("data_ai", "net_customer_adds", "2024-06"),
        vec![(
            AzureUsage,
            months(&["2023-05", "2023-06", "2024-05", "2024-06"])
        )]
    );
    assert_eq!(
        metric_reads("infrastructure", "deployments", "2024-06"),
        vec![(AzureUsage, span("2023-07", "2024-06"))]
    );
    // Business Applications: m and m-12, which the classification reads for every
    // metric, certifications included.
    assert_eq!(
        metric_reads(
            "business_applications",
            "intermediate_certifications",
            "2024-06"
        ),
        vec![(BizappsUsage, months(&["2023-06", "2024-06"]))]
    );
}

/// Keeps only the usage rows of the months read; other tables untouched.
fn only_months_read(reads: &BTreeMap<UsageTable, BTreeSet<Month>>) -> Vec<(String, String)> {
    sample_files()
        .iter()
        .map(|(name, text)| {
            let table = UsageTable::ALL
                .into_iter()
                .find(|t| name == &format!("{}.csv", t.name()));
            let Some(table) = table else {
                return (name.clone(), text.clone());
            };
            let column = if table == UsageTable::AzureUsage {
                4
            } else {
                2
            };
            let keep = reads.get(&table);
            let mut out = String::new();
            for (i, line) in text.lines().enumerate() {
                let month = line
                    .split(',')
                    .nth(column)
                    .and_then(|x| x.parse::<Month>().ok());
                if i == 0 || month.is_some_and(|x| keep.is_some_and(|k| k.contains(&x))) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            (name.clone(), out)
        })
        .collect()
}

fn figures(a: &AreaScore) -> Vec<String> {
    let mut out = vec![format!(
        "{} {:?} {} {}",
        a.area, a.track, a.total, a.qualified
    )];
    for t in &a.tracks {
        out.push(format!("track {:?} {} {}", t.track, t.total, t.qualified));
    }
    for x in a
        .metrics
        .iter()
        .chain(a.tracks.iter().flat_map(|t| &t.metrics))
    {
        out.push(format!(
            "{} {} {} {:?} {:?} {:?}",
            x.metric,
            x.value,
            x.points,
            x.option,
            x.notes,
            x.options.iter().map(|o| o.value).collect::<Vec<_>>()
        ));
    }
    out
}

/// The months reported are all the months read: dropping every other usage row leaves
/// every figure of every partner as it was.
#[test]
fn rows_of_months_not_read_change_nothing() {
    for month in ["2023-12", "2024-03", "2024-06"] {
        let month = m(month);
        let rules = catalog().at_month(month).unwrap();
        for area in &rules.areas {
            let reads = reads_of(&[area], month);
            let only = load(&only_months_read(&reads));
            let req = request(month, Some(vec![area.id.clone()]));
            let full = score_checked(sample(), catalog(), &req, false).unwrap();
            let cut = score_checked(&only, catalog(), &req, false)
                .unwrap_or_else(|e| panic!("{} {month}: {e}", area.id));
            for (a, b) in full.partners.iter().zip(&cut.partners) {
                assert_eq!(
                    figures(&a.areas[0]),
                    figures(&b.areas[0]),
                    "{} {} {month}",
                    a.partner_id,
                    area.id
                );
            }
            // And a row fewer in a month read does change what the data covers.
            if let Some((table, months)) = reads.iter().next() {
                assert!(months.iter().all(|x| only.coverage.covers(*table, *x)));
            }
        }
    }
}

#[test]
fn score_marks_and_score_checked_refuses_or_marks() {
    let req = request(m("2022-03"), Some(vec!["modern_work".into()]));
    let e = score_checked(sample(), catalog(), &req, false).unwrap_err();
    let EngineError::NotCovered(gaps) = &e else {
        panic!("{e}")
    };
    assert_eq!(gaps.month, m("2022-03"));
    assert!(gaps.gaps.iter().all(|g| g.area == "modern_work"));
    let metrics: BTreeSet<&str> = gaps.gaps.iter().map(|g| g.metric.as_str()).collect();
    assert_eq!(
        metrics,
        BTreeSet::from(["net_customer_adds", "usage_growth", "deployments"])
    );
    assert_eq!(gaps.answerable.first(), Some(&m("2023-01")));
    assert_eq!(gaps.answerable.last(), Some(&m("2024-06")));
    let partial = score_checked(sample(), catalog(), &req, true).unwrap();
    let plain = score(sample(), catalog(), &req).unwrap();
    for (a, b) in partial.partners.iter().zip(&plain.partners) {
        assert_eq!(figures(&a.areas[0]), figures(&b.areas[0]));
        assert_eq!(
            a.areas[0].missing_months(),
            span("2021-03", "2021-12"),
            "{}",
            a.partner_id
        );
        let ug = a.areas[0]
            .metrics
            .iter()
            .find(|x| x.metric == "usage_growth")
            .unwrap();
        assert_eq!(
            ug.incomplete.as_ref().unwrap().missing_months,
            span("2021-03", "2021-12")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// For any month, scoring succeeds exactly when every month the engine reports as
    /// read (and the month itself) is inside what the sample holds, 2022-01 ..= 2024-06.
    #[test]
    fn scoring_succeeds_iff_every_month_read_is_covered(offset in 0i32..(18 * 12)) {
        let month = m("2015-01").offset(offset);
        let (lo, hi) = (m("2022-01"), m("2024-06"));
        let inside = |x: &Month| lo <= *x && *x <= hi;
        let expected = match catalog().at_month(month) {
            Ok(rules) => {
                let areas: Vec<&AreaRules> = rules.areas.iter().collect();
                inside(&month) && reads_of(&areas, month).values().flatten().all(inside)
            }
            Err(_) => false,
        };
        let got = score_checked(sample(), catalog(), &request(month, None), false);
        prop_assert_eq!(got.is_ok(), expected, "{}: {:?}", month, got.err().map(|e| e.to_string()));
        if let Ok(s) = got {
            prop_assert!(s.partners.iter().all(|p| p.areas.iter().all(|a| a.missing_months().is_empty())));
        }
    }
}

/// Months of 2021-01 ..= 2024-12 present in a table: each with a chance, and at least
/// one in every 10 so that no run is isolated (coverage = exactly the months present
/// within the span). `None`: the table has no rows.
fn table_months() -> impl Strategy<Value = Option<BTreeSet<Month>>> {
    (any::<bool>(), proptest::collection::vec(0u8..10, 48)).prop_map(|(rows, rolls)| {
        rows.then(|| {
            rolls
                .iter()
                .enumerate()
                .filter(|(i, r)| **r < 8 || i % 10 == 0)
                .map(|(i, _)| m("2021-01").offset(i32::try_from(i).unwrap()))
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With usage tables of random months (gaps included, or no rows at all), scoring
    /// succeeds exactly when every month reported as read is present in its table (a
    /// table without rows restricts nothing) and some table holds the month itself.
    #[test]
    fn scoring_succeeds_iff_reads_are_present(
        m365 in table_months(),
        azure in table_months(),
        biz in table_months(),
        offset in 0i32..54,
    ) {
        let month = m("2021-01").offset(offset);
        let mut d = crate::common::Data::new().assoc("T1", "CSP_T1", "", "2020-01-01", "");
        for x in m365.iter().flatten() {
            d = d.usage("T1", "Exchange", &x.to_string(), 50, 20);
        }
        for x in azure.iter().flatten() {
            d = d.acr("T1", "S1", "Storage", "Pay-As-You-Go", &x.to_string(), "100");
        }
        for x in biz.iter().flatten() {
            d = d.biz("T1", "Dynamics 365 Sales", &x.to_string(), "100", "1");
        }
        let data = d.load_with(catalog());
        let tables = [
            (UsageTable::M365Usage, &m365),
            (UsageTable::AzureUsage, &azure),
            (UsageTable::BizappsUsage, &biz),
        ];
        let present = |t: UsageTable, x: Month| {
            tables
                .iter()
                .find(|(u, _)| *u == t)
                .is_some_and(|(_, months)| months.as_ref().is_none_or(|ms| ms.contains(&x)))
        };
        let with_rows: Vec<&BTreeSet<Month>> = tables.iter().filter_map(|(_, x)| x.as_ref()).collect();
        let holds = with_rows.is_empty() || with_rows.iter().any(|ms| ms.contains(&month));
        let rules = catalog().at_month(month).unwrap();
        let areas: Vec<&AreaRules> = rules.areas.iter().collect();
        let reads = reads_of(&areas, month);
        let expected = holds
            && reads
                .iter()
                .all(|(t, months)| months.iter().all(|x| present(*t, *x)));
        let got = score_checked(&data, catalog(), &request(month, None), false);
        prop_assert_eq!(got.is_ok(), expected, "{}: {:?}", month, got.err().map(|e| e.to_string()));
        // Partial scores mark exactly the areas with a month missing.
        let partial = score_checked(&data, catalog(), &request(month, None), true).unwrap();
        let marked = partial.partners[0].areas.iter().any(|a| !a.missing_months().is_empty());
        prop_assert_eq!(marked, !expected);
    }
}

fn load_windowed(window: &capscore_data::UsageWindow) -> Dataset {
    let borrowed: Vec<(&str, &[u8])> = sample_files()
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    let options = capscore_data::LoadOptions {
        usage_window: Some(window.clone()),
    };
    capscore_data::load_files_with(&borrowed, catalog(), &options)
        .unwrap()
        .dataset
}

/// A load that keeps only the usage window of a request scores every partner of that
/// request as the full load does, with the same coverage; a request reading months it
/// did not keep is refused, never answered from the missing rows.
#[test]
fn a_load_windowed_for_a_request_scores_it_as_a_full_load() {
    for month in ["2023-12", "2024-06"] {
        let month = m(month);
        for areas in [None, Some(vec!["modern_work".to_string()])] {
            let window =
                capscore_engine::coverage::usage_window(catalog(), month, areas.as_deref())
                    .unwrap();
            let cut = load_windowed(&window);
            assert_eq!(cut.coverage, sample().coverage);
            assert_eq!(cut.latest_month, sample().latest_month);
            assert!(
                cut.m365_usage
                    .month
                    .iter()
                    .all(|x| window.keeps(UsageTable::M365Usage, *x))
            );
            assert!(cut.m365_usage.month.len() < sample().m365_usage.month.len());
            let req = request(month, areas.clone());
            let full = score_checked(sample(), catalog(), &req, false).unwrap();
            let got = score_checked(&cut, catalog(), &req, false).unwrap();
            assert_eq!(format!("{full:?}"), format!("{got:?}"), "{month} {areas:?}");
        }
    }
    let window = capscore_engine::coverage::usage_window(
        catalog(),
        m("2024-06"),
        Some(&["modern_work".to_string()]),
    )
    .unwrap();
    let cut = load_windowed(&window);
    let req = request(m("2024-06"), Some(vec!["infrastructure".into()]));
    let e = score_checked(&cut, catalog(), &req, false).unwrap_err();
    assert!(matches!(e, EngineError::NotLoaded { .. }), "{e}");
    let earlier = request(m("2024-03"), Some(vec!["modern_work".into()]));
    assert!(matches!(
        score_checked(&cut, catalog(), &earlier, false),
        Err(EngineError::NotLoaded { .. })
    ));
}
