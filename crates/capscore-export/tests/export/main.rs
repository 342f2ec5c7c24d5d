//! The batch outputs, built from the real loader, catalog and engine.

use std::path::Path;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_num};
use capscore_engine::{ScoreRequest, score};
use capscore_export::{cents, read_parquet, rows, write_jsonl, write_parquet};
use proptest::prelude::*;

fn sample_scores(month: &str) -> capscore_engine::Scores {
    let catalog = Catalog::embedded().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    let loaded = capscore_data::load_dir(&dir, &catalog).unwrap();
    let request = ScoreRequest {
        month: month.parse().unwrap(),
        partners: None,
        areas: None,
    };
    score(&loaded.dataset, &catalog, &request).unwrap()
}

#[test]
fn parquet_round_trips_every_row_rounded_to_hundredths() {
    let scores = sample_scores("2024-06");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.parquet");
    write_parquet(&scores, &path).unwrap();
    let back = read_parquet(&path).unwrap();
    let expected: Vec<_> = rows(&scores)
        .into_iter()
        .map(|mut r| {
            let h = |v: &Num| Num::new(cents(v), 100);
            r.value = h(&r.value);
            r.points = h(&r.points);
            r.track_total = h(&r.track_total);
            r
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(back, expected);
    // A second write replaces the file whole.
    let fewer = capscore_engine::Scores {
        partners: scores.partners[..1].to_vec(),
        ..scores.clone()
    };
    write_parquet(&fewer, &path).unwrap();
    assert_eq!(read_parquet(&path).unwrap().len(), rows(&fewer).len());
}

#[test]
fn jsonl_has_one_line_per_partner() {
    let scores = sample_scores("2024-06");
    let mut out = Vec::new();
    write_jsonl(&scores, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), scores.partners.len());
    for (line, p) in text.lines().zip(&scores.partners) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["partner_id"], p.partner_id.as_str());
    }
}

proptest! {
    /// The hundredths written are the digits every other output prints.
    #[test]
    fn cents_are_the_printed_digits(n in -1_000_000_i64..1_000_000, d in 1_i64..1000) {
        let v = Num::new(i128::from(n), i128::from(d));
        let c = cents(&v);
        let printed = format_num(&v, false);
        let sign = if c < 0 { "-" } else { "" };
        prop_assert_eq!(printed, format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100));
    }
}
