//! Datasets that load: the model built, CSV and Parquet alike, and the warnings.

use crate::common::*;
use arrow_schema::{DataType, TimeUnit};
use capscore_core::{
    AssocTypeId, CertId, Month, Num, PartnerIdx, TenantIdx, Vocabulary, WorkloadId, parse_date,
};
use capscore_data::{Market, ReferenceStatus, load_dir, load_files, rows_of};

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

#[test]
fn sample_csv_builds_the_model() {
    let files = sample();
    let loaded = accepted(&borrow(&files));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let ds = loaded.dataset;
    let v = vocab();

    // Partners numbered in id order, parent resolved, market parsed.
    assert_eq!(ds.partners.ids, ["P1", "P2", "P3"]);
    assert_eq!(ds.partners.names[1].as_deref(), Some("Fabrikam"));
    assert_eq!(ds.partners.parent, [None, Some(PartnerIdx(0)), None]);
    assert_eq!(
        ds.partners.market,
        [Market::Mature, Market::Emerging, Market::Mature]
    );
    assert_eq!(ds.partners.line, [3, 2, 4]);
    assert_eq!(ds.partners.find("P3"), Some(PartnerIdx(2)));
    assert_eq!(ds.partners.find("P4"), None);
    let unsorted = capscore_data::Partners {
        ids: vec!["P9".into(), "P1".into(), "P5".into()],
        ..Default::default()
    };
    assert_eq!(unsorted.find("P9"), Some(PartnerIdx(0)));
    assert_eq!(unsorted.find("P5"), Some(PartnerIdx(2)));

    // Tenants seen anywhere, numbered in name order.
    let tenants: Vec<&str> = (0..4).map(|i| ds.tenants.name(i)).collect();
    assert_eq!(tenants, ["T1", "T2", "T3", "T4"]);
    assert_eq!(
        ds.tenant_info.names.get(&TenantIdx(0)).map(String::as_str),
        Some("Tenant One")
    );
    assert_eq!(ds.tenant_info.countries.get(&TenantIdx(1)), None);

    // Associations sorted by (partner, tenant, start, ...), aliases resolved.
    let a = &ds.associations;
    let exchange = v.workload("Exchange");
    let teams = v.workload("Teams");
    assert!(exchange.is_some() && teams.is_some());
    assert_eq!(
        a.partner,
        [PartnerIdx(0), PartnerIdx(0), PartnerIdx(0), PartnerIdx(1)]
    );
    assert_eq!(
        a.tenant,
        [TenantIdx(0), TenantIdx(0), TenantIdx(1), TenantIdx(0)]
    );
    assert_eq!(a.kind[0], v.association_type("CPOR").expect("CPOR"));
    assert_eq!(a.kind[2], v.association_type("PAL").expect("PAL"));
    assert_eq!(a.kind[3], v.association_type("DPOR").expect("DPOR"));
    assert_eq!(a.workload[3], exchange, "EXO is Exchange");
    assert_eq!(a.workload[2], None);
    assert_eq!(
        a.subscription[2].map(|s| ds.subscriptions.name(s)),
        Some("sub-1")
    );
    assert_eq!(a.end[2], Some(parse_date("2023-03-01").expect("date")));
    assert_eq!(a.by_partner, [0..3, 3..4, 0..0]);
    assert_eq!(rows_of(&a.by_partner, 2), 0..0);

    // m365 sorted by (tenant, month, workload), indexed by tenant.
    let m = &ds.m365_usage;
    assert_eq!(
        m.tenant,
        [TenantIdx(0), TenantIdx(0), TenantIdx(0), TenantIdx(2)]
    );
    assert_eq!(m.month[0], month("2022-06"));
    assert_eq!(m.workload[0], exchange.expect("exchange"));
    assert_eq!(m.paid_units, [300, 500, 500, 20]);
    assert_eq!(m.active_users, [200, 400, 450, 10]);
    assert_eq!(m.by_tenant.len(), 4);
    assert_eq!(m.by_tenant, [0..3, 0..0, 3..4, 0..0]);
    assert_eq!(m.rows(TenantIdx(0), month("2023-06")), 1..3);
    assert_eq!(m.line, [4, 2, 3, 5]);

    // Azure: exact decimals, open service / offer names.
    let az = &ds.azure_usage;
    assert_eq!(
        az.month,
        [month("2023-06"), month("2023-06"), month("2023-07")]
    );
    assert_eq!(
        az.acr_usd,
        [Num::new(123_456, 100), Num::new(1, 4), Num::new(-21, 2)]
    );
    assert_eq!(az.subscription[2], None);
    assert_eq!(ds.services.name(az.service[1]), "Virtual Machines");
    assert_eq!(ds.offers.name(az.offer[2]), "Enterprise Agreement");
    assert_eq!(az.by_tenant, [0..0, 0..3, 0..0, 0..0]);

    // Business applications: empty revenue / units are 0.
    let bz = &ds.bizapps_usage;
    assert_eq!(bz.revenue_usd.len(), 2);
    let bc = v.workload("Business Central").expect("Business Central");
    let bc_row = bz.workload.iter().position(|w| *w == bc).expect("row");
    assert_eq!(bz.revenue_usd[bc_row], Num::new(30_010, 20));
    assert_eq!(bz.units[bc_row], Num::from_integer(12));
    assert_eq!(bz.revenue_usd[1 - bc_row], Num::from_integer(0));
    assert_eq!(bz.by_tenant, [0..0, 0..0, 0..0, 0..2]);

    // latest month over the usage tables.
    assert_eq!(ds.latest_month, Some(month("2023-07")));

    // Certifications: every title form resolves to the same certification.
    let c = &ds.certifications;
    let teams_admin = v.certification("Teams Administrator Associate");
    assert!(teams_admin.is_some());
    assert_eq!(c.cert, [teams_admin; 3]);
    assert_eq!(
        c.title[1],
        "Microsoft 365 Certified: Teams Administrator Associate"
    );
    assert_eq!(c.by_partner, [0..2, 0..0, 2..3]);
    let people: Vec<&str> = (0..3).map(|i| ds.people.name(i)).collect();
    assert_eq!(people, ["alice", "bob", "carol"]);
    assert_eq!(c.expires[1], None);

    // Exams, enrollments, references.
    assert_eq!(ds.exams.exam, ["MS-700", "70-346"]);
    assert_eq!(ds.exams.by_partner, [0..1, 0..0, 1..2]);
    let en = &ds.enrollments;
    assert_eq!(
        en.program,
        ["designation:modern_work", "competency:cloud_productivity"]
    );
    assert_eq!(en.level, [None, Some("gold".to_string())]);
    assert_eq!(en.benefits[0].as_deref(), Some("solutions_partner"));
    let cr = &ds.customer_references;
    assert_eq!(
        cr.status,
        [ReferenceStatus::Approved, ReferenceStatus::Pending]
    );
    assert_eq!(cr.tenant, [Some(TenantIdx(0)), None]);
    assert_eq!(
        cr.reviewed[0],
        Some(parse_date("2023-02-10").expect("date"))
    );
    assert_eq!(cr.by_partner, [0..2, 0..0, 0..0]);

    assert_eq!(ds.present.len(), 10);
    assert_eq!(ds.present[0], "partners");
}

