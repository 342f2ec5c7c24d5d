//! The import of the fixture folder `tests/fixtures/contoso` (every recognised
//! Partner Center format, in several variants: download and API column names, a BOM,
//! CRLF, quoted commas, US dates, a TSV and a semicolon file, files of unknown kinds)
//! gives the canonical tables derived by hand below; and the error and option paths.
//!
//! The fixture's story (global account 1000001 with locations 2000001, 2000002 and
//! 2000003; tenants T1..T11):
//! - T1 Exchange, CSP T1 through 2000001 all year (MAU 50 in 2023-06, 80 in 2024-06);
//!   also CSP T2 through 2000002 until 2023-11, on rows flagged `IsDuplicateRowForPGA`.
//! - T2 Teams, CSP T2 (indirect reseller) from 2023-12 (MAU 10 then, 40 in 2024-06).
//! - T3 `SharePoint`, CPOR claimed on 2024-02-10 (MAU 60 in 2024-02, 150 in 2024-06).
//! - T4 Exchange, CSP T1 until 2023-12 (20 seats, 15 active).
//! - T5 Exchange 500 seats (MAU 300 → 450) and, from EMS, Intune 400 seats (MAU
//!   50 → 100) and Azure AD Premium, all DPOR ("Partner of Record" / "DPOR").
//! - T7 Azure only (PAL and CSP), T8 an unknown attribution, T9 a CPOR claim that
//!   ended in 2023-09, T10 the partner's own consumption, T11 Dynamics 365 Sales.
//! - Trainings: Endpoint Administrator (under its former name), Teams Administrator
//!   (in both files), Fundamentals (e-mail only), Administrator Expert twice (once
//!   expired, once through the API's user id), an exam and an unknown title.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_import::{
    AssociationRow, AzureRow, BizAppsRow, CertificationRow, Conversion, DateOrder, ImportError,
    ImportOptions, M365Row, PartnerRow, TenantRow, convert, import_partner_center,
};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn catalog() -> Catalog {
    Catalog::embedded().unwrap()
}

/// The options the contoso fixtures need: its monthly files hold only first-of-month
/// slashed dates (`6/1/2023`), which read alike in both orders.
fn mdy() -> ImportOptions {
    ImportOptions {
        date_order: Some(DateOrder::Mdy),
        ..ImportOptions::default()
    }
}

fn contoso() -> Conversion {
    convert(&fixtures("contoso"), &catalog(), &mdy()).unwrap()
}

/// Tenant `n` of the fixture.
fn t(n: u32) -> String {
    format!("0a{n:06}-0000-4000-8000-{n:012}")
}

fn s(v: &str) -> String {
    v.to_string()
}

fn assoc(
    p: &str,
    tenant: u32,
    kind: &str,
    w: &str,
    sub: &str,
    start: &str,
    end: &str,
) -> AssociationRow {
    AssociationRow {
        partner_id: s(p),
        tenant_id: t(tenant),
        kind: s(kind),
        workload: s(w),
        subscription_id: s(sub),
        start_date: s(start),
        end_date: s(end),
    }
}

/// The same usage in every month `from ..= to`.
fn usage(tenant: u32, w: &str, from: &str, to: &str, paid: u64, active: u64) -> Vec<M365Row> {
    let (a, b): (Month, Month) = (from.parse().unwrap(), to.parse().unwrap());
    Month::range(a, b)
        .map(|m| M365Row {
            tenant_id: t(tenant),
            workload: s(w),
            month: m.to_string(),
            paid_units: paid,
            active_users: active,
        })
        .collect()
}

#[test]
fn partners_roll_locations_up_to_their_global_account() {
    let c = contoso();
    let p = |id: &str, name: &str, parent: &str| PartnerRow {
        partner_id: s(id),
        name: s(name),
        parent_id: s(parent),
    };
    assert_eq!(
        c.tables.partners,
        vec![
            p("1000001", "Contoso Global", ""),
            // The profile's name (with its quoted comma) beats the usage files' names.
            p("2000001", "Contoso US, Inc.", "1000001"),
            p("2000002", "Contoso UK", "1000001"),
            // Only in the API variant of the profile (PGAPartnerID).
            p("2000003", "Contoso DE", "1000001"),
        ]
    );
}

