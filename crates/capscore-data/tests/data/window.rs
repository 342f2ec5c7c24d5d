//! Loads that keep only some usage months: every row of a table the window reads is
//! still checked and counted in the coverage, only the rows of the window are kept; a
//! usage table the window keeps no month of only has its months counted.

use capscore_core::Month;
use capscore_data::{LoadOptions, UsageTable, UsageWindow, load_files, load_files_with};

use crate::common::{sample, vocab};

fn m(s: &str) -> Month {
    s.parse().expect("month")
}

fn options(keep: &[(UsageTable, &str)]) -> LoadOptions {
    let mut w = UsageWindow::new();
    for (t, month) in keep {
        w.keep(*t, m(month));
    }
    LoadOptions {
        usage_window: Some(w),
    }
}

fn files<'a>(set: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a [u8])> {
    set.iter().map(|(n, t)| (*n, t.as_bytes())).collect()
}

#[test]
fn only_the_window_is_kept_and_the_coverage_is_the_full_loads() {
    let set = sample();
    let full = load_files(&files(&set), vocab()).expect("loads");
    let opts = options(&[(UsageTable::M365Usage, "2023-06")]);
    let cut = load_files_with(&files(&set), vocab(), &opts).expect("loads");
    let d = &cut.dataset;
    assert!(!d.m365_usage.month.is_empty());
    assert!(d.m365_usage.month.iter().all(|x| *x == m("2023-06")));
    assert!(d.m365_usage.month.len() < full.dataset.m365_usage.month.len());
    // Tables the window does not name keep nothing.
    assert!(d.azure_usage.month.is_empty() && d.bizapps_usage.month.is_empty());
    assert_eq!(d.coverage, full.dataset.coverage);
    assert_eq!(d.latest_month, full.dataset.latest_month);
    assert_eq!(cut.warnings, full.warnings);
    assert_eq!(d.usage_window, opts.usage_window);
    assert_eq!(full.dataset.usage_window, None);
}

#[test]
fn rows_outside_the_window_are_still_checked() {
    let mut set = sample();
    for (name, text) in &mut set {
        if *name == "m365_usage.csv" {
            text.push_str("T1,Teams,2022-06,5,9\nT1,Temas,2022-07,5,4\n");
        }
    }
    let opts = options(&[(UsageTable::M365Usage, "2023-06")]);
    let full = load_files(&files(&set), vocab()).expect_err("rejected");
    let cut = load_files_with(&files(&set), vocab(), &opts).expect_err("rejected");
    assert_eq!(cut.to_string(), full.to_string());
    assert!(cut.to_string().contains("Temas"), "{cut}");
}

#[test]
fn a_usage_table_the_window_keeps_no_month_of_is_not_checked_but_counted() {
    let clean = load_files(&files(&sample()), vocab()).expect("loads");
    let mut set = sample();
    for (name, text) in &mut set {
        if *name == "azure_usage.csv" {
            // An unknown column value would be a problem; so is a bad amount.
            text.push_str("T0001,,Backup,Azure Plan,2023-06,lots\n");
        }
    }
    let full = load_files(&files(&set), vocab()).expect_err("rejected");
    assert!(full.to_string().contains("lots"), "{full}");
    // A window reading azure_usage still rejects the row ...
    let reads = options(&[(UsageTable::AzureUsage, "2024-06")]);
    let cut = load_files_with(&files(&set), vocab(), &reads).expect_err("rejected");
    assert_eq!(cut.to_string(), full.to_string());
    // ... one that reads none of it loads, with the months of every table counted.
    let opts = options(&[(UsageTable::M365Usage, "2023-06")]);
    let cut = load_files_with(&files(&set), vocab(), &opts).expect("loads");
    assert!(cut.dataset.azure_usage.month.is_empty());
    assert_eq!(cut.dataset.coverage, clean.dataset.coverage);
    assert_eq!(cut.dataset.latest_month, clean.dataset.latest_month);
}
