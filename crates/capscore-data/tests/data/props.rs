//! Properties: no input makes the loader panic, and row order does not matter.

use crate::common::*;
use capscore_data::load_files;
use proptest::prelude::*;

/// Splits a CSV text into its header line and data lines.
fn split(text: &str) -> (String, Vec<String>) {
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    (header, lines.collect())
}

/// The sample with the data rows of every table reordered by `orders`.
fn permuted(orders: &[Vec<usize>]) -> Vec<(&'static str, String)> {
    sample()
        .into_iter()
        .zip(orders)
        .map(|((name, text), order)| {
            let (header, rows) = split(&text);
            let mut out = header;
            out.push('\n');
            for &i in order {
                out.push_str(&rows[i % rows.len()]);
                out.push('\n');
            }
            (name, out)
        })
        .collect()
}

fn orders() -> impl Strategy<Value = Vec<Vec<usize>>> {
    let lens: Vec<usize> = sample().iter().map(|(_, t)| split(t).1.len()).collect();
    lens.into_iter()
        .map(|n| Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        .collect::<Vec<_>>()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn permuting_rows_gives_the_same_model(orders in orders()) {
        let base = accepted(&borrow(&sample()));
        let shuffled = accepted(&borrow(&permuted(&orders)));
        prop_assert_eq!(render(&shuffled.dataset, false), render(&base.dataset, false));
        prop_assert_eq!(shuffled.warnings.len(), base.warnings.len());
    }

    #[test]
    fn arbitrary_bytes_as_csv_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for table in ["partners.csv", "m365_usage.csv", "associations.csv", "certifications.csv"] {
            let mut files: Vec<(&str, &[u8])> = vec![(table, &bytes)];
            if table != "partners.csv" {
                files.push(("partners.csv", PARTNERS.as_bytes()));
            }
            match load_files(&files, vocab()) {
                Ok(l) => prop_assert!(l.dataset.partners.len() <= 256),
                Err(e) => {
                    prop_assert!(!e.problems.is_empty());
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }
    }

    #[test]
    fn csv_like_text_never_panics(
        text in "(partner_id|tenant_id|workload|month|paid_units|active_users|T1|Teams|2023-0[1-9]|-?[0-9]{1,3}|\"|,|\r?\n| |\u{feff}|é){0,60}"
    ) {
        let files: &[(&str, &[u8])] = &[("partners.csv", PARTNERS.as_bytes()), ("m365_usage.csv", text.as_bytes())];
        let outcome = load_files(files, vocab());
        if let Err(e) = outcome {
            prop_assert!(e.problems.iter().all(|d| d.file == "m365_usage.csv"), "{}", e);
        }
    }

    #[test]
    fn arbitrary_bytes_as_parquet_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let files: &[(&str, &[u8])] = &[("partners.csv", PARTNERS.as_bytes()), ("exams.parquet", &bytes)];
        prop_assert!(load_files(files, vocab()).is_err());
    }

    #[test]
    fn corrupted_parquet_never_panics(at in 0usize..4096, byte in any::<u8>()) {
        let mut pq = csv_to_parquet(EXAMS, &[]);
        let len = pq.len();
        if let Some(b) = pq.get_mut(at % len) {
            *b = byte;
        }
        let files: &[(&str, &[u8])] = &[("partners.csv", PARTNERS.as_bytes()), ("exams.parquet", &pq)];
        let _outcome = load_files(files, vocab());
    }
}