#[test]
fn tenants_take_names_and_countries_from_customers_and_tenants_first() {
    let c = contoso();
    let row = |n: u32, name: &str, country: &str| TenantRow {
        tenant_id: t(n),
        name: s(name),
        country: s(country),
    };
    assert_eq!(
        c.tables.tenants,
        vec![
            row(1, "Fabrikam, Inc.", "United States"),
            row(2, "Northwind Traders", "United Kingdom"),
            row(3, "Adatum", "United States"),
            row(4, "Litware", "Canada"),
            row(5, "Woodgrove Bank", "United States"),
            row(7, "Tailspin Toys", "United States"),
            row(8, "Proseware", ""),
            row(9, "Wide World Importers", "Australia"),
            row(10, "Contoso (internal)", ""),
            row(11, "Lamna Healthcare", "Spain"),
        ]
    );
}

#[test]
fn associations_are_rebuilt_from_claims_and_spells_of_presence() {
    let c = contoso();
    let expected = vec![
        // Business applications: the dataset names the global account only.
        assoc("1000001", 11, "CSP_T1", "Sales", "SUB-B1", "2024-05-01", ""),
        assoc("1000001", 11, "DPOR", "Sales", "SUB-B1", "2024-06-01", ""),
        // OfficeUsage in two files (download to 2023-11, API from 2023-12): one spell.
        assoc("2000001", 1, "CSP_T1", "Exchange", "", "2023-06-01", ""),
        // CPOR: exactly DateAssociated (2/10/2024 in the semicolon file).
        assoc("2000001", 3, "CPOR", "SharePoint", "", "2024-02-10", ""),
        // Absent from 2024-01, which OfficeUsage covers: ended with 2023-12.
        assoc(
            "2000001",
            4,
            "CSP_T1",
            "Exchange",
            "",
            "2023-06-01",
            "2023-12-31",
        ),
        // EMS covers 2023-06 and 2024-06 only: months with no EMS data at all do not
        // break the spell. EMS rows name a subscription.
        assoc(
            "2000001",
            5,
            "DPOR",
            "Azure Active Directory Premium",
            "SUB-E5",
            "2023-06-01",
            "",
        ),
        assoc("2000001", 5, "DPOR", "Exchange", "", "2023-06-01", ""),
        assoc("2000001", 5, "DPOR", "Intune", "SUB-E5", "2023-06-01", ""),
        // Azure: per subscription, no workload.
        assoc("2000001", 7, "PAL", "", "SUB-A1", "2024-05-01", ""),
        assoc(
            "2000001",
            7,
            "PAL",
            "",
            "SUB-A2",
            "2023-06-01",
            "2023-06-30",
        ),
        // The duplicate-flagged rows still show the attribution.
        assoc(
            "2000002",
            1,
            "CSP_T2",
            "Exchange",
            "",
            "2023-06-01",
            "2023-11-30",
        ),
        assoc("2000002", 2, "CSP_T2", "Teams", "", "2023-12-01", ""),
        assoc(
            "2000002",
            7,
            "CSP_T1",
            "",
            "SUB-A1",
            "2024-05-01",
            "2024-05-31",
        ),
        // A claim whose rows stop in 2023-09 while the CPOR data goes on to 2024.
        assoc(
            "2000002",
            9,
            "CPOR",
            "Teams",
            "",
            "2023-07-05",
            "2023-09-30",
        ),
    ];
    assert_eq!(c.tables.associations, expected);
}

