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