#[test]
fn only_partners_is_enough_and_absent_tables_are_empty() {
    let loaded = accepted(&[("partners.csv", "partner_id\nP1\n")]);
    let ds = loaded.dataset;
    assert_eq!(ds.present, ["partners"]);
    assert!(ds.m365_usage.tenant.is_empty());
    assert_eq!(ds.latest_month, None);
    assert!(ds.tenants.is_empty());
}

#[test]
fn header_only_tables_load_with_full_length_indexes() {
    let loaded = accepted(&[
        ("partners.csv", PARTNERS),
        ("associations.csv", "partner_id,tenant_id,type,start_date\n"),
        (
            "m365_usage.csv",
            "tenant_id,workload,month,paid_units,active_users\n",
        ),
    ]);
    let ds = loaded.dataset;
    assert_eq!(ds.associations.by_partner, [0..0, 0..0, 0..0]);
    assert!(ds.m365_usage.by_tenant.is_empty());
    assert_eq!(ds.present, ["partners", "associations", "m365_usage"]);
}

#[test]
fn headers_are_matched_loosely_and_values_trimmed() {
    // BOM, upper case, spaces, column order, quotes, CRLF, blank values for optionals.
    let partners =
        "\u{feff}\"Market\" ,  PARTNER_ID ,Name\r\n mature , P1 ,\"Contoso, Ltd\"\r\n,P2,\r\n";
    let m365 = "Month,Workload,Tenant_Id,Active_Users,Paid_Units\n2023-01 , exo ,  T9 , 3 , 4.0 \n";
    let loaded = accepted(&[("partners.csv", partners), ("m365_usage.csv", m365)]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let ds = loaded.dataset;
    assert_eq!(ds.partners.ids, ["P1", "P2"]);
    assert_eq!(ds.partners.names, [Some("Contoso, Ltd".to_string()), None]);
    assert_eq!(ds.m365_usage.paid_units, [4]);
    assert_eq!(ds.m365_usage.active_users, [3]);
    assert_eq!(ds.tenants.name(0), "T9");
    assert_eq!(
        Some(ds.m365_usage.workload[0]),
        vocab().workload("Exchange")
    );
}

#[test]
fn load_dir_reads_csv_like_load_files() {
    let files = sample();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let from_dir = load_dir(dir.path(), vocab()).expect("loads");
    let from_memory = accepted(&borrow(&files));
    assert_eq!(
        render(&from_dir.dataset, true),
        render(&from_memory.dataset, true)
    );
}

/// A table name, its CSV text and the Parquet types of some of its columns.
type Typed = (&'static str, &'static str, Vec<(&'static str, DataType)>);

/// The sample as Parquet, with numbers, decimals, dates and timestamps typed.
fn sample_parquet() -> Vec<(String, Vec<u8>)> {
    let date = DataType::Date32;
    let ts = DataType::Timestamp(TimeUnit::Second, None);
    let typed: Vec<Typed> = vec![
        ("partners", PARTNERS, vec![]),
        ("tenants", TENANTS, vec![]),
        (
            "associations",
            ASSOCIATIONS,
            vec![("start_date", date.clone()), ("end_date", ts)],
        ),
        (
            "m365_usage",
            M365,
            vec![
                ("paid_units", DataType::Int64),
                ("active_users", DataType::Int32),
            ],
        ),
        (
            "azure_usage",
            AZURE,
            vec![("acr_usd", DataType::Decimal128(12, 2))],
        ),
        (
            "bizapps_usage",
            BIZAPPS,
            vec![
                ("month", date.clone()),
                ("revenue_usd", DataType::Float64),
                ("units", DataType::Int64),
            ],
        ),
        (
            "certifications",
            CERTIFICATIONS,
            vec![
                ("earned_date", date.clone()),
                ("expires_date", date.clone()),
            ],
        ),
        (
            "exams",
            EXAMS,
            vec![(
                "passed_date",
                DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            )],
        ),
        (
            "enrollments",
            ENROLLMENTS,
            vec![
                ("enrolled_date", date.clone()),
                ("anniversary_date", date.clone()),
            ],
        ),
        (
            "customer_references",
            REFERENCES,
            vec![("submitted_date", date.clone()), ("reviewed_date", date)],
        ),
    ];
    typed
        .into_iter()
        .map(|(t, csv, types)| (format!("{t}.parquet"), csv_to_parquet(csv, &types)))
        .collect()
}

#[test]
fn parquet_gives_the_same_model_as_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in sample_parquet() {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let parquet = match load_dir(dir.path(), vocab()) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    assert!(parquet.warnings.is_empty(), "{:?}", parquet.warnings);
    let csv = accepted(&borrow(&sample()));
    assert_eq!(render(&parquet.dataset, false), render(&csv.dataset, false));
    // Parquet rows count from the first data row, CSV lines from the header.
    let plus_one: Vec<u32> = parquet
        .dataset
        .m365_usage
        .line
        .iter()
        .map(|l| l + 1)
        .collect();
    assert_eq!(plus_one, csv.dataset.m365_usage.line);
    let plus_one: Vec<u32> = parquet
        .dataset
        .partners
        .line
        .iter()
        .map(|l| l + 1)
        .collect();
    assert_eq!(plus_one, csv.dataset.partners.line);
}

#[test]
fn parquet_in_memory_loads_too() {
    let files = sample_parquet();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let loaded = load_files(&refs, vocab()).expect("loads");
    assert_eq!(loaded.dataset.azure_usage.acr_usd.len(), 3);
    assert_eq!(loaded.dataset.latest_month, Some(month("2023-07")));
}

// ----- warnings -----

#[test]
fn active_users_above_paid_units_is_a_warning() {
    let m365 = "tenant_id,workload,month,paid_units,active_users\nT1,Teams,2023-01,10,12\n";
    let loaded = accepted(&[("partners.csv", PARTNERS), ("m365_usage.csv", m365)]);
    assert_eq!(loaded.warnings.len(), 1);
    let w = &loaded.warnings[0];
    assert_at(
        w,
        "m365_usage.csv",
        Some(2),
        Some("active_users"),
        "greater than paid_units",
    );
    assert_eq!(loaded.dataset.m365_usage.active_users, [12]);
}

#[test]
fn unknown_columns_are_warnings() {
    let loaded = accepted(&[("partners.csv", "partner_id,segment\nP1,SMB\n")]);
    assert_eq!(loaded.warnings.len(), 1);
    assert_at(
        &loaded.warnings[0],
        "partners.csv",
        Some(1),
        Some("segment"),
        "unknown column",
    );
}

#[test]
fn unknown_certification_title_is_a_warning_with_the_closest_title() {
    let certs = "partner_id,person_id,certification,earned_date\n\
P1,alice,Teams Administratr Associate,2023-01-01\n\
P1,bob,Teams Administratr Associate,2023-01-02\n";
    let loaded = accepted(&[("partners.csv", PARTNERS), ("certifications.csv", certs)]);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = &loaded.warnings[0];
    assert_at(
        w,
        "certifications.csv",
        Some(2),
        Some("certification"),
        "not eligible anywhere",
    );
    assert!(
        w.message
            .contains("closest catalog title: \"Teams Administrator Associate\""),
        "{w}"
    );
    assert!(w.message.contains("(2 rows)"), "{w}");
    assert_eq!(loaded.dataset.certifications.cert, [None, None]);
    assert_eq!(
        loaded.dataset.certifications.title[0],
        "Teams Administratr Associate"
    );
}

#[test]
fn other_files_are_ignored_with_a_warning() {
    let loaded = accepted(&[
        ("partners.csv", PARTNERS),
        ("data.json", "{}"),
        ("m365.csv", "x"),
    ]);
    assert_eq!(loaded.warnings.len(), 2);
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| w.message.starts_with("ignored"))
    );
    assert!(loaded.warnings.iter().any(|w| w.file == "data.json"));
    assert!(loaded.warnings[0].to_string().contains("not a table file"));
}

#[test]
fn documentation_files_are_ignored_quietly() {
    let loaded = accepted(&[
        ("partners.csv", PARTNERS),
        ("README.md", "# My data"),
        ("README", "x"),
        ("notes.txt", "hello"),
        ("CHANGES.MD", "x"),
    ]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn unexpected_level_is_a_warning() {
    let en = "partner_id,program,level,enrolled_date,anniversary_date\n\
P1,competency:cloud_productivity,platinum,2021-01-01,2022-01-01\n";
    let loaded = accepted(&[("partners.csv", PARTNERS), ("enrollments.csv", en)]);
    assert_eq!(loaded.warnings.len(), 1);
    assert_at(
        &loaded.warnings[0],
        "enrollments.csv",
        Some(2),
        Some("level"),
        "neither silver nor gold",
    );
}

#[test]
fn warnings_are_capped_per_table() {
    let mut m365 = String::from("tenant_id,workload,month,paid_units,active_users\n");
    for i in 0..150 {
        m365.push_str(&format!("T{i},Teams,2023-01,1,2\n"));
    }
    let loaded = accepted(&[("partners.csv", PARTNERS), ("m365_usage.csv", &m365)]);
    assert_eq!(loaded.warnings.len(), 101);
    let last = loaded.warnings.last().expect("summary");
    assert!(last.message.contains("50 more warnings"), "{last}");
    assert_eq!(loaded.dataset.m365_usage.paid_units.len(), 150);
}

/// A vocabulary that knows one certification that no area lists.
struct Unlisted;

impl Vocabulary for Unlisted {
    fn workload(&self, _: &str) -> Option<WorkloadId> {
        None
    }
    fn association_type(&self, _: &str) -> Option<AssocTypeId> {
        None
    }
    fn certification(&self, name: &str) -> Option<CertId> {
        name.eq_ignore_ascii_case("Old Cert").then_some(CertId(7))
    }
    fn certification_listed(&self, _: CertId) -> bool {
        false
    }
    fn suggest_workloads(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn suggest_association_types(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn suggest_certifications(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

#[test]
fn known_but_unlisted_certification_is_a_warning() {
    let certs = "partner_id,person_id,certification,earned_date\nP1,alice,old cert,2023-01-01\n";
    let files: &[(&str, &[u8])] = &[
        ("partners.csv", b"partner_id\nP1\n"),
        ("certifications.csv", certs.as_bytes()),
    ];
    let loaded = load_files(files, &Unlisted).expect("loads");
    assert_eq!(loaded.warnings.len(), 1);
    assert_at(
        &loaded.warnings[0],
        "certifications.csv",
        Some(2),
        Some("certification"),
        "no area lists it",
    );
    assert_eq!(loaded.dataset.certifications.cert, [Some(CertId(7))]);
}