#[test]
fn microsoft_365_usage_counts_each_tenant_workload_month_once() {
    let c = contoso();
    let mut expected = Vec::new();
    expected.extend(usage(1, "Exchange", "2023-06", "2023-06", 100, 50));
    expected.extend(usage(1, "Exchange", "2023-07", "2024-05", 100, 60));
    expected.extend(usage(1, "Exchange", "2024-06", "2024-06", 100, 80));
    expected.extend(usage(2, "Teams", "2023-12", "2023-12", 50, 10));
    expected.extend(usage(2, "Teams", "2024-01", "2024-05", 50, 20));
    expected.extend(usage(2, "Teams", "2024-06", "2024-06", 50, 40));
    expected.extend(usage(3, "SharePoint", "2024-02", "2024-02", 200, 60));
    expected.extend(usage(3, "SharePoint", "2024-03", "2024-05", 200, 100));
    expected.extend(usage(3, "SharePoint", "2024-06", "2024-06", 200, 150));
    expected.extend(usage(4, "Exchange", "2023-06", "2023-12", 20, 15));
    expected.extend(usage(
        5,
        "Azure Active Directory Premium",
        "2023-06",
        "2023-06",
        400,
        200,
    ));
    expected.extend(usage(
        5,
        "Azure Active Directory Premium",
        "2024-06",
        "2024-06",
        400,
        250,
    ));
    expected.extend(usage(5, "Exchange", "2023-06", "2023-06", 500, 300));
    expected.extend(usage(5, "Exchange", "2023-07", "2024-05", 500, 400));
    expected.extend(usage(5, "Exchange", "2024-06", "2024-06", 500, 450));
    // The free SKU row adds nothing.
    expected.extend(usage(5, "Intune", "2023-06", "2023-06", 400, 50));
    expected.extend(usage(5, "Intune", "2024-06", "2024-06", 400, 100));
    // An unknown attribution makes no association, but the usage is the tenant's.
    expected.extend(usage(8, "SharePoint", "2023-06", "2023-06", 40, 10));
    expected.extend(usage(9, "Teams", "2023-07", "2023-09", 30, 20));
    assert_eq!(c.tables.m365_usage, expected);
}

#[test]
fn azure_usage_honours_the_dedup_flag_and_one_file_per_month() {
    let c = contoso();
    let row = |sub: &str, service: &str, month: &str, acr: &str| AzureRow {
        tenant_id: t(7),
        subscription_id: s(sub),
        service: s(service),
        offer: s("Unknown"),
        month: s(month),
        acr_usd: s(acr),
    };
    assert_eq!(
        c.tables.azure_usage,
        vec![
            row("SUB-A1", "Storage", "2024-06", "99.75"),
            // "1,234.50" once: the CSP row of the same consumption is flagged 1.
            row("SUB-A1", "Virtual Machines", "2024-05", "1234.5"),
            // D2s v3 1000.25 + D4s v3 0.50, from the download; the API file's 2024-06
            // row (1000.75) is not added again.
            row("SUB-A1", "Virtual Machines", "2024-06", "1000.75"),
            row("SUB-A2", "Azure Firewall", "2023-06", "250.25"),
            // TotalACR 1.5E+01.
            row("SUB-A2", "Key Vault", "2023-06", "15"),
            // Partner-as-end-customer (T10) and the deal registration add nothing.
        ]
    );
}

#[test]
fn business_applications_merge_revenue_and_usage_files() {
    let c = contoso();
    let row = |month: &str, revenue: &str, units: &str| BizAppsRow {
        tenant_id: t(11),
        workload: s("Sales"),
        month: s(month),
        revenue_usd: s(revenue),
        units: s(units),
    };
    assert_eq!(
        c.tables.bizapps_usage,
        vec![
            // MAU empty: partner-attached MAU used.
            row("2024-05", "", "38"),
            // Revenue once though two attributions show it; the trial row is skipped.
            row("2024-06", "2500", "45"),
        ]
    );
}

