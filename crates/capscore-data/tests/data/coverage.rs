//! The months each usage table covers, as the loader works them out.

use crate::common::*;
use capscore_core::Month;
use capscore_data::{UsageTable, load_files};

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

const PARTNERS: &str = "partner_id\nP1\n";

#[test]
fn coverage_of_each_present_table_with_gaps_and_an_isolated_month() {
    let m365 = "tenant_id,workload,month,paid_units,active_users\n\
                T1,Exchange,2024-01,10,5\n\
                T1,Exchange,9999-12,10,5\n\
                T1,Exchange,2024-03,10,5\n\
                T2,Exchange,2024-04,10,5\n";
    let azure = "tenant_id,subscription_id,service,offer,month,acr_usd\n\
                 T1,,Backup,Azure Plan,2024-02,1\n\
                 T1,,Backup,Azure Plan,2024-03,1\n";
    let loaded = accepted(&[
        ("partners.csv", PARTNERS),
        ("m365_usage.csv", m365),
        ("azure_usage.csv", azure),
    ]);
    let cov = &loaded.dataset.coverage;
    let m = cov.table(UsageTable::M365Usage).expect("m365 present");
    assert_eq!(m.file, "m365_usage.csv");
    assert_eq!(m.span, Some((month("2024-01"), month("2024-04"))));
    assert_eq!(m.gaps, vec![month("2024-02")]);
    assert_eq!(m.isolated.len(), 1);
    assert_eq!(m.isolated[0].line, 3);
    assert!(cov.table(UsageTable::BizappsUsage).is_none());
    // Absent: no usage of that kind, any month.
    assert!(cov.covers(UsageTable::BizappsUsage, month("1999-01")));
    assert!(!cov.covers(UsageTable::M365Usage, month("2024-02")));
    assert!(!cov.covers(UsageTable::M365Usage, month("9999-12")));
    // The default month is covered by both tables: 2024-04 is past azure_usage,
    // 2024-02 a gap of m365_usage.
    assert_eq!(cov.default_month(), Some(month("2024-03")));
    assert_eq!(
        cov.describe(),
        "m365_usage 2024-01..2024-04 without 2024-02; azure_usage 2024-02..2024-03"
    );
    // The isolated month is a warning naming file, line and column.
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(
            "m365_usage.csv line 3, column \"month\": month 9999-12 (1 row) lies apart"
        ),
        "{w:?}"
    );
    // latest_month still reports the latest row of any table.
    assert_eq!(loaded.dataset.latest_month, Some(month("9999-12")));
}

#[test]
fn a_header_only_table_is_present_and_restricts_nothing() {
    let loaded = accepted(&[
        ("partners.csv", PARTNERS),
        (
            "bizapps_usage.csv",
            "tenant_id,workload,month,revenue_usd,units\n",
        ),
    ]);
    let cov = &loaded.dataset.coverage;
    let b = cov.table(UsageTable::BizappsUsage).expect("present");
    assert_eq!(b.span, None);
    assert!(cov.covers_all(month("2030-01")));
    assert_eq!(cov.default_month(), None);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn parquet_isolated_months_name_the_row() {
    let csv = "tenant_id,workload,month,paid_units,active_users\n\
               T1,Exchange,1901-01,10,5\n\
               T1,Exchange,2024-01,10,5\n\
               T1,Exchange,2024-02,10,5\n";
    let parquet = csv_to_parquet(csv, &[]);
    let files: Vec<(&str, &[u8])> = vec![
        ("partners.csv", PARTNERS.as_bytes()),
        ("m365_usage.parquet", &parquet),
    ];
    let loaded = load_files(&files, vocab()).expect("loads");
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.iter()
            .any(|x| x.starts_with("m365_usage.parquet row 1, column \"month\": month 1901-01")),
        "{w:?}"
    );
    assert_eq!(
        loaded.dataset.coverage.default_month(),
        Some(month("2024-02"))
    );
}