#[test]
fn certifications_are_per_person_with_catalog_titles() {
    let c = contoso();
    let row = |p: &str, person: &str, cert: &str, earned: &str, expires: &str| CertificationRow {
        partner_id: s(p),
        person_id: s(person),
        certification: s(cert),
        earned_date: s(earned),
        expires_date: s(expires),
    };
    assert_eq!(
        c.tables.certifications,
        vec![
            row(
                "2000001",
                "10001",
                "Endpoint Administrator Associate",
                "2022-10-01",
                "2024-10-01"
            ),
            // In both files; the download's expiry completes the API's row.
            row(
                "2000001",
                "10002",
                "Teams Administrator Associate",
                "2023-03-01",
                "2025-03-01"
            ),
            row(
                "2000001",
                "10003",
                "Administrator Expert",
                "2023-01-15",
                "2024-01-15"
            ),
            row(
                "2000001",
                "10004",
                "Microsoft Certified: Quantum Widget Specialist",
                "2024-05-05",
                ""
            ),
            row(
                "2000002",
                "7c0f9d3a-1b2c-4d5e-8f90-a1b2c3d4e5f6",
                "Administrator Expert",
                "2024-02-01",
                ""
            ),
            row(
                "2000002",
                "gail@contoso.co.uk",
                "Microsoft 365 Fundamentals",
                "2023-11-20",
                ""
            ),
        ]
    );
}

#[test]
fn the_report_says_what_was_read_used_skipped_and_not_recognised() {
    let r = contoso().report;
    let file = |name: &str| r.files.iter().find(|f| f.file == name).unwrap();

    assert_eq!(r.files.len(), 19);
    let office = file("OfficeUsage_download.csv");
    assert_eq!(office.kind.as_deref(), Some("office_usage"));
    assert_eq!(
        (office.rows_read, office.rows_used, office.skipped()),
        (26, 19, 7)
    );
    assert_eq!(
        office.rows_skipped.get("workload not in the catalog"),
        Some(&1)
    );
    // Rows whose value is left out are skipped, with the reason.
    assert_eq!(
        office.rows_skipped.get(
            "value left out: counted on another row of the global account (IsDuplicateRowForPGA = 1)"
        ),
        Some(&6)
    );
    assert_eq!(
        office.date_order.as_deref(),
        Some("M/D/YYYY (as --date-order says)")
    );
    assert_eq!(
        office.columns.get("global_partner_id").map(String::as_str),
        Some("PGAPartnerID")
    );
    // Recognised by columns whatever the name; header spellings differ.
    let api = file("data-export-2024.csv");
    assert_eq!(api.kind.as_deref(), Some("office_usage"));
    assert_eq!(
        api.columns.get("partner_id").map(String::as_str),
        Some("MPNID")
    );
    assert_eq!(
        api.columns.get("tenant_id").map(String::as_str),
        Some("customerTenantID")
    );
    assert_eq!((api.rows_read, api.rows_used), (22, 22));
    let months = api.months.as_ref().unwrap();
    assert_eq!(
        (months.first.to_string(), months.last.to_string()),
        (s("2023-12"), s("2024-06"))
    );
    assert_eq!(file("report (3).csv").kind.as_deref(), Some("ems_usage"));
    assert_eq!(
        file("CPOR_M365_usage_2024_excel.csv").kind.as_deref(),
        Some("cpor_m365_usage")
    );
    assert_eq!(
        file("AzureUsage_system_query.tsv").kind.as_deref(),
        Some("azure_usage")
    );
    assert_eq!(
        file("AzureUsage_system_query.tsv").rows_skipped.get(
            "month 2024-06 is taken from AzureUsage_download.csv (one file per month for this kind)"
        ),
        Some(&1)
    );
    assert_eq!(
        file("TrainingCompletions_download.csv")
            .rows_skipped
            .keys()
            .next()
            .map(String::as_str),
        Some(
            "an exam, not a certification (capscore's certification metrics count certifications)"
        )
    );
    assert_eq!(
        file("EMSUsage_download.csv")
            .rows_skipped
            .get("free SKU (only paid seats count)"),
        Some(&1)
    );
    assert_eq!(
        file("BizApps_usage.csv")
            .rows_skipped
            .get("trial usage (only paid usage counts)"),
        Some(&1)
    );

    // Not imported, and not fatal.
    let teams = file("TeamsUsageMeetingsAndCalls.csv");
    assert_eq!(teams.status, "recognised, not imported");
    assert_eq!(teams.kind.as_deref(), Some("teams_usage"));
    for unknown in ["notes.txt", "regional_summary.csv"] {
        let f = file(unknown);
        assert_eq!(f.status, "not recognised");
        assert_eq!(f.kind, None);
        assert_eq!(f.rows_read, 0);
    }

    let unrec: Vec<(&str, &str, u64)> = r
        .unrecognised
        .iter()
        .map(|u| (u.what.as_str(), u.value.as_str(), u.rows))
        .collect();
    assert_eq!(
        unrec,
        vec![
            ("attribution", "Influencer", 1),
            ("attribution", "Reseller (legacy)", 1),
            (
                "certification title",
                "Microsoft Certified: Quantum Widget Specialist",
                1
            ),
            ("workload", "Azure Information Protection", 1),
            ("workload", "CE Bundle", 1),
            ("workload", "OneDrive for Business", 1),
        ]
    );
    let influencer = &r.unrecognised[0];
    assert_eq!(
        influencer.first_seen,
        "OfficeUsage_download.csv line 26, column \"PartnerAttributionType\""
    );

    let titles: Vec<(&str, &str, &str)> = r
        .certification_titles
        .iter()
        .map(|t| (t.title.as_str(), t.certification.as_str(), t.how.as_str()))
        .collect();
    assert_eq!(
        titles,
        vec![
            (
                "Microsoft 365 Certified: Enterprise Administrator Expert",
                "Administrator Expert",
                "renamed"
            ),
            (
                "Microsoft 365 Certified: Modern Desktop Administrator Associate",
                "Endpoint Administrator Associate",
                "renamed"
            ),
        ]
    );
    let m365 = &r.tables["m365_usage"];
    assert_eq!(m365.rows, 53);
    let span = m365.months.as_ref().unwrap();
    assert_eq!(
        (span.first.to_string(), span.last.to_string(), span.count),
        (s("2023-06"), s("2024-06"), 13)
    );
    assert!(span.missing.is_empty());
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("2024-06 is in several files; taken from AzureUsage_download.csv")),
        "{:?}",
        r.notes
    );
    // The text form names the same things.
    let text = r.to_string();
    assert!(text.contains("16 of 19 files imported"), "{text}");
    assert!(text.contains("attribution \"Influencer\""), "{text}");
}

#[test]
fn the_written_dataset_loads_and_scores_the_modern_work_points_derived_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dataset");
    let cat = catalog();
    import_partner_center(&fixtures("contoso"), &out, &cat, &mdy(), false).unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("import-report.json")).unwrap()).unwrap();
    assert_eq!(report["tables"]["associations"]["rows"], 14);

    let loaded = capscore_data::load_dir(&out, &cat).unwrap();
    // The unknown title is kept as written: the loader warns about it.
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("Quantum Widget Specialist")),
        "{:?}",
        loaded.warnings
    );
    let data = &loaded.dataset;
    assert_eq!(data.latest_month, Some("2024-06".parse().unwrap()));
    let req = capscore_engine::ScoreRequest {
        month: "2024-06".parse().unwrap(),
        partners: None,
        areas: Some(vec![s("modern_work")]),
    };
    let scores = capscore_engine::score(data, &cat, &req).unwrap();
    // One global account: its locations roll up into it.
    assert_eq!(scores.partners.len(), 1);
    let partner = &scores.partners[0];
    assert_eq!(partner.partner_id, "1000001");
    let area = &partner.areas[0];
    assert_eq!(area.area, "modern_work");

    let n = |v: i128| Num::from_integer(v);
    let points = |track: &str| -> BTreeMap<String, (Num, Num, Option<String>)> {
        let tr = area
            .tracks
            .iter()
            .find(|x| x.track.as_deref() == Some(track))
            .unwrap();
        tr.metrics
            .iter()
            .map(|m| (m.metric.clone(), (m.value, m.points, m.option.clone())))
            .collect()
    };

    // SMB track (m = 2024-06, m-12 = 2023-06), docs/rules.md §1:
    // - net customer adds (CPOR, CSP): at m T1, T2, T3; at m-12 T1, T4 → 1 → 20/10 = 2.
    // - intermediate: 10001 (Endpoint, former name), 10002 (Teams admin), Gail
    //   (Fundamentals) = 3 people ≥ 2 → 10.
    // - advanced: the API's Administrator Expert holder; 10003's expired 2024-01-15 → 1 → 15.
    // - usage growth: CPOR T3 150 − 60 (baseline at the claim month 2024-02) = 90 →
    //   30·90/500 = 5.4; CSP T1 80 − 50, T2 40 − 10 (claim month 2023-12), T4 −15 = 45 →
    //   30·45/2000 = 0.675. Best: CPOR 5.4.
    // - deployments: CPOR T3 deployed at m (75%), not at the claim month (30%) → 1 →
    //   25/5 = 5; CSP T1, T2 now vs T1, T4 at m-12 → 0. Best: CPOR 5.
    let smb = points("smb");
    assert_eq!(smb["net_customer_adds"], (n(1), n(2), None));
    assert_eq!(smb["intermediate_certifications"], (n(3), n(10), None));
    assert_eq!(smb["advanced_certifications"], (n(1), n(15), None));
    assert_eq!(
        smb["usage_growth"],
        (n(90), Num::new(27, 5), Some(s("CPOR")))
    );
    assert_eq!(smb["deployments"], (n(1), n(5), Some(s("CPOR"))));

    // Enterprise track (tenants with > 300 seats of a workload: T5 only):
    // - net customer adds (CPOR, DPOR): T5 at m and at m-12 → 0.
    // - intermediate 3 of 4 → 7.5; advanced 1 of 2 → 7.5.
    // - usage growth: DPOR T5 Exchange 450 − 300 + Intune 100 − 50 = 200 →
    //   30·200/4000 = 1.5.
    // - deployments: DPOR Exchange deployed at m and m-12, Intune (25%, 12.5%) at
    //   neither → 0.
    let ent = points("enterprise");
    assert_eq!(ent["net_customer_adds"], (n(0), n(0), None));
    assert_eq!(
        ent["intermediate_certifications"],
        (n(3), Num::new(15, 2), None)
    );
    assert_eq!(
        ent["advanced_certifications"],
        (n(1), Num::new(15, 2), None)
    );
    assert_eq!(
        ent["usage_growth"],
        (n(200), Num::new(3, 2), Some(s("DPOR")))
    );
    assert_eq!(ent["deployments"].0, n(0));
    assert_eq!(ent["deployments"].1, n(0));

    // SMB total 2 + 10 + 15 + 5.4 + 5 = 37.4 beats Enterprise 16.5; not qualified.
    assert_eq!(area.track.as_deref(), Some("smb"));
    assert_eq!(area.total, Num::new(187, 5));
    assert!(!area.qualified);
    let ent_total = area
        .tracks
        .iter()
        .find(|x| x.track.as_deref() == Some("enterprise"))
        .unwrap()
        .total;
    assert_eq!(ent_total, Num::new(33, 2));
}

#[test]
fn an_existing_dataset_is_kept_unless_forced_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dataset");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("partners.csv"), "partner_id\nOLD\n").unwrap();
    let cat = catalog();
    let opts = mdy();
    let err = import_partner_center(&fixtures("contoso"), &out, &cat, &opts, false).unwrap_err();
    assert!(matches!(err, ImportError::Output(_)), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("partners.csv")).unwrap(),
        "partner_id\nOLD\n"
    );

    // Bad input: the old dataset stays whole even with --force.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("office.csv"),
        "CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId\n\
         t1,Exchange,2024-13,10,5,P1\n",
    )
    .unwrap();
    assert!(matches!(
        import_partner_center(bad.path(), &out, &cat, &opts, true),
        Err(ImportError::Input { .. })
    ));
    assert_eq!(
        std::fs::read_to_string(out.join("partners.csv")).unwrap(),
        "partner_id\nOLD\n"
    );

    import_partner_center(&fixtures("contoso"), &out, &cat, &opts, true).unwrap();
    let partners = std::fs::read_to_string(out.join("partners.csv")).unwrap();
    assert!(
        partners.starts_with("partner_id,name,parent_id\n1000001,Contoso Global,\n"),
        "{partners}"
    );
    assert!(out.join("import-report.json").exists());
    // Only the dataset is left in the parent folder: no temporary folder.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![s("dataset")]);

    let same = import_partner_center(
        &fixtures("contoso"),
        &fixtures("contoso"),
        &cat,
        &opts,
        true,
    );
    assert!(matches!(same, Err(ImportError::Output(_))));
}

/// Writes files into a new temporary folder.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn problems(dir: &Path) -> Vec<String> {
    match convert(dir, &catalog(), &ImportOptions::default()) {
        Err(ImportError::Input { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected input problems, got {other:?}"),
    }
}

#[test]
fn bad_values_are_listed_with_file_line_and_column() {
    let dir = folder(&[
        (
            "usage.csv",
            b"CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId,PartnerAttributionType,IsDuplicateRowForPGA\n\
              t1,Exchange,2024-06,10,5,P1,CSP T1,0\n\
              t1,Teams,June,10,5,P1,CSP T1,0\n\
              t2,Exchange,2024-06,12.5,5,P1,CSP T1,0\n\
              t3,Exchange,2024-06,10,-1,P1,CSP T1,0\n\
              t4,Exchange,2024-06,10,5,P1,CSP T1,False?\n\
              t5,Exchange,2024-06\n\
              \"t6,Exchange,2024-06,10,5,P1,CSP T1,0\n",
        ),
        (
            "trainings.csv",
            b"TrainingTitle,TrainingCompletionDate,MpnId,Email\nTeams Administrator Associate,31/13/2023,P1,a@b.c\n",
        ),
    ]);
    assert_eq!(
        problems(dir.path()),
        vec![
            r#"trainings.csv line 2, column "TrainingCompletionDate": not a date: "31/13/2023" (expected YYYY-MM-DD or M/D/YYYY, optionally with a time)"#,
            r#"usage.csv line 3, column "Month": not a month: "June" (expected YYYY-MM, YYYYMM, a date, or a month name and year)"#,
            r#"usage.csv line 4, column "PaidAvailableUnits": not a whole number: "12.5""#,
            r#"usage.csv line 5, column "MonthlyActiveUsers": negative count: "-1" (units, seats and users cannot be negative)"#,
            r#"usage.csv line 6, column "IsDuplicateRowForPGA": a dedup flag must be 0 or 1, not "False?""#,
            "usage.csv line 7: the row has 3 fields, the header has 8",
            "usage.csv line 8: the row has 1 fields, the header has 8 (a quote that never closes?)",
        ]
    );
}

#[test]
fn text_that_is_not_utf8_is_located_and_utf16_is_refused() {
    let mut bytes = b"CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId,CustomerName\n\
        t1,Exchange,2024-06,10,5,P1,ok\nt2,Exchange,2024-06,10,5,P1,"
        .to_vec();
    bytes.extend([0xC3, 0x28, b'\n']);
    let dir = folder(&[("usage.csv", &bytes)]);
    assert_eq!(
        problems(dir.path()),
        vec![
            r#"usage.csv line 3, column "CustomerName": not valid UTF-8 text: byte 0xC3 at byte 1 of the value (save the file as UTF-8)"#
        ]
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a,b\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let dir = folder(&[("usage.csv", &utf16)]);
    assert_eq!(
        problems(dir.path()),
        vec!["usage.csv line 1: the file is UTF-16 encoded: save it as UTF-8 (CSV UTF-8 in Excel)"]
    );
}

#[test]
fn a_folder_without_partner_center_files_is_bad_input() {
    let dir = folder(&[("a.csv", b"x,y\n1,2\n"), ("empty.csv", b"")]);
    let p = problems(dir.path());
    assert_eq!(p.len(), 1);
    assert!(
        p[0].contains("no Partner Center file that capscore imports was found"),
        "{p:?}"
    );
    assert!(p[0].contains("empty.csv: the file is empty"), "{p:?}");
    let missing = dir.path().join("nope");
    assert_eq!(problems(&missing).len(), 1);
}

#[test]
fn duplicate_flags_decide_which_rows_count_and_disagreements_are_reported() {
    let header = "CustomerTenantId,WorkloadName,Month,PaidAvailableUnits,MonthlyActiveUsers,MPNId,PGAMpnID,PartnerAttributionType";
    // With the flag: the flagged row's (stale) numbers are ignored without comment.
    let flagged = format!(
        "{header},IsDuplicateRowForPGA\nt1,Exchange,2024-06,100,60,L1,G1,CSP T1,0\nt1,Exchange,2024-06,90,10,L2,G1,CSP T2,1\n"
    );
    let dir = folder(&[("u.csv", flagged.as_bytes())]);
    let c = convert(dir.path(), &catalog(), &ImportOptions::default()).unwrap();
    assert_eq!(
        (
            c.tables.m365_usage[0].paid_units,
            c.tables.m365_usage[0].active_users
        ),
        (100, 60)
    );
    assert!(
        !c.report.notes.iter().any(|n| n.contains("differ")),
        "{:?}",
        c.report.notes
    );
    assert_eq!(
        c.tables.associations.len(),
        2,
        "both attributions are associations"
    );
    // Without the flag: one row per attribution, kept once; a disagreement keeps the
    // largest value and is reported.
    let unflagged = format!(
        "{header}\nt1,Exchange,2024-06,100,60,L1,G1,CSP T1\nt1,Exchange,2024-06,90,70,L2,G1,CSP T2\n"
    );
    let dir = folder(&[("u.csv", unflagged.as_bytes())]);
    let c = convert(dir.path(), &catalog(), &ImportOptions::default()).unwrap();
    assert_eq!(c.tables.m365_usage.len(), 1);
    assert_eq!(
        (
            c.tables.m365_usage[0].paid_units,
            c.tables.m365_usage[0].active_users
        ),
        (100, 70)
    );
    assert!(
        c.report.notes.iter().any(|n| n.starts_with(
            "m365_usage: rows of one dataset that should agree (same tenant, workload, month) differ: 1 case(s)"
        )),
        "{:?}",
        c.report.notes
    );
}

#[test]
fn partner_global_id_keeps_one_global_account_and_adopts_accounts_without_one() {
    let dir = fixtures("two_globals");
    let cat = catalog();
    let all = convert(&dir, &cat, &ImportOptions::default()).unwrap();
    let ids: Vec<(&str, &str)> = all
        .tables
        .partners
        .iter()
        .map(|p| (p.partner_id.as_str(), p.parent_id.as_str()))
        .collect();
    // Without the option: two global accounts; 3000001 (CPOR file only) stands alone.
    assert_eq!(
        ids,
        vec![
            ("1000001", ""),
            ("2000001", "1000001"),
            ("3000001", ""),
            ("9000001", ""),
            ("9000002", "9000001")
        ]
    );
    assert_eq!(all.tables.m365_usage.len(), 3);

    let one = convert(
        &dir,
        &cat,
        &ImportOptions {
            partner_global_id: Some(s("1000001")),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    let ids: Vec<(&str, &str)> = one
        .tables
        .partners
        .iter()
        .map(|p| (p.partner_id.as_str(), p.parent_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("1000001", ""),
            ("2000001", "1000001"),
            ("3000001", "1000001")
        ]
    );
    let tenants: Vec<&str> = one
        .tables
        .m365_usage
        .iter()
        .map(|r| r.tenant_id.as_str())
        .collect();
    assert_eq!(tenants, vec!["tenant-a", "tenant-c"]);
    assert!(
        one.tables
            .associations
            .iter()
            .all(|a| a.partner_id != "9000002")
    );
    let office = one
        .report
        .files
        .iter()
        .find(|f| f.file == "office.csv")
        .unwrap();
    assert_eq!(
        office
            .rows_skipped
            .get("an account of global account 9000001, not of --partner-global-id 1000001"),
        Some(&1)
    );
    assert!(
        one.report
            .notes
            .iter()
            .any(|n| n.contains("counted as locations of 1000001: 3000001"))
    );
}
